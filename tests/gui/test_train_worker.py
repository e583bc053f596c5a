"""The Train worker turns each event type into its own signal (dispatch on types, not strings)."""

from __future__ import annotations

from tlstudio.core.events import (
    CheckpointEvent,
    EvalEvent,
    FinishedEvent,
    RunControl,
    StatusEvent,
    StepEvent,
)
from tlstudio.core.settings.config import RunConfig


def test_each_event_type_reaches_its_signal(qapp):
    from tlstudio.gui.train_worker import TrainWorker

    worker = TrainWorker(RunConfig(), RunControl())
    seen: list[tuple[str, object]] = []
    for name in ("status_changed", "warned", "phase_changed", "stepped", "evaluated",
                 "checkpointed"):
        getattr(worker, name).connect(lambda value, n=name: seen.append((n, value)))
    step, evaluation = StepEvent(step=1, total_steps=2), EvalEvent(step=1)
    checkpoint = CheckpointEvent(step=1, path="c")
    for event in (StatusEvent(message="Loading…"), StatusEvent(message="Low memory", level="warning"),
                  StatusEvent(message="Training on cpu", phase="training"), step, evaluation,
                  checkpoint, StatusEvent(message="Saving", phase="finishing"),
                  FinishedEvent(run_dir="r")):
        worker._observe(event)
    assert seen == [("status_changed", "Loading…"), ("warned", "Low memory"),
                    ("phase_changed", "training"), ("status_changed", "Training on cpu"),
                    ("stepped", step), ("evaluated", evaluation), ("checkpointed", checkpoint),
                    ("phase_changed", "finishing"), ("status_changed", "Saving")]


def test_only_the_engine_s_phases_change_the_phase():
    from tlstudio.gui.train_worker import event_phase

    assert event_phase(StatusEvent(phase="training"), "preparing") == "training"
    assert event_phase(StatusEvent(phase="bogus"), "training") == "training"
    assert event_phase(StepEvent(), "preparing") == "preparing"
