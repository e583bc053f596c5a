"""Issue 13 item 12: a scheme switch restyles what shows; each other page takes the look when shown.

The look's style sheet sits on the pages and bars, not on the application (``gui/sheets.py``):
an application sheet made every switch re-polish all ~1,600 widgets, a second-long freeze.
"""

from __future__ import annotations

import numpy as np
import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication, QMessageBox, QTabWidget, QWidget

from tlstudio.gui import sheets, theme


def _share(widget: QWidget, color: str) -> float:
    """The share of ``widget``'s drawn pixels that are exactly ``color``."""
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    array = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    bgr = array[:, : image.width() * 4].reshape(image.height(), image.width(), 4)[..., :3]
    c = QColor(color)
    return float(np.all(bgr == (c.blue(), c.green(), c.red()), axis=-1).mean())


def _switch(qtbot, window, scheme: str) -> None:
    """Choose a scheme in View > Colours and wait until the window wears it (a few turns)."""
    window.scheme_actions[scheme].trigger()
    qtbot.waitUntil(lambda: not window.restyling, timeout=5_000)


def _restyled_by_switching(qtbot, window, app, scheme: str) -> _StyleChanges:
    """Switch to ``scheme``, noting every widget Qt restyles on the way."""
    changes = _StyleChanges()
    app.installEventFilter(changes)
    try:
        _switch(qtbot, window, scheme)
    finally:
        app.removeEventFilter(changes)
    return changes


def _click_step(qtbot, window, key: str) -> None:
    """Click the page's step in the sidebar, as a person does."""
    from tlstudio.gui.main_window import PAGES

    item = window.sidebar.item(PAGES.index(key))
    rect = window.sidebar.visualItemRect(item)
    qtbot.mouseClick(window.sidebar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_page() == key
    QApplication.processEvents()


def test_a_page_first_shown_after_a_switch_wears_the_new_look(window, qtbot, restore_look):
    light_off, dark_off = (theme.PRIMARY_DISABLED[s][0] for s in ("light", "dark"))
    _switch(qtbot, window, "light")
    _click_step(qtbot, window, "data")
    button = window.pages["data"].next_button  # a blue button, off until a file is read
    assert not button.isEnabled()
    assert _share(button, light_off) > 0.5
    _click_step(qtbot, window, "welcome")
    _switch(qtbot, window, "dark")  # switched on the Start page; Data is hidden
    _click_step(qtbot, window, "data")
    assert _share(button, dark_off) > 0.5, "a page shown after a switch kept the old look"
    assert _share(button, light_off) == 0
    chart = window.pages["data"].label_plot  # and its plots, recoloured for the dark palette
    assert chart.backgroundBrush().color() == QColor(theme.DARK_COLORS[QPalette.ColorRole.Window])
    _click_step(qtbot, window, "welcome")
    _switch(qtbot, window, "high-contrast")
    _click_step(qtbot, window, "data")
    assert _share(button, "#000000") > 0.5 and _share(button, dark_off) == 0  # dashed, on black


class _StyleChanges(QObject):
    """Counts the widgets Qt restyles (a StyleChange event each)."""

    def __init__(self) -> None:
        super().__init__()
        self.widgets: set[int] = set()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.StyleChange:
            self.widgets.add(_address(watched))
        return False


def _address(widget: QObject) -> int:
    """The C++ object's address: Python wrappers of Qt's own widgets come and go (ids recur)."""
    return shiboken6.getCppPointer(widget)[0]


def test_a_switch_restyles_what_shows_not_every_widget(window, qtbot, restore_look):
    app = restore_look
    _switch(qtbot, window, "light")
    _click_step(qtbot, window, "runs")
    mine = {_address(w) for w in window.findChildren(QWidget)}
    visible = [w for w in window.pages["runs"].findChildren(QWidget) if w.isVisible()]
    # The widgets on the way down to tabs (the page's scroll area, say) wear no sheet of their
    # own (sheets.style_parts): nothing of them changes, so Qt sends them no StyleChange.
    in_parts = [w for w in visible if w.property(sheets.CONTAINER)]
    shown = {_address(w) for w in visible} - {_address(w) for w in in_parts}
    changes = _restyled_by_switching(qtbot, window, app, "dark")
    assert shown <= changes.widgets  # the page in view: restyled at once
    assert len(in_parts) <= 3 and all(w.property(sheets.GENERATION) == sheets.generation()
                                      for w in in_parts)
    restyled = changes.widgets & mine
    assert len(restyled) < len(mine) / 3, f"{len(restyled)} of the window's {len(mine)} widgets restyled"


def test_a_dialog_of_the_window_wears_the_high_contrast_look(window, qtbot, restore_look):
    _switch(qtbot, window, "high-contrast")
    window.show_environment()  # Help ▸ Environment: a dialog of the window, not of a page
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "environmentDialog") is not None,
                    timeout=120_000)
    box = window.findChild(QMessageBox, "environmentDialog")
    qtbot.waitExposed(box)
    ok = box.button(QMessageBox.StandardButton.Ok)
    image = ok.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    edge = [image.pixelColor(x, image.height() // 2) for x in (0, 1, image.width() - 2, image.width() - 1)]
    box.close()
    # outlined in white, 2 px (or the focus ring's yellow): Fusion's own frame is black on black
    assert all(c.name() in ("#ffffff", "#ffff00") for c in edge), [c.name() for c in edge]


def test_a_tab_first_shown_after_a_switch_wears_the_new_look(window, qtbot, restore_look):
    """A switch restyles the tab in view; another tab takes the look as it is shown."""
    light_off, dark_off = (theme.PRIMARY_DISABLED[s][0] for s in ("light", "dark"))
    page = window.pages["evaluate"]
    _switch(qtbot, window, "light")
    window.stack.setCurrentWidget(page)  # no run yet: the step is off in the sidebar
    page.tabs.setCurrentIndex(page.tabs.indexOf(page.export_panel))
    qtbot.waitUntil(lambda: page.export_panel.isVisible(), timeout=5_000)
    button = page.export_panel.export_button  # a blue button, off without a run
    assert not button.isEnabled()
    assert _share(button, light_off) > 0.5
    page.tabs.setCurrentIndex(0)
    _switch(qtbot, window, "dark")  # switched on the first tab: Export is hidden
    qtbot.mouseClick(page.tabs.tabBar(), Qt.MouseButton.LeftButton,
                     pos=page.tabs.tabBar().tabRect(page.tabs.indexOf(page.export_panel)).center())
    assert page.tabs.currentWidget() is page.export_panel
    QApplication.processEvents()
    assert _share(button, dark_off) > 0.5, "a tab shown after a switch kept the old look"
    assert _share(button, light_off) == 0
    page.tabs.setCurrentIndex(0)
    _switch(qtbot, window, "high-contrast")
    page.tabs.setCurrentIndex(page.tabs.indexOf(page.export_panel))
    assert _share(button, "#000000") > 0.5 and _share(button, dark_off) == 0  # dashed, on black


def test_a_switch_leaves_the_hidden_tabs_for_later(window, qtbot, restore_look):
    """The tab in view is restyled at once, the Evaluate page's other tabs are not (yet)."""
    app = restore_look
    page = window.pages["evaluate"]
    _switch(qtbot, window, "light")
    window.stack.setCurrentWidget(page)
    page.tabs.setCurrentIndex(0)
    QApplication.processEvents()
    in_view = {_address(w) for w in page.tabs.widget(0).findChildren(QWidget)}
    hidden = {_address(w) for i in range(1, page.tabs.count())
              for w in page.tabs.widget(i).findChildren(QWidget)}
    changes = _restyled_by_switching(qtbot, window, app, "dark")
    assert in_view <= changes.widgets
    assert not hidden & changes.widgets, f"{len(hidden & changes.widgets)} hidden widgets restyled"


def _pane_colour(tabs: QTabWidget) -> QColor:
    """The colour the tab widget fills its pane with, just above the pane's lower edge."""
    image = tabs.grab().toImage()
    return image.pixelColor(image.width() // 2, image.height() - 6)


def test_tab_panes_turn_dark_with_the_window(window, qtbot, restore_look):
    """Each tab's pane is dark after a switch to dark, on the page in view and on a hidden one.

    A tab bar wears the look's sheet (its tabs' rules), which makes Qt treat its tab widget as
    styled by a sheet; Qt hands no palette change on to such a widget, so the tab widget and its
    stack of pages kept the light palette they had been polished with: light panes in dark.
    """
    evaluate, insight = window.pages["evaluate"], window.pages["insight"]
    _switch(qtbot, window, "light")
    for page in (insight, evaluate):  # no run yet: their steps are off in the sidebar
        window.stack.setCurrentWidget(page)
        QApplication.processEvents()
    light = _pane_colour(evaluate.tabs)
    assert light.lightness() > 200, light.name()
    evaluate.tabs.setCurrentIndex(0)
    _switch(qtbot, window, "dark")  # on the Evaluate page's first tab
    window_colour = QColor(theme.DARK_COLORS[QPalette.ColorRole.Window])
    for page in (evaluate, insight):  # Insight: hidden at the switch
        window.stack.setCurrentWidget(page)
        for index in range(page.tabs.count()):
            if not page.tabs.isTabVisible(index):
                continue
            bar = page.tabs.tabBar()
            qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
            assert page.tabs.currentIndex() == index
            QApplication.processEvents()
            pane = _pane_colour(page.tabs)
            name = f"{type(page).__name__}, tab {page.tabs.tabText(index)!r}"
            assert pane.lightness() < 100, f"{name}: a light pane ({pane.name()}) in the dark look"
            assert page.tabs.palette().color(QPalette.ColorRole.Window) == window_colour, name


def test_a_tab_filled_before_it_is_first_shown_fits_the_look(window, qtbot, engine_run, restore_look):
    """The Mistakes tab, filled while hidden, measures its columns in the look (high contrast:
    bold headers with padding). Left unstyled until shown, it kept Fusion's narrower widths
    ("onfidence", "redicted")."""
    _switch(qtbot, window, "high-contrast")
    page = window.pages["evaluate"]
    window.stack.setCurrentWidget(page)  # no run yet: the step is off in the sidebar
    page.tabs.setCurrentIndex(0)
    QApplication.processEvents()
    window.state.set_run(str(engine_run("binary")))  # filled while the Mistakes tab is hidden
    qtbot.waitUntil(lambda: page.mistakes.rowCount() > 0 and not window.host.busy, timeout=60_000)
    assert not page.mistakes.isVisible()
    bar = page.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    assert page.mistakes.isVisible()
    QApplication.processEvents()
    header = page.mistakes.horizontalHeader()
    for column in range(header.count()):
        title = page.mistakes.horizontalHeaderItem(column).text()
        assert header.sectionSize(column) >= header.sectionSizeHint(column), f"{title!r} is cut"


def _cut_titles(table) -> list[str]:
    """The column titles of ``table`` narrower than the look needs (bold, padded in high contrast)."""
    header = table.horizontalHeader()
    return [f"{table.horizontalHeaderItem(c).text()!r}: {header.sectionSize(c)} of {header.sectionSizeHint(c)} px"
            for c in range(header.count()) if header.sectionSize(c) < header.sectionSizeHint(c)]


def test_a_table_measured_in_one_look_is_re_measured_after_a_switch(window, qtbot, engine_run,
                                                                     restore_look):
    """The Mistakes table, sized to its contents in the light look, fits its titles in high
    contrast after a switch: shown after it (a deferred tab) and in view at it. It kept the light
    look's widths ("onfidence", "redicted")."""
    page = window.pages["evaluate"]
    _switch(qtbot, window, "light")
    window.stack.setCurrentWidget(page)
    window.state.set_run(str(engine_run("binary")))
    qtbot.waitUntil(lambda: page.mistakes.rowCount() > 0 and not window.host.busy, timeout=60_000)
    bar = page.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    QApplication.processEvents()
    assert page.mistakes.isVisible() and not _cut_titles(page.mistakes)  # measured in light
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(0).center())
    _switch(qtbot, window, "high-contrast")  # the Mistakes tab hidden: restyled when shown
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    QApplication.processEvents()
    assert page.mistakes.isVisible()
    assert not _cut_titles(page.mistakes), "a tab shown after a switch kept the old widths"
    _switch(qtbot, window, "light")  # in view at the switches: restyled a piece a turn
    assert not _cut_titles(page.mistakes)
    _switch(qtbot, window, "high-contrast")
    assert not _cut_titles(page.mistakes), "a table in view at a switch kept the old widths"


def _cut_preview_titles(preview) -> list[str]:
    """The Data preview's column titles narrower than the look needs (the last one stretches)."""
    header, model = preview.horizontalHeader(), preview.model()
    return [f"{model.headerData(c, Qt.Orientation.Horizontal)!r}: {header.sectionSize(c)} of "
            f"{header.sectionSizeHint(c)} px" for c in range(header.count() - 1)
            if header.sectionSize(c) < header.sectionSizeHint(c)]


def _long_titled_csv(path) -> None:
    """Short cells under long titles: the titles alone set the columns' widths."""
    rows = [f"The {n}th review of the phone,{n % 2},{n % 5}" for n in range(60)]
    path.write_text("review,satisfaction_label_as_given_by_customer,number_of_stars_given_in_survey,"
                    "source\n" + "".join(f"{row},web\n" for row in rows), encoding="utf-8")


def test_the_data_preview_is_measured_again_after_a_switch(window, qtbot, tmp_path, restore_look):
    """The Data preview sized its columns from the light look's header font: in high contrast
    (bold, padded titles) long titles were cut, whether the file was read before the switch or
    after it."""
    from gui_helpers import load_data

    data = tmp_path / "reviews.csv"
    _long_titled_csv(data)
    _switch(qtbot, window, "light")
    load_data(qtbot, window, data)
    preview = window.pages["data"].preview
    assert preview.isVisible() and not _cut_preview_titles(preview)
    _switch(qtbot, window, "high-contrast")  # in view at the switch
    assert not _cut_preview_titles(preview), "the preview kept the light look's widths"
    _click_step(qtbot, window, "welcome")
    _switch(qtbot, window, "light")
    _click_step(qtbot, window, "data")  # hidden at the switch: measured when shown
    _switch(qtbot, window, "high-contrast")
    load_data(qtbot, window, data)  # read in high contrast
    assert not _cut_preview_titles(preview), "a file read in high contrast: titles cut"
