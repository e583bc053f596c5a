"""The Evaluate page's Export tab: save the run's model as a folder or ONNX, cancellable.

What a shared folder holds is the person's choice: the data file's full path and the test
rows' texts stay out unless a box is ticked (a model card is made to be passed around).
The result is shown here, never over the page's headline score.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tlstudio.gui.pages.base import ErrorBanner, label, named
from tlstudio.gui.state import AppState
from tlstudio.gui.workers import FunctionWorker, WorkerHost

EXPORT_FORMATS = (("Model folder", "hf"), ("ONNX", "onnx"), ("ONNX int8", "onnx-int8"))


class ExportPanel(QWidget):
    """Format, what to include, Save… and Cancel, and one result line."""

    finished = Signal(str)  # the export's folder

    def __init__(self, state: AppState, host: WorkerHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._host = host
        self._worker: FunctionWorker | None = None
        self.format = named(QComboBox(), "exportFormatCombo", "Export format",
                            "What to save: the model folder, or an ONNX model (full precision or "
                            "int8, smaller and faster) that runs without PyTorch, checked against "
                            "this model on the test rows")
        for text, fmt in EXPORT_FORMATS:
            self.format.addItem(text, fmt)
        self.format.currentIndexChanged.connect(self._on_format_changed)
        self.include_data_path = named(
            QCheckBox("Include the data file's full path"), "includeDataPathCheck",
            "Include the data file's full path",
            "Off: the model card and settings name the data file by its name only, so the folder "
            "can be shared without showing where your files are")
        self.include_predictions = named(
            QCheckBox("Include the test predictions (your test rows' texts)"),
            "includePredictionsCheck", "Include the test predictions",
            "Off: predictions_test.csv and the misclassified examples, which quote your test "
            "rows, stay out of the folder")
        self.export_button = named(QPushButton("Save…"), "exportButton", "Export model",
                                   "Choose a folder and save the model there (Ctrl+E)")
        self.export_button.setProperty("role", "primary")
        self.cancel_button = named(QPushButton("Cancel export"), "cancelExportButton",
                                   "Cancel export")
        self.cancel_button.hide()
        self.result = named(label("", "hint", wrap=True), "exportResult", "Export result")
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner = ErrorBanner()
        self.export_button.clicked.connect(self.export_model)
        self.cancel_button.clicked.connect(self.cancel)

        form = QFormLayout()
        form.addRow("Format", self.format)
        form.addRow("", self.include_data_path)
        form.addRow("", self.include_predictions)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(label("A model folder loads with transformers' pipeline(); an ONNX "
                               "export runs with only onnxruntime and is checked against this "
                               "model on the test rows.", "hint", wrap=True))
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.result)
        layout.addWidget(self.banner)
        layout.addStretch(1)
        self.set_run_available(False)

    @property
    def busy(self) -> bool:
        return self._worker is not None

    def set_run_available(self, available: bool) -> None:
        """Enable exporting when a run is open (and no export is under way)."""
        self.format.setEnabled(available and not self.busy)
        self.export_button.setEnabled(available and not self.busy)
        self._on_format_changed()
        if not self.busy:
            self.result.setText("" if available else "Open a finished run to export its model.")

    def _on_format_changed(self, _index: int = 0) -> None:
        folder = self.format.currentData() == "hf"
        for box in (self.include_data_path, self.include_predictions):
            box.setEnabled(folder and self.export_button.isEnabled())
            box.setToolTip(box.toolTip() if folder else "An ONNX export holds neither.")

    def export_model(self) -> None:
        """Ask for a destination and export there (in a worker)."""
        run_dir = self._state.run_dir
        if run_dir is None or self.busy:
            return
        fmt = self.format.currentData()
        dest = QFileDialog.getExistingDirectory(self, "Save the model in…")
        if dest:
            suffix = "" if fmt == "hf" else f"-{fmt}"
            self.export_to(Path(dest) / f"{run_dir.name}{suffix}", fmt)

    def export_to(self, dest: Path, fmt: str = "hf") -> None:
        """Export the run's model to ``dest``: a plain copy, or ONNX checked against PyTorch."""
        run_dir = self._state.run_dir
        if run_dir is None or self.busy:
            return
        from tlstudio.core.runs.store import RunFolder

        tfidf = RunFolder(run_dir).model_kind() == "tfidf"
        if tfidf and fmt != "hf":
            from tlstudio.core.export import TFIDF_NOT_ONNX

            self.result.setText(TFIDF_NOT_ONNX.replace("Hugging Face-style model folder",
                                                       "model folder (Format: Model folder)"))
            return
        if tfidf:  # its folder gets a numpy-only predict.py: checked against the run, as ONNX is
            from tlstudio.core.export import export_model

            worker = FunctionWorker(export_model, run_dir, fmt, dest, with_stop=True,
                                    include_data_path=self.include_data_path.isChecked(),
                                    include_predictions=self.include_predictions.isChecked())
            self.result.setText("Exporting and checking the exported model on the test rows…")
        elif fmt == "hf":
            from tlstudio.core.runs.catalog import export_run

            worker = FunctionWorker(export_run, run_dir, dest, with_stop=True,
                                    include_data_path=self.include_data_path.isChecked(),
                                    include_predictions=self.include_predictions.isChecked())
            self.result.setText(f"Saving the model folder to {dest}…")
        else:
            from tlstudio.core.export import export_model

            worker = FunctionWorker(export_model, run_dir, fmt, dest, with_stop=True)
            self.result.setText("Exporting and checking the exported model on the test rows…")
        self.banner.hide()
        worker.succeeded.connect(self._on_export_succeeded)
        worker.failed.connect(self._on_export_failed)
        worker.cancelled.connect(self._on_export_cancelled)
        self._worker = worker
        self._set_busy(True)
        self._host.start(worker)

    def cancel(self) -> None:
        """Stop the export at its next file or step; nothing is left behind."""
        if self._worker is not None:
            self._worker.cancel()
            self.cancel_button.setEnabled(False)
            self.result.setText("Cancelling the export…")

    def _set_busy(self, busy: bool) -> None:
        self.cancel_button.setVisible(busy)
        self.cancel_button.setEnabled(busy)
        available = self._state.run_dir is not None and not busy
        self.format.setEnabled(available)
        self.export_button.setEnabled(available)
        self._on_format_changed()

    def _end(self) -> None:
        self._worker = None
        self._set_busy(False)

    def _on_export_succeeded(self, result: Any) -> None:
        self._end()
        if isinstance(result, dict):
            from tlstudio.core.export import summary_lines

            lines = summary_lines(result)
            needs = "numpy" if result.get("model_kind") == "tfidf" else "onnxruntime, tokenizers and numpy"
            lines[0] = f"Model saved to {result['out']}; predict.py there labels texts with only {needs} installed."
            self.result.setText("\n".join(lines))
            out = str(result["out"])
        else:
            out = str(result)
            self.result.setText(f"Model saved to {out}. Load it with "
                                f"pipeline('text-classification', model='{out}').")
        self.finished.emit(out)

    def _on_export_failed(self, message: str, details: str) -> None:
        self._end()
        self.result.setText("")
        self.banner.show_error(f"Export failed: {message}", details)

    def _on_export_cancelled(self) -> None:
        self._end()
        self.result.setText("Export cancelled; nothing was saved.")
