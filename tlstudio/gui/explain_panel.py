"""Which words pushed the decision: a text with its words highlighted by their attribution.

The attributions come from :func:`tlstudio.core.insight.explain.explain`, run in a worker;
the panel shows them for the predicted class or for any class the person picks.
"""

from __future__ import annotations

import html
import threading
from typing import Any

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStyle,
    QStyleOptionComboBox,
    QVBoxLayout,
    QWidget,
)

from tlstudio.core.evaluation import format as fmt
from tlstudio.core.events import StopFlag
from tlstudio.gui.pages.base import label, named
from tlstudio.gui.workers import FunctionWorker, WorkerHost

TOWARDS = (47, 126, 216)  # blue: the word pushed towards the class
AWAY = (228, 87, 46)  # orange: the word pushed away from it
METHODS = (("Occlusion (fast)", "occlusion"), ("Integrated gradients", "integrated-gradients"))
METHOD_MEANING = {
    "occlusion": "a word's weight is how much the probability of '{target}' drops when the "
                 "word is hidden",
    "integrated-gradients": "a word's weight is its share of the log-probability of '{target}', "
                            "measured from an empty text",
    "tfidf-weights": "a word's weight is its exact share of the TF-IDF model's score for '{target}' "
                     "(the TF-IDF weight of each word or word pair times its coefficient)",
}

# One predictor per process for explanations: loading a model takes seconds, explaining a text
# a fraction of one. The lock keeps jobs one at a time (the model is shared between them).
_LOCK = threading.Lock()
_LOADED: dict[str, Any] = {}


def explain_job(run_dir: str, text: str, pair: str | None, target: str | None, method: str,
                stop: StopFlag) -> Any:
    """Explain ``text`` with the run's model (loaded once); a job overtaken meanwhile stops."""
    with _LOCK:
        stop.check()  # a newer request came while this one waited for the lock
        predictor = _LOADED.get(run_dir)
        if predictor is None:
            from tlstudio.core.inference.predictor import Predictor

            _LOADED.clear()  # one model in memory at a time
            predictor = _LOADED[run_dir] = Predictor.load(run_dir)
        from tlstudio.core.insight.explain import explain

        return explain(predictor, text, pair=pair, target=target, method=method)


def _rgba(color: tuple[int, int, int], alpha: float) -> str:
    return f"rgba({color[0]},{color[1]},{color[2]},{alpha:.2f})"


def highlight_html(explanation: Any) -> str:
    """The explained text as HTML, each word's background as strong as its attribution.

    Blue words pushed towards the explained class, orange ones away from it; the text between
    words (spaces, punctuation the tokenizer kept apart) is shown as typed.
    """
    strongest = max((abs(w.score) for w in explanation.words), default=0.0) or 1.0
    parts = []
    texts = [explanation.text] + ([explanation.pair] if explanation.pair else [])
    for part, source in enumerate(texts):
        out, at = [], 0
        for word in sorted((w for w in explanation.words if w.part == part), key=lambda w: w.start):
            out.append(html.escape(source[at:word.start]))
            share = abs(word.score) / strongest
            color = TOWARDS if word.score > 0 else AWAY
            style = f"background-color:{_rgba(color, 0.12 + 0.78 * share)};"
            if share > 0.55:
                style += "color:white;"
            out.append(f'<span style="{style}">{html.escape(source[word.start:word.end])}</span>')
            at = word.end
        out.append(html.escape(source[at:]))
        parts.append("".join(out))
    return ('<p style="line-height:160%; font-size:large">' + "<br>—<br>".join(parts)
            + "</p>")


def top_words_sentence(explanation: Any, k: int = 3) -> str:
    """The strongest words each way, with their weights."""
    strongest = max((abs(w.score) for w in explanation.words), default=0.0)
    floor = max(0.005, 0.02 * strongest)  # words that moved nothing visible aren't named
    towards = [w for w in sorted(explanation.words, key=lambda w: -w.score) if w.score >= floor][:k]
    away = [w for w in sorted(explanation.words, key=lambda w: w.score) if w.score <= -floor][:k]
    bits = []
    if towards:
        bits.append("most towards: " + ", ".join(f"'{w.word}' ({w.score:+.2f})" for w in towards))
    if away:
        bits.append("most away: " + ", ".join(f"'{w.word}' ({w.score:+.2f})" for w in away))
    return "; ".join(bits) if bits else "No word moved the decision."


def legend_html(target: str) -> str:
    swatch = '<span style="background-color:{};">&nbsp;&nbsp;&nbsp;&nbsp;</span>'
    name = html.escape(target)
    return (f"{swatch.format(_rgba(TOWARDS, 0.8))} pushes towards '{name}' &nbsp;&nbsp; "
            f"{swatch.format(_rgba(AWAY, 0.8))} pushes away from '{name}' &nbsp;&nbsp; "
            "stronger colour: stronger push")


class FittingComboBox(QComboBox):
    """A combo box as wide as its longest item needs, focused or not.

    Qt sizes it from the text alone; under a style sheet (high contrast) the field left for the
    text was 2-4 px short, and 2 px shorter again with the thicker focus ring: "1 (predicted)"
    was cut.
    """

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        hint = super().sizeHint()
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        option.rect = QRect(QPoint(0, 0), hint)
        option.state |= QStyle.StateFlag.State_HasFocus  # room for the focus ring too
        field = self.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                            QStyle.SubControl.SC_ComboBoxEditField, self).width()
        metrics = self.fontMetrics()
        need = max((metrics.horizontalAdvance(self.itemText(i)) for i in range(self.count())), default=0)
        return QSize(hint.width() + max(0, need + 2 - field), hint.height())  # drawn 1 px in


class ExplainPanel(QWidget):
    """Explains one text with the open run's model; ``name`` keeps two panels' jobs apart."""

    def __init__(self, host: WorkerHost, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._host = host
        self._kind = f"explain-{name}"
        self._request: tuple[str, str, str | None] | None = None  # run, text, pair
        self._predicted: str | None = None
        self.shown: Any = None  # the Explanation on screen
        self.class_combo = named(FittingComboBox(), f"{name}ExplainClassCombo", "Class to explain",
                                 "Which class the highlighted words push towards or away from")
        self.method_combo = named(FittingComboBox(), f"{name}ExplainMethodCombo", "Explanation method",
                                  "Occlusion hides one word at a time; integrated gradients "
                                  "follows the model's gradients from an empty text (slower)")
        for text, method in METHODS:
            self.method_combo.addItem(text, method)
        for combo in (self.class_combo, self.method_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            # As wide as their longest item: squeezed, "1 (predicted)" read "1 (predic".
            combo.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.status = named(label("", "hint", wrap=True), f"{name}ExplainStatus",
                            "Explanation status")
        # Wrapped labels that keep every line they need: a page short of room scrolls rather
        # than cutting the highlighted text (plain labels were squeezed at 1024x640).
        self.text = named(label(wrap=True), f"{name}ExplainText", "Words that pushed the decision")
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.legend = named(label(wrap=True), f"{name}ExplainLegend", "Highlight legend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.summary = named(label("", "hint", wrap=True), f"{name}ExplainSummary",
                             "Strongest words")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # Two short lines, not one: one line was wider than half a 1024-pixel screen.
        self._class_caption = QLabel("Why? Words that pushed towards")
        for caption, combo in ((self._class_caption, self.class_combo),
                               (QLabel("Measured by"), self.method_combo)):
            caption.setBuddy(combo)
            controls = QHBoxLayout()
            controls.setContentsMargins(0, 0, 0, 0)
            controls.addWidget(caption)
            controls.addWidget(combo)
            controls.addStretch(1)
            layout.addLayout(controls)
        layout.addWidget(self.text)
        layout.addWidget(self.legend)
        layout.addWidget(self.summary)
        layout.addWidget(self.status)
        self.class_combo.activated.connect(self._on_choice_activated)
        self.method_combo.activated.connect(self._on_choice_activated)
        self.clear()
        self._show_class_choice(False)  # an empty combo until there is a text to explain

    def _show_class_choice(self, shown: bool) -> None:
        self.class_combo.setVisible(shown)
        self._class_caption.setVisible(shown)

    # ---- requests -----------------------------------------------------------------------
    def explain(self, run_dir: str, text: str, classes: list[str], predicted: str | None,
                pair: str | None = None) -> None:
        """Explain ``text`` for ``predicted`` (the class shown first); the combo offers ``classes``."""
        self._request = (str(run_dir), text, pair)
        self._predicted = predicted
        self.class_combo.clear()
        for name in classes:
            suffix = " (predicted)" if name == predicted else ""
            self.class_combo.addItem(f"{name}{suffix}", name)
        self._show_class_choice(bool(classes))
        if predicted in classes:
            self.class_combo.setCurrentIndex(classes.index(predicted))
        self._start()

    def clear(self, message: str = "") -> None:
        """Forget the text; any job under way is dropped when it ends."""
        self._request = None
        self.shown = None
        self.text.setText("")
        self.legend.setText("")
        self.summary.setText("")
        self.status.setText(message)

    @property
    def target(self) -> str | None:
        return self.class_combo.currentData() if self.class_combo.count() else None

    def _on_choice_activated(self, _index: int) -> None:
        self._start()

    def _start(self) -> None:
        if self._request is None:
            return
        run_dir, text, pair = self._request
        method = self.method_combo.currentData()
        self.status.setText("Finding the words that pushed the decision…")
        worker = FunctionWorker(explain_job, run_dir, text, pair, self.target, method,
                                with_stop=True)
        worker.succeeded.connect(self._on_explained)
        worker.failed.connect(self._on_explain_failed)
        self._host.start(worker, latest=self._kind)

    # ---- results ------------------------------------------------------------------------
    def _on_explained(self, explanation: Any) -> None:
        if self._request is None or not self._host.is_current(self.sender()):
            return  # cleared, or the text, class or method changed meanwhile
        self.shown = explanation
        self.text.setText(highlight_html(explanation))
        self.text.setAccessibleDescription(top_words_sentence(explanation))
        self.legend.setText(legend_html(explanation.target))
        meaning = METHOD_MEANING[explanation.method].format(target=explanation.target)
        self.summary.setText(f"{top_words_sentence(explanation)}. Here {meaning}.")
        probability = (f" (probability {fmt.probability(explanation.target_probability)})"
                       if explanation.target != "score" else "")
        self.status.setText(f"Explaining '{explanation.target}'{probability}; took "
                            f"{explanation.seconds:.2f} s.")

    def _on_explain_failed(self, message: str, _details: str) -> None:
        if self._request is not None and self._host.is_current(self.sender()):
            self.status.setText(f"No explanation: {message}")
