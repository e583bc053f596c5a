"""Pause, resume and stop from another thread; stopped runs still leave a complete folder."""

from __future__ import annotations

import json
import threading

from conftest import DATA

from tlstudio.core.events import FinishedEvent, RunControl, StepEvent
from tlstudio.core.training import run_training


def test_pause_blocks_steps_then_stop_writes_a_stopped_complete_folder(tiny_config):
    tiny_config.epochs = 50  # far more than the test lets it run
    control = RunControl()
    steps: list[int] = []
    first_step, third_step, held = threading.Event(), threading.Event(), threading.Event()
    real_wait = control.wait_while_paused

    def wait_while_paused(poll: float = 0.1) -> None:
        if control.paused:
            held.set()  # the engine is at a step end, waiting for Resume
        real_wait(poll)

    control.wait_while_paused = wait_while_paused

    def observe(event):
        if isinstance(event, StepEvent):
            steps.append(event.step)
            if len(steps) == 1:
                control.pause()
                first_step.set()
            elif len(steps) == 3:
                third_step.set()

    result = {}
    worker = threading.Thread(
        target=lambda: result.update(r=run_training(tiny_config, observe, control))
    )
    worker.start()
    try:
        assert first_step.wait(60)
        assert held.wait(60)  # held at the end of the step under way when Pause came
        assert steps == [1] and control.paused  # no step logged while held
        control.resume()
        assert third_step.wait(60)
    finally:
        control.stop()
        worker.join(60)
    assert not worker.is_alive()
    run = result["r"]
    info = json.loads((run.run_dir / "run.json").read_text())
    assert run.stopped and info["status"] == "complete" and info["stopped"] is True
    assert max(steps) < 50 * 6
    assert json.loads((run.run_dir / "metrics.json").read_text())["stopped"] is True
    assert "stopped early by the user" in (run.run_dir / "README.md").read_text()


def test_stop_before_start_still_finishes_cleanly(tiny_config):
    control = RunControl()
    control.stop()
    events = []
    result = run_training(tiny_config, events.append, control)
    assert result.stopped and isinstance(events[-1], FinishedEvent) and events[-1].stopped
    assert [e.step for e in events if isinstance(e, StepEvent)] == [1]


def test_stop_during_a_validation_pass_abandons_it_and_keeps_the_best_model(tiny_config, monkeypatch):
    from tlstudio.core.events import EvalEvent, StatusEvent
    from tlstudio.core.training.trainer import TaskTrainer

    tiny_config.epochs = 20
    tiny_config.evals_per_epoch = 1
    control = RunControl()
    passes: list[int] = []  # prediction batches per validation pass
    real_step = TaskTrainer.prediction_step

    def prediction_step(self, *args, **kwargs):
        if not self.model.training and self.state.global_step != getattr(self, "_pass_step", None):
            self._pass_step = self.state.global_step
            passes.append(0)
        passes[-1] += 1
        if len(passes) == 2:
            control.stop()  # pressed while the second pass is under way
        return real_step(self, *args, **kwargs)

    monkeypatch.setattr(TaskTrainer, "prediction_step", prediction_step)
    events: list = []
    tiny_config.data_path = str(DATA / "sentiment_600.csv")
    result = run_training(tiny_config, events.append, control)

    from tlstudio.core.data import load_prepared

    validation = load_prepared(tiny_config).splits["validation"]
    batches = -(-len(validation) // (tiny_config.batch_size * 2))
    assert batches > 1 and passes == [batches, 1]  # the second pass stopped after one batch
    assert len([e for e in events if isinstance(e, EvalEvent)]) == 1
    assert "keeping the best model so far" in " ".join(e.message for e in events if isinstance(e, StatusEvent))
    info = json.loads((result.run_dir / "run.json").read_text())
    assert result.stopped and info["status"] == "complete" and info["stopped"] is True
    assert isinstance(events[-1], FinishedEvent) and events[-1].metrics
