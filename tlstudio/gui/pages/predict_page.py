"""Predict page: type text and see the label as you type; predict a whole file and save it."""

from __future__ import annotations

import csv
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from tlstudio.core.evaluation import format as fmt
from tlstudio.core.system import paths
from tlstudio.gui.batch_table import fill_batch_table
from tlstudio.gui.empty_state import EmptyState
from tlstudio.gui.explain_panel import ExplainPanel
from tlstudio.gui.pages.base import Page, label, named
from tlstudio.gui.predict_worker import PredictorHost
from tlstudio.gui.state import AppState
from tlstudio.gui.workers import SHUTDOWN_MS, FunctionWorker, WorkerHost

DEBOUNCE_MS = 300
# A newly opened run's model loads this long after it is opened (once the window's jobs are
# done): a run that ends is looked at on the page in view first (Evaluate reads its report and
# fills as it is shown), and a model loading meanwhile took the GIL from the window's turns.
SETTLE_MS = 1_000
MAX_BARS = 10
# The least a 1024x640 screen may give them; below that the page scrolls instead of squeezing.
INPUT_LINES = 4  # Qt's own least was 70 px, 3.4 lines: a long explanation squeezed the box to that
TABLE_ROWS = 4


def text_box_height(editor: QPlainTextEdit, lines: int) -> int:
    """The height that shows ``lines`` lines of ``editor``'s text, frame and margins included."""
    margin = int(2 * editor.document().documentMargin()) + 2 * editor.frameWidth()
    return lines * editor.fontMetrics().lineSpacing() + margin


def _predict_file(run_dir: str, source: str, target: str, progress: Any) -> int:
    from tlstudio.core.inference.predictor import Predictor

    return Predictor.load(run_dir).predict_file(source, target, progress=progress)


class PredictPage(Page):
    """Try the trained model on your own sentences or a whole file."""

    def __init__(self, state: AppState, host: WorkerHost, parent: QWidget | None = None) -> None:
        super().__init__("Predict", "Type or paste a text: the prediction updates as you type.",
                         parent)
        self._state = state
        self._host = host
        self._predictor = PredictorHost()
        self._loaded_run: str | None = None
        self._facts: dict[str, Any] = {}
        self._request = 0
        self._batch_output: str | None = None
        self._batch: tuple[FunctionWorker, str] | None = None  # (worker, run) predicting a file
        self._waiting_run: str | None = None  # a run whose model loads when nothing competes
        self._build()
        self._preload = QTimer(self)
        self._preload.setSingleShot(True)
        self._preload.setInterval(SETTLE_MS)
        self._preload.timeout.connect(self._preload_if_free)
        host.idle.connect(self._preload_if_free)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.predict_now)
        self.input.textChanged.connect(self._debounce.start)
        self.pair_input.textChanged.connect(self._debounce.start)
        state.run_changed.connect(self._on_state_run_changed)

    def _build(self) -> None:
        self.run_label = named(label("No model yet: train one or open a past run.", "hint",
                                     wrap=True), "predictRunLabel", "Model in use")
        self.input = named(QPlainTextEdit(), "predictInput", "Text to classify")
        self.input.setPlaceholderText("Type a sentence, e.g. “The battery lasts all day, love it.”")
        self.input.setMaximumHeight(180)
        self.pair_input = named(QPlainTextEdit(), "predictPairInput", "Second text")
        self.pair_input.setPlaceholderText("Second text of the pair")
        self.pair_input.setMaximumHeight(120)
        self.pair_input.hide()
        for editor in (self.input, self.pair_input):
            editor.setTabChangesFocus(True)  # a tab means nothing in a sentence; Tab leaves the box
            editor.setMinimumHeight(text_box_height(editor, INPUT_LINES))
        self.predict_button = named(QPushButton("Predict"), "predictButton", "Predict",
                                    "Predict now (it also updates as you type)")
        self.predict_button.clicked.connect(self.predict_now)
        self.result = named(label("", "big", wrap=True), "predictResult", "Prediction")
        self.bars_box = QWidget()
        self.bars = QVBoxLayout(self.bars_box)
        self.bars.setContentsMargins(0, 0, 0, 0)
        single = QGroupBox("One text")
        single_layout = QVBoxLayout(single)
        single_layout.addWidget(self.run_label)
        single_layout.addWidget(self.input)
        single_layout.addWidget(self.pair_input)
        single_layout.addWidget(self.predict_button, 0, Qt.AlignmentFlag.AlignLeft)
        single_layout.addWidget(self.result)
        single_layout.addWidget(self.bars_box)
        self.explain_panel = ExplainPanel(self._host, "predict")
        single_layout.addWidget(self.explain_panel)
        single_layout.addStretch(1)

        batch = QGroupBox("A whole file")
        batch_layout = QVBoxLayout(batch)
        buttons = QHBoxLayout()
        self.load_button = named(QPushButton("Load CSV…"), "predictLoadButton",
                                 tooltip="Predict every row of a CSV/TSV/JSONL file")
        self.save_button = named(QPushButton("Save CSV…"), "predictSaveButton",
                                 tooltip="Save the file with its predictions")
        self.save_button.setEnabled(False)
        self.load_button.clicked.connect(self._on_load_clicked)
        self.save_button.clicked.connect(self._on_save_clicked)
        buttons.addWidget(self.load_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        self.batch_progress = named(QProgressBar(), "predictProgress", "Batch progress")
        self.batch_progress.hide()
        self.batch_status = label("Load a CSV, TSV or JSONL file with the same text column(s) "
                                  "as the training data; every row gets a prediction and a "
                                  "score per class.", "hint", wrap=True)
        self.batch_table = named(QTableWidget(), "predictTable", "Predicted rows")
        rows = self.batch_table.verticalHeader().defaultSectionSize()
        self.batch_table.setMinimumHeight(TABLE_ROWS * rows + 2 * rows)  # the rows, a header, a scroll bar
        batch_layout.addLayout(buttons)
        batch_layout.addWidget(self.batch_progress)
        batch_layout.addWidget(self.batch_status)
        # never a blank box: what will appear there, until a file's rows do
        self.batch_area = EmptyState(self.batch_table, "The file's rows appear here, each with its "
                                     "predicted label and a score per class.", "predictTableEmpty")
        batch_layout.addWidget(self.batch_area, 1)
        splitter = QSplitter()
        splitter.addWidget(single)
        splitter.addWidget(batch)
        splitter.setSizes([520, 600])
        self.body.addWidget(splitter, 1)
        self._set_ready(False)

    def _set_ready(self, ready: bool) -> None:
        for widget in (self.predict_button, self.load_button):
            widget.setEnabled(ready)

    # ---- loading the model --------------------------------------------------------------
    def _on_state_run_changed(self) -> None:
        run_dir = self._state.run_dir
        if run_dir is None or str(run_dir) == self._loaded_run:
            return
        self._loaded_run = None
        self._set_ready(False)
        self.explain_panel.clear()
        if self._batch is not None:
            self._batch[0].cancel()  # its rows would be the previous model's predictions
        self.run_label.setText(f"Loading the model from {run_dir.name}…")
        self._waiting_run = str(run_dir)
        self._preload.start()  # once the page in view has read and shown the run

    def _preload_if_free(self) -> None:
        """Load the waiting run's model a while after it was opened, once the window's jobs are
        done, or now if the page shows.

        A run that ends (or is opened) has the page in view read it (Evaluate); a model loading
        beside that took the CPU and the GIL from the window as it filled the page (gaps of
        250-300 ms as a run ended). A person on this page waits for nothing.
        """
        settling = self._preload.isActive() or self._host.busy
        if self._waiting_run is None or (settling and not self.isVisible()):
            return
        self._preload.stop()
        run_dir, self._waiting_run = self._waiting_run, None
        worker = self._predictor.worker
        if worker is None:
            worker = self._predictor.start()
            if worker is None:  # the window has closed
                return
            worker.loaded.connect(self._on_predictor_loaded)
            worker.predicted.connect(self._on_predicted)
            worker.failed.connect(self._on_predictor_failed)
        worker.load_requested.emit(run_dir)

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self._preload_if_free()

    def _on_predictor_loaded(self, run_dir: str, facts: dict[str, Any]) -> None:
        self._loaded_run = run_dir
        self._facts = facts
        self.pair_input.setVisible(bool(facts.get("is_pair")))
        from tlstudio.core.runs.store import RunFolder

        data = RunFolder(run_dir).data_file()
        trained_on = f", trained on {Path(data).name}" if data else ""
        self.run_label.setText(f"Using {Path(run_dir).name} ({facts['task']}{trained_on}).")
        self._set_ready(True)
        if self.input.toPlainText().strip():
            self.predict_now()

    def _on_predictor_failed(self, message: str, details: str) -> None:
        self.banner.show_error(message, details)

    # ---- one text -----------------------------------------------------------------------
    def predict_now(self) -> None:
        """Send the current text to the predictor thread (the newest request wins)."""
        text = self.input.toPlainText().strip()
        if not text or self._loaded_run is None or self._predictor.worker is None:
            return
        self._request += 1
        worker = self._predictor.worker
        worker.latest_request = self._request
        pairs = [self.pair_input.toPlainText()] if self.pair_input.isVisible() else None
        worker.predict_requested.emit(self._request, [text], pairs)

    def _on_predicted(self, request: int, predictions: list[Any]) -> None:
        if request != self._request or not predictions:
            return
        prediction = predictions[0]
        value = prediction.label
        scores = dict(prediction.scores or {})
        if isinstance(value, float):
            self.result.setText(f"Predicted value: {fmt.score(value)}")
        elif isinstance(value, list):
            self.result.setText("Labels: " + (", ".join(value) if value else "(none)"))
        elif getattr(prediction, "unsure", False):
            self.result.setText(f"Unsure: best guess {value}, only {fmt.probability(scores.get(str(value), 0))} sure "
                                "(under this run's \"don't know\" threshold)")
        else:
            self.result.setText(f"{value}  ({fmt.probability(scores.get(str(value), 0))} sure)")
        self._draw_bars(scores)
        self._explain(value, scores)

    def _explain(self, value: Any, scores: dict[str, float]) -> None:
        """Explain the text just predicted: for the predicted class (the top one if several)."""
        if self._loaded_run is None:
            return
        classes = [str(n) for n in self._facts.get("label_names") or []]
        predicted = (max(scores, key=scores.get) if isinstance(value, list) and scores
                     else None if isinstance(value, float) else str(value))
        pair = self.pair_input.toPlainText() if self.pair_input.isVisible() else None
        self.explain_panel.explain(self._loaded_run, self.input.toPlainText().strip(), classes,
                                   predicted, pair)

    def _draw_bars(self, scores: dict[str, float]) -> None:
        while self.bars.count():
            item = self.bars.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        for name, score in sorted(scores.items(), key=lambda s: -s[1])[:MAX_BARS]:
            bar = QProgressBar()
            bar.setRange(0, 1000)
            bar.setValue(int(1000 * max(0.0, min(1.0, score))))
            bar.setFormat(f"{name}: {fmt.probability(score)}")
            bar.setAccessibleName(f"{name} probability")
            self.bars.addWidget(bar)

    # ---- a whole file -------------------------------------------------------------------
    def _on_load_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Predict a file", "", "Data files (*.csv *.tsv *.txt *.jsonl);;All files (*)")
        if path:
            self.predict_file(path)

    def predict_file(self, source: str) -> None:
        """Predict every row of ``source`` into a temporary CSV; Save CSV copies it out."""
        if self._loaded_run is None:
            return
        target = paths.home() / "tmp" / f"predictions-{Path(source).stem}.csv"
        target.parent.mkdir(parents=True, exist_ok=True)
        self._batch_output = None
        self.save_button.setEnabled(False)
        self.load_button.setEnabled(False)
        self.batch_progress.setRange(0, 0)
        self.batch_progress.show()
        self.batch_status.setText(f"Predicting {Path(source).name}…")
        worker = FunctionWorker(_predict_file, self._loaded_run, source, str(target),
                                with_progress=True)
        worker.progressed.connect(self._on_batch_progressed)
        worker.succeeded.connect(self._on_batch_succeeded)
        worker.failed.connect(self._on_batch_failed)
        worker.cancelled.connect(self._on_batch_cancelled)
        self._pending_output = str(target)
        self._batch = (worker, self._loaded_run)
        self._host.start(worker, latest="batch-prediction")

    def _end_batch(self) -> bool:
        """Ready for the next file; False when the result is stale (drop it).

        Stale: a newer file was started, or another run was opened meanwhile (these rows were
        predicted by the previous run's model).
        """
        if not self._host.is_current(self.sender()):
            return False
        _worker, run = self._batch or (None, None)
        self._batch = None
        self.batch_progress.hide()
        self.load_button.setEnabled(self._loaded_run is not None)
        if self._state.run_dir is None or str(self._state.run_dir) != run:
            self.batch_status.setText("Stopped: another model was opened. Load the file again "
                                      "to predict with it.")
            return False
        return True

    def _on_batch_progressed(self, done: int, total: int) -> None:
        if total > 0:
            self.batch_progress.setRange(0, total)
            self.batch_progress.setValue(done)

    def _on_batch_succeeded(self, rows: int) -> None:
        if not self._end_batch():
            return
        self._batch_output = self._pending_output
        self.save_button.setEnabled(True)
        self.batch_status.setText(f"Predicted {rows:,} rows. Save CSV… to keep them.")
        self._show_preview(self._batch_output)

    def _on_batch_failed(self, message: str, details: str) -> None:
        if not self._end_batch():
            return
        self.batch_status.setText("")
        self.banner.show_error(message, details)

    def _on_batch_cancelled(self) -> None:
        self._end_batch()

    def _show_preview(self, path: str, limit: int = 500) -> None:
        csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader, [])
            rows = [row for _, row in zip(range(limit), reader, strict=False)]
        fill_batch_table(self.batch_table, header, rows)
        self.batch_area.set_empty(False)

    def _on_save_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save predictions", "predictions.csv",
                                              "CSV (*.csv)")
        if path:
            self.save_predictions(path)

    def save_predictions(self, path: str) -> None:
        """Copy the predicted file to ``path`` (temporary name, then rename)."""
        if self._batch_output is None:
            return
        tmp = f"{path}.tmp-{os.getpid()}"
        shutil.copyfile(self._batch_output, tmp)
        os.replace(tmp, path)
        self.batch_status.setText(f"Saved {path}.")

    def shutdown(self, timeout_ms: int = SHUTDOWN_MS) -> bool:
        """Stop the predictor thread (at most ``timeout_ms``); True when it ended in time."""
        self._debounce.stop()
        self._preload.stop()
        self._waiting_run = None
        return self._predictor.shutdown(timeout_ms)
