"""Evaluate page: the model beside the baselines, confusion matrix, per-class, mistakes, export.

What it shows is the run's test split or another labelled file (see :mod:`evaluate_other`).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QListWidget,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tlstudio.gui import evaluate_tables as tables
from tlstudio.gui import plots
from tlstudio.gui.explain_panel import ExplainPanel
from tlstudio.gui.export_panel import ExportPanel
from tlstudio.gui.pages.base import Page, label, named
from tlstudio.gui.pages.evaluate_other import (
    EvaluateFileWorker,
    FileResult,
    SourceBar,
    describe_source,
    file_result,
)
from tlstudio.gui.readable_cells import ReadableCellDelegate
from tlstudio.gui.state import AppState
from tlstudio.gui.turns import Turns
from tlstudio.gui.verdict_panel import VerdictPanel
from tlstudio.gui.when_shown import WhenShown
from tlstudio.gui.workers import FunctionWorker, WorkerHost

KEPT_NAMES = {"keep_tfidf": "TF-IDF", "keep_embeddings": "embeddings"}  # advice that keeps a baseline


class EvaluatePage(Page):
    """How good is the model, compared with what a simple method gets?"""

    advice_chosen = Signal(str)  # a verdict's one-click fix (e.g. "class_weights"): the Train page applies it

    def __init__(self, state: AppState, host: WorkerHost, parent: QWidget | None = None) -> None:
        super().__init__("Evaluate", "Scores on rows the model never saw (the run's test split, "
                         "or a labelled file of yours), beside simple baselines. Click a "
                         "confusion-matrix cell to see its rows.", parent)
        self._state = state
        self._host = host
        self._metrics: dict[str, Any] = {}
        self._predictions: list[dict[str, str]] = []
        self._test_split: tuple[dict[str, Any], list[dict[str, str]]] = ({}, [])
        self._shown: FileResult | None = None  # None: the test split
        self._evaluating: tuple[Path, str] | None = None  # (run, file) being evaluated
        self._loading: Path | None = None  # the run whose test report is being read
        self._keeping = "keep_embeddings"  # the keep advice last clicked
        self._filling = Turns(self)
        self._build()
        self._reloading = WhenShown(self, self.reload)  # hidden as a run ends: read when shown
        state.run_changed.connect(self._reloading.request)

    def _build(self) -> None:
        self.open_folder_button = named(QPushButton("Open run folder"), "openRunFolderButton")
        self.copy_command_button = named(QPushButton("Copy as command"), "copyCommandButton",
                                         tooltip="Copy the 'tlstudio train …' line that trains "
                                         "this run again into a new folder, without the window "
                                         "(e.g. on a bigger machine)")
        for button in (self.open_folder_button, self.copy_command_button):
            self.header_actions.addWidget(button)
            button.setEnabled(False)
        self.open_folder_button.clicked.connect(self._on_open_folder_clicked)
        self.copy_command_button.clicked.connect(self.copy_command)

        self.run_label = named(label("", "hint", wrap=True), "evaluateRunLabel", "Run")
        self.headline = label("", "big", wrap=True)
        self.sources = SourceBar()
        self.sources.file_chosen.connect(self.evaluate_file)
        self.sources.source_changed.connect(self._on_source_changed)
        self.sources.button.setEnabled(False)
        self.body.addWidget(self.run_label)
        self.body.addWidget(self.sources)
        self.body.addWidget(self.headline)
        self.verdict = VerdictPanel()
        self.verdict.advice_chosen.connect(self._on_verdict_advice_chosen)
        self.body.addWidget(self.verdict)
        self.metrics_table = tables.read_only_table("metricsTable", "Metrics")
        self.per_class = tables.read_only_table("perClassTable", "Per-class metrics")
        self.confusion = named(QTableWidget(), "confusionMatrix", "Confusion matrix")
        self.confusion.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.confusion.cellClicked.connect(self._on_confusion_cell_clicked)
        self.confusion.setItemDelegate(ReadableCellDelegate(self.confusion))  # text reads on every tint
        self.cell_rows = named(QListWidget(), "confusionRows", "Rows in the selected cell")
        self.cell_rows.setWordWrap(True)
        self.mistakes = tables.read_only_table("misclassifiedTable", "Misclassified examples")
        self.mistakes.currentCellChanged.connect(self._on_mistake_current_changed)
        self._mistake_rows: list[dict[str, Any]] = []
        self.mistake_explain = ExplainPanel(self._host, "mistake")
        self.scatter = plots.make_plot("scatterPlot", "Predicted vs true", "true", "predicted")
        self.residuals = plots.make_plot("residualPlot", "Residuals", "predicted − true", "rows")

        metrics_box = QGroupBox("Scores")
        QVBoxLayout(metrics_box).addWidget(self.metrics_table)
        classes_box = QGroupBox("Per class")
        QVBoxLayout(classes_box).addWidget(self.per_class)
        left = QSplitter()
        left.setOrientation(left.orientation().Vertical)
        left.addWidget(metrics_box)
        left.addWidget(classes_box)
        confusion_box = QGroupBox("Confusion matrix")  # a box is never narrower than its title
        confusion_layout = QVBoxLayout(confusion_box)
        confusion_layout.addWidget(label("Rows: the true labels; columns: the predicted ones.", "hint",
                                         wrap=True))
        confusion_layout.addWidget(self.confusion, 3)
        confusion_layout.addWidget(label("Rows in the selected cell", "hint"))
        confusion_layout.addWidget(self.cell_rows, 2)
        overview = QSplitter()
        overview.addWidget(left)
        overview.addWidget(confusion_box)
        # the scores beside every baseline need ~450 px; two classes' matrix reads in far less
        overview.setSizes([700, 320])
        regression = QSplitter()
        regression.addWidget(self.scatter)
        regression.addWidget(self.residuals)
        self.tabs = QTabWidget()
        self.tabs.addTab(overview, "Overview")
        mistakes = QSplitter()
        mistakes.setOrientation(mistakes.orientation().Vertical)
        mistakes.addWidget(self.mistakes)
        mistakes.addWidget(self.mistake_explain)
        mistakes.setSizes([420, 220])
        self.tabs.addTab(mistakes, "Mistakes")
        self.regression_index = self.tabs.addTab(regression, "Regression plots")
        self.export_panel = ExportPanel(self._state, self._host)
        self.export_index = self.tabs.addTab(self.export_panel, "Export")
        self.body.addWidget(self.tabs, 1)
        self.next_button = self.add_next_button("Next: try it  →", "predict")
        self.next_button.setEnabled(False)

    # ---- loading ------------------------------------------------------------------------
    def reload(self) -> None:
        """Show the run open now (its scores are read in a worker)."""
        run_dir = self._state.run_dir
        for button in (self.open_folder_button, self.copy_command_button, self.next_button):
            button.setEnabled(run_dir is not None)
        self.export_panel.set_run_available(run_dir is not None)
        self.sources.button.setEnabled(run_dir is not None and self._evaluating is None)
        self._shown = None
        self._test_split = ({}, [])
        self._filling.cancel()  # the previous run's views not yet filled
        self.sources.reset()
        self.sources.caption.setText(describe_source(None, run_dir))
        if run_dir is None:
            self.run_label.setText("")
            return
        self.run_label.setText(_describe(run_dir))
        if run_dir != self._loading:  # another run: its title must not stand over the last one's scores
            self._clear_scores()
        self._loading = run_dir
        worker = FunctionWorker(_load_evaluation, run_dir)
        worker.succeeded.connect(self._on_evaluation_loaded)
        worker.failed.connect(self._on_evaluation_failed)
        self._host.start(worker, latest="evaluation")  # runs switched quickly: the last one wins

    def _clear_scores(self) -> None:
        """Say the run is being read, in the place of the scores shown until now."""
        self.headline.setText("Reading this run's results…")
        self.metrics_table.setRowCount(0)
        self.verdict.show_verdict(None)

    def _on_evaluation_loaded(self, loaded: tuple[dict[str, Any], list[dict[str, str]]]) -> None:
        if not self._host.is_current(self.sender()) or self._loading != self._state.run_dir:
            return  # another run was opened meanwhile: these are the previous run's results
        self.banner.hide()
        self._test_split = loaded
        if self._state.run_dir is not None:
            self.run_label.setText(_describe(self._state.run_dir, bool(loaded[0].get("stopped"))))
        if self._shown is None:
            self._show(None, in_turns=True)

    def _on_evaluation_failed(self, message: str, details: str) -> None:
        if self._host.is_current(self.sender()) and self._loading == self._state.run_dir:
            self.banner.show_error(message, details)

    def _show(self, result: FileResult | None, in_turns: bool = False) -> None:
        """Fill every view with the test split (None) or ``result``: one renderer for both.

        ``in_turns``: one view a turn (a run's report arriving as it ends: filled at once, the
        page froze ~25 ms on top of the other pages' share); the scores come last.
        """
        self._shown = result
        self._metrics, self._predictions = ((result.metrics, result.predictions) if result
                                            else self._test_split)
        metrics = self._metrics
        steps = [partial(self._show_classes, metrics),
                 partial(self._fill_mistakes, metrics.get("misclassified") or []),
                 partial(self._show_regression, metrics),
                 partial(self.verdict.show_verdict, metrics.get("verdict")),
                 partial(self._fill_metrics, metrics)]
        if in_turns:
            self._filling.start(steps)
            return
        self._filling.cancel()
        for step in steps:
            step()

    def _show_classes(self, metrics: dict[str, Any]) -> None:
        tables.fill_per_class(self.per_class, metrics.get("per_class") or {})
        self.cell_rows.clear()
        tables.fill_confusion(self.confusion, metrics.get("confusion_matrix") or [],
                              metrics.get("label_names") or [])

    def _show_regression(self, metrics: dict[str, Any]) -> None:
        regression = metrics.get("task") == "regression"
        self.tabs.setTabVisible(self.regression_index, regression)
        if regression:
            self._draw_regression(metrics.get("pairs") or [])

    def _fill_metrics(self, metrics: dict[str, Any]) -> None:
        self.sources.caption.setText(describe_source(self._shown, self._state.run_dir))
        tables.fill_metrics(self.metrics_table, metrics.get("model") or {}, metrics.get("baselines") or {})
        self.headline.setText(tables.headline(metrics, self._shown.name if self._shown else None))

    def _on_confusion_cell_clicked(self, row: int, column: int) -> None:
        names = self._metrics.get("label_names") or []
        if row >= len(names) or column >= len(names):
            return
        true, predicted = str(names[row]), str(names[column])
        hits = [p for p in self._predictions if p["true"] == true and p["predicted"] == predicted]
        self.cell_rows.clear()
        where = f"rows of {self._shown.name}" if self._shown else "test rows"
        if self._shown and row == column:
            self.cell_rows.addItem(f"The {where} predicted correctly are not listed; the "
                                   "other cells and the Mistakes tab list the wrong ones.")
            return
        if not hits:
            self.cell_rows.addItem(f"No {where} are true '{true}' and predicted '{predicted}'.")
        for hit in hits[:500]:
            self.cell_rows.addItem(f"row {hit['row']}: {hit['text'][:300]}")
        item = self.confusion.item(row, column)
        count = int(item.text().split()[0]) if item is not None else len(hits)
        if self._shown and count > len(hits):
            self.cell_rows.addItem(f"… {len(hits)} of {count} listed: the report keeps the "
                                   "most confident mistakes.")

    def _fill_mistakes(self, mistakes: list[dict[str, Any]]) -> None:
        ordered = sorted(mistakes, key=lambda m: -float(m.get("confidence") or 0))
        self._mistake_rows = ordered
        self.mistake_explain.clear("Select a row to see which words pushed the model to its "
                                   "wrong answer.")
        tables.fill_mistakes(self.mistakes, ordered)

    def _on_mistake_current_changed(self, row: int, *_: int) -> None:
        """Explain the selected mistake for the class predicted (the combo offers the true one)."""
        if not 0 <= row < len(self._mistake_rows) or self._state.run_dir is None:
            return
        mistake = self._mistake_rows[row]
        predicted = mistake.get("predicted")
        predicted = predicted[0] if isinstance(predicted, list) and predicted else predicted
        names = [str(n) for n in self._metrics.get("label_names") or []]
        self.mistake_explain.explain(str(self._state.run_dir), str(mistake.get("text", "")), names,
                                     None if predicted is None else str(predicted))

    def _draw_regression(self, pairs: list[list[float]]) -> None:
        data = np.asarray(pairs, dtype=float).reshape(-1, 2)
        item = self.scatter.getPlotItem()
        item.clear()
        item.addItem(pg.ScatterPlotItem(data[:, 0], data[:, 1], size=5,
                                        brush=pg.mkBrush(47, 126, 216, 120), pen=None))
        if len(data):
            low, high = float(data.min()), float(data.max())
            item.plot([low, high], [low, high], pen=plots.pen(1, 1))
        plots.histogram(self.residuals, data[:, 1] - data[:, 0])

    # ---- another file -------------------------------------------------------------------
    def evaluate_file(self, path: str) -> None:
        """Score the run's model on the labelled file ``path`` in a worker, then show it.

        The Evaluate-on-another-file button calls this after its file dialog.
        """
        run_dir = self._state.run_dir
        if run_dir is None or self._evaluating is not None:
            return
        self._evaluating = (run_dir, Path(path).name)
        self.sources.button.setEnabled(False)
        self.sources.set_busy(f"Evaluating on {Path(path).name}…")
        worker = EvaluateFileWorker(run_dir, path)
        worker.status.connect(self.sources.set_status)
        worker.progressed.connect(self.sources.set_progress)
        worker.succeeded.connect(self._on_file_evaluated)
        worker.failed.connect(self._on_file_failed)
        self._host.start(worker)

    def _end_file_evaluation(self) -> str | None:
        """Ready for the next file; the file's name, None if the run changed (drop the result)."""
        run_dir, name = self._evaluating or (None, "")
        self._evaluating = None
        self.sources.set_busy("")
        self.sources.button.setEnabled(self._state.run_dir is not None)
        return name if run_dir == self._state.run_dir else None

    def _on_file_evaluated(self, report: dict[str, Any]) -> None:
        if self._end_file_evaluation() is None:
            return
        self.banner.hide()
        result = file_result(report)
        self.sources.put(result)
        self._show(result)

    def _on_file_failed(self, message: str, details: str) -> None:
        name = self._end_file_evaluation()
        if name is not None:
            self.banner.show_error(f"Could not evaluate on {name}: {message}", details)

    def _on_source_changed(self, _index: int) -> None:
        self._show(self.sources.current())

    # ---- export -------------------------------------------------------------------------
    def export_model(self) -> None:
        """Show the Export tab and ask where to save the model (Ctrl+E)."""
        self.tabs.setCurrentIndex(self.export_index)
        self.export_panel.export_model()

    def _on_verdict_advice_chosen(self, advice_id: str) -> None:
        """Keeping a baseline (TF-IDF or embeddings) happens here; other fixes are Train page settings."""
        if advice_id not in KEPT_NAMES:
            self.advice_chosen.emit(advice_id)
            return
        from tlstudio.core.training.keep_baseline import keep_baseline

        if self._state.run_dir is None:
            return
        if (button := self.verdict.button(advice_id)) is not None:
            button.setEnabled(False)
        self._keeping = advice_id
        self.headline.setText(f"Making the {KEPT_NAMES[advice_id]} baseline this run's model…")
        worker = FunctionWorker(keep_baseline, self._state.run_dir, advice_id.removeprefix("keep_"))
        worker.succeeded.connect(self._on_baseline_kept)
        worker.failed.connect(self._on_keep_failed)
        self._host.start(worker)

    def _on_baseline_kept(self, _verdict: Any) -> None:
        self._state.set_run(self._state.run_dir)  # every page reloads the run's new model and reports
        self.headline.setText(f"The {KEPT_NAMES.get(self._keeping, 'kept')} baseline is now this run's model: "
                              "predictions and exports use it.")

    def _on_keep_failed(self, message: str, details: str) -> None:
        self.headline.setText("")
        if (button := self.verdict.button(self._keeping)) is not None:
            button.setEnabled(True)
        self.banner.show_error(message, details)

    def _on_open_folder_clicked(self) -> None:
        if self._state.run_dir is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._state.run_dir)))

    def copy_command(self) -> str:
        """Put the ``tlstudio train …`` line that trains this run again (into a new folder) on
        the clipboard."""
        from tlstudio.core.runs.store import RunFolder
        from tlstudio.core.settings.command import fresh_run_command

        command = fresh_run_command(RunFolder(self._state.run_dir).config())
        QGuiApplication.clipboard().setText(command)
        self.show_note(f"Copied: {command}")
        return command


def _describe(run_dir: Path, stopped: bool = False) -> str:
    from tlstudio.core.runs.store import RunFolder

    return RunFolder(run_dir).describe(stopped)


def _load_evaluation(run_dir: Path) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The test report and the test rows, as the renderer's cells."""
    from tlstudio.core.evaluation.compare import first_row_number
    from tlstudio.core.runs.store import RunFolder

    folder = RunFolder(run_dir)
    metrics = folder.metrics().to_dict()
    metrics.setdefault("verdict", folder.info().verdict)  # run.json holds the test split's verdict
    # rows as the data file shows them (a spreadsheet's row 2 is data row 0), as on the Data page
    first = first_row_number(folder.config()) if folder.has_config() else 0
    metrics["misclassified"] = [{**m, "row": m["row"] + first} if isinstance(m.get("row"), int) else m
                                for m in metrics.get("misclassified") or []]
    return metrics, [prediction_cells(p, first) for p in folder.predictions()]


def prediction_cells(prediction: Any, first_row: int = 0) -> dict[str, str]:
    """A :class:`PredictionRow` as the tables show it (row, text, true, predicted, confidence);
    its row counted from ``first_row`` (the number beside data row 0)."""
    confidence = prediction.confidence
    return {"row": str(prediction.row + first_row), "text": prediction.text, "true": prediction.true,
            "predicted": prediction.prediction,
            "confidence": "" if confidence is None else f"{confidence:g}"}

