"""Issue 13 (polish): on a 1024x640 screen, a prediction and its explanation leave the Predict
page usable: the text boxes keep three lines or more, the result and the highlighted words every
line they need, the file table a few rows; the page scrolls instead of squeezing them (a long
explanation was cut to two thirds of its lines and the text boxes shrunk to Qt's least)."""

from __future__ import annotations

from fit_check import clipped
from PySide6.QtWidgets import QApplication, QWidget

SCREEN = (1024, 640)
INPUT_LINES, TABLE_ROWS = 3, 4  # the least that is still usable
# A sentence pair: two text boxes, and a long explanation of both texts under them.
FIRST = ("A man is playing a guitar on the stage tonight while the crowd sings along and the "
         "drummer keeps a steady beat behind him under the bright lights of the old theatre downtown.")
SECOND = ("Someone plays music on a stage in front of many people who sing with him, and a drummer "
          "plays too, in an old theatre in the middle of the city.")


def _lines(editor) -> float:
    return editor.viewport().height() / editor.fontMetrics().lineSpacing()


def test_a_long_prediction_scrolls_the_page_instead_of_squeezing_it(window, qtbot, engine_run):
    window.resize(*SCREEN)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == SCREEN, timeout=5_000)
    window.state.set_run(str(engine_run("regression")))  # trained on sentence pairs
    window.show_page("predict")
    page = window.pages["predict"]
    qtbot.waitUntil(page.predict_button.isEnabled, timeout=120_000)
    assert page.pair_input.isVisible()
    page.input.setFocus()
    qtbot.keyClicks(page.input, FIRST)
    qtbot.keyClicks(page.pair_input, SECOND)
    # The explanation of the whole pair: on a busy machine the page also explains the text as it
    # was mid-typing, and a later, longer explanation grows the page after that one is shown.
    qtbot.waitUntil(lambda: (shown := page.explain_panel.shown) is not None
                    and (shown.text, shown.pair) == (FIRST, SECOND), timeout=120_000)
    content = page.scroll_area.widget()
    # The page takes the height its content prefers at its width, scrolling for the rest (wrapped
    # labels settle their heights over a few turns of the event loop: wait until nothing moves).
    widgets = [content, *content.findChildren(QWidget)]
    seen: list = []

    def settled() -> bool:
        QApplication.processEvents()
        seen.append([w.geometry() for w in widgets])
        return (len(seen) > 2 and seen[-1] == seen[-2] == seen[-3]
                and content.height() >= content.heightForWidth(content.width()))

    qtbot.waitUntil(settled, timeout=10_000)

    assert clipped(window) == []  # every label keeps its lines: result, highlighted words, legend
    panel = page.explain_panel
    for text in (page.result, panel.text, panel.legend, panel.summary):
        assert text.height() >= text.heightForWidth(text.width())
    assert _lines(page.input) >= INPUT_LINES and _lines(page.pair_input) >= INPUT_LINES
    table = page.batch_table
    assert table.height() >= TABLE_ROWS * table.verticalHeader().defaultSectionSize()
    bar = page.scroll_area.verticalScrollBar()
    bar.setValue(bar.maximum())  # the bottom of the explanation is in view, or can be scrolled into it
    QApplication.processEvents()
    viewport = page.scroll_area.viewport()
    bottom = panel.summary.mapTo(viewport, panel.summary.rect().bottomLeft()).y()
    assert bottom <= viewport.height()
