"""Severity marks drawn with QPainter: they look the same on every system, emoji font or not.

Text symbols such as U+26D4 (no entry) come from an emoji font that many Linux and older
Windows installs lack, and then show as empty boxes.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF

COLORS = {"error": "#d0342c", "warning": "#e39b17", "info": "#2f7ed8", "ok": "#29a35a"}
KINDS = tuple(COLORS)


def _draw(painter: QPainter, kind: str, size: float) -> None:
    """One mark in a ``size`` square: a red disc with a bar, an amber triangle with "!",
    a blue disc with "i", or a green disc with a tick, all in white strokes."""
    fill = QColor(COLORS[kind])
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(fill)
    s = size
    if kind == "warning":
        painter.drawPolygon(QPolygonF([QPointF(s / 2, s * 0.06), QPointF(s * 0.97, s * 0.92),
                                       QPointF(s * 0.03, s * 0.92)]))
    else:
        painter.drawEllipse(QRectF(s * 0.05, s * 0.05, s * 0.9, s * 0.9))
    pen = QPen(QColor("white"), max(1.5, s * 0.13), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
               Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if kind == "error":
        painter.drawLine(QPointF(s * 0.3, s / 2), QPointF(s * 0.7, s / 2))
    elif kind == "warning":
        painter.drawLine(QPointF(s / 2, s * 0.38), QPointF(s / 2, s * 0.62))
        painter.drawPoint(QPointF(s / 2, s * 0.78))
    elif kind == "info":
        painter.drawPoint(QPointF(s / 2, s * 0.3))
        painter.drawLine(QPointF(s / 2, s * 0.47), QPointF(s / 2, s * 0.72))
    else:
        path = QPainterPath(QPointF(s * 0.28, s * 0.52))
        path.lineTo(QPointF(s * 0.44, s * 0.68))
        path.lineTo(QPointF(s * 0.73, s * 0.35))
        painter.drawPath(path)


def pixmap(kind: str, size: int = 16, ratio: float = 2.0) -> QPixmap:
    """The mark for ``kind`` (error, warning, info, ok) as a pixmap ``size`` pixels square."""
    image = QPixmap(round(size * ratio), round(size * ratio))
    image.setDevicePixelRatio(ratio)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    _draw(painter, kind, float(size))
    painter.end()
    return image


@cache
def icon(kind: str) -> QIcon:
    """The mark for ``kind`` as an icon (list items, buttons)."""
    result = QIcon()
    for size in (16, 24, 32):
        result.addPixmap(pixmap(kind, size))
    return result
