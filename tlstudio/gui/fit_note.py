"""A note on the Train page: does the chosen model know the opened file's language, and do its
texts fit? Checked in a worker (the tokenizer loads there) whenever the data or the model change."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from tlstudio.gui.state import AppState
from tlstudio.gui.workers import FunctionWorker, WorkerHost


def _check(table: Any, text_columns: list[str], model_path: str) -> list[str]:
    from tlstudio.core.models.fit_check import check_fit, fit_messages

    return fit_messages(check_fit(table, text_columns, model_path))


class FitNote(QLabel):
    """Shows the fit check's warnings before the run (hidden when there are none)."""

    def __init__(self, state: AppState, host: WorkerHost, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setObjectName("fitNote")
        self.setAccessibleName("How well the model fits the data")
        self.setWordWrap(True)
        self.setProperty("role", "warning")  # drawn as a warning box by the theme
        self._state, self._host = state, host
        self.hide()

    def check(self) -> None:
        """Start a check for the current data and model (the newest check wins)."""
        report, model = self._state.report, self._state.model
        self.setText("")
        self.hide()
        if report is None or model is None or not getattr(model, "path", None):
            return
        worker = FunctionWorker(_check, report.loaded.table, list(report.roles.text_columns), str(model.path))
        worker.succeeded.connect(self._on_checked)
        worker.failed.connect(lambda *_: None)  # the run itself reports a broken tokenizer
        self._host.start(worker, latest="fit-check")

    def _on_checked(self, messages: list[str]) -> None:
        if not self._host.is_current(self.sender()):
            return  # the data or the model changed meanwhile
        bullet = "•  " if len(messages) > 1 else ""  # no emoji: it is an empty box without an emoji font
        self.setText("\n".join(f"{bullet}{m}" for m in messages))
        self.setVisible(bool(messages))
