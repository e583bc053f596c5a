"""The look's style sheet, set on the parts of a window (its bars, each page), never on the app.

Qt re-polishes every widget, hidden ones too (~1,600 here), whenever the application's style
sheet changes, and while the application has one even a bare palette change re-polishes them
all: a light/dark switch cost the GUI thread 0.31-0.38 s (a 0.35-0.68 s frozen window on a
loaded 2-core machine). A sheet set on a page re-polishes that page alone. So a switch styles
what shows now (see :func:`restyle_windows`) and each other part when it is next shown; a part
styled for an older look is merely stale until then, which nobody can see.

Style sheets cascade down the widget tree, popups included: a combo box's list, a context menu,
a tooltip or a dialog whose parent is inside a styled page takes the page's sheet. Windows of
their own (a dialog on the main window, pyqtgraph's parentless plot menus) are styled as they
open: :func:`style` before ``exec``, :func:`style_when_shown` for menus.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QApplication, QMenu, QWidget

_sheet = ""  # the sheet of the look in use; "" until a look is applied (Qt's native look)
_generation = 0  # counts the looks applied: a widget styled for an older one is stale
GENERATION = "tlstudioLook"  # the dynamic property that records which look a widget wears


def in_use() -> str:
    """The style sheet of the look in use ("" before any look was applied)."""
    return _sheet


def generation() -> int:
    """Which look is in use: it changes with every look applied (see :func:`use`)."""
    return _generation


def use(sheet: str) -> None:
    """Make ``sheet`` the look's sheet: every part styled before is stale from now on.

    A new look even when the text is the same: the sheet's ``palette(...)`` colours are
    resolved when a widget is polished, so a palette change needs a re-polish too.
    """
    global _sheet, _generation
    _sheet = sheet
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
