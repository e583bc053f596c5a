"""Resuming on the Train page: its live curves continue from the checkpoint's history.

What a checkpoint holds and whether a run can be resumed is core's
(:mod:`tlstudio.core.runs.resume`); this module only draws that history on the live curves.
"""

from __future__ import annotations

import math
from typing import Any

from tlstudio.core.runs.resume import ResumePoint

# Validation scores the Train page plots (as the engine's EvalEvent names them).
CURVE_METRICS = ("accuracy", "f1_macro", "f1", "pearson", "spearman", "r2", "f1_micro")
_EVAL_SKIP = ("eval_runtime", "eval_samples_per_second", "eval_steps_per_second")


def _number(value: Any) -> float | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    return float(value) if ok else None


def add_evaluation(curves: Any, step: float, epoch: float, metrics: dict[str, Any]) -> None:
    """Put one validation pass on the live curves (validation loss and the plotted scores)."""
    if _number(metrics.get("eval_loss")) is not None:
        curves.val_loss.append(step, float(metrics["eval_loss"]))
    for name, value in metrics.items():
        if ("loss" not in name and name.removeprefix("eval_") in CURVE_METRICS
                and _number(value) is not None):
            curves.add_metric(name, epoch, float(value))
    curves.dirty = True


def prefill(curves: Any, point: ResumePoint) -> int:
    """Draw the checkpoint's history on ``curves`` as the live run would have; the steps added."""
    steps = 0
    for entry in point.history:
        step, epoch = _number(entry.get("step")), _number(entry.get("epoch")) or 0.0
        if step is None:
            continue
        loss = _number(entry.get("loss"))
        if loss is not None:
            curves.add_loss(step, loss, _number(entry.get("learning_rate")) or 0.0,
                            point.total_steps)
            steps += 1
        elif any(key.startswith("eval_") for key in entry):
            # the names the engine's EvalEvent uses: eval_loss stays, other eval_ prefixes go
            metrics = {key if key == "eval_loss" else key.removeprefix("eval_"): value
                       for key, value in entry.items()
                       if key.startswith("eval_") and key not in _EVAL_SKIP}
            add_evaluation(curves, step, epoch, metrics)
    return steps
