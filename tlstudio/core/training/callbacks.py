"""Trainer callbacks: progress as events, and pause/stop from another thread."""

from __future__ import annotations

import math
import time
from collections import deque
from pathlib import Path
from typing import Any

from transformers import TrainerCallback

from tlstudio.core.events import (
    CheckpointEvent,
    EvalEvent,
    Observer,
    RunControl,
    StatusEvent,
    StepEvent,
)

_TRAIN_LOG_KEYS = ("loss", "learning_rate")
ESTIMATE_STEPS = 5  # steps timed (after the first) before estimating the training time
ESTIMATE_SECONDS = 20.0  # or this long, whichever comes first
ESTIMATE_WORTH_SECONDS = 60.0  # shorter runs need no estimate
RECENT_STEPS = 20  # the live speed and ETA follow this many latest steps


def duration_text(seconds: float) -> str:
    """``45 s``, ``12 min``, ``1 h 20 min``: as precise as an estimate deserves."""
    if seconds < 90:
        return f"{max(seconds, 1):.0f} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def eval_metrics(logs: dict[str, Any]) -> dict[str, float]:
    """Trainer eval logs to event metrics: ``eval_loss`` stays, other ``eval_`` prefixes go."""
    skip = ("eval_runtime", "eval_samples_per_second", "eval_steps_per_second", "epoch")
    out = {}
    for key, value in logs.items():
        if key in skip or not isinstance(value, int | float):
            continue
        out[key if key == "eval_loss" else key.removeprefix("eval_")] = float(value)
    return out


def evaluations_left(args: Any, state: Any) -> int:
    """Validation passes still to come in a run validated every ``eval_steps`` steps (the
    Trainer also validates at the last step when it is not one of those)."""
    if getattr(args, "eval_strategy", "no") != "steps":
        return 0
    every = getattr(state, "eval_steps", None) or getattr(args, "eval_steps", None) or 0
    if 0 < every < 1:  # a fraction of the run
        every = math.ceil(every * state.max_steps)
    every = int(every)
    if every <= 0 or state.global_step >= state.max_steps:
        return 0
    last = 0 if state.max_steps % every == 0 else 1
    return state.max_steps // every - state.global_step // every + last


class EventBridge(TrainerCallback):
    """Forwards the Trainer's logs, evaluations and checkpoints to an observer (main process only)."""

    def __init__(self, observer: Observer, samples_per_step: int,
                 clock: Any = time.perf_counter) -> None:
        self.observer = observer
        self.samples_per_step = samples_per_step
        self.clock = clock
        self._started = 0.0
        self._first_step = 0
        self._timing: tuple[int, float] | None = None  # (step, time) after the first, slow step
        self._estimated = False
        # The live figures time the steps themselves: a validation pass or a pause between two
        # steps is not training speed, and an average since the start lagged for minutes after
        # the machine's load changed (the speed shown rose while the ETA stayed put).
        self._step_began: float | None = None
        self._recent: deque[float] = deque(maxlen=RECENT_STEPS)
        self._eval_began: float | None = None
        self._eval_seconds = 0.0  # the latest validation pass, for the passes still to come

    def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self._started = self.clock()
        self._first_step = state.global_step

    def on_step_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self._step_began = self.clock()

    def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        """Times the step; once, a few steps in, says how long training will take."""
        now = self.clock()
        began, self._step_began = self._step_began, None
        if began is not None and state.global_step > self._first_step + 1:  # the first warms up
            self._recent.append(now - began)
        if self._estimated or not state.is_world_process_zero:
            return
        if self._timing is None:
            self._timing = (state.global_step, now)  # the first step includes warm-up: not timed
            return
        start_step, start_time = self._timing
        steps = state.global_step - start_step
        if steps < ESTIMATE_STEPS and now - start_time < ESTIMATE_SECONDS:
            return
        self._estimated = True
        per_step = (now - start_time) / max(steps, 1)
        left = state.max_steps - state.global_step
        if per_step * left >= ESTIMATE_WORTH_SECONDS:
            self.observer(StatusEvent(message=(
                f"Training will take about {duration_text(per_step * left)} more: "
                f"{left:,} steps left at {per_step:.2f} s each (measured over {steps} steps); "
                "validation passes add to that.")))

    def on_log(self, args: Any, state: Any, control: Any, logs: dict | None = None, **kwargs: Any) -> None:
        if not state.is_world_process_zero or not logs or "loss" not in logs:
            return
        now = self.clock()
        per_step = self._seconds_per_step(state.global_step, now)
        rate = self.samples_per_step / per_step if per_step > 0 else 0.0
        left = state.max_steps - state.global_step
        eta = per_step * left + self._eval_seconds * evaluations_left(args, state)
        self.observer(
            StepEvent(
                step=state.global_step,
                total_steps=state.max_steps,
                epoch=float(state.epoch or 0.0),
                loss=float(logs["loss"]),
                learning_rate=float(logs.get("learning_rate", 0.0)),
                samples_per_second=round(rate, 2),
                eta_seconds=round(eta, 1),
            )
        )

    def _seconds_per_step(self, step: int, now: float) -> float:
        """Seconds per step for the live speed and ETA: the latest steps' own time. Before
        any is timed, the time since the end of the first step when there are later ones: the
        first step carries the warm-up (memory, kernels, caches), and counting it made the
        first ETAs of a short run about twice too long."""
        if self._recent:
            return sum(self._recent) / len(self._recent)
        if self._timing is not None and step > self._timing[0]:
            start_step, start_time = self._timing
            return (now - start_time) / (step - start_step)
        done = step - self._first_step
        return (now - self._started) / done if done else 0.0

    def on_prediction_step(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if self._eval_began is None:
            self._eval_began = self.clock()

    def on_evaluate(self, args: Any, state: Any, control: Any, metrics: dict | None = None, **kwargs: Any) -> None:
        if self._eval_began is not None:
            self._eval_seconds = self.clock() - self._eval_began
            self._eval_began = None
        if state.is_world_process_zero and metrics:
            self.observer(
                EvalEvent(step=state.global_step, epoch=float(state.epoch or 0.0), metrics=eval_metrics(metrics))
            )

    def on_save(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if state.is_world_process_zero:
            path = Path(args.output_dir) / f"checkpoint-{state.global_step}"
            self.observer(CheckpointEvent(step=state.global_step, path=str(path)))


class EvaluationStopped(Exception):
    """Raised out of a validation pass when the user pressed Stop during it."""


class ControlBridge(TrainerCallback):
    """Turns :class:`RunControl` requests into Trainer control flags, once per optimisation step.

    A stop during a validation pass doesn't wait for the pass to end (it can take minutes
    on a large validation split): the pass is abandoned at its next batch.
    """

    def __init__(self, control: RunControl) -> None:
        self.run_control = control
        self.stopped = False

    def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self.run_control.wait_while_paused()
        if self.run_control.stop_requested:
            self.stopped = True
            control.should_training_stop = True

    def on_prediction_step(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if self.run_control.stop_requested and not self.stopped:
            self.stopped = True
            raise EvaluationStopped
