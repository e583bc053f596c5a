"""The run plan: updates for small sets, capped epochs for large ones, time estimates."""

from __future__ import annotations

import dataclasses
import math

import pytest

from tlstudio.core.training.plan import PRESETS, duration_text, plan_run

MINILM = 22_700_000


def test_small_sets_get_a_few_hundred_updates_not_a_few_epochs():
    quick = plan_run(600, 2, "cpu", "quick", MINILM)
    assert quick.updates >= 150 and quick.epochs > 1 and quick.batch_size == 16
    balanced = plan_run(420, 2, "cpu", "balanced", MINILM)
    assert balanced.updates >= 300 and balanced.epochs == 12  # 27 updates per epoch
    assert "27 updates per epoch" in balanced.reasons[0]


def test_tiny_sets_get_small_batches_and_at_most_twenty_epochs():
    plan = plan_run(50, 2, "cpu", "thorough", MINILM)
    assert plan.batch_size == 8 and plan.epochs == 20 and plan.updates == 140


def test_more_classes_need_more_updates():
    assert plan_run(600, 10, "cpu", "balanced", MINILM).updates > plan_run(600, 2, "cpu", "balanced", MINILM).updates


def test_large_sets_get_few_epochs_checked_several_times_per_epoch():
    plan = plan_run(200_000, 4, "cuda", "balanced", MINILM, val_rows=20_000)
    assert plan.batch_size == 32 and 2 <= plan.epochs <= 3
    assert plan.evals_per_epoch >= 3 and plan.early_stopping_patience >= 2
    quick = plan_run(50_000, 2, "cuda", "quick", MINILM)
    assert quick.epochs == 1 and quick.evals_per_epoch == 4


def test_the_time_budget_cuts_epochs_on_a_cpu():
    plan = plan_run(200_000, 2, "cpu", "balanced", MINILM, val_rows=20_000, samples_per_second=25.0)
    assert plan.epochs < 1 and "budget" in plan.reasons[-1]
    assert plan.seconds == pytest.approx(PRESETS["balanced"].budget_seconds, rel=0.25)


def test_a_machine_too_slow_for_the_budget_gets_the_minimum_updates_not_the_presets_epochs():
    """Validation alone over the budget: the run still learns (the minimum updates) but is not
    planned for the preset's 2 epochs of 200,000 rows (hours); it says it runs long."""
    plan = plan_run(200_000, 2, "cpu", "balanced", MINILM, val_rows=20_000, samples_per_second=8.0)
    assert plan.updates == PRESETS["balanced"].min_updates
    assert "Longer than the 30 min time budget" in plan.reasons[-1]


def test_learning_rate_and_batch_follow_model_size():
    assert plan_run(4000, 2, "cpu", model_params=MINILM).learning_rate == 1e-4
    assert plan_run(4000, 2, "cpu", model_params=110_000_000).learning_rate == 5e-5
    large = plan_run(4000, 2, "cpu", model_params=335_000_000)
    assert large.learning_rate == 2e-5 and large.batch_size == 8


def test_a_small_model_takes_the_base_models_rate_on_a_large_set():
    """Measured on the full sets: MiniLM at 1e-4 lost 3 points on AG News (5,320 training rows)
    and learned almost nothing on 8,391 Chinese reviews (0.503 against 0.746 at 5e-5)."""
    assert plan_run(4999, 4, "cpu", model_params=MINILM).learning_rate == 1e-4
    assert plan_run(5000, 4, "cpu", model_params=MINILM).learning_rate == 5e-5
    assert plan_run(50_000, 2, "cuda", model_params=MINILM).learning_rate == 5e-5
    assert plan_run(5000, 2, "cpu", model_params=110_000_000).learning_rate == 5e-5  # unchanged
    assert plan_run(5000, 2, "cpu", model_params=335_000_000).learning_rate == 2e-5
    scores = plan_run(6000, 1, "cpu", model_params=MINILM)  # many rows: no halving for scores
    assert scores.learning_rate == 5e-5 and not any("learning rate" in r for r in scores.reasons)


def test_time_estimate_uses_measured_throughput():
    slow = plan_run(600, 2, "cpu", "quick", MINILM, samples_per_second=2.0)
    fast = plan_run(600, 2, "cpu", "quick", MINILM, samples_per_second=20.0)
    assert slow.samples_per_second == 2.0 and slow.seconds > 5 * fast.seconds
    assert slow.updates == fast.updates >= 150  # a slow machine takes longer, not fewer updates
    assert "Longer than the 5 min time budget" in slow.reasons[-1]
    assert slow.time_text() == f"{duration_text(slow.seconds)} on this CPU, measured"
    guess = plan_run(600, 2, "cuda:1", "quick", MINILM)
    assert guess.speed_source == "default"
    assert guess.time_text().endswith("on this GPU (a guess: no run measured yet)")
    assert plan_run(600, 2, "cpu", "quick", MINILM, samples_per_second=20.0,
                    speed_source="probe").time_text().endswith(", measured")


def test_a_measured_validation_speed_times_the_validation_passes():
    guessed = plan_run(3000, 2, "cpu", "balanced", MINILM, val_rows=600, samples_per_second=20.0)
    slow_eval = plan_run(3000, 2, "cpu", "balanced", MINILM, val_rows=600, samples_per_second=20.0,
                         eval_samples_per_second=10.0)  # measured: slower than 3x training
    assert slow_eval.seconds > guessed.seconds + 600 / 10.0


def test_a_plan_rebatched_by_the_gpu_probe_keeps_its_epochs_and_retimes_only_training():
    plan = plan_run(40_000, 2, "cuda", "balanced", MINILM, val_rows=5_000, samples_per_second=800.0)
    training = plan.updates * plan.batch_size / 800.0
    bigger = plan.rebatched(40_000, 256, 4_000.0, "probe")
    assert (bigger.epochs, bigger.evals_per_epoch) == (plan.epochs, plan.evals_per_epoch)
    assert bigger.updates == round(plan.epochs * math.ceil(40_000 / 256)) < plan.updates
    # validation passes and overhead as planned; training at 4,000 examples/s instead of 800
    assert bigger.seconds == pytest.approx(plan.seconds - training + bigger.updates * 256 / 4_000.0, abs=0.1)
    assert bigger.samples_per_second == 4_000.0 and bigger.time_text().endswith("on this GPU, measured")


def test_presets_trade_time_for_quality():
    plans = [plan_run(3000, 2, "cpu", name, MINILM, val_rows=500) for name in ("quick", "balanced", "thorough")]
    assert [p.updates for p in plans] == sorted(p.updates for p in plans)
    assert plans[0].seconds < plans[1].seconds < plans[2].seconds


def test_duration_text():
    assert duration_text(20) == "under a minute"
    assert duration_text(185) == "≈ 3 min"
    assert duration_text(2 * 3600 + 600) == "≈ 2 h 10 min"
    assert duration_text(7200) == "≈ 2 h"


def test_plan_settings_are_valid_run_config_values():
    from tlstudio.core.settings.config import RunConfig

    plan = plan_run(1234, 3, "cpu", "thorough", MINILM)
    config = dataclasses.replace(RunConfig(data_path="x.csv"), **plan.settings())
    config.validate()
    assert config.epochs == plan.epochs and plan.to_dict()["time_text"] == plan.time_text()


@pytest.mark.parametrize("preset", ["quick", "balanced", "thorough"])
def test_a_set_just_too_small_for_one_epoch_is_not_planned_twice_its_minimum(preset):
    """Rounded up to whole epochs, 1.1 epochs became 2: Quick on 2,300 training rows was planned
    288 updates (about as long as Balanced), on 2,400 rows 150."""
    least = PRESETS[preset].min_updates
    for rows in range(100, 12_000, 37):
        plan = plan_run(rows, 2, "cpu", preset, MINILM)
        per_epoch = math.ceil(rows / plan.batch_size)
        assert plan.updates >= min(least, round(20 * per_epoch)), rows
        assert plan.updates <= max(1.5 * least, PRESETS[preset].epochs * per_epoch + 1), (rows, plan.updates)


def test_quick_just_under_one_epoch_of_its_minimum_is_still_quick():
    just_under, at = plan_run(2300, 2, "cpu", "quick", MINILM), plan_run(2400, 2, "cpu", "quick", MINILM)
    assert just_under.updates == at.updates == PRESETS["quick"].min_updates
    assert just_under.seconds < 0.7 * plan_run(2300, 2, "cpu", "balanced", MINILM).seconds


def test_scores_from_few_rows_get_half_the_learning_rate():
    """Regression (one output) under 500 training rows: 1e-4 scored ~6 points of Pearson under
    5e-5 on STS-B with 170 rows; classes and larger score sets keep the model's rate."""
    few = plan_run(170, 1, "cpu", model_params=MINILM)
    assert few.learning_rate == 5e-5
    assert any("half the usual learning rate" in reason for reason in few.reasons)
    assert plan_run(850, 1, "cpu", model_params=MINILM).learning_rate == 1e-4
    classes = plan_run(170, 2, "cpu", model_params=MINILM)
    assert classes.learning_rate == 1e-4 and not any("learning rate" in r for r in classes.reasons)
    assert plan_run(170, 1, "cpu", model_params=110_000_000).learning_rate == 2.5e-5


def test_a_fraction_of_an_epoch_trains_exactly_the_planned_updates():
    """The Trainer steps ceil(epochs x updates per epoch) times: Quick on 2,100 training rows (132
    updates an epoch) planned 150 updates as 1.1364 epochs and trained 151."""
    for rows in (2100, 2200, 2350, 3000, 9000):
        plan = plan_run(rows, 2, "cpu", "quick", model_params=MINILM)
        per_epoch = math.ceil(rows / plan.batch_size)
        assert math.ceil(plan.epochs * per_epoch) == plan.updates, rows
