"""Issue 13 item 12: a long, noisy loss curve is cheap to paint (the window's thread paints it).

Antialiased 2 px curves drawn as one polyline cost ~3x more than drawn as segments; measured
as the window thread's CPU time, so a loaded machine does not decide the outcome.
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg

from tlstudio.gui import plots, theme


def _paint_ms(qtbot, mode: str | None) -> float:
    plot = plots.make_plot("paintPlot", "Training loss", "step", "loss")
    qtbot.addWidget(plot)
    plot.resize(532, 322)
    plot.show()
    qtbot.waitExposed(plot)
    rng = np.random.default_rng(0)
    for i in range(3):
        curve = plot.getPlotItem().plot(np.arange(2000.0), np.linspace(1, 0.3, 2000) + 0.1 * rng.random(2000),
                                        pen=plots.pen(i))
        if mode is not None:
            curve.curve.setSegmentedLineMode(mode)
    plot.grab()  # ranges and axes settle on the first paint
    times = []
    for _ in range(5):
        started = time.thread_time()
        plot.grab()  # paints the plot as a repaint on screen does
        times.append(time.thread_time() - started)
    plot.close()
    return float(np.median(times)) * 1000


def test_long_noisy_curves_paint_as_segments(qtbot, qapp):
    config = dict(pg.CONFIG_OPTIONS)
    try:
        theme.apply_plot_theme()
        ours = _paint_ms(qtbot, None)  # the app's plots, as theme sets them up
        polyline = _paint_ms(qtbot, "off")  # the same curves drawn as one polyline each
    finally:
        pg.setConfigOptions(**config)
    assert ours < 0.7 * polyline, f"{ours:.1f} ms against {polyline:.1f} ms as a polyline"
