"""The Train page's two time lines, in words: each preset's time, and the strategies' memory and
time for the settings shown. Both times come from ``core/training/plan.run_seconds``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tlstudio.core.evaluation.format import significant

PRESET_TIMES_TIP = ("Measured: from the speed of earlier runs on this computer. A guess: no run has been "
                    "measured on this computer yet; the first run's speed is remembered for the next estimate.")


@dataclass(frozen=True)
class EstimateInputs:
    """What the strategies' line is for besides the settings: the model (a ModelInfo), rows, device."""

    model: Any
    train_rows: int
    classes: int
    device: str
    val_rows: int = 0


def preset_times(plans: dict[str, Any]) -> str:
    """One line per planned preset, e.g. "Quick: about 4 min on this machine (a guess)"."""
    from tlstudio.core.training.plan import duration_text

    return "\n".join(f"{name}: {duration_text(plan.seconds).replace('≈ ', 'about ')} on this machine"
                     f"{' (a guess)' if plan.speed_source == 'default' else ' (measured)'}"
                     for name, plan in plans.items())


def preset_tip(plan: Any) -> str | None:
    """A preset's tooltip: its training steps, epochs (as the Epochs box shows them) and time
    (None: not planned)."""
    return None if plan is None else (f"≈ {plan.updates:,} steps ({significant(plan.epochs)} epochs), "
                                      f"{plan.time_text()}")


def strategies_line(config: Any, inputs: EstimateInputs | None) -> str | None:
    """Memory and time of ``config`` (its max length settled: "auto" as counted) under each strategy."""
    from tlstudio.core.training.estimate import run_estimates_line
    from tlstudio.core.training.speed import speed_for

    if inputs is None or inputs.model is None:
        return None
    model = inputs.model
    speed = speed_for(inputs.device, model.name, model.parameters, config.strategy, config.max_length)
    return run_estimates_line(config, model, inputs.train_rows, inputs.classes, inputs.device, speed,
                              inputs.val_rows)
