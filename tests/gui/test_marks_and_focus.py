"""Issue 13 item 14: severity marks are drawn (no emoji font needed) and keyboard focus on a blue
button is plain to see, in the light and the dark theme."""

from __future__ import annotations

import pyqtgraph as pg
import pytest
from gui_helpers import load_data
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from tlstudio.gui import sheets, theme

# Characters every common UI font has; anything else (emoji, dingbats) may be an empty box.
PLAIN = set("…–—•’‘“”→←≈±×·") | {chr(c) for c in range(0x20, 0x250)}


@pytest.fixture
def restore_look(qapp):
    sheet, config, look = qapp.styleSheet(), dict(pg.CONFIG_OPTIONS), sheets.in_use()
    yield qapp
    theme.follow_system(qapp)
    qapp.setStyleSheet(sheet)
    sheets.use(look)  # windows made later: the sheet from before
    pg.setConfigOptions(**config)


def test_problems_carry_drawn_marks_not_emoji(window, qtbot, tmp_path):
    path = tmp_path / "repeats.csv"
    rows = ["text,label"] + [f"the same words again,{i % 2}" for i in range(12)]
    rows += [f"sentence {i} is here,{i % 2}" for i in range(40)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    load_data(qtbot, window, path)
    problems = window.pages["data"].problems
    assert problems.count() >= 1
    for i in range(problems.count()):
        item = problems.item(i)
        assert set(item.text()) <= PLAIN, item.text()
        image = item.icon().pixmap(16, 16).toImage()
        assert not image.isNull()
        coloured = sum(image.pixelColor(x, y).alpha() > 0 for x in range(16) for y in range(16))
        assert coloured > 60  # a real drawn mark, not an empty icon


def _ring_contrast(qtbot, button) -> float:
    """How far the focused button's edge is from the unfocused one (max over the border)."""
    button.clearFocus()
    qtbot.wait(20)
    plain = button.grab().toImage()
    button.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(button.hasFocus, timeout=2_000)
    qtbot.wait(20)
    focused = button.grab().toImage()
    width, height = plain.width(), plain.height()
    edge = [(x, y) for x in range(width) for y in (1, height - 2)]
    edge += [(x, y) for y in range(height) for x in (1, width - 2)]

    def distance(a: QColor, b: QColor) -> float:
        return max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue()))

    return sorted(distance(plain.pixelColor(x, y), focused.pixelColor(x, y)) for x, y in edge)[len(edge) // 2]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_keyboard_focus_on_a_blue_button_is_plain_to_see(window, qtbot, restore_look, scheme):
    theme.apply(restore_look, scheme=scheme)
    window.show_page("welcome")
    button = window.pages["welcome"].findChild(type(window.pages["welcome"].demo_button), "welcomeDemoButton")
    qtbot.waitUntil(button.isVisible, timeout=2_000)
    assert _ring_contrast(qtbot, button) > 90  # half the border changes strongly
