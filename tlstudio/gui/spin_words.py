"""Number boxes for the settings: one whose lowest value stands for a word ("auto", "never"),
which can be typed; and a decimal box that shows no more digits than its value has.

A plain ``QSpinBox`` shows its special value text but only takes it back typed exactly, so
typing "auto" in a box showing "auto (48)" was quietly undone; and it drops keys that make no
number, so a wrong entry vanished without a word. These boxes take the word in any case, with
any spaces, and say what an entry they can't use should look like (:attr:`entry_checked`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox

from tlstudio.core.evaluation.format import significant

ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def plain(text: str) -> str:
    """Lower case, spaces collapsed: " AUTO " and "auto" are the same word."""
    return " ".join(text.split()).lower()


def word_box(kind: str, word: str, label: str, low: float) -> WordSpinBox | WordDoubleSpinBox:
    """The box for a setting of ``kind`` ("int" or a decimal kind) whose None is ``word``;
    ``low`` is the lowest number it takes (0 when 0 is the word itself: the next step up)."""
    box = WordSpinBox() if kind == "int" else WordDoubleSpinBox()
    box.word, box.label = word, label
    box.real_minimum = low if low > 0 else (1 if kind == "int" else 0.01)
    box.setKeyboardTracking(False)  # the value is what was typed once Enter (or leaving) ends it,
    box.valueChanged.connect(box.value_taken)  # not "999" on the way to a "99999" it can't take
    return box


class _Words:
    """What both boxes share (a plain mixin: the signal is declared on each Qt class)."""

    word = ""  # what the lowest value means, e.g. "auto"
    label = ""  # the setting's label, for the message
    real_minimum: float = 0  # the lowest number the setting takes (the box's minimum is the word)
    _rejecting = False  # Qt is putting the last good value back (it emits valueChanged for it)

    def is_word(self, text: str) -> bool:
        """The word, or the box's own text for it, e.g. "auto (48)"."""
        return plain(text) in (plain(self.word), plain(self.specialValueText()))

    # Qt's overrides for both boxes: the mixin comes first, so super() is the Qt box.
    def validate(self, text: str, pos: int) -> object:
        return self._validate(text, pos, super().validate(text, pos))

    def valueFromText(self, text: str) -> float:  # noqa: N802 - Qt API
        return self.minimum() if self.is_word(text) else super().valueFromText(text)

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        if event.key() in ENTER_KEYS:
            self._finish_entry(event, super().keyPressEvent)
        else:
            super().keyPressEvent(event)

    def focusOutEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        self._finish_entry(event, super().focusOutEvent)

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt API
        """Step between the word and the lowest number the setting takes, never into the gap
        below it (max length's 1-7 would run as 8)."""
        target = self.value() + steps * self.singleStep()
        if self.minimum() < target < self.real_minimum:
            self.setValue(self.minimum() if steps < 0 else self.real_minimum)
        else:
            super().stepBy(steps)

    def _validate(self, text: str, pos: int, state: Any) -> object:
        if self.is_word(text):
            return QValidator.State.Acceptable, text, pos
        if state[0] == QValidator.State.Acceptable and not self._below_range(text):
            return state
        # anything else can still be typed: Enter then says what the box takes, not silence
        return QValidator.State.Intermediate, text, pos

    def _below_range(self, text: str) -> bool:
        """A number the box holds (its lowest value is the word) but the setting does not take."""
        value = super().valueFromText(text)
        return self.minimum() < value < self.real_minimum

    def _finish_entry(self, event: Any, handle: Any) -> None:
        """Let Qt ``handle`` the key or focus ``event`` that ends an entry; first say what to
        type instead of an entry the box can't use (Qt then puts the last good value back)."""
        text = self.lineEdit().text()
        self._rejecting = self.validate(text, len(text))[0] != QValidator.State.Acceptable
        if self._rejecting:
            self.entry_checked.emit(self.message(text))
        try:
            handle(event)
        finally:
            self._rejecting = False

    def value_taken(self, *_: Any) -> None:
        """A new value (typed, stepped or set): what was said about an earlier entry no longer holds."""
        if not self._rejecting:
            self.entry_checked.emit("")

    def message(self, text: str) -> str:
        """What to type instead of ``text``, in the settings' words."""
        low, high = self.real_minimum, self.maximum()
        return (f"{self.label}: “{text.strip()}” can't be used. Type a number from {low:g} to "
                f"{high:g}, or “{self.word}”.")


class WordSpinBox(_Words, QSpinBox):
    """A whole-number box whose lowest value is a word (max length's "auto")."""

    entry_checked = Signal(str)  # what to type instead of the entry ("": a value was taken)


class WordDoubleSpinBox(_Words, QDoubleSpinBox):
    """A decimal box whose lowest value is a word (head dropout's "model default")."""

    entry_checked = Signal(str)


class CompactDoubleSpinBox(QDoubleSpinBox):
    """A decimal box showing "17", "1.14" and "0.0241" rather than "17.0000" and "1.1364": a
    plan's epochs are a fraction (150 steps of 132 a pass), which the box holds whole and
    shows to 3 digits, with about the plan's steps beside it (:meth:`show_planned`)."""

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt API
        return significant(value, self.decimals())

    def valueFromText(self, text: str) -> float:  # noqa: N802 - Qt API
        """The value held, for the text it is shown as: leaving the box must not round it."""
        shown = self.textFromValue(self.value())
        if text.strip() in (shown, f"{self.prefix()}{shown}{self.suffix()}".strip()):
            return self.value()
        return super().valueFromText(text)

    def show_planned(self, steps: int | None) -> None:
        """Say about how many training steps the value held stands for ("1.14 (≈ 150 steps)"),
        until the value or the plan changes; None: say nothing. About: the plan's 150 steps of
        132 a pass are 1.1364 passes, which the trainer rounds up to 151 steps."""
        self.setSuffix(f" (≈ {steps:,} steps)" if steps else "")
