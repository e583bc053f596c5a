"""Issue 13 items 9 and 14: the validation plot shows each evaluation as it arrives, a new run
starts from empty plots, and legends sit above the plots, never on the curves."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QTimer

from tlstudio.core.events import EvalEvent, StepEvent
from tlstudio.gui.live_curves import METRIC_WAITING


def _metric_points(train) -> dict[str, int]:
    return {name: len(curve.getData()[0] if curve.getData()[0] is not None else [])
            for name, curve in train.curves.metric_curves.items()}


def _legend(plot) -> str:
    return plot.getPlotItem().titleLabel.text


def test_validation_scores_show_as_they_arrive_and_a_new_run_starts_empty(window, qtbot):
    train = window.pages["train"]
    curves = train.curves
    curves.draw()
    assert curves.metric_placeholder.isVisible() and curves.metric_placeholder.textItem.toPlainText() == METRIC_WAITING
    for step, epoch, score in ((3, 0.33, 0.55), (6, 0.67, 0.61)):  # several evaluations in one epoch
        train._on_worker_stepped(StepEvent(step=step, total_steps=9, epoch=epoch, loss=0.6, eta_seconds=5.0))
        train._on_worker_evaluated(EvalEvent(step=step, epoch=epoch, metrics={
            "eval_loss": 0.6, "accuracy": score, "f1_macro": score - 0.05}))
        curves.draw()  # what the page's redraw timer does while a run trains
        n = step // 3  # point by point, long before the epoch ends
        assert _metric_points(train) == {"accuracy": n, "f1_macro": n}
    assert not curves.metric_placeholder.isVisible()
    assert "accuracy" in _legend(train.metric_plot) and "macro F1" in _legend(train.metric_plot)
    assert "validation loss" in _legend(train.loss_plot)
    for plot in (train.loss_plot, train.metric_plot):  # no legend box inside the plot area
        assert not [i for i in plot.scene().items() if isinstance(i, pg.LegendItem)]

    curves.clear()  # what Start does for the next run
    curves.draw()
    assert curves.metric_placeholder.isVisible()
    assert _metric_points(train) == {}
    assert not train.metric_plot.getPlotItem().listDataItems()
    assert "accuracy" not in _legend(train.metric_plot)
    x, _ = curves.val_curve.getData()
    assert x is None or len(x) == 0


def test_the_redraw_timer_draws_only_changed_plots_one_a_turn(window, qtbot):
    """A redraw drew all three plots in one turn (30-40 ms of a frozen window, 100-150 ms beside
    the training thread), the scores plot too though only evaluations change it."""
    train = window.pages["train"]
    curves = train.curves
    train._on_worker_stepped(StepEvent(step=1, total_steps=9, epoch=0.1, loss=0.7, eta_seconds=5.0))
    train._on_worker_evaluated(EvalEvent(step=1, epoch=0.1, metrics={"eval_loss": 0.6, "accuracy": 0.5}))
    curves.draw()
    redrawn = []
    for name, curve in (("loss", curves.raw_curve), ("lr", curves.lr_curve),
                        ("scores", curves.metric_curves["accuracy"])):
        curve.sigPlotChanged.connect(lambda *_, n=name: redrawn.append(n))
    for step in (2, 3):  # steps, no evaluation
        train._on_worker_stepped(StepEvent(step=step, total_steps=9, epoch=step / 10, loss=0.6,
                                           eta_seconds=5.0))
    curves.draw_in_turns()  # what the page's redraw timer calls
    assert redrawn == []  # in the turns after the timer's, one plot each
    qtbot.waitUntil(lambda: len(redrawn) == 2, timeout=5_000)
    qtbot.wait(50)
    assert redrawn == ["loss", "lr"]  # the scores plot is left as it was
    assert list(curves.raw_curve.getData()[0]) == [1, 2, 3]
    assert list(curves.lr_curve.getData()[0]) == [1, 2, 3]


def test_the_page_s_first_show_paints_its_plots_one_a_turn(window, qtbot):
    """Issue 13 item 12: the Train page's first show painted its three plots (every axis, grid
    and title drawn for the first time) in the turn it showed: 30-35 ms of the window's thread
    on a 2-core machine. The page shows with their backgrounds, then each plot in a turn of its
    own, painted once."""
    page = window.pages["train"]
    turn = [0]
    counter = QTimer()
    counter.timeout.connect(lambda: turn.__setitem__(0, turn[0] + 1))
    painted: dict[str, int] = {}
    paints: dict[str, int] = {}

    class _FirstPaint(QObject):
        def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
            if event.type() == QEvent.Type.Paint and not watched.parent().held:
                name = watched.parent().objectName()
                painted.setdefault(name, turn[0])
                paints[name] = paints.get(name, 0) + 1
            return False

    spy = _FirstPaint(page)
    plots = (page.loss_plot, page.metric_plot, page.lr_plot)
    for plot in plots:
        plot.viewport().installEventFilter(spy)
    counter.start(1)  # once per pass of the event loop (a paint takes longer than 1 ms)
    window.stack.setCurrentWidget(page)  # as the sidebar does (its row is off without data)
    qtbot.waitUntil(lambda: len(painted) == 3, timeout=10_000)
    counter.stop()
    turns = [painted[plot.objectName()] for plot in plots]
    assert len(set(turns)) == 3, painted  # each in a turn of its own
    qtbot.wait(200)  # any repaint the first ones ask for
    # once each: the waiting words' first paint told their plot its bounds changed (they are
    # left out of them), and it painted all of itself again
    assert paints == {"lossPlot": 1, "metricPlot": 1, "lrPlot": 1}


def test_each_redraw_paints_its_plot_once(window, qtbot):
    """pyqtgraph fits a plot's range to new curves as it paints them, and what follows from a new
    range (the curves cut to it, their bounds, the tick labels' room) asked for a second paint:
    the loss and learning-rate plots, redrawn a few times a second while a run trains, were
    painted twice each time, beside a training thread that wants the same CPU."""
    train = window.pages["train"]
    window.stack.setCurrentWidget(train)  # as the sidebar does (its row is off without data)
    plots = {"loss": train.loss_plot, "lr": train.lr_plot}
    qtbot.waitUntil(lambda: not any(p.held for p in plots.values()), timeout=5_000)
    qtbot.wait(100)
    curves = train.curves
    paints = {name: 0 for name in plots}

    class _Paints(QObject):
        def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
            if event.type() == QEvent.Type.Paint:
                paints[next(n for n, p in plots.items() if p.viewport() is watched)] += 1
            return False

    spy = _Paints(train)
    for plot in plots.values():
        plot.viewport().installEventFilter(spy)
    for step in range(1, 31):
        train._on_worker_stepped(StepEvent(step=step, total_steps=90, epoch=step / 30, loss=1 / step,
                                           eta_seconds=5.0))
        if step % 10 == 0:
            for name in paints:
                paints[name] = 0
            for draw in curves.draw_steps():  # the redraw timer's steps: loss, then learning rate
                draw()
                qtbot.wait(60)  # its paint, and any repaint it asks for
            assert paints == {"loss": 1, "lr": 1}, (step, paints)
