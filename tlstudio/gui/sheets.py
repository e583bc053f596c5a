"""The look's style sheet, set on the parts of a window (its bars, each page), never on the app.

Qt re-polishes every widget, hidden ones too (~1,600 here), whenever the application's style
sheet changes, and while the application has one even a bare palette change re-polishes them
all: a light/dark switch cost the GUI thread 0.31-0.38 s (a 0.35-0.68 s frozen window on a
loaded 2-core machine). A sheet set on a page re-polishes that page alone. So a switch styles
what shows now (see :func:`restyle_windows`) and each other part when it is next shown; a part
styled for an older look is merely stale until then, which nobody can see.

A page that holds tabs is styled part by part (:func:`style_parts`): a sheet on the page would
re-polish its hidden tabs too (the Evaluate page: 203 widgets, 55 of them in view; 45-60 ms).
The widgets on the way down to the tabs (the page, its scroll area, the tab widget) wear no
sheet of their own, which would cascade into every tab: each of their other children is styled
whole, a hidden one (another tab) at the page's first styling, and after a switch when it is
next shown. Never a tab left unstyled: one filled so would keep the sizes it measured without
the sheet (a table's columns, cut headers in high contrast).

Style sheets cascade down the widget tree, popups included: a combo box's list, a context menu,
a tooltip or a dialog whose parent is inside a styled page takes the page's sheet. Windows of
their own (a dialog on the main window, pyqtgraph's parentless plot menus) are styled as they
open: :func:`style` before ``exec``, :func:`style_when_shown` for menus.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QMenu, QSplitter, QStackedWidget, QTabWidget, QWidget

_sheet = ""  # the sheet of the look in use; "" until a look is applied (Qt's native look)
_tabs_sheet = ""  # what a tab widget itself wears (its pane's rules): see style_parts
_generation = 0  # counts the looks applied: a widget styled for an older one is stale
GENERATION = "tlstudioLook"  # the dynamic property that records which look a widget wears
CONTAINER = "tlstudioStyledInParts"  # set on a widget styled part by part (style_parts)


def in_use() -> str:
    """The style sheet of the look in use ("" before any look was applied)."""
    return _sheet


def generation() -> int:
    """Which look is in use: it changes with every look applied (see :func:`use`)."""
    return _generation


def use(sheet: str, tabs: str = "") -> None:
    """Make ``sheet`` the look's sheet: every part styled before is stale from now on.

    A new look even when the text is the same: the sheet's ``palette(...)`` colours are
    resolved when a widget is polished, so a palette change needs a re-polish too.
    ``tabs`` holds the rules a tab widget needs for itself (``QTabWidget::pane``): a tab
    widget wears those alone (:func:`style_parts`), and only a change of them re-polishes it.
    """
    global _sheet, _tabs_sheet, _generation
    _sheet, _tabs_sheet = sheet, tabs
    _generation += 1


def style(widget: QWidget) -> bool:
    """Give ``widget`` (a page, a bar, a dialog) the look in use, unless it wears it already.

    Returns True when it was restyled. Cheap when up to date: a property read.
    """
    if widget.property(GENERATION) == _generation:
        return False
    widget.setProperty(GENERATION, _generation)
    widget.setStyleSheet(_sheet)
    return True


def _holds_tabs(widget: QWidget) -> bool:
    """Whether ``widget`` is styled part by part: it is, or holds, a tab widget, or it is the
    stack of a tab widget's pages.

    Never a splitter: its handles take their look (``QSplitter::handle``) from its sheet.
    """
    if isinstance(widget, QSplitter):
        return False
    return (isinstance(widget, QTabWidget) or widget.findChild(QTabWidget) is not None
            or (isinstance(widget, QStackedWidget) and isinstance(widget.parentWidget(), QTabWidget)))


def style_parts(part: QWidget, restyle: Callable[[QWidget], object] = style,
                later: list[QWidget] | None = None) -> None:
    """Give ``part`` the look: whole (``restyle``), or part by part when it holds tabs.

    A widget on the way down to a tab widget wears no look sheet (a tab widget: its pane's
    rules alone); each of its other children is styled the same way now, unless hidden (a tab
    not in view, a closed banner): that one is styled when it is shown, as is a child added
    later. With ``later``, the parts styled whole are listed there instead, for the caller to
    style one turn at a time. Cheap when up to date: a property read.
    """
    if not _holds_tabs(part):
        if later is None:
            restyle(part)
        else:
            later.append(part)
        return
    if part.property(GENERATION) == _generation:
        return
    own = _tabs_sheet if isinstance(part, QTabWidget) else ""
    if part.styleSheet() != own:  # a change of text alone re-polishes what it holds
        part.setStyleSheet(own)
    part.setProperty(GENERATION, _generation)
    part.setProperty(CONTAINER, True)
    on_show = _watcher()
    on_show.watch(part, restyle)  # children added later: styled as they are shown
    for child in part.children():
        if not isinstance(child, QWidget):
            continue
        if child.isHidden() and child.property(GENERATION) is not None:
            on_show.watch(child, restyle)  # a tab not in view, stale: styled when it is shown
        else:
            style_parts(child, restyle, later)  # never styled: now, or it fills unstyled
    if part.testAttribute(Qt.WidgetAttribute.WA_StyleSheet):
        # A tab bar's sheet marks its tab widget as styled by a sheet, and Qt hands no palette
        # change on to such a widget: it and its pages kept the palette of their first polish
        # (light panes in the dark look). It takes the palette in use again, its pages with it.
        part.setPalette(QPalette())


class _OnShow(QObject):
    """Styles a part that was hidden at a switch (or added since) as it is shown."""

    WATCHED = "tlstudioStyledOnShow"

    def __init__(self) -> None:
        super().__init__()
        self.restyle: Callable[[QWidget], object] = style

    def watch(self, widget: QWidget, restyle: Callable[[QWidget], object]) -> None:
        self.restyle = restyle
        if not widget.property(self.WATCHED):
            widget.setProperty(self.WATCHED, True)
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        kind = event.type()
        if kind == QEvent.Type.Show and isinstance(watched, QWidget) and _sheet:
            style_parts(watched, self.restyle)  # before its own showEvent, before its paint
        elif kind == QEvent.Type.ChildAdded and watched.property(CONTAINER):
            child = event.child()  # no sheet cascades into it: it wears its own when shown
            if child.isWidgetType():
                self.watch(child, self.restyle)  # type: ignore[arg-type]
        return False


_on_show: _OnShow | None = None


def _watcher() -> _OnShow:
    global _on_show
    if _on_show is None:
        _on_show = _OnShow()
    return _on_show


def _style_menu(menu: QMenu) -> None:
    style(menu)
    for action in menu.actions():
        submenu = action.menu()
        if isinstance(submenu, QMenu) and submenu.parentWidget() is None:
            _style_menu(submenu)  # its own window: no sheet cascades into it


def style_when_shown(menu: QMenu) -> None:
    """Style a parentless menu (and its parentless submenus) each time it is about to show."""
    menu.aboutToShow.connect(lambda: _style_menu(menu))


def restyle_windows(app: QApplication, restyle: Callable[[QWidget], object] = style) -> int:
    """Style what shows now, after a change of look; returns how many windows were visited.

    A window that styles its own parts (``apply_look()``: the main window, which restyles its
    bars and current page and each other page when it is shown) is asked to; any other shown
    window gets ``restyle`` (default: :func:`style`). Hidden windows are styled when they open.
    """
    visited = 0
    for window in app.topLevelWidgets():
        if window.parentWidget() is not None or not window.isVisible():
            continue  # a child window (a popup) takes its parent's sheet
        visited += 1
        apply_look = getattr(window, "apply_look", None)
        if callable(apply_look):
            apply_look()
        else:
            restyle(window)
    return visited
