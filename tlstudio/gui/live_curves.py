"""The Train page's live curves: numpy buffers pushed to pyqtgraph on a timer."""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg

from tlstudio.gui import plots


class LiveCurves:
    """Every training curve of one run, as numpy buffers; ``draw`` pushes them to the plots."""

    def __init__(self, loss_plot: Any, metric_plot: Any, lr_plot: Any) -> None:
        self.train_loss, self.val_loss, self.lr = plots.Series(), plots.Series(), plots.Series()
        self.smoothed = plots.Series()
        self.smooth_weight = 0.9
        self._ema = 0.0
        self.metrics: dict[str, plots.Series] = {}
        loss_item = loss_plot.getPlotItem()
        plots.add_legend(loss_plot, (-10, 10))
        self.raw_curve = loss_item.plot(pen=plots.pen(0, 1, alpha=70), name="train loss")
        self.smooth_curve = loss_item.plot(pen=plots.pen(0, 2.5), name="train loss (smoothed)")
        self.val_curve = loss_item.plot(pen=plots.pen(1, 2), symbol="o", symbolSize=7,
                                        symbolBrush=plots.PALETTE[1], name="validation loss")
        self.metric_plot = metric_plot
        self.metric_item = metric_plot.getPlotItem()
        self.metric_legend: Any = None  # created with the first metric: no empty box before
        self.metric_curves: dict[str, Any] = {}
        self.lr_curve = lr_plot.getPlotItem().plot(pen=plots.pen(2, 2))
        self.placeholder = pg.TextItem("The training loss appears here as the model learns.",
                                       color="#8a9099", anchor=(0.5, 0.5))
        self.placeholder.setPos(0.5, 0.5)
        loss_item.addItem(self.placeholder, ignoreBounds=True)
        self.dirty = False

    def clear(self) -> None:
        for series in (self.train_loss, self.val_loss, self.lr, self.smoothed,
                       *self.metrics.values()):
            series.clear()
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
        self.dirty = True

    def add_metric(self, name: str, epoch: float, value: float) -> None:
        if name not in self.metrics:
            if self.metric_legend is None:
                self.metric_legend = plots.add_legend(self.metric_plot, (-10, -10))
            self.metrics[name] = plots.Series(64)
            self.metric_curves[name] = self.metric_item.plot(
                pen=plots.pen(len(self.metric_curves) + 3, 2), symbol="o", symbolSize=7,
                symbolBrush=plots.PALETTE[(len(self.metric_curves) + 3) % len(plots.PALETTE)],
                name=name.removeprefix("eval_"))
        self.metrics[name].append(epoch, value)
        self.dirty = True  # an evaluation can come after the last drawn step

    def draw(self) -> None:
        if not self.dirty:
            return
        self.dirty = False
        x, y = self.train_loss.view()
        self.placeholder.setVisible(len(x) == 0)
        self.raw_curve.setData(x, y)
        self.smooth_curve.setData(*self.smoothed.view())
        self.val_curve.setData(*self.val_loss.view())
        self.lr_curve.setData(*self.lr.view())
        low, high = 0.0, 1.0
        for name, series in self.metrics.items():
            x, y = series.view()
            self.metric_curves[name].setData(x, y)
            if len(y):
                low, high = min(low, float(y.min())), max(high, float(y.max()))
        if self.metrics:
            self.metric_item.setYRange(low, high, padding=0.05)
