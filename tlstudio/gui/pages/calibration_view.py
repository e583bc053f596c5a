"""The "How sure" view: does the run's confidence match how often it is right, and where to draw
the line between an answer and "don't know".

Everything shown comes from the calibration report the engine wrote (``metrics.json``), loaded
in a worker; moving a slider only looks numbers up in the report's tables. Save writes
``calibration.json`` through the run folder, and prediction reads it on its next call.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSlider,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tlstudio.core.evaluation import format as fmt
from tlstudio.gui import calibration_jobs, plots
from tlstudio.gui.empty_state import EmptyState
from tlstudio.gui.pages.base import ErrorBanner, label, named
from tlstudio.gui.state import AppState
from tlstudio.gui.when_shown import WhenShown
from tlstudio.gui.workers import FunctionWorker, WorkerHost

STEPS = 100  # slider positions: the report's GRID of thresholds, 0.00 to 1.00
WHAT_APPEARS = ("The reliability diagram (how sure the model said it was against how often it "
                "was right) and the threshold sliders appear here")
NO_RUN = f"{WHAT_APPEARS} once a run is open: train one on the Train page or open one on the Runs page."
NOT_MEASURED = f"{WHAT_APPEARS}: press Measure above."


def _num(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


class CalibrationView(QWidget):
    """Reliability diagram, ECE before/after, decision thresholds and the "don't know" threshold."""

    saved = Signal(str)  # run folder whose calibration.json was written

    def __init__(self, state: AppState, host: WorkerHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._host = host
        self._run: str | None = None
        self._loading: str | None = None  # the run whose report is being read
        self._report: Any = None
        self._saved: Any = None
        self._build()
        self._reading = WhenShown(self, self._read_run)  # a hidden tab reads the run when shown
        state.run_changed.connect(self._on_state_run_changed)
        self._show_empty("Train a model or open a past run to see how sure it is.", NO_RUN)

    # ---- construction -------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.error = ErrorBanner()
        layout.addWidget(self.error)
        self.headline = named(label("", "big", wrap=True), "calibrationHeadline", "How sure: summary")
        self.explain = named(label("", "hint", wrap=True), "calibrationExplain", "What the calibration error means")
        layout.addWidget(self.headline)
        layout.addWidget(self.explain)
        row = QHBoxLayout()
        self.refit_button = named(QPushButton("Measure"), "calibrationRefit", "Measure how sure the model is")
        self.refit_button.clicked.connect(self._on_refit_clicked)
        row.addWidget(self.refit_button)
        row.addStretch(1)
        layout.addLayout(row)
        body_widget = QWidget()
        body = QHBoxLayout(body_widget)
        body.setContentsMargins(0, 0, 0, 0)
        self.plot = plots.make_plot("reliabilityPlot", "Reliability on the test split",
                                    "How sure the model said it was", "How often it was right")
        self.plot.setMinimumWidth(320)
        self.plot.getPlotItem().setRange(xRange=(0, 1), yRange=(0, 1), padding=0.02)
        self.plot_legend = named(label("", "hint", wrap=True), "reliabilityLegend", "Reliability legend")
        plot_column = QVBoxLayout()
        plot_column.addWidget(self.plot, 1)
        plot_column.addWidget(self.plot_legend)
        body.addLayout(plot_column, 1)
        controls = QVBoxLayout()
        controls.addWidget(self._build_threshold_box())
        controls.addWidget(self._build_labels_box())
        controls.addWidget(self._build_unsure_box())
        save_row = QHBoxLayout()
        self.save_button = named(QPushButton("Save for predictions"), "calibrationSave",
                                 "Save the thresholds for predictions")
        self.save_button.clicked.connect(self._on_save_clicked)
        self.save_status = named(label("", "hint", wrap=True), "calibrationSaveStatus", "Save status")
        save_row.addWidget(self.save_button)
        save_row.addWidget(self.save_status, 1)
        controls.addLayout(save_row)
        controls.addStretch(1)
        body.addLayout(controls, 1)
        self.body_area = EmptyState(body_widget, NO_RUN, "calibrationEmpty")  # no bare axes
        layout.addWidget(self.body_area, 1)

    def _slider(self, name: str, accessible: str) -> QSlider:
        slider = named(QSlider(Qt.Orientation.Horizontal), name, accessible)
        slider.setRange(0, STEPS)
        slider.setPageStep(5)
        return slider

    def _build_threshold_box(self) -> QGroupBox:
        self.threshold_box = QGroupBox("Decision threshold")
        box = QVBoxLayout(self.threshold_box)
        self.threshold_slider = self._slider("thresholdSlider", "Decision threshold")
        self.threshold_slider.valueChanged.connect(self._on_threshold_slider_value_changed)
        self.threshold_label = named(label("", wrap=True), "thresholdNumbers", "Precision, recall and F1")
        self.threshold_best = QPushButton("Best on validation")
        self.threshold_best.clicked.connect(self._on_threshold_best_clicked)
        box.addWidget(self.threshold_slider)
        box.addWidget(self.threshold_label)
        box.addWidget(self.threshold_best, 0, Qt.AlignmentFlag.AlignLeft)
        return self.threshold_box

    def _build_labels_box(self) -> QGroupBox:
        self.labels_box = QGroupBox("Threshold per label")
        box = QVBoxLayout(self.labels_box)
        self.labels_table = named(QTableWidget(0, 4), "labelThresholds", "Threshold per label")
        self.labels_table.setHorizontalHeaderLabels(["Label", "Threshold", "Test F1", "Best on validation"])
        self.labels_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.labels_table.verticalHeader().setVisible(False)
        box.addWidget(self.labels_table)
        return self.labels_box

    def _build_unsure_box(self) -> QGroupBox:
        self.unsure_box = QGroupBox("\"Don't know\" threshold")
        box = QVBoxLayout(self.unsure_box)
        self.unsure_check = named(QCheckBox("Answer \"unsure\" when the model is less sure than this"),
                                  "unsureEnabled", "Answer unsure below a threshold")
        self.unsure_check.toggled.connect(self._on_unsure_changed)
        self.unsure_slider = self._slider("unsureSlider", "Don't know threshold")
        self.unsure_slider.valueChanged.connect(self._on_unsure_changed)
        self.unsure_label = named(label("", wrap=True), "unsureNumbers", "Unsure rows and accuracy on the rest")
        self.unsure_suggested = QPushButton("Suggested")
        self.unsure_suggested.clicked.connect(self._on_unsure_suggested_clicked)
        for text in (self.unsure_label, self.threshold_label):  # wrapped text keeps its lines
            text.setMinimumHeight(3 * text.fontMetrics().lineSpacing())
        box.addWidget(self.unsure_check)
        box.addWidget(self.unsure_slider)
        box.addWidget(self.unsure_label)
        box.addWidget(self.unsure_suggested, 0, Qt.AlignmentFlag.AlignLeft)
        return self.unsure_box

    # ---- loading ------------------------------------------------------------------------
    def _on_state_run_changed(self) -> None:
        run = self._state.run_dir
        self._run = str(run) if run is not None else None
        self._report = None
        self._reading.request()

    def _read_run(self) -> None:
        if self._run is None:
            self._show_empty("Train a model or open a past run to see how sure it is.", NO_RUN)
            return
        self._show_empty(f"Reading {Path(self._run).name}…", f"{WHAT_APPEARS} once the run is read.")
        self._start(refit=False)

    def _start(self, refit: bool) -> None:
        self.error.hide()
        self._loading = self._run  # a run opened meanwhile, hidden, is read when shown: not this one's result
        worker = FunctionWorker(calibration_jobs.load, self._run, refit)
        worker.succeeded.connect(self._on_loaded)
        worker.failed.connect(self._on_load_failed)
        self._host.start(worker, latest="calibration")

    def _on_refit_clicked(self) -> None:
        if self._run is None:
            return
        self.refit_button.setEnabled(False)
        self.headline.setText("Measuring: predicting the validation and test splits…")
        self._start(refit=True)

    def _on_load_failed(self, message: str, details: str) -> None:
        if not self._host.is_current(self.sender()) or self._loading != self._run:
            return
        self.refit_button.setEnabled(self._run is not None)
        self.error.show_error(message, details)

    def _on_loaded(self, loaded: tuple[Any, Any, str]) -> None:
        if not self._host.is_current(self.sender()) or self._loading != self._run:
            return
        self._report, self._saved, task = loaded
        self.refit_button.setEnabled(True)
        if task == "regression":
            self._show_empty("This run predicts numbers: there are no class probabilities to calibrate.",
                             "No reliability diagram for a run that predicts numbers: Evaluate "
                             "shows how far its predictions are from the true values.")
            self.refit_button.hide()
            return
        if self._report is None:
            self._show_empty("This run has no calibration yet (it was trained before TL Studio measured "
                             "it). Measure it: the model predicts its validation and test rows once.",
                             NOT_MEASURED)
            return
        self._show_report()

    def _show_empty(self, message: str, hint: str) -> None:
        """``message`` as the headline; ``hint`` (what appears here, what to press) instead of the plot."""
        self.headline.setText(message)
        self.body_area.message.setText(hint)
        self.body_area.set_empty(True)
        self.explain.setText("")
        self.refit_button.setVisible(self._run is not None)
        self.refit_button.setText("Measure")
        for box in (self.threshold_box, self.labels_box, self.unsure_box):
            box.hide()
        self.save_button.hide()
        self.save_status.setText("")
        self.plot.getPlotItem().clear()
        self.plot_legend.setText("")

    # ---- showing the report -------------------------------------------------------------
    def _show_report(self) -> None:
        report, saved = self._report, self._saved
        self.headline.setText(report.note)
        scaled = "" if _own_kept(report) else \
            f", {_num(report.ece_after)} with temperature {report.temperature:.2f}"
        self.explain.setText(
            f"Calibration error (ECE) on the {report.test_rows:,} test rows: {_num(report.ece_before)} with "
            f"the model's own probabilities{scaled}. It is the average gap between how sure the model says it is and "
            "how often it is right: 0.05 means a \"90% sure\" answer is right about 85-95% of the "
            "time. Bars on the diagonal are perfectly calibrated.")
        self.refit_button.setText("Fit again")
        self.body_area.set_empty(False)
        self._draw_reliability()
        thresholds = dict(saved.thresholds) if saved else {}
        binary = report.task == "binary"
        self.threshold_box.setVisible(binary)
        if binary:
            positive = report.label_names[1]
            self.threshold_box.setTitle(f"Decision threshold: '{positive}' from this probability")
            self._set_slider(self.threshold_slider, thresholds.get(positive, 0.5))
            self._on_threshold_slider_value_changed()
        self.labels_box.setVisible(report.task == "multilabel")
        if report.task == "multilabel":
            self._fill_labels(thresholds)
        single = report.task != "multilabel"
        self.unsure_box.setVisible(single)
        if single:
            unsure_below = saved.unsure_below if saved else None
            self.unsure_check.setChecked(unsure_below is not None)
            self._set_slider(self.unsure_slider, unsure_below if unsure_below is not None
                             else report.suggested_unsure_below or 0.5)
            self._on_unsure_changed()
        self.save_button.show()
        self.save_status.setText("")

    @staticmethod
    def _set_slider(slider: QSlider, value: float) -> None:
        slider.setValue(int(round(max(0.0, min(1.0, float(value))) * STEPS)))

    def _draw_reliability(self) -> None:
        item = self.plot.getPlotItem()
        item.clear()
        item.addItem(pg.PlotDataItem([0, 1], [0, 1], pen=pg.mkPen(plots.plot_colors().foreground, width=1,
                                                  style=Qt.PenStyle.DashLine)))
        temperature = f"{self._report.temperature:.2f}"
        names = ("the model's own probabilities", f"with temperature {temperature}")
        if _own_kept(self._report):  # one set of bars: the second would repeat the first
            names = names[:1]
        self.plot_legend.setText(" · ".join(  # under the plot: a legend inside it would hide bars
            [f"<span style='color:{plots.PALETTE[7 if i == 0 else 0]}'>■</span> {name}"
             for i, name in enumerate(names)] + ["- - - right exactly as often as sure"]))
        for index, (bins, name) in enumerate(zip((self._report.reliability_before,
                                                  self._report.reliability_after)[:len(names)], names,
                                                 strict=True)):
            if bins is None:
                continue
            width = (bins.edges[1] - bins.edges[0]) / (2.2 if len(names) == 2 else 1.1)
            shift = (index - 0.5) * width if len(names) == 2 else 0.0
            x = [(bins.edges[i] + bins.edges[i + 1]) / 2 + shift for i, n in enumerate(bins.counts) if n]
            y = [a for a, n in zip(bins.accuracy, bins.counts, strict=True) if n]
            color = plots.PALETTE[7] if index == 0 else plots.PALETTE[0]
            item.addItem(pg.BarGraphItem(x=x, height=y, width=width, brush=color, pen=None, name=name))
        item.setRange(xRange=(0, 1), yRange=(0, 1), padding=0.02)

    # ---- thresholds ---------------------------------------------------------------------
    def _threshold(self) -> float | None:
        if self._report is None or self._report.task != "binary":
            return None
        return self.threshold_slider.value() / STEPS

    def _on_threshold_slider_value_changed(self) -> None:
        if self._report is None or self._report.task != "binary":
            return
        t = self._threshold()
        at = self._report.at_threshold(t)
        positive = self._report.label_names[1]
        precision = (_num(at["precision"]) + f" (of the rows called '{positive}', the share that are)"
                     if at.get("precision") is not None else f"— (no row is called '{positive}')")
        self.threshold_label.setText(
            f"At {t:.2f}, on the test split: precision {precision}, recall {_num(at.get('recall'))} "
            f"(of the real ones, the share found), F1 {_num(at.get('f1'))}.")
        self._on_unsure_changed()

    def _on_threshold_best_clicked(self) -> None:
        if self._report is not None and self._report.task == "binary":
            best = self._report.suggested_thresholds.get(self._report.label_names[1], 0.5)
            self._set_slider(self.threshold_slider, best)

    def _fill_labels(self, thresholds: dict[str, float]) -> None:
        report = self._report
        table = self.labels_table
        table.setRowCount(len(report.label_names))
        for row, name in enumerate(report.label_names):
            table.setItem(row, 0, QTableWidgetItem(name))
            spin = QDoubleSpinBox()
            spin.setRange(0.0, 1.0)
            spin.setSingleStep(0.01)
            spin.setDecimals(2)
            spin.setAccessibleName(f"Threshold for {name}")
            spin.setValue(thresholds.get(name, 0.5))
            spin.valueChanged.connect(self._on_label_threshold_changed)
            table.setCellWidget(row, 1, spin)
            table.setItem(row, 3, QTableWidgetItem(f"{report.suggested_thresholds.get(name, 0.5):.2f}"))
        self._on_label_threshold_changed()

    def _label_thresholds(self) -> dict[str, float]:
        names = self._report.label_names if self._report else []
        return {name: round(self.labels_table.cellWidget(row, 1).value(), 4) for row, name in enumerate(names)}

    def _on_label_threshold_changed(self) -> None:
        for row, (name, cut) in enumerate(self._label_thresholds().items()):
            positives = (self._report.label_positives or {}).get(name, 0)
            item = QTableWidgetItem(f"{_num(self._report.label_f1_at(name, cut))} ({positives} rows)")
            self.labels_table.setItem(row, 2, item)

    # ---- "don't know" -------------------------------------------------------------------
    def _on_unsure_changed(self) -> None:
        report = self._report
        if report is None or report.task == "multilabel":
            return
        on = self.unsure_check.isChecked()
        self.unsure_slider.setEnabled(on)
        _, everyone = report.unsure_at(0.0, self._threshold())
        if not on:
            self.unsure_label.setText(f"Off: every row gets an answer; accuracy on the test split "
                                      f"{_num(everyone)}.")
            return
        cut = self.unsure_slider.value() / STEPS
        unsure, rest = report.unsure_at(cut, self._threshold())
        self.unsure_label.setText(
            f"Below {cut:.2f}: {unsure:,} of {report.test_rows:,} test rows "
            f"({fmt.percent(unsure / max(1, report.test_rows))}) would be answered \"unsure\"; accuracy on the "
            f"rest {_num(rest)} (on every row: {_num(everyone)}).")

    def _on_unsure_suggested_clicked(self) -> None:
        if self._report is not None and self._report.suggested_unsure_below is not None:
            self.unsure_check.setChecked(True)
            self._set_slider(self.unsure_slider, self._report.suggested_unsure_below)

    # ---- saving -------------------------------------------------------------------------
    def chosen(self) -> Any:
        """The calibration the controls describe (the report's temperature)."""
        report = self._report
        calibration = report.calibration(self._saved)
        if report.task == "binary":
            calibration.thresholds = {report.label_names[1]: round(self._threshold(), 2)}
        elif report.task == "multilabel":
            calibration.thresholds = self._label_thresholds()
        calibration.unsure_below = (round(self.unsure_slider.value() / STEPS, 2)
                                    if report.task != "multilabel" and self.unsure_check.isChecked() else None)
        return calibration

    def _on_save_clicked(self) -> None:
        if self._run is None or self._report is None:
            return
        worker = FunctionWorker(calibration_jobs.save, self._run, self.chosen())
        worker.succeeded.connect(self._on_saved)
        worker.failed.connect(self._on_load_failed)
        self._host.start(worker, latest="calibration-save")

    def _on_saved(self, calibration: Any) -> None:
        self._saved = calibration
        self.save_status.setText("Saved: Predict and file predictions use these thresholds now.")
        self.saved.emit(self._run or "")


def _own_kept(report: Any) -> bool:
    """The fitted temperature was not applied: predictions use the model's own probabilities
    (shown beside "with temperature 1.00" the same figures read as a contradiction)."""
    return report.temperature == 1.0
