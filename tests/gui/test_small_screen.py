"""Issue 13 item 8: on a 1024x640 screen every page's text can be read; nothing is cut off."""

from __future__ import annotations

from fit_check import clipped, elided_combo
from gui_helpers import load_data, pick_model
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QWidget,
)

from tlstudio.gui.pages.base import label

SCREEN = (1024, 640)


def _every_tab(page):
    """Show each tab of each tab widget on ``page`` in turn (yields once per view)."""
    tabs = [t for t in page.findChildren(QTabWidget) if t.isVisibleTo(page)]
    QApplication.processEvents()  # the layout requests a page's first show posts
    yield "page"
    for widget in tabs:
        for index in range(widget.count()):
            if widget.isTabVisible(index):
                widget.setCurrentIndex(index)
                QApplication.processEvents()
                yield widget.tabText(index)


def test_every_page_fits_a_1024x640_screen(window, qtbot, sentiment_csv, engine_run,
                                           tiny_model_dir):
    window.resize(*SCREEN)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == SCREEN, timeout=5_000)
    load_data(qtbot, window, sentiment_csv)
    pick_model(qtbot, window, tiny_model_dir)
    window.state.set_run(str(engine_run("binary")))
    # Pages out of view read a run when shown: show those that read it, as a person does, and
    # wait until they have, so each is checked filled.
    window.show_page("evaluate")
    evaluate = window.pages["evaluate"]
    qtbot.waitUntil(lambda: evaluate.metrics_table.rowCount() > 0, timeout=60_000)
    window.show_page("insight")
    insight = window.pages["insight"]
    insight.tabs.setCurrentWidget(insight.calibration)
    qtbot.waitUntil(lambda: insight.calibration._report is not None, timeout=60_000)
    insight.tabs.setCurrentIndex(0)
    problems = []
    for key, page in window.pages.items():
        window.show_page(key)
        qtbot.waitUntil(lambda p=page: p.isVisible(), timeout=5_000)
        for view in _every_tab(page):
            problems += [f"{key} ({view}): {p}" for p in clipped(window)]
    assert (window.width(), window.height()) == SCREEN  # the window's minimum fits the screen
    assert problems == [], "\n".join(problems)


def test_a_prediction_and_its_explanation_fit_a_1024x640_screen(window, qtbot, engine_run):
    """The "Why?" class combo read "1 (predic" once a text was predicted."""
    window.resize(*SCREEN)
    window.state.set_run(str(engine_run("binary")))
    window.show_page("predict")
    page = window.pages["predict"]
    qtbot.waitUntil(page.predict_button.isEnabled, timeout=120_000)
    qtbot.keyClicks(page.input, "The battery lasts all day and the screen is gorgeous.")
    qtbot.waitUntil(lambda: page.explain_panel.shown is not None, timeout=120_000)
    QApplication.processEvents()
    panel = page.explain_panel
    assert "(predicted)" in panel.class_combo.currentText()
    for combo in (panel.class_combo, panel.method_combo):
        assert combo.width() >= combo.sizeHint().width()
        assert elided_combo(combo) is None


def test_a_wrapped_label_in_a_splitter_gets_every_line(qtbot):
    """A page scrolls rather than squash its splitter: the label's lines count in its minimum."""
    side = QWidget()
    form = QFormLayout(side)
    form.addRow("Test file", QPushButton("Choose…"))
    note = label("none: test rows come from this file, which is read as it is", "hint", wrap=True)
    form.addRow("", note)
    splitter = QSplitter()
    splitter.addWidget(QWidget())
    splitter.addWidget(side)
    page = QScrollArea()
    page.setWidgetResizable(True)
    page.setWidget(splitter)
    qtbot.addWidget(page)
    page.resize(420, 40)
    splitter.setSizes([200, 200])
    page.show()
    qtbot.waitExposed(page)
    QApplication.processEvents()
    assert note.heightForWidth(note.width()) > QFontMetrics(note.font()).height() * 1.5
    assert clipped(splitter) == []


def test_the_data_preview_shows_the_label_beside_the_text_at_1024x640(window, qtbot, sentiment_csv):
    """The text column took its full 420 px, and the label and the other columns lay to the
    right of the preview at 1024 wide: scrolled out of view."""
    window.resize(*SCREEN)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == SCREEN, timeout=5_000)
    load_data(qtbot, window, sentiment_csv)
    preview = window.pages["data"].preview
    header, model = preview.horizontalHeader(), preview.model()
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(header.count())]
    assert titles == ["text", "label", "source"]
    out = [t for c, t in enumerate(titles) if header.sectionViewportPosition(c) + header.sectionSize(c)
           > preview.viewport().width() + 1]
    assert out == [], f"out of view: {out} ({[header.sectionSize(c) for c in range(header.count())]} px " \
                      f"in {preview.viewport().width()})"
    assert header.sectionSize(0) >= 200  # the text still reads
