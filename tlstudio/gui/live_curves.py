"""The Train page's live curves: numpy buffers pushed to pyqtgraph on a timer.

Legends are drawn in each plot's title row (never over the curves), and a new run starts
from empty plots: no curve, legend entry or point of the previous run is left.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import pyqtgraph as pg

from tlstudio.core.evaluation.format import metric_name
from tlstudio.gui import plots
from tlstudio.gui.turns import Turns

LOSS_WAITING = "The training loss appears here as the model learns."
METRIC_WAITING = "Scores appear after\neach evaluation."  # short lines: the plot is narrow at 1024 wide
LR_WAITING = "Appears with\nthe first steps."  # short lines, as above
PARTS = ("loss", "lr", "metrics")  # one plot each, drawn in this order
LOSS_LEGEND = (("train loss", 0, False), ("smoothed", 0, False), ("validation loss", 1, True))


def _placeholder(item: Any, text: str) -> pg.TextItem:
    note = pg.TextItem(text, color="#8a9099", anchor=(0.5, 0.5))
    note.setPos(0.5, 0.5)
    item.addItem(note, ignoreBounds=True)
    return note


class LiveCurves:
    """Every training curve of one run, as numpy buffers; ``draw`` pushes them to the plots."""

    def __init__(self, loss_plot: Any, metric_plot: Any, lr_plot: Any) -> None:
        self.train_loss, self.val_loss, self.lr = plots.Series(), plots.Series(), plots.Series()
        self.smoothed = plots.Series()
        self.smooth_weight = 0.9
        self._ema = 0.0
        self.metrics: dict[str, plots.Series] = {}
        self.loss_plot = loss_plot
        loss_item = loss_plot.getPlotItem()
        self._loss_title = loss_item.titleLabel.text or "Loss"
        plots.set_legend(loss_plot, self._loss_title, LOSS_LEGEND)
        self.raw_curve = loss_item.plot(pen=plots.pen(0, 1, alpha=70))
        self.smooth_curve = loss_item.plot(pen=plots.pen(0, 2.5))
        self.val_curve = loss_item.plot(pen=plots.pen(1, 2), symbol="o", symbolSize=7,
                                        symbolBrush=plots.PALETTE[1])
        self.metric_plot = metric_plot
        self.metric_item = metric_plot.getPlotItem()
        self._metric_title = self.metric_item.titleLabel.text or "Validation score"
        self.metric_curves: dict[str, Any] = {}
        self.lr_item = lr_plot.getPlotItem()
        self.lr_curve = self.lr_item.plot(pen=plots.pen(2, 2))
        self.placeholder = _placeholder(loss_item, LOSS_WAITING)
        self.metric_placeholder = _placeholder(self.metric_item, METRIC_WAITING)
        self.lr_placeholder = _placeholder(self.lr_item, LR_WAITING)
        self._dirty: set[str] = set()  # the plots whose buffers changed since they were drawn
        self._turns = Turns(loss_plot)

    @property
    def dirty(self) -> bool:
        """True while a buffer changed since it was drawn; set True to redraw every plot."""
        return bool(self._dirty)

    @dirty.setter
    def dirty(self, value: bool) -> None:
        self._dirty = set(PARTS) if value else set()

    def clear(self) -> None:
        """Empty every plot for a new run: buffers, metric curves and their legend entries."""
        for series in (self.train_loss, self.val_loss, self.lr, self.smoothed):
            series.clear()
        for curve in self.metric_curves.values():
            self.metric_item.removeItem(curve)
        self.metrics.clear()
        self.metric_curves.clear()
        plots.set_legend(self.metric_plot, self._metric_title, [])
        self._ema = 0.0
        self.dirty = True

    def add_loss(self, step: float, loss: float, learning_rate: float, total_steps: int) -> None:
        """Append one training step; the smoothed value is updated in O(1) (no redraw here)."""
        if self.train_loss.size == 0 and total_steps:
            # Fewer steps, lighter smoothing: a short run should not look flattened.
            self.smooth_weight = min(0.95, max(0.5, 1 - 8 / total_steps))
        self.train_loss.append(step, loss)
        self.lr.append(step, learning_rate)
        w = self.smooth_weight
        self._ema = w * self._ema + (1 - w) * loss
        self.smoothed.append(step, self._ema / (1 - w ** self.train_loss.size))
        self._dirty |= {"loss", "lr"}

    def add_metric(self, name: str, epoch: float, value: float) -> None:
        if name not in self.metrics:
            index = len(self.metric_curves) + 3
            self.metrics[name] = plots.Series(64)
            self.metric_curves[name] = self.metric_item.plot(
                pen=plots.pen(index, 2), symbol="o", symbolSize=7,
                symbolBrush=plots.PALETTE[index % len(plots.PALETTE)])
            plots.set_legend(self.metric_plot, self._metric_title,
                             [(metric_name(n), i + 3, True) for i, n in enumerate(self.metric_curves)])
        self.metrics[name].append(epoch, value)
        self._dirty.add("metrics")  # an evaluation can come after the last drawn step

    def draw(self) -> None:
        """Push every changed buffer to its plot now."""
        self._turns.cancel()
        for part in self._take_dirty():
            self._draw_part(part)

    def draw_in_turns(self) -> None:
        """Push the changed buffers to their plots, one plot a turn (the redraw timer's way).

        Each plot then repaints in a turn of its own: the three in one turn held the window
        30-40 ms, 100-150 ms beside a training thread that wants the GIL; a plot whose data
        did not change (the scores between evaluations) is not redrawn at all.
        """
        if self._turns.pending:
            return  # the last redraw's plots first; what changed since stays marked
        self._turns.start(self.draw_steps())

    def draw_steps(self) -> list[Callable[[], None]]:
        """One step per changed plot, for a caller that runs them a turn apart."""
        return [partial(self._draw_part, part) for part in self._take_dirty()]

    def _take_dirty(self) -> list[str]:
        parts = [part for part in PARTS if part in self._dirty]
        self._dirty = set()
        return parts

    def _draw_part(self, part: str) -> None:
        {"loss": self._draw_loss, "lr": self._draw_lr, "metrics": self._draw_metrics}[part]()
        # The range fitted to the new curves, and the curves' bounds to the new range, now: done
        # by pyqtgraph as it painted the plot, each asked for a second paint of all of it.
        item = {"loss": self.loss_plot.getPlotItem(), "lr": self.lr_item, "metrics": self.metric_item}[part]
        view = item.getViewBox()
        view.updateAutoRange()
        view.updateMatrix()

    def _draw_loss(self) -> None:
        x, y = self.train_loss.view()
        self.placeholder.setVisible(len(x) == 0)
        self.raw_curve.setData(x, y)
        self.smooth_curve.setData(*self.smoothed.view())
        self.val_curve.setData(*self.val_loss.view())

    def _draw_lr(self) -> None:
        self.lr_curve.setData(*self.lr.view())
        self.lr_placeholder.setVisible(self.lr.size == 0)
        axis = self.lr_item.getAxis("left")
        if isinstance(axis, plots.RateAxis):
            axis.show_rates(self.lr.size > 0)
        if self.lr.size == 0:
            self.lr_item.setRange(xRange=(0, 1), yRange=(0, 1), padding=0)  # the note in view
        elif not all(self.lr_item.getViewBox().autoRangeEnabled()):
            self.lr_item.enableAutoRange()  # the note's view turned it off: follow the curve again

    def _draw_metrics(self) -> None:
        low, high, points = 0.0, 1.0, 0
        for name, series in self.metrics.items():
            x, y = series.view()
            self.metric_curves[name].setData(x, y)
            points += len(y)
            if len(y):
                low, high = min(low, float(y.min())), max(high, float(y.max()))
        self.metric_placeholder.setVisible(points == 0)
        if not points:
            self.metric_item.setRange(xRange=(0, 1), yRange=(0, 1), padding=0)  # the note in view
        else:
            self.metric_item.setYRange(low, high, padding=0.05)
            self.metric_item.enableAutoRange(axis="x")
