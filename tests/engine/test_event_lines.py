"""Events are dispatched on their types: the CLI's progress lines and the Train worker's signals."""

from __future__ import annotations

import json

import pytest

from tlstudio.core.events import (
    CheckpointEvent,
    EvalEvent,
    Event,
    FailedEvent,
    FinishedEvent,
    StatusEvent,
    StepEvent,
)

CASES = [
    (StatusEvent(message="Loading tokenizer…"), "Loading tokenizer…"),
    (StatusEvent(message="Reduced batch", level="warning"), "warning: Reduced batch"),
    (StepEvent(step=3, total_steps=10, epoch=0.5, loss=0.25, learning_rate=1e-3,
               samples_per_second=12.5, eta_seconds=42),
     "step 3/10  epoch 0.50  loss 0.2500  lr 1e-3  12.5 samples/s  eta 42s"),
    (EvalEvent(step=4, metrics={"eval_loss": 0.5, "accuracy": 0.75, "eval_runtime": 1.0}),
     "validation at step 4: eval_loss 0.5000, accuracy 0.7500"),
    (CheckpointEvent(step=4, path="/runs/a/checkpoint-4"), "checkpoint saved: /runs/a/checkpoint-4"),
    (FinishedEvent(run_dir="/runs/a", stopped=True), "stopped early: /runs/a"),
    (FinishedEvent(run_dir="/runs/a"), "finished: /runs/a"),
    (FailedEvent(message="boom"), None),  # the error line comes from the raised exception
]


@pytest.mark.parametrize(("event", "line"), CASES)
def test_cli_progress_line_per_event_type(event, line):
    from tlstudio.cli.engine import _describe

    assert _describe(event) == line


def test_json_lines_keep_kind_for_scripts(capsys):
    from tlstudio.cli.engine import _observer

    observe = _observer(True)
    for event, _ in CASES:
        observe(event)
    kinds = [json.loads(line)["kind"] for line in capsys.readouterr().out.splitlines()]
    assert kinds == ["status", "status", "step", "eval", "checkpoint", "finished", "finished",
                     "failed"]


def test_an_event_subclass_with_a_custom_kind_is_dispatched_on_its_type():
    """Dispatch follows the class, not the ``kind`` string (which may be anything)."""
    from tlstudio.cli.engine import _describe

    class Renamed(StepEvent):
        pass

    event = Renamed(step=1, total_steps=2)
    event.kind = "renamed"
    assert _describe(event).startswith("step 1/2")
    assert _describe(Event()) is None
