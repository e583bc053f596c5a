"""Cells with a colour of their own (a heat map) whose text stays readable in every scheme.

A confusion-matrix cell is tinted by its share (a translucent blue or orange over the table's
background). Text of one fixed colour can't read on all of them: white on a light blue was
3.3:1. The text colour is chosen when the cell is painted, against the colour it is painted
on, so it follows a light/dark/high-contrast switch without refilling the table.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

BLACK, WHITE = QColor("#000000"), QColor("#ffffff")


def luminance(color: QColor) -> float:
    """Relative luminance (WCAG 2), 0 for black to 1 for white."""
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF())
            + 0.0722 * channel(color.blueF()))


def contrast(a: QColor, b: QColor) -> float:
    """The WCAG contrast ratio of two opaque colours (1 to 21)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def composite(top: QColor, under: QColor) -> QColor:
    """``top`` (maybe translucent) painted over the opaque ``under``."""
    alpha = top.alphaF()
    return QColor.fromRgbF(*(alpha * t + (1 - alpha) * u for t, u in (
        (top.redF(), under.redF()), (top.greenF(), under.greenF()), (top.blueF(), under.blueF()))))


def text_for(background: QColor) -> QColor:
    """Black or white, whichever reads better on ``background``."""
    return BLACK if contrast(BLACK, background) >= contrast(WHITE, background) else WHITE


class ReadableCellDelegate(QStyledItemDelegate):
    """Paints a tinted cell's text in black or white, whichever reads on the tint as drawn.

    Selected cells keep the scheme's own selection colours (drawn instead of the tint) and get
    an outline as well: the selection blue is close to a strong diagonal tint, so colour alone
    did not show which cell was picked.
    """

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        super().paint(painter, option, index)
        if option.state & QStyle.StateFlag.State_Selected:
            outline_selected(painter, option.rect, option.palette)

    def initStyleOption(self, option: QStyleOptionViewItem,  # noqa: N802 - Qt API
                        index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        brush = option.backgroundBrush
        if option.state & QStyle.StateFlag.State_Selected or brush.style() == Qt.BrushStyle.NoBrush:
            return
        under = option.palette.color(QPalette.ColorRole.Base)
        option.palette.setBrush(QPalette.ColorRole.Text, QBrush(text_for(composite(brush.color(), under))))


def outline_selected(painter: QPainter, rect: QRect, palette: QPalette) -> None:
    """Two rings inside ``rect``: the scheme's text colour at the edge (it stands out from the
    cells around) and, within it, black or white, whichever stands out from the selection fill."""
    highlight = palette.color(QPalette.ColorRole.Highlight)
    rings = ((palette.color(QPalette.ColorRole.Text), 0), (text_for(highlight), 2))
    for color, inset in rings:
        r = rect.adjusted(inset, inset, -inset, -inset)
        for strip in (QRect(r.left(), r.top(), r.width(), 2), QRect(r.left(), r.bottom() - 1, r.width(), 2),
                      QRect(r.left(), r.top(), 2, r.height()), QRect(r.right() - 1, r.top(), 2, r.height())):
            painter.fillRect(strip, color)
