"""Issue 13 (polish): confusion-matrix cells are readable in every colour scheme: a selected one
whether the table has the focus or not and whether the window is the active one or not (high
contrast once drew it white on yellow; light and dark drew white on a blue of 3.4-4.1:1), and
every other one on its own tint."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget

AA = 4.5  # WCAG AA for normal text


def _luminance(rgb: np.ndarray) -> float:
    c = rgb / 255
    c = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return float(0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2])


def _contrast(a: np.ndarray, b: np.ndarray) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def cell_contrast(table, row: int, column: int) -> float:
    """The contrast of a cell as drawn: its commonest colour (the background) against the
    colour that stands out from it most (the strokes of its text)."""
    rect = table.visualRect(table.model().index(row, column)).adjusted(2, 2, -2, -2)  # no grid
    image = table.viewport().grab(rect).toImage().convertToFormat(QImage.Format.Format_RGB32)
    array = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    rgb = array[:, : image.width() * 4].reshape(-1, 4)[:, 2::-1].astype(float)  # B, G, R, A -> R, G, B
    colours, counts = np.unique(rgb, axis=0, return_counts=True)
    background = colours[counts.argmax()]
    return max(_contrast(colour, background) for colour in colours)


@pytest.mark.parametrize("scheme", ["high-contrast", "light", "dark"])
def test_confusion_cells_read_in_every_scheme_selected_or_not(window, qtbot, engine_run, restore_look,
                                                              scheme):
    """The matrix is filled in another scheme, then View ▸ Colours switches (nothing refills it):
    every cell's text reads on its tint (white on a strong light-scheme tint was 3.3:1), and a
    selected cell reads with the table focused, unfocused and the window inactive."""
    window.scheme_actions["dark" if scheme == "light" else "light"].trigger()
    window.state.set_run(str(engine_run("binary")))
    window.show_page("evaluate")
    page = window.pages["evaluate"]
    table = page.confusion
    qtbot.waitUntil(lambda: table.rowCount() == 2, timeout=60_000)
    page.tabs.setCurrentIndex(0)
    window.scheme_actions[scheme].trigger()
    qtbot.waitUntil(lambda: not window.restyling, timeout=5_000)  # a piece a turn, then paint
    table.clearSelection()
    table.setCurrentCell(-1, -1)
    QApplication.processEvents()
    found = {}
    for row in range(2):
        for column in range(2):
            table.scrollTo(table.model().index(row, column))
            found[(row, column, "not selected")] = cell_contrast(table, row, column)
    other = QWidget()  # another window, to make the main one inactive
    qtbot.addWidget(other)
    for row, column in ((0, 0), (1, 0), (1, 1)):
        table.scrollTo(table.model().index(row, column))
        rect = table.visualRect(table.model().index(row, column))
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert table.currentRow() == row and table.currentColumn() == column
        assert table.item(row, column).isSelected()
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
        table.setFocus()
        qtbot.waitUntil(table.hasFocus, timeout=5_000)
        found[(row, column, "selected, focused")] = cell_contrast(table, row, column)
        page.sources.button.setFocus()
        qtbot.waitUntil(lambda: not table.hasFocus(), timeout=5_000)
        found[(row, column, "selected, not focused")] = cell_contrast(table, row, column)
        other.show()
        other.activateWindow()
        qtbot.waitUntil(lambda: not window.isActiveWindow(), timeout=5_000)
        QApplication.processEvents()
        found[(row, column, "selected, window inactive")] = cell_contrast(table, row, column)
        other.hide()
    low = {where: round(ratio, 2) for where, ratio in found.items() if ratio < AA}
    assert not low, f"cells below {AA}:1 in {scheme}: {low}"
