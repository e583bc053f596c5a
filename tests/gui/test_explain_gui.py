"""Explanations on the Predict page and on the Mistakes tab: highlighted words, any class."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tlstudio.gui.explain_panel import AWAY, TOWARDS

EXPLAIN_TIMEOUT = 120_000


def _highlighted(panel) -> int:
    """How many words the panel shows on a coloured background."""
    shown = panel.text.text()
    return sum(shown.count(f"rgba({c[0]},{c[1]},{c[2]},") for c in (TOWARDS, AWAY))


def _choose(qtbot, combo, data: str) -> None:
    """Pick the item whose data is ``data`` with the keyboard, as a person does."""
    combo.setFocus()
    key = Qt.Key.Key_Down if combo.findData(data) > combo.currentIndex() else Qt.Key.Key_Up
    while combo.currentData() != data:
        qtbot.keyClick(combo, key)


def test_predict_explains_the_typed_text_and_another_class_on_request(window, qtbot, engine_run):
    window.state.set_run(str(engine_run("binary")))
    window.show_page("predict")
    page = window.pages["predict"]
    panel = page.explain_panel
    qtbot.waitUntil(page.predict_button.isEnabled, timeout=EXPLAIN_TIMEOUT)
    text = "the food was great but the service was awful"
    qtbot.keyClicks(page.input, text)
    qtbot.waitUntil(lambda: panel.shown is not None, timeout=EXPLAIN_TIMEOUT)
    first = panel.shown
    predicted = page.result.text().split()[0]
    assert first.text == text and first.target == predicted
    assert _highlighted(panel) == len(text.split())  # every word coloured by its push
    assert "pushes towards" in panel.legend.text() and "away from" in panel.legend.text()
    assert predicted in panel.legend.text()

    other = next(panel.class_combo.itemData(i) for i in range(panel.class_combo.count())
                 if panel.class_combo.itemData(i) != predicted)
    _choose(qtbot, panel.class_combo, other)
    qtbot.waitUntil(lambda: panel.shown is not None and panel.shown.target == other,
                    timeout=EXPLAIN_TIMEOUT)
    # two classes: what pushed towards one pushed away from the other by the same amount
    for a, b in zip(first.words, panel.shown.words, strict=True):
        assert a.word == b.word and abs(a.score + b.score) < 1e-3
    assert other in panel.legend.text()


def test_a_new_text_drops_the_explanation_of_the_old_one(window, qtbot, engine_run):
    window.state.set_run(str(engine_run("binary")))
    window.show_page("predict")
    page = window.pages["predict"]
    panel = page.explain_panel
    qtbot.waitUntil(page.predict_button.isEnabled, timeout=EXPLAIN_TIMEOUT)
    qtbot.keyClicks(page.input, "terrible film")
    page.predict_now()
    page.input.selectAll()
    qtbot.keyClicks(page.input, "a lovely day")
    page.predict_now()
    qtbot.waitUntil(lambda: panel.shown is not None and panel.shown.text == "a lovely day",
                    timeout=EXPLAIN_TIMEOUT)
    qtbot.waitUntil(lambda: not window.host.busy, timeout=EXPLAIN_TIMEOUT)  # every job ended
    QApplication.processEvents()  # and its result, if any, was delivered
    assert panel.shown.text == "a lovely day"


def test_every_mistake_is_explained_for_its_prediction_and_for_its_true_class(
        window, qtbot, engine_run):
    window.state.set_run(str(engine_run("binary")))
    window.show_page("evaluate")
    page = window.pages["evaluate"]
    table, panel = page.mistakes, page.mistake_explain
    page.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: table.rowCount() > 1, timeout=EXPLAIN_TIMEOUT)
    row = 1
    rect = table.visualRect(table.model().index(row, 2))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    true, predicted = table.item(row, 1).text(), table.item(row, 2).text()
    qtbot.waitUntil(lambda: panel.shown is not None, timeout=EXPLAIN_TIMEOUT)
    assert panel.shown.target == predicted
    assert panel.shown.text == table.item(row, 4).text()
    assert _highlighted(panel) == len(panel.shown.words) > 0
    _choose(qtbot, panel.class_combo, true)
    qtbot.waitUntil(lambda: panel.shown.target == true, timeout=EXPLAIN_TIMEOUT)
    assert true in panel.legend.text()
