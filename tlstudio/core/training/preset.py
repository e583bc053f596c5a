"""Apply a preset's plan to the settings the user left out, and say what it chose."""

from __future__ import annotations

import math
from typing import Any

from tlstudio.core.data.prepared import PreparedData
from tlstudio.core.settings.config import RunConfig
from tlstudio.core.training.plan import Plan, duration_text, plan_run


def apply_plan(config: RunConfig, data: PreparedData, device: str, model_params: int | None,
               speed: Any = None) -> Plan | None:
    """Fill ``config.planned`` from :func:`plan_run` (in place); None when nothing is planned.

    Settings given explicitly stay as given; ``planned`` is emptied so a resumed or repeated
    run keeps exactly these values. ``speed`` (a ``training.speed.Speed``: measured, probed or
    the default guess for the strategy) times the plan; without one, the device default.
    """
    if config.preset is None or not config.planned:
        return None
    plan = plan_run(len(data.splits["train"]), max(1, len(data.label_names)), device, config.preset,
                    model_params, val_rows=len(data.splits["validation"]),
                    max_length=config.max_length or 128,
                    samples_per_second=speed.samples_per_second if speed is not None else None,
                    eval_samples_per_second=speed.eval_samples_per_second if speed is not None else None,
                    speed_source=speed.source if speed is not None else None)
    chosen = {k: v for k, v in plan.settings().items() if k in config.planned}
    for key, value in chosen.items():
        setattr(config, key, value)
    config.planned = []
    return plan


def plan_line(config: RunConfig, data: PreparedData, plan: Plan) -> str:
    """E.g. "Plan (balanced): 300 updates (12 epochs), validation every 25 steps, ≈ 3 min on this CPU"."""
    per_epoch = math.ceil(len(data.splits["train"]) / (config.batch_size * config.grad_accumulation))
    updates = max(1, round(config.epochs * per_epoch))
    every = max(1, per_epoch // config.evals_per_epoch)
    scale = updates / max(1, plan.updates)  # explicit settings change the length the plan timed
    seconds = plan.seconds if abs(scale - 1) < 0.01 else plan.seconds * scale
    where = plan.time_text().split(" on ", 1)[1]
    epochs = f"{config.epochs:g} epoch" + ("" if config.epochs == 1 else "s")
    return (f"Plan ({config.preset}): {updates} updates ({epochs}), validation every "
            f"{every} steps, {duration_text(seconds)} on {where}.")


def plan_record(config: RunConfig, plan: Plan, line: str) -> dict[str, Any]:
    """What run.json keeps of the plan: the preset, what it chose, the estimate and the line shown."""
    return {**plan.to_dict(), "preset": config.preset, "line": line}
