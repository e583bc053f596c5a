"""Learning curve: would more labelled rows help? Scores at 10-100% of the rows, a fitted curve.

The curve comes from :func:`tlstudio.core.insight.learning_curve.learning_curve` (a quick
model), run in a worker on the file open on the Data page; the fine-tuned run's test score is
drawn beside it when the open run was trained on that file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tlstudio.core.evaluation import format as fmt
from tlstudio.gui import plots
from tlstudio.gui.audit_tab import QUICK_MODELS
from tlstudio.gui.empty_state import EmptyState
from tlstudio.gui.pages.base import ErrorBanner, label, named
from tlstudio.gui.state import AppState, same_file
from tlstudio.gui.workers import FunctionWorker, WorkerHost

NO_CURVE = ("No curve yet: press Measure the curve. A quick model is trained on 10, 25, 50 and "
            "100% of the rows of the file open on the Data page, and its scores, the curve fitted "
            "through them and the gain to expect per class appear here.")
NO_DATA = ("No curve yet: open a data file on the Data page, then press Measure the curve here. "
           "A quick model's scores on growing shares of its rows, the curve fitted through them "
           "and the gain to expect per class appear here.")


def curve_job(path: str, text_columns: list[str], label_column: str | None, embeddings: bool,
              run_dir: str | None) -> tuple[Any, float | None]:
    """The quick model's learning curve of ``path``, and the run's test accuracy if it used ``path``."""
    from tlstudio.core.insight.learning_curve import learning_curve
    from tlstudio.core.insight.rows import embedding_features, load_rows

    rows = load_rows(path, text_columns=text_columns or None, label_column=label_column)
    features = embedding_features(rows.texts) if embeddings else None
    return learning_curve(rows, features=features), fine_tuned_accuracy(run_dir, path)


def fine_tuned_accuracy(run_dir: str | None, path: str) -> float | None:
    """The run's test accuracy when it was trained on ``path`` and ships a fine-tuned model; else None."""
    if run_dir is None:
        return None
    from tlstudio.core.runs.store import RunFolder

    try:
        folder = RunFolder(run_dir)
        if not same_file(folder.data_file(), path) or folder.model_kind() == "tfidf":
            return None  # another file, or a kept TF-IDF model: no fine-tuned model to draw
        value = (folder.metrics().to_dict().get("model") or {}).get("accuracy")
    except Exception:  # noqa: BLE001 - an unreadable run just isn't drawn
        return None
    return float(value) if isinstance(value, (int, float)) else None


class CurveTab(QWidget):
    """Measure the curve on the open data file; show points, fitted curve, sentence, per class."""

    def __init__(self, state: AppState, host: WorkerHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._host = host
        self.curve: Any = None
        self.fine_tuned: float | None = None
        self._path: str | None = None  # the file the curve on screen comes from
        self._running = False
        self._build()
        state.data_changed.connect(self._on_state_data_changed)

    def _build(self) -> None:
        self.run_button = named(QPushButton("Measure the curve"), "curveRunButton",
                                "Measure the learning curve", "Train a quick model on 10, 25, 50 "
                                "and 100% of the rows and score each on the same held-out rows")
        self.run_button.setProperty("role", "primary")
        self.run_button.clicked.connect(self.run_curve)
        self.model_combo = named(QComboBox(), "curveModelCombo", "Quick model for the curve")
        for text, embeddings in QUICK_MODELS:
            self.model_combo.addItem(text, embeddings)
        self.banner = ErrorBanner()
        self.status = named(label("Would more labelled rows help? A quick model trained on "
                                  "growing shares of your rows shows how fast its score still "
                                  "rises.", "hint", wrap=True), "curveStatus", "Curve status")
        self.sentence = named(label("", "big", wrap=True), "curveSentence", "Would more data help")
        self.plot = plots.make_plot("curvePlot", "Accuracy by training rows", "training rows",
                                    "accuracy (%)")
        self.class_table = named(QTableWidget(), "curveClassTable", "Per-class gain")
        self.class_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.class_table.verticalHeader().setVisible(False)
        self.class_sentence = named(label("", wrap=True), "curveClassSentence",
                                    "Classes that need more examples")
        classes = QWidget()
        class_layout = QVBoxLayout(classes)
        class_layout.setContentsMargins(0, 0, 0, 0)
        class_layout.addWidget(label("Per class", "hint"))
        class_layout.addWidget(self.class_table, 1)
        class_layout.addWidget(self.class_sentence)
        split = QSplitter()
        split.addWidget(self.plot)
        split.addWidget(classes)
        split.setSizes([640, 420])
        self.result_area = EmptyState(split, NO_DATA, "curveEmpty")  # no bare axes before a curve
        top = QHBoxLayout()
        top.addWidget(self.run_button)
        top.addWidget(self.model_combo)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.status)
        layout.addWidget(self.sentence)
        layout.addWidget(self.result_area, 1)
        self.run_button.setEnabled(False)

    def run_curve(self) -> None:
        """Measure the curve of the file open on the Data page, in a worker."""
        report = self._state.report
        if report is None:
            return
        roles = report.roles
        path = str(report.loaded.path)
        embeddings = bool(self.model_combo.currentData())
        run_dir = None if self._state.run_dir is None else str(self._state.run_dir)
        self.banner.hide()
        self._running = True
        self.run_button.setEnabled(False)
        self.status.setText(f"Training the quick model on growing shares of {Path(path).name}"
                            + (" (computing sentence embeddings first)…" if embeddings else "…"))
        worker = FunctionWorker(curve_job, path, list(roles.text_columns),
                                roles.label_columns[0] if roles.label_columns else None,
                                embeddings, run_dir)
        worker.setProperty("path", path)
        worker.succeeded.connect(self._on_curve_succeeded)
        worker.failed.connect(self._on_curve_failed)
        self._host.start(worker, latest="learning-curve")

    def _current(self) -> bool:
        worker = self.sender()
        return self._host.is_current(worker) and same_file(worker.property("path"),
                                                           self._state.data_path)

    def _on_curve_succeeded(self, result: tuple[Any, float | None]) -> None:
        if not self._current():
            return
        self._running = False
        self.run_button.setEnabled(True)
        self.curve, self.fine_tuned = result
        self._path = str(self.sender().property("path"))
        curve = self.curve
        self.status.setText(f"Quick model: {curve.method}, scored on the same "
                            f"{curve.test_rows:,} held-out rows each time (bars: spread over "
                            "repeats).")
        self.sentence.setText(curve.sentence)
        self._draw()
        self._fill_classes()
        self.result_area.set_empty(False)

    def _on_curve_failed(self, message: str, details: str) -> None:
        if self._current():
            self._running = False
            self.run_button.setEnabled(True)
            self.status.setText("")
            self.banner.show_error(message, details)

    def _draw(self) -> None:
        curve, item = self.curve, self.plot.getPlotItem()
        item.clear()
        legend = item.legend or plots.add_legend(self.plot, (-10, -10))
        legend.clear()
        x = np.array([p.rows for p in curve.points], dtype=float)
        y = 100 * np.array([p.accuracy for p in curve.points])
        spread = 100 * np.array([p.spread for p in curve.points])
        line = np.linspace(x[0], 2 * x[-1], 80)
        fitted = curve.curve_at(line)
        if fitted is not None:
            item.addItem(pg.PlotDataItem(line, 100 * fitted, pen=plots.pen(0, 2, 160),
                                         name="fitted curve (past 100%: if doubled)"))
        item.addItem(pg.ErrorBarItem(x=x, y=y, height=2 * spread, beam=0, pen=plots.pen(0, 1)))
        item.addItem(pg.ScatterPlotItem(x, y, size=10, brush=pg.mkBrush(plots.PALETTE[0]),
                                        pen=None, name="quick model (10/25/50/100%)"))
        if self.fine_tuned is not None:
            item.addItem(pg.ScatterPlotItem([x[-1]], [100 * self.fine_tuned], size=16, symbol="star",
                                            brush=pg.mkBrush(plots.PALETTE[1]), pen=None,
                                            name=f"fine-tuned model, 100% ({fmt.percent(self.fine_tuned, 1)}, "
                                                 "its own test rows)"))
        item.setXRange(0, 2.05 * x[-1])
        values = np.concatenate([y - spread, y + spread]
                                + ([[100 * self.fine_tuned]] if self.fine_tuned is not None else []))
        low, high = float(values.min()), float(values.max())
        span = max(high - low, 1.0)
        item.setYRange(low - 0.6 * span, high + 0.1 * span)  # the legend sits in the band below

    def _fill_classes(self) -> None:
        curve, table = self.curve, self.class_table
        last = curve.points[-1].class_f1
        columns = ["Class", "F1 now", "If rows doubled"]
        table.clear()
        table.setColumnCount(len(columns))
        table.setHorizontalHeaderLabels(columns)
        table.setRowCount(len(curve.class_gain))
        for r, (name, gain) in enumerate(curve.class_gain.items()):
            for c, text in enumerate((name, f"{last.get(name, 0.0):.2f}", f"+{gain:.1f} points F1")):
                table.setItem(r, c, QTableWidgetItem(text))
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.class_sentence.setText(curve.class_sentence)

    def _on_state_data_changed(self) -> None:
        if self._path is not None and not same_file(self._path, self._state.data_path):
            self.curve, self.fine_tuned, self._path = None, None, None
            self.plot.getPlotItem().clear()
            self.class_table.clear()
            self.class_table.setRowCount(0)
            self.sentence.setText("")
            self.class_sentence.setText("")
            self.status.setText("Another file is open: measure its curve.")
            self._running = False  # a job on the previous file is dropped when it ends
        if self.curve is None:
            self.result_area.message.setText(NO_CURVE if self._state.has_data else NO_DATA)
            self.result_area.set_empty(True)
        self.run_button.setEnabled(self._state.has_data and not self._running)
