"""The verdict on the Evaluate page: score ± interval beside each baseline, the p-value, the
sentence and the advice; advice that one click can act on is a button."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from tlstudio.core.evaluation import format as fmt
from tlstudio.gui.pages.base import label, named

# Advice one click acts on (a Train page setting, or keeping a baseline): the button's text and its tip.
ACTIONS = {
    "train_longer": ("Train longer", "Back to Train with twice the epochs"),
    "class_weights": ("Use class weights", "Back to Train with 'Weight rare classes' ticked"),
    "lower_learning_rate": ("Lower the learning rate", "Back to Train with half the learning rate"),
    "keep_embeddings": ("Keep the embeddings model", "Make the embeddings baseline this run's model: "
                        "predictions and exports then use it"),
    "keep_tfidf": ("Keep the TF-IDF model", "Make the TF-IDF baseline this run's model: "
                   "predictions and exports then use it"),
}


def _interval(entry: dict[str, Any]) -> str:
    return (f"{fmt.score(entry['value'])} (95% interval {fmt.score(entry['ci_low'])} to "
            f"{fmt.score(entry['ci_high'])})")


def verdict_rows(verdict: dict[str, Any]) -> list[str]:
    """One line for the model and one per baseline, with the p-value against it."""
    main = verdict["score"]
    rows = [f"Your model: {fmt.metric_name(main['name'])} {_interval(main)} on {main['rows']} test rows"]
    for entry in (verdict.get("baselines") or {}).values():
        rows.append(f"{entry['name'][0].upper()}{entry['name'][1:]}: {_interval(entry)}, "
                    f"{fmt.p_value(entry['p_value'])}")
    return rows


class VerdictPanel(QGroupBox):
    """Shows a run's (or an evaluated file's) verdict; emits ``advice_chosen(id)`` for a fix."""

    advice_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Verdict", parent)
        self.setObjectName("verdictBox")
        layout = QVBoxLayout(self)
        self.sentence = named(label("", "big", wrap=True), "verdictLabel", "Verdict")
        self.scores = named(label("", "hint", wrap=True), "verdictScores", "Scores beside the baselines")
        self.advice = named(label("", wrap=True), "verdictAdvice", "Advice")
        self.buttons = QHBoxLayout()
        for widget in (self.sentence, self.scores, self.advice):
            layout.addWidget(widget)
        layout.addLayout(self.buttons)
        self.note = named(label("", "hint", wrap=True), "verdictNote", "What the advice button did")
        self.note.hide()
        layout.addWidget(self.note)
        self.show_verdict(None)

    def show_verdict(self, verdict: dict[str, Any] | None) -> None:
        """Fill the panel (hidden when there is no verdict, e.g. a run from an older version)."""
        while self.buttons.count():
            item = self.buttons.takeAt(0)
            if (widget := item.widget()) is not None:
                widget.setParent(None)  # gone now, not at the next event loop turn
                widget.deleteLater()
        self.setVisible(bool(verdict))
        self.note.hide()
        if not verdict:
            return
        text, method = verdict.get("text", ""), (verdict.get("method") or {}).get("text", "")
        if method and text.endswith(method):  # which model ships: a line of its own, not the headline
            text = text[: -len(method)].rstrip()
        self.sentence.setText(text)
        self.scores.setText("\n".join(([method] if method else []) + verdict_rows(verdict)))
        advice = verdict.get("advice") or []
        self.advice.setText("\n".join(f"• {a['text']}" for a in advice))
        self.advice.setVisible(bool(advice))
        for item in advice:
            if item["id"] in ACTIONS:
                text, tip = ACTIONS[item["id"]]
                button = named(QPushButton(text), f"advice_{item['id']}", text, tip)
                button.clicked.connect(lambda _=False, key=item["id"]: self.advice_chosen.emit(key))
                self.buttons.addWidget(button)
        self.buttons.addStretch(1)

    def say(self, text: str) -> None:
        """A line under the buttons, e.g. what a fix changed when the Train page can't open yet."""
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def button(self, advice_id: str) -> QPushButton | None:
        """The button for ``advice_id`` (None when that advice isn't shown or has no one-click fix)."""
        return self.findChild(QPushButton, f"advice_{advice_id}")


__all__ = ["VerdictPanel", "ACTIONS", "verdict_rows"]
