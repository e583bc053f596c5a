"""Issue 13 (polish, second round): a primary (blue) button's text reads on its fill as drawn,
in every state and every scheme: white on the accent blue was 4.1:1, below the 4.5:1 that
normal-size text needs (WCAG AA)."""

from __future__ import annotations

import pytest
from gui_helpers import drawn_contrast
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QPushButton

AA = 4.5


def _text_contrast(button: QPushButton) -> float:
    """The button's inside as drawn (its rounded corners and focus ring left out)."""
    QApplication.processEvents()
    return drawn_contrast(button.grab(button.rect().adjusted(4, 3, -4, -3)).toImage())


@pytest.mark.parametrize("scheme", ["light", "dark", "high-contrast"])
def test_primary_buttons_read_in_every_state(window, qtbot, restore_look, scheme):
    window.scheme_actions[scheme].trigger()
    qtbot.waitUntil(lambda: not window.restyling, timeout=5_000)  # a piece a turn, then paint
    buttons = [b for b in window.findChildren(QPushButton) if b.property("role") == "primary"]
    assert len(buttons) >= 5
    window.setFocus()
    found = {}
    pages = {id(page): page for page in window.pages.values()}
    for button in buttons:
        # Seen as a person sees it: on its page, shown (a hidden page takes the look when shown).
        page = button.parentWidget()
        while id(page) not in pages:
            page = page.parentWidget()
        window.stack.setCurrentWidget(page)
        enabled = button.isEnabled()
        button.setEnabled(True)
        found[(button.objectName(), "normal")] = _text_contrast(button)
        button.setEnabled(False)
        found[(button.objectName(), "disabled")] = _text_contrast(button)
        button.setEnabled(enabled)
    window.show_page("welcome")
    button = window.findChild(QPushButton, "welcomeDemoButton")
    qtbot.waitUntil(button.isVisible, timeout=5_000)
    normal = button.grab().toImage()
    qtbot.mouseMove(button, button.rect().center())
    qtbot.waitUntil(button.underMouse, timeout=5_000)
    found[("welcomeDemoButton", "hover")] = _text_contrast(button)
    hover = button.grab().toImage()
    qtbot.mousePress(button, Qt.MouseButton.LeftButton, pos=button.rect().center())
    assert button.isDown()
    found[("welcomeDemoButton", "pressed")] = _text_contrast(button)
    pressed = button.grab().toImage()
    qtbot.mouseRelease(button, Qt.MouseButton.LeftButton, pos=QPoint(-20, -20))  # off it: no click
    qtbot.mouseMove(window, QPoint(2, 2))
    low = {where: round(ratio, 2) for where, ratio in found.items() if ratio < AA}
    assert not low, f"primary button text below {AA}:1 in {scheme}: {low}"
    if scheme != "high-contrast":  # there, hover and press are the focus ring's and the border's
        assert normal != hover and hover != pressed and normal != pressed  # each state shows
