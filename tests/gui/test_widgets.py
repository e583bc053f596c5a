"""Small pieces: plot buffers, smoothing, the learning-rate box, error text."""

from __future__ import annotations

import numpy as np

from tlstudio.core.errors import DataError
from tlstudio.gui import plots
from tlstudio.gui.workers import describe_error


def test_series_grows_and_views_only_filled_points():
    series = plots.Series(capacity=2)
    for i in range(1000):
        series.append(i, i * 2)
    x, y = series.view()
    assert len(x) == 1000 and y[-1] == 1998


def test_smoothing_follows_a_constant_and_keeps_length():
    y = np.full(50, 0.7)
    assert np.allclose(plots.smooth(y), 0.7)
    assert len(plots.smooth(np.arange(5.0))) == 5


def test_learning_rate_box_reads_and_steps_in_scientific_notation(qtbot):
    from tlstudio.gui.train_settings import ScientificSpinBox

    box = ScientificSpinBox()
    qtbot.addWidget(box)
    box.setRange(1e-7, 1.0)
    box.setValue(5e-5)
    assert box.text() == "5e-5"
    box.stepBy(1)
    assert box.value() == 1e-4
    box.stepBy(-2)
    assert abs(box.value() - 3e-5) < 1e-12
    assert box.valueFromText("2e-5") == 2e-5


def test_user_errors_keep_their_message_and_others_are_labelled():
    message, details = describe_error(DataError("The file has no label column."))
    assert message == "The file has no label column."
    message, details = describe_error(ZeroDivisionError("division by zero"))
    assert message.startswith("Something went wrong: ZeroDivisionError")
    assert "ZeroDivisionError" in details


def test_live_curves_smooth_incrementally_like_the_batch_formula(qtbot):
    from tlstudio.gui.pages.train_page import LiveCurves

    widgets = [plots.make_plot(f"p{i}", "t", "x", "y") for i in range(3)]
    for widget in widgets:
        qtbot.addWidget(widget)
    curves = LiveCurves(*widgets)
    losses = np.linspace(0.7, 0.2, 40) + np.sin(np.arange(40)) * 0.05
    for step, loss in enumerate(losses, start=1):
        curves.add_loss(step, float(loss), 1e-4, total_steps=40)
    curves.draw()
    x, y = curves.smooth_curve.getData()
    assert len(x) == 40
    assert np.allclose(y, plots.smooth(losses, curves.smooth_weight))
    assert not curves.placeholder.isVisible()


def test_histogram_after_a_bar_chart_draws_every_bin(qtbot):
    """Opening a regression file after a classification one redraws the label chart."""
    widget = plots.make_plot("labels", "Labels", "", "rows")
    qtbot.addWidget(widget)
    widget.resize(400, 300)
    widget.show()
    plots.bar_chart(widget, ["0", "1"], [60, 60])
    qtbot.waitExposed(widget)
    values = np.random.default_rng(0).uniform(0, 5, 300)
    plots.histogram(widget, values, bins=40)  # raised "len(X) must be len(Y)+1" before
    widget.grab()
    (curve,) = [i for i in widget.getPlotItem().items if hasattr(i, "getData")]
    x, y = curve.getData()
    assert len(x) == 41 and len(y) == 40 and y.sum() == 300
    low, high = widget.getPlotItem().viewRange()[0]
    assert low <= 0.2 and high >= 4.8  # the whole range, not the bar chart's
