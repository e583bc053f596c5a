"""The memory and time estimate per strategy, before training: right parameter counts, sane order."""

from __future__ import annotations

import pytest

from tlstudio.core.models.catalog import resolve_model
from tlstudio.core.models.loading import load_classifier
from tlstudio.core.settings.config import RunConfig
from tlstudio.core.training.estimate import (
    ModelShape,
    estimate,
    model_shape,
    run_estimates,
    run_estimates_line,
    trainable_parameters,
)
from tlstudio.core.training.lora import apply_lora
from tlstudio.core.training.plan import plan_run, run_seconds
from tlstudio.core.training.speed import Speed, default_speed, work_share
from tlstudio.core.training.strategies import apply_strategy


@pytest.fixture(scope="module")
def shape(tiny_model_dir):
    info = resolve_model(str(tiny_model_dir))
    return model_shape(info.path, info.parameters)


def test_trained_parameters_match_what_each_strategy_really_trains(tiny_model_dir, shape):
    for strategy in ("full", "frozen", "freeze-1", "lora"):
        model = load_classifier(tiny_model_dir, task="multiclass", label_names=["a", "b", "c"])[0]
        if strategy == "lora":
            _, trained, _, _ = apply_lora(model, RunConfig(strategy="lora", lora_rank=4))
        else:
            trained, _ = apply_strategy(model, strategy)
        expected = trainable_parameters(shape, strategy, 3, lora_rank=4)
        assert abs(expected - trained) <= 0.05 * trained, strategy


def test_memory_and_time_order_the_strategies_and_grow_with_the_batch():
    shape = ModelShape(parameters=22_700_000, hidden=384, layers=6, heads=12, intermediate=1536)  # MiniLM

    def run(strategy, batch=16, length=128):
        return estimate(shape, strategy, batch_size=batch, length=length, device="cpu", updates=100)

    full, lora, frozen = run("full"), run("lora"), run("frozen")
    assert full.peak_bytes > lora.peak_bytes > frozen.peak_bytes
    assert full.seconds_per_step > lora.seconds_per_step > frozen.seconds_per_step
    assert full.seconds == pytest.approx(run_seconds(100, 16, 16 / full.seconds_per_step, "cpu"))
    assert run("full", batch=32).peak_bytes > full.peak_bytes
    assert run("full", length=256).seconds_per_step > full.seconds_per_step


def test_the_plan_line_puts_the_chosen_strategy_first(tiny_model_dir):
    info = resolve_model(str(tiny_model_dir))
    config = RunConfig(strategy="lora", batch_size=8, max_length=64, epochs=2)
    line = run_estimates_line(config, info, 400, 2, "cpu")
    assert line.startswith("Estimated for this run: lora: ")
    assert "full: " in line and "frozen: " in line and "GB memory" in line and "s a step" in line
    assert run_estimates_line(config, None, 400, 2, "cpu") is None  # a model not chosen yet


@pytest.mark.parametrize("strategy", ["full", "frozen", "freeze-1", "lora"])
def test_the_presets_time_and_the_strategies_line_are_the_same_time(tiny_model_dir, strategy):
    """The preset lines counted validation passes and the overhead, the strategies' line did not:
    "Balanced: about 5 min" beside "≈ 3 min in all" for the very same run."""
    import dataclasses

    info = resolve_model(str(tiny_model_dir))
    guess = default_speed("cpu", info.parameters, 64, strategy)
    speeds = (Speed(guess, "default", "", None, guess * work_share(strategy)),
              Speed(12.0, "measured", "", 40.0, 12.0 * work_share(strategy)))
    for rows, val_rows in ((60, 10), (420, 90), (20_000, 3_000)):
        for speed in speeds:
            plan = plan_run(rows, 2, "cpu", "balanced", info.parameters, val_rows=val_rows, max_length=64,
                            samples_per_second=speed.samples_per_second,
                            eval_samples_per_second=speed.eval_samples_per_second, speed_source=speed.source)
            config = dataclasses.replace(RunConfig(strategy=strategy, max_length=64), **plan.settings())
            chosen = run_estimates(config, info, rows, 2, "cpu", speed, val_rows)[0]
            assert chosen.strategy == strategy
            assert chosen.seconds == pytest.approx(plan.seconds, abs=0.1), (rows, speed.source)
