"""pyqtgraph helpers: plain axes, growing numpy buffers, bar charts and histograms."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

PALETTE = ["#2f7ed8", "#e4572e", "#29a35a", "#9b59b6", "#f39c12", "#17a2b8", "#c0392b", "#7f8c8d"]


def add_legend(widget: pg.PlotWidget, offset: tuple[int, int]) -> pg.LegendItem:
    """A legend with a translucent background so it never hides the curves under it."""
    from tlstudio.gui.theme import is_dark

    brush = (30, 33, 38, 190) if is_dark() else (255, 255, 255, 190)
    return widget.getPlotItem().addLegend(offset=offset, brush=brush)


def make_plot(name: str, title: str, x_label: str, y_label: str) -> pg.PlotWidget:
    """A PlotWidget with readable, prefix-free axes and a legend."""
    widget = pg.PlotWidget(title=title)
    widget.setObjectName(name)
    widget.setAccessibleName(title)
    widget.setBackground(None)
    item = widget.getPlotItem()
    for axis_name, label in (("bottom", x_label), ("left", y_label)):
        axis = item.getAxis(axis_name)
        axis.enableAutoSIPrefix(False)
        axis.setLabel(label)
    item.showGrid(x=True, y=True, alpha=0.2)
    item.setClipToView(True)
    item.setDownsampling(auto=True, mode="peak")
    widget.setMinimumHeight(160)
    return widget


def pen(index: int, width: float = 2.0, alpha: int = 255) -> pg.mkPen:
    color = QColor(PALETTE[index % len(PALETTE)])
    color.setAlpha(alpha)
    return pg.mkPen(color, width=width)


class Series:
    """An (x, y) buffer that grows by doubling; ``view()`` returns the filled part."""

    def __init__(self, capacity: int = 256) -> None:
        self._x = np.empty(capacity, dtype=np.float64)
        self._y = np.empty(capacity, dtype=np.float64)
        self.size = 0

    def append(self, x: float, y: float) -> None:
        if self.size == len(self._x):
            self._x = np.resize(self._x, 2 * self.size)
            self._y = np.resize(self._y, 2 * self.size)
        self._x[self.size] = x
        self._y[self.size] = y
        self.size += 1

    def clear(self) -> None:
        self.size = 0

    def view(self) -> tuple[np.ndarray, np.ndarray]:
        return self._x[: self.size], self._y[: self.size]


def smooth(y: np.ndarray, weight: float | None = None) -> np.ndarray:
    """Bias-corrected exponential moving average (as TensorBoard draws it).

    The default weight grows with the number of points, so a short run is not flattened.
    """
    if weight is None:
        weight = min(0.95, max(0.5, 1 - 8 / max(len(y), 1)))
    out = np.empty_like(y)
    last = 0.0
    for i, value in enumerate(y):
        last = weight * last + (1 - weight) * value
        out[i] = last / (1 - weight ** (i + 1))
    return out


def bar_chart(widget: pg.PlotWidget, labels: Sequence[str], values: Sequence[float],
              color_index: int = 0) -> None:
    """Replace the widget's content with one bar per label."""
    item = widget.getPlotItem()
    item.clear()
    x = np.arange(len(values), dtype=float)
    item.addItem(pg.BarGraphItem(x=x, height=np.asarray(values, dtype=float), width=0.6,
                                 brush=PALETTE[color_index % len(PALETTE)]))
    short = [(i, (s if len(s) <= 14 else s[:13] + "…")) for i, s in enumerate(labels)]
    item.getAxis("bottom").setTicks([short])
    item.setXRange(-0.6, max(len(values) - 0.4, 0.6), padding=0)
    item.setYRange(0, max(values, default=1) * 1.1 or 1, padding=0)


def histogram(widget: pg.PlotWidget, values: np.ndarray, bins: int = 40,
              color_index: int = 1) -> None:
    """Replace the widget's content with a histogram of ``values``."""
    item = widget.getPlotItem()
    item.clear()
    if len(values) == 0:
        return
    counts, edges = np.histogram(values, bins=bins)
    # A bare curve item: the plot's clip-to-view would trim a step curve's x and y unevenly
    # (pyqtgraph raises "len(X) must be len(Y)+1") when a bar chart left a narrow range.
    item.addItem(pg.PlotCurveItem(edges, counts, stepMode="center", fillLevel=0,
                                  brush=PALETTE[color_index % len(PALETTE)],
                                  pen=pen(color_index, 1)))
    item.getAxis("bottom").setTicks(None)
    item.enableAutoRange()
