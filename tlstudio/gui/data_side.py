"""The Data page's side column: roles, class names, split and problems, at the height it needs."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QWidget


class SideColumn(QWidget):
    """The roles, class names, split and problems column. It asks for no more height than it
    needs at the width it has (each box's least height, the wrapped lines of a box that wraps,
    the problems list's few lines): the page is laid out at its preferred height, and the boxes'
    guesses made it scroll at 1440x900. The problems list's stretch still takes any room left.

    Qt's minimum for the column counts a wrapping box at its least height, but lays it out at its
    height for the width it has: at 1024x640 the split box was squeezed 4 px to make up for it.
    """

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(super().sizeHint().width(), max(self.minimumSizeHint().height(), self._needed()))

    def _needed(self) -> int:
        layout = self.layout()
        if layout is None or self.width() <= 0:
            return 0
        margins = layout.contentsMargins()
        width = self.width() - margins.left() - margins.right()
        heights = []
        for index in range(layout.count()):
            item = layout.itemAt(index)
            if item.isEmpty():
                continue
            least = item.minimumSize().height()
            heights.append(max(least, item.heightForWidth(width)) if item.hasHeightForWidth() else least)
        return sum(heights) + layout.spacing() * max(0, len(heights) - 1) + margins.top() + margins.bottom()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # the height it needs follows its width
