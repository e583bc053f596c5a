"""The Train page's preset plans: how long each preset would take on the data and model at hand."""

from __future__ import annotations

from tlstudio.gui.state import AppState
from tlstudio.gui.train_settings import TrainSettings


def plan_presets(settings: TrainSettings, state: AppState) -> None:
    """Plan each preset for the data and model at hand (pure arithmetic: no torch here)."""
    from tlstudio.core.training.plan import plan_run
    from tlstudio.core.training.speed import speed_for

    report = state.report
    settings.set_auto_length(state.auto_max_length)  # None with no data: set_inspection reset it
    if report is None:
        settings.set_plans({})
        return
    rows = report.loaded.num_rows
    train_rows = max(1, round(rows * (1 - state.test_size - state.val_size)))
    model = state.model
    params = getattr(model, "parameters", None) if model is not None else None
    device = settings.value_of("device") or "auto"
    device = "cpu" if device == "auto" else str(device)  # auto: the estimate errs on the slow side
    # "auto": the length the run will pick from the data (128 until the Data page has counted it)
    length = settings.value_of("max_length") or state.auto_max_length
    # remembered from earlier runs on this computer (a small file: no probe in the GUI thread)
    speed = speed_for(device, getattr(model, "name", None), params, settings.value_of("strategy"), length)
    val_rows = round(rows * state.val_size)
    # the strategy's speed, measured or guessed, as the runner plans with it (a frozen body is faster)
    settings.set_plans({name.capitalize(): plan_run(
        train_rows, max(1, len(report.classes)), device, name, params,
        val_rows=val_rows, max_length=length or 128, samples_per_second=speed.samples_per_second,
        eval_samples_per_second=speed.eval_samples_per_second, speed_source=speed.source)
        for name in ("quick", "balanced", "thorough")})
    settings.set_estimate_inputs(model, train_rows, max(1, len(report.classes)), device, val_rows)
