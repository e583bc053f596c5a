"""Issue 13 (polish): the Train page fits a 1440x900 window without scrolling (its three plots
asked for 480 px each, so the page wanted 1,370 px), and still scrolls rather than squeezing
anything on a 1024x640 screen."""

from __future__ import annotations

from fit_check import clipped
from PySide6.QtWidgets import QApplication


def _show_train(window, qtbot, size: tuple[int, int]):
    window.resize(*size)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size, timeout=5_000)
    window.show_page("train")
    page = window.pages["train"]
    qtbot.waitUntil(page.isVisible, timeout=5_000)
    QApplication.processEvents()  # the layout requests the page's first show posts
    return page


def test_the_train_page_fits_1440x900_without_a_scroll_bar(ready_window, qtbot):
    page = _show_train(ready_window, qtbot, (1440, 900))
    bar = page.scroll_area.verticalScrollBar()
    assert not bar.isVisible() and bar.maximum() == 0
    viewport = page.scroll_area.viewport()
    for plot in (page.loss_plot, page.metric_plot, page.lr_plot):
        assert plot.height() >= plot.minimumHeight()
        bottom = plot.mapTo(viewport, plot.rect().bottomLeft()).y()
        assert bottom <= viewport.height()  # in sight, not below the fold
    assert page.start_button.isVisible() and page.log.isVisible()


def test_the_train_page_scrolls_rather_than_squeezes_at_1024x640(ready_window, qtbot):
    page = _show_train(ready_window, qtbot, (1024, 640))
    assert clipped(ready_window) == []
    for plot in (page.loss_plot, page.metric_plot, page.lr_plot):
        assert plot.height() >= plot.minimumHeight()
    assert page.log.height() >= page.log.minimumHeight()
    content = page.scroll_area.widget()
    assert content.height() >= content.heightForWidth(content.width())  # its preferred height, or more


def test_the_empty_log_says_what_will_appear_there(ready_window, qtbot):
    """Before a run the log was a blank box: nothing said the run's progress would be written there."""
    page = _show_train(ready_window, qtbot, (1024, 640))
    assert page.log.toPlainText() == ""
    hint = page.log.placeholderText()
    assert "Start" in hint and "validation" in hint, hint  # when it fills, and with what
