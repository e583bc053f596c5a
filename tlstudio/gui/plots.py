"""pyqtgraph helpers: plain axes, growing numpy buffers, bar charts and histograms.

Plot colours come from the application palette in use: ``make_plot`` draws a new plot in
them, and ``restyle`` recolours an existing one after a light/dark switch (``theme.apply``
calls it for every plot on screen), keeping its data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QFontMetrics, QGuiApplication, QPainter, QPaintEvent, QPalette

from tlstudio.core.evaluation import format as fmt
from tlstudio.gui import sheets
from tlstudio.gui.turns import Turns

# Data colours: the same in both schemes (each reads on a light and on a dark background).
PALETTE = ["#2f7ed8", "#e4572e", "#29a35a", "#9b59b6", "#f39c12", "#17a2b8", "#c0392b", "#7f8c8d"]
LEGEND_ALPHA = 190  # legend fill: translucent, so it never hides the curves under it
PREFERRED_SIZE = (360, 200)  # a plot's preferred size; layouts stretch it into any room left


class PlotColors(NamedTuple):
    """The scheme-dependent colours of a plot (the data colours are ``PALETTE``)."""

    foreground: QColor  # axes, ticks, tick text, axis labels, titles, legend text; grid (faded)
    background: QColor  # the plot's background: the window colour, so plots sit on the page
    legend: QColor  # the legend's translucent fill


def plot_colors() -> PlotColors:
    """Plot colours for the application palette in use (light or dark)."""
    palette = QGuiApplication.palette()
    background = palette.color(QPalette.ColorRole.Window)
    legend = QColor(background)
    legend.setAlpha(LEGEND_ALPHA)
    return PlotColors(palette.color(QPalette.ColorRole.WindowText), background, legend)


def configure(colors: PlotColors | None = None) -> PlotColors:
    """Make ``colors`` (default: the palette's) pyqtgraph's defaults for new items."""
    colors = colors or plot_colors()
    pg.setConfigOptions(foreground=QColor(colors.foreground),
                        background=QColor(colors.background))
    return colors


def restyle(view: pg.GraphicsView) -> None:
    """Recolour ``view`` (a PlotWidget or GraphicsLayoutWidget) for the palette in use.

    Background, axes (lines, ticks, tick text, axis labels, grid), titles and legends
    (fill and text) change; curves, bars and points are left as they are, data included.
    Text given a colour of its own (a ``LabelItem`` with ``color=``) keeps it.
    """
    colors = configure()
    view.setBackground(QColor(colors.background))
    for item in view.scene().items():
        if isinstance(item, pg.AxisItem):
            item.setPen(QColor(colors.foreground))  # the grid is drawn with this pen, faded
            item.setTextPen(QColor(colors.foreground))
        elif isinstance(item, pg.LegendItem):
            item.setBrush(QColor(colors.legend))
        elif isinstance(item, pg.LabelItem) and item.opts.get("color") is None:
            item.setText(item.text)  # titles and legend text: re-rendered in the new foreground
    view.viewport().update()


def add_legend(widget: pg.PlotWidget, offset: tuple[int, int]) -> pg.LegendItem:
    """A legend with a translucent background so it never hides the curves under it."""
    return widget.getPlotItem().addLegend(offset=offset, brush=QColor(plot_colors().legend))


def legend_html(title: str, entries: Sequence[tuple[str, int, bool]]) -> str:
    """A title line that is also the legend: ``(name, colour index, dotted)`` per entry.

    The legend sits above the plot, in the title's row, so it never covers a curve. Swatches
    are a dash (a line) or a bullet (points), glyphs every font has.
    """
    parts = [f"<b>{title}</b>"] if title else []
    for name, index, dotted in entries:
        mark = "&#8226;" if dotted else "&#8212;"  # bullet / em dash: no emoji font needed
        parts.append(f'<span style="color:{PALETTE[index % len(PALETTE)]}; font-weight:700">{mark}</span>'
                     f"&nbsp;{name}")
    return "&nbsp;&nbsp;&nbsp;".join(parts)


def set_legend(widget: pg.PlotWidget, title: str, entries: Sequence[tuple[str, int, bool]]) -> None:
    """Show ``title`` and the legend ``entries`` above the plot (see :func:`legend_html`)."""
    widget.getPlotItem().setTitle(legend_html(title, entries), size="9pt")


class LazyMenuViewBox(pg.ViewBox):
    """A ViewBox whose right-click menu is built the first time it is asked for.

    pyqtgraph builds each plot's menu (48 hidden widgets) with the plot. Qt re-polishes every
    widget, hidden or not, when the look changes: the app's ~11 plots made a light/dark switch
    re-polish ~530 menu widgets nobody had opened.
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(enableMenu=False, **kwargs)
        self.state["enableMenu"] = True  # enabled; built by getMenu

    def _applyMenuEnabled(self) -> None:  # noqa: N802 - pyqtgraph API
        if not self.menuEnabled():  # dropping a menu is pyqtgraph's; building one waits
            super()._applyMenuEnabled()

    def _menu(self) -> object:
        if self.menu is None and self.menuEnabled():
            from pyqtgraph.graphicsItems.ViewBox.ViewBoxMenu import ViewBoxMenu

            self.menu = ViewBoxMenu(self)
            sheets.style_when_shown(self.menu)  # parentless: a window of its own, no cascade
            self.updateViewLists()
        return self.menu

    def getMenu(self, ev: object) -> object:  # noqa: N802 - pyqtgraph API
        return self._menu()

    def getContextMenus(self, event: object) -> list:  # noqa: N802 - pyqtgraph API
        return self._menu().actions() if self.menuEnabled() else []


class SteadyAxis(pg.AxisItem):
    """A left or right axis whose room for tick text only ever grows, from room for ``0.0000``.

    pyqtgraph fits the room to the tick labels after each paint: new data (0.5 to 0.45, say)
    changed the axis width, which re-laid the plot out and painted it all again, a second
    20-30 ms paint per plot each time data arrived. Labels up to six characters wide now
    fit the room the axis starts with, and a wider one widens it once, for good.
    """

    ROOM_FOR = "0.0000"

    def __init__(self, orientation: str, **kwargs: object) -> None:
        super().__init__(orientation, **kwargs)
        self.setStyle(autoReduceTextSpace=False)
        if orientation in ("left", "right"):
            self.textWidth = QFontMetrics(self.font()).horizontalAdvance(self.ROOM_FOR)
            self._updateWidth()


class RateAxis(SteadyAxis):
    """A learning-rate axis whose ticks read as every learning rate does, "5e-5" and "1e-4"
    (pyqtgraph wrote "0.0001" above "5e-05"); until it shows rates (:attr:`rates`) its
    placeholder ticks read as the other empty plots' do."""

    rates = False

    def show_rates(self, shown: bool) -> None:
        """Read the ticks as learning rates (the plot has some) or as plain numbers."""
        if shown != self.rates:
            self.rates = shown
            self.picture = None  # pyqtgraph keeps the drawn ticks until told
            self.update()

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        if not self.rates:
            return super().tickStrings(values, scale, spacing)
        return [fmt.learning_rate(value * scale, 3) for value in values]


class PlotWidget(pg.PlotWidget):
    """A PlotWidget that asks for little room and takes what the layout gives it.

    Pages are laid out at their preferred height and scroll below it; pyqtgraph's preferred
    600x480 per plot made the Train page ask for 1,370 px, so it scrolled even at 1440x900.
    Its right-click menu is built on first use (see :class:`LazyMenuViewBox`); its left axis
    keeps its width as data arrives (see :class:`SteadyAxis`).
    """

    held = False  # True: paints its background alone until release (see paint_in_turns)

    def __init__(self, parent: object = None, **kwargs: object) -> None:
        kwargs.setdefault("viewBox", LazyMenuViewBox())
        kwargs.setdefault("axisItems", {"left": SteadyAxis("left")})
        super().__init__(parent, **kwargs)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        width, height = PREFERRED_SIZE
        return QSize(max(width, self.minimumWidth()), max(height, self.minimumHeight()))

    def release(self) -> None:
        """Paint the plot again (held, it painted its background alone), in this turn."""
        if self.held:
            self.held = False
            self.viewport().update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        if self.held:  # laid out as ever (hiding its items would fold its axes up): unpainted
            QPainter(self.viewport()).fillRect(event.rect(), self.backgroundBrush())
            return
        super().paintEvent(event)


def make_plot(name: str, title: str, x_label: str, y_label: str, rates: bool = False) -> pg.PlotWidget:
    """A PlotWidget with readable, prefix-free axes, in the colours of the palette in use;
    ``rates``: its left axis shows learning rates (:class:`RateAxis`)."""
    configure()
    widget = PlotWidget(title=title, **({"axisItems": {"left": RateAxis("left")}} if rates else {}))
    widget.setObjectName(name)
    widget.setAccessibleName(title)
    item = widget.getPlotItem()
    for axis_name, label in (("bottom", x_label), ("left", y_label)):
        axis = item.getAxis(axis_name)
        axis.enableAutoSIPrefix(False)
        # ticks and grid lines at two levels, not three: the third's faint lines were half
        # the cost of painting a plot (~7 of ~14 ms a plot on a 2-core machine)
        axis.setStyle(maxTickLevel=1)
        axis.setLabel(label)
    item.showGrid(x=True, y=True, alpha=0.2)
    item.setClipToView(True)
    item.setDownsampling(auto=True, mode="peak")
    widget.setMinimumHeight(160)
    restyle(widget)
    return widget


def paint_in_turns(views: Sequence[PlotWidget], turns: Turns) -> None:
    """Paint ``views`` one a turn, from the next turn of the event loop on (a page's first show).

    Until its turn a plot paints its background alone: a page showing three plots painted
    them in the turn it showed, 15-20 ms of a 30-35 ms turn on a 2-core machine.
    """
    for view in views:
        view.held = True
    turns.start([view.release for view in views])


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
    # Outlined in their own colour: pyqtgraph's default outline is the foreground of the
    # moment, which a light/dark switch would leave behind.
    item.addItem(pg.BarGraphItem(x=x, height=np.asarray(values, dtype=float), width=0.6,
                                 brush=PALETTE[color_index % len(PALETTE)],
                                 pen=pen(color_index, 1)))
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
