"""A long training run says, a few steps in, about how long it will take."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tlstudio.core.events import StatusEvent
from tlstudio.core.training.callbacks import EventBridge, duration_text


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _run(step_seconds: list[float], max_steps: int) -> list[StatusEvent]:
    events: list = []
    clock = _Clock()
    bridge = EventBridge(events.append, 16, clock=clock)
    state = SimpleNamespace(global_step=0, max_steps=max_steps, is_world_process_zero=True)
    bridge.on_train_begin(None, state, None)
    for seconds in step_seconds:
        clock.now += seconds
        state.global_step += 1
        bridge.on_step_end(None, state, None)
    return [e for e in events if isinstance(e, StatusEvent)]


def test_estimate_after_five_timed_steps_ignores_the_slow_first_step():
    [event] = _run([30.0] + [2.0] * 20, max_steps=606)
    assert event.message.startswith("Training will take about 20 min more: 600 steps left at "
                                     "2.00 s each (measured over 5 steps)")


def test_slow_steps_are_estimated_after_twenty_seconds():
    [event] = _run([5.0] + [12.0] * 4, max_steps=100)
    assert "about 19 min more: 97 steps left at 12.00 s each (measured over 2 steps)" in event.message


def test_a_short_run_gets_no_estimate():
    assert _run([1.0] + [0.1] * 50, max_steps=51) == []


@pytest.mark.parametrize("seconds, text", [(0.2, "1 s"), (45, "45 s"), (600, "10 min"),
                                           (4800, "1 h 20 min")])
def test_duration_text(seconds, text):
    assert duration_text(seconds) == text


def test_the_live_eta_leaves_out_the_warm_up_of_the_first_step():
    """Issue 13 item 16: the first ETA said 194 s for a 97 s run (the first step's warm-up counted)."""
    from tlstudio.core.events import StepEvent

    events: list = []
    clock = _Clock()
    bridge = EventBridge(events.append, 16, clock=clock)
    state = SimpleNamespace(global_step=0, max_steps=200, is_world_process_zero=True, epoch=0.0)
    bridge.on_train_begin(None, state, None)
    for seconds in [10.0] + [0.5] * 199:  # warm-up, then steady steps
        clock.now += seconds
        state.global_step += 1
        bridge.on_step_end(None, state, None)
        if state.global_step % 5 == 0:  # logging every 5 steps, as the default
            bridge.on_log(None, state, None, logs={"loss": 0.5, "learning_rate": 1e-4})
    steps = [e for e in events if isinstance(e, StepEvent)]
    first = steps[0]
    assert first.step == 5
    assert first.eta_seconds == pytest.approx(0.5 * 195)  # what is really left
    assert steps[10].eta_seconds == pytest.approx(0.5 * (200 - steps[10].step))
