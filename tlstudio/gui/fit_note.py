"""A note on the Train page: does the chosen model know the opened file's language, and do its
texts fit the chosen max length? Read from the Data page's token survey: no tokenizer runs here."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from tlstudio.core.models.fit_check import fit_messages
from tlstudio.gui.pages.base import WrapLabel
from tlstudio.gui.state import AppState


class FitNote(WrapLabel):
    """Shows the fit check's warnings before a run: hidden when there are none, and from the
    start of a run until what it is about changes again (data, model, counts, max length).
    The run says its own warnings, these among them, in the page's warnings notice, which stays
    after it; the note back as a run ended grew the room it shares with the status line, which
    resized the plots below as they showed the run's curves."""

    def __init__(self, state: AppState, chosen_length: Callable[[], int | None],
                 parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setObjectName("fitNote")
        self.setAccessibleName("How well the model fits the data")
        self.setProperty("role", "warning")  # drawn as a warning box by the theme
        self._state, self._chosen_length = state, chosen_length
        self._ran = False  # a run started since the note last changed
        for changed in (state.data_changed, state.model_changed, state.tokens_counted):
            changed.connect(self.refresh)
        state.training_changed.connect(self._on_state_training_changed)
        self.hide()

    def refresh(self) -> None:
        """Show the warnings for the current data, model and max length (None: auto); hidden while
        the Data page is still counting the tokens."""
        survey = self._state.token_survey
        messages = [] if survey is None else fit_messages(survey.fit_report(self._chosen_length()))
        bullet = "•  " if len(messages) > 1 else ""  # no emoji: it is an empty box without an emoji font
        self.setText("\n".join(f"{bullet}{m}" for m in messages))
        self._ran = self._state.training
        self.setVisible(bool(messages) and not self._ran)

    def _on_state_training_changed(self, training: bool) -> None:
        if training:
            self._ran = True
            self.hide()
