"""Issue 13 (polish, second round): the selected confusion-matrix cell is outlined, in every
scheme: filled with the selection blue alone it looked like the blue diagonal cells."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from tlstudio.gui.readable_cells import contrast


def _edge_contrast(table, row: int, column: int) -> float:
    """How strongly the cell's edge stands out from its fill: for each ring 0-5 px in from the
    cell's edge, the median contrast of its pixels with the fill (the commonest colour); the
    strongest ring."""
    from PySide6.QtGui import QColor

    rect = table.visualRect(table.model().index(row, column))
    image = table.viewport().grab(rect).toImage().convertToFormat(QImage.Format.Format_RGB32)
    width, height = image.width(), image.height()
    pixels = np.frombuffer(image.constBits(), np.uint32).reshape(height, image.bytesPerLine() // 4)[:, :width]
    values, counts = np.unique(pixels, return_counts=True)
    fill = QColor.fromRgb(int(values[counts.argmax()]))
    best = 0.0
    for inset in range(6):
        ring = np.concatenate([pixels[inset, inset:width - inset], pixels[height - 1 - inset, inset:width - inset],
                               pixels[inset:height - inset, inset], pixels[inset:height - inset, width - 1 - inset]])
        best = max(best, float(np.median([contrast(QColor.fromRgb(int(p)), fill) for p in ring])))
    return best


@pytest.mark.parametrize("scheme", ["light", "dark", "high-contrast"])
def test_the_selected_cell_is_outlined(window, qtbot, engine_run, restore_look, scheme):
    window.scheme_actions[scheme].trigger()
    window.state.set_run(str(engine_run("binary")))
    window.show_page("evaluate")
    page = window.pages["evaluate"]
    table = page.confusion
    qtbot.waitUntil(lambda: table.rowCount() == 2, timeout=60_000)
    page.tabs.setCurrentIndex(0)
    rect = table.visualRect(table.model().index(1, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert table.item(1, 1).isSelected() and not table.item(0, 0).isSelected()
    QApplication.processEvents()
    selected, plain = _edge_contrast(table, 1, 1), _edge_contrast(table, 0, 0)
    assert plain < 1.5  # an unselected diagonal cell: its edge is its fill
    assert selected >= 3.0, f"the selected cell's edge is {selected:.2f}:1 from its fill in {scheme}"
