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


def _live(step_seconds: list[float], max_steps: int, *, eval_every: int = 0, eval_seconds: float = 0.0,
          pause_after: dict[int, float] | None = None) -> list:
    """Steps as the Trainer calls back (begin, end, log every 5 steps, validation every
    ``eval_every``); ``pause_after`` {step: seconds} idles between two steps (a pause)."""
    from tlstudio.core.events import StepEvent

    events: list = []
    clock = _Clock()
    bridge = EventBridge(events.append, 16, clock=clock)
    args = SimpleNamespace(eval_strategy="steps" if eval_every else "no", eval_steps=eval_every)
    state = SimpleNamespace(global_step=0, max_steps=max_steps, is_world_process_zero=True, epoch=0.0,
                            eval_steps=eval_every)
    bridge.on_train_begin(args, state, None)
    for seconds in step_seconds:
        bridge.on_step_begin(args, state, None)
        clock.now += seconds
        state.global_step += 1
        bridge.on_step_end(args, state, None)
        if state.global_step % 5 == 0:
            bridge.on_log(args, state, None, logs={"loss": 0.5, "learning_rate": 1e-4})
        if eval_every and state.global_step % eval_every == 0:
            for _batch in range(4):
                bridge.on_prediction_step(args, state, None)
                clock.now += eval_seconds / 4
            bridge.on_evaluate(args, state, None, metrics={"eval_loss": 0.4})
        clock.now += (pause_after or {}).get(state.global_step, 0.0)
    return [e for e in events if isinstance(e, StepEvent)]


def test_the_live_speed_and_eta_follow_the_machine_when_its_load_changes():
    """A busy machine (2 s a step) frees up (0.5 s a step): 20 steps later the speed shown and
    the ETA both say 0.5 s a step; an average since the start still said about 1.5."""
    steps = _live([5.0] + [2.0] * 59 + [0.5] * 40, max_steps=400)
    last = steps[-1]
    assert last.step == 100
    assert last.samples_per_second == pytest.approx(16 / 0.5)
    assert last.eta_seconds == pytest.approx(0.5 * 300)
    busy = steps[10]  # step 55, still under load
    assert busy.samples_per_second == pytest.approx(16 / 2.0)
    assert busy.eta_seconds == pytest.approx(2.0 * 345)


def test_a_pause_is_not_counted_as_training_time():
    steps = _live([3.0] + [1.0] * 59, max_steps=200, pause_after={30: 600.0})
    after = [e for e in steps if e.step > 30]
    assert all(e.eta_seconds == pytest.approx(1.0 * (200 - e.step)) for e in after)
    assert all(e.samples_per_second == pytest.approx(16.0) for e in after)


def test_the_eta_counts_the_validation_passes_still_to_come():
    """Validation every 50 steps of 220 (and once more at the end), 30 s each: a pass is not
    training speed, but the time left includes the passes left."""
    steps = _live([3.0] + [1.0] * 119, max_steps=220, eval_every=50, eval_seconds=30.0)
    at_100 = next(e for e in steps if e.step == 100)
    assert at_100.samples_per_second == pytest.approx(16.0)
    assert at_100.eta_seconds == pytest.approx(120 * 1.0 + 3 * 30.0)  # steps 150, 200 and 220
    at_45 = next(e for e in steps if e.step == 45)
    assert at_45.eta_seconds == pytest.approx(175 * 1.0)  # no pass timed yet: none guessed


@pytest.mark.parametrize("step, every, max_steps, left", [
    (0, 50, 220, 5), (100, 50, 220, 3), (100, 50, 200, 2), (200, 50, 200, 0), (10, 0.25, 100, 4)])
def test_evaluations_left(step, every, max_steps, left):
    from tlstudio.core.training.callbacks import evaluations_left

    args = SimpleNamespace(eval_strategy="steps", eval_steps=every)
    state = SimpleNamespace(global_step=step, max_steps=max_steps, eval_steps=every)
    assert evaluations_left(args, state) == left
