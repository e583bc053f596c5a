"""Data page as a first-time user meets it (issue 13): keyboard, drops, messages, split, stalls."""

from __future__ import annotations

from gui_helpers import load_data
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication


def _tab_through(qtbot, start, target, presses: int) -> list:
    """Focus ``start``, press Tab until ``target`` has the focus (at most ``presses`` times);
    the widgets that got the focus, in order."""
    start.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is start, timeout=5_000)
    seen = [start]
    while seen[-1] is not target and len(seen) <= presses:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    return seen


def test_tab_from_open_reaches_the_roles_the_split_and_next(window, qtbot, sentiment_csv):
    load_data(qtbot, window, sentiment_csv)
    data = window.pages["data"]
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)
    seen = _tab_through(qtbot, data.open_button, data.next_button, 25)
    assert data.next_button in seen, [w.objectName() for w in seen]
    order = [data.text_combo, data.label_combo, data.task_combo, data.test_spin, data.next_button]
    positions = [seen.index(w) for w in order]
    assert positions == sorted(positions)
    names = " ".join(w.objectName() or type(w).__name__ for w in seen)
    assert seen.count(data.preview) == 1, names
