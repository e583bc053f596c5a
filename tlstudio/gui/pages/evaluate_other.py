"""Evaluate page, part two: the same views for another labelled file than the run's test split.

``evaluate_run`` (the engine behind ``tlstudio evaluate RUN FILE``) runs in a worker; its
report has metrics.json's shape, so the page renders it with the code it uses for the test
split. This module holds the worker, the mapping of a report to what the page shows, and the
bar that chooses what is shown ("Test split" or a file) and starts an evaluation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tlstudio.gui.pages.base import label, named
from tlstudio.gui.workers import FunctionWorker

FILE_FILTER = ("Labelled data (*.csv *.tsv *.txt *.jsonl *.ndjson *.json *.parquet *.pq *.xlsx);;"
               "All files (*)")
TEST_SPLIT = "Test split"
REPORT_ONLY_KEYS = ("rows_evaluated", "rows_skipped", "data_path")


def _evaluate_file(run_dir: str, path: str, observer: Any, progress: Any) -> dict[str, Any]:
    from tlstudio.core.evaluation.other_file import evaluate_run

    report = evaluate_run(run_dir, path, observer=observer, progress=progress)
    # metrics.json is this report written as JSON: the same round trip gives the same types
    return json.loads(json.dumps(report, ensure_ascii=False, default=str))


class EvaluateFileWorker(FunctionWorker):
    """``evaluate_run(run_dir, path)``; its status messages ("Predicting 40 rows…") as :attr:`status`."""

    status = Signal(str)

    def __init__(self, run_dir: str | Path, path: str | Path) -> None:
        super().__init__(_evaluate_file, str(run_dir), str(path), with_progress=True)
        self._kwargs["observer"] = self._observe

    def _observe(self, event: Any) -> None:
        message = getattr(event, "message", "")
        if message:
            self.status.emit(str(message))


@dataclass
class FileResult:
    """One file's evaluation, ready for the page: metrics.json-shaped dict and the cell rows."""

    path: str
    metrics: dict[str, Any]
    predictions: list[dict[str, str]] = field(default_factory=list)
    rows_evaluated: int = 0
    rows_skipped: int = 0

    @property
    def name(self) -> str:
        return Path(self.path).name

    def caption(self) -> str:
        """E.g. ``on reviews.csv (40 rows, 2 skipped)``."""
        return f"on {self.name} ({self.rows_evaluated:,} rows, {self.rows_skipped:,} skipped)"


def file_result(report: dict[str, Any], path: str | None = None) -> FileResult:
    """Map an ``evaluate_run`` report to what the page renders.

    The report's keys are metrics.json's (task, label_names, model, baselines,
    confusion_matrix, per_class, misclassified, pairs) plus rows_evaluated, rows_skipped and
    data_path. It lists no correct predictions, so the confusion cells' rows come from its
    misclassified rows.
    """
    metrics = {k: v for k, v in report.items() if k not in REPORT_ONLY_KEYS}
    metrics["baselines"] = report.get("baselines") or {}
    predictions = [{"row": str(m.get("row", "")), "text": str(m.get("text", "")),
                    "true": str(m.get("true", "")), "predicted": str(m.get("predicted", "")),
                    "confidence": str(m.get("confidence", ""))}
                   for m in report.get("misclassified") or []]
    return FileResult(str(report.get("data_path") or path or ""), metrics, predictions,
                      int(report.get("rows_evaluated") or 0), int(report.get("rows_skipped") or 0))


def describe_source(result: FileResult | None, run_dir: Path | None) -> str:
    """The line under the source choice: what the numbers are computed on, and the baselines."""
    if result is None:
        return ("The run's own test split: rows held out before training, "
                "which the model never saw.")
    text = f"Scores {result.caption()}"
    if result.rows_skipped:
        text += " — skipped rows have no text, or a label the model doesn't know"
    text += ". "
    if result.metrics.get("baselines"):
        return text + "Baselines: trained on the run's training split, scored on this file."
    from tlstudio.core.runs.store import RunFolder

    data = RunFolder(run_dir).data_file() if run_dir is not None else None
    where = f" ({data})" if data else ""
    return text + (f"No baselines: they need the run's training file{where}, "
                   "which could not be read.")


class SourceBar(QWidget):
    """"Showing: [Test split | file…]  [Evaluate on another file…]", a busy bar and a caption."""

    file_chosen = Signal(str)
    source_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.results: list[FileResult] = []  # combo item i + 1
        self.combo = named(QComboBox(), "evaluationSourceCombo", "Evaluation source",
                           "Show the scores on the run's test split or on a file you evaluated")
        self.combo.addItem(TEST_SPLIT)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo.currentIndexChanged.connect(self.source_changed)
        self.button = named(QPushButton("Evaluate on another file…"), "evaluateFileButton",
                            "Evaluate on another file",
                            "Score this model on a labelled CSV, TSV, JSONL or Parquet file "
                            "with the same columns as the training data (the file is only read)")
        self.button.clicked.connect(self._on_button_clicked)
        self.busy = named(QProgressBar(), "evaluateFileProgress", "Evaluation progress")
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(140)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.status = named(label("", "hint"), "evaluateFileStatus", "Evaluation status")
        self.caption = named(label("", "hint", wrap=True), "evaluationSourceLabel",
                             "What the scores are computed on")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(label("Showing:"))
        row.addWidget(self.combo)
        row.addWidget(self.button)
        row.addWidget(self.busy)
        row.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.caption)

    def _on_button_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Evaluate on a labelled file", "", FILE_FILTER)
        if path:
            self.file_chosen.emit(path)

    def set_busy(self, message: str) -> None:
        """Show ``message`` and the busy bar ("" hides both)."""
        self.status.setText(message)
        self.busy.setRange(0, 0)  # indeterminate until rows are being predicted
        self.busy.setVisible(bool(message))

    def set_progress(self, done: int, total: int) -> None:
        """Rows predicted so far, out of ``total``."""
        self.busy.setRange(0, max(1, total))
        self.busy.setValue(done)

    def set_status(self, message: str) -> None:
        if self.busy.isVisible():
            self.status.setText(message)

    def current(self) -> FileResult | None:
        """The file chosen in the combo (None: the test split)."""
        index = self.combo.currentIndex()
        return self.results[index - 1] if 0 < index <= len(self.results) else None

    def reset(self) -> None:
        """Only "Test split" left (a new run was opened)."""
        self.results = []
        self.combo.blockSignals(True)
        while self.combo.count() > 1:
            self.combo.removeItem(1)
        self.combo.setCurrentIndex(0)
        self.combo.blockSignals(False)

    def put(self, result: FileResult) -> None:
        """Add ``result`` (or replace the same file's) and select it, without a signal."""
        known = [r.path for r in self.results]
        self.combo.blockSignals(True)
        if result.path in known:
            index = known.index(result.path) + 1
            self.results[index - 1] = result
        else:
            self.results.append(result)
            self.combo.addItem(result.name)
            index = self.combo.count() - 1
        self.combo.setItemData(index, result.path, Qt.ItemDataRole.ToolTipRole)
        self.combo.setCurrentIndex(index)
        self.combo.blockSignals(False)
