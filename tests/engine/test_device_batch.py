"""Batch size from the device: the probe stops at memory, at no gain, or at the data's size;
the learning rate follows the square-root rule; a run records where its time went."""

from __future__ import annotations

import math

import pytest
import torch

from tlstudio.core.training.device_batch import (
    MAX_LR_SCALE,
    MIN_UPDATES_PER_EPOCH,
    probe_batch_size,
    scaled_learning_rate,
    training_step_timer,
)


def fake_device(memory_rows: int, saturates_at: int, per_row: float = 1e-3, fixed: float = 0.02):
    """A device where a step costs ``fixed`` seconds up to ``saturates_at`` rows (idle cores
    absorb the work), then ``per_row`` per extra row; more than ``memory_rows`` rows runs out."""
    tried = []

    def step_seconds(batch: int) -> float:
        tried.append(batch)
        if batch > memory_rows:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return fixed + max(0, batch - saturates_at) * per_row

    return step_seconds, tried


def oom(exc: BaseException) -> bool:
    return isinstance(exc, torch.OutOfMemoryError)


def test_the_probe_stops_below_the_memory_limit():
    step, tried = fake_device(memory_rows=100, saturates_at=10_000)
    probe = probe_batch_size(step, 16, train_rows=1_000_000, is_out_of_memory=oom)
    assert probe.batch_size == 64
    assert probe.out_of_memory_at == 128
    assert tried == [16, 32, 64, 128]


def test_the_probe_stops_where_a_larger_batch_no_longer_pays():
    rates = {16: 900.0, 32: 1700.0, 64: 2900.0, 128: 3100.0, 256: 3200.0}  # examples/s
    probe = probe_batch_size(lambda b: b / rates[b], 16, train_rows=1_000_000, is_out_of_memory=oom)
    assert probe.batch_size == 64  # 128 is only 7 % faster per example
    assert probe.out_of_memory_at is None
    assert "not 15% faster" in probe.reason


def test_a_small_set_keeps_enough_updates_per_epoch():
    step, _ = fake_device(memory_rows=10_000, saturates_at=10_000)
    probe = probe_batch_size(step, 16, train_rows=3_000, is_out_of_memory=oom)
    assert 3_000 / probe.batch_size >= MIN_UPDATES_PER_EPOCH
    assert probe.batch_size == 64
    tiny = probe_batch_size(step, 16, train_rows=300, is_out_of_memory=oom)
    assert tiny.batch_size == 16  # never below what was planned


def test_errors_other_than_memory_are_not_swallowed():
    def broken(batch: int) -> float:
        raise RuntimeError("CUDA error: an illegal memory access was encountered")

    with pytest.raises(RuntimeError, match="illegal"):
        probe_batch_size(broken, 16, train_rows=100_000, is_out_of_memory=oom)


def test_learning_rate_grows_with_the_square_root_of_the_batch_and_is_capped():
    assert scaled_learning_rate(1e-4, 16, 16) == 1e-4
    assert math.isclose(scaled_learning_rate(1e-4, 16, 64), 2e-4)
    assert math.isclose(scaled_learning_rate(1e-4, 16, 4096), MAX_LR_SCALE * 1e-4)
    assert scaled_learning_rate(1e-4, 16, 8) == 1e-4  # never lowered by the probe


def test_the_step_timer_runs_a_real_model_and_leaves_it_untouched(tiny_model_dir):
    from transformers import AutoModelForSequenceClassification

    model = AutoModelForSequenceClassification.from_pretrained(tiny_model_dir)
    model.eval()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    step_seconds = training_step_timer(model, 16, "cpu", "fp32", num_labels=2)
    assert step_seconds(4) > 0
    assert not model.training
    assert all(p.grad is None for p in model.parameters())
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())


def test_a_run_records_where_its_time_went(tiny_config):
    from tlstudio.core.runs.store import RunFolder
    from tlstudio.core.training import run_training

    run_training(tiny_config)
    phases = RunFolder(tiny_config.output_dir).info().extra["phases"]
    assert {"read data and tokenizer", "load model", "tokenize", "train", "save model",
            "test split, baselines and reports"} <= set(phases)
    assert phases["train"] > 0
    assert "batch probe" not in phases  # the CPU keeps the planned batch


def test_a_probed_batch_is_timed_again_at_the_batch_the_run_uses(tiny_config, monkeypatch):
    """On a GPU the plan and its time estimate come before the batch probe: once the probe picks
    another batch, both are said again, timed with the probe's examples/s at that batch.

    The CPU never probes its batch: here the probe runs anyway, on a faked device."""
    import dataclasses
    import json
    from pathlib import Path

    from tlstudio.core.events import StatusEvent
    from tlstudio.core.training import device_batch, runner

    monkeypatch.setattr(runner, "probes_batch", lambda device, world_size: True)
    monkeypatch.setattr(device_batch, "MIN_UPDATES_PER_EPOCH", 1)  # the 120-row set may take batch 64
    step, tried = fake_device(memory_rows=10_000, saturates_at=10_000)  # 0.02 s a step: batch x 50 examples/s
    monkeypatch.setattr(device_batch, "training_step_timer", lambda *args: step)
    config = dataclasses.replace(tiny_config, preset="quick", planned=["batch_size", "learning_rate"])
    said: list[str] = []
    runner.run_training(config, lambda e: said.append(e.message) if isinstance(e, StatusEvent) else None)

    assert tried == [8, 16, 32, 64]  # 128 would leave fewer updates than the set has rows
    probe_at = next(i for i, m in enumerate(said) if m.startswith("Batch 64 examples per step"))
    estimates = [i for i, m in enumerate(said) if m.startswith("Estimated for this run")]
    plans = [i for i, m in enumerate(said) if m.startswith("Plan (quick)")]
    assert len(estimates) == 2 and estimates[0] < probe_at < estimates[1]  # said again after the probe
    assert len(plans) == 2 and plans[0] < probe_at < plans[1]
    assert said[estimates[0]].endswith("Times are a guess: no run measured on this computer yet.")
    assert "full: " in said[estimates[1]] and "0.02 s a step" in said[estimates[1]]  # 64 at 3,200 examples/s
    assert said[estimates[1]].endswith("Times from training measured on this computer.")
    info = json.loads((Path(config.output_dir) / "run.json").read_text(encoding="utf-8"))
    speed, plan = info["speed"], info["plan"]
    assert speed["source"] == "probe" and speed["full_samples_per_second"] == 3200.0
    assert speed["considered"]["batch_probe"] == 3200.0 and "default" in speed["considered"]
    assert plan["batch_size"] == 64 and plan["samples_per_second"] == 3200.0 and plan["speed_source"] == "probe"
    assert plan["line"] == said[plans[1]] and plan["before_batch_probe"]["line"] == said[plans[0]]
    assert plan["before_batch_probe"]["batch_size"] == 8 and plan["updates"] < plan["before_batch_probe"]["updates"]
    assert plan["learning_rate"] == pytest.approx(scaled_learning_rate(1e-4, 8, 64))
    assert info["batch_probe"]["batch_size"] == 64


def test_a_learning_rate_the_user_gave_is_what_the_plan_records_after_the_batch_probe(tiny_config, monkeypatch):
    """The plan in run.json said the probe-scaled rate although the run trained with the user's."""
    import dataclasses
    import json
    from pathlib import Path

    from tlstudio.core.runs.store import RunFolder
    from tlstudio.core.training import device_batch, runner

    monkeypatch.setattr(runner, "probes_batch", lambda device, world_size: True)
    monkeypatch.setattr(device_batch, "MIN_UPDATES_PER_EPOCH", 1)
    step, _ = fake_device(memory_rows=10_000, saturates_at=10_000)
    monkeypatch.setattr(device_batch, "training_step_timer", lambda *args: step)
    config = dataclasses.replace(tiny_config, preset="quick", planned=["batch_size"], learning_rate=3e-5)
    runner.run_training(config, lambda e: None)

    folder = Path(config.output_dir)
    info = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    plan = info["plan"]
    assert plan["batch_size"] == 64 and plan["before_batch_probe"]["batch_size"] == 8  # rebatched
    assert RunFolder(folder).config().learning_rate == 3e-5 and info["batch_probe"]["batch_size"] == 64  # trained with it
    assert plan["learning_rate"] == 3e-5
