"""Resuming an unfinished run: what its latest checkpoint holds, and its curves so far.

No Qt and no torch here: small files read from the run folder. The Runs page says which
runs can be resumed and from which step; the Train page continues one with the engine's
``run_training(..., resume=True)`` and prefills its live curves with the checkpoint's
``log_history``, so the loss curve continues instead of starting empty.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tlstudio.core.errors import RunFolderError
from tlstudio.core.settings.config import RunConfig

# Validation scores the Train page plots (as the engine's EvalEvent names them).
CURVE_METRICS = ("accuracy", "f1_macro", "f1", "pearson", "spearman", "r2", "f1_micro")
_EVAL_SKIP = ("eval_runtime", "eval_samples_per_second", "eval_steps_per_second")
UNFINISHED = ("interrupted", "failed")  # "running" may still be running (another app, the CLI)


@dataclass
class ResumePoint:
    """An unfinished run folder and the checkpoint it continues from."""

    run_dir: Path
    name: str
    config: RunConfig  # the run's own saved config, ``output_dir`` set to the run folder
    step: int  # the checkpoint's step: training continues at step + 1
    total_steps: int
    history: list[dict[str, Any]] = field(default_factory=list)  # the checkpoint's log_history

    @property
    def data_name(self) -> str:
        return Path(self.config.data_path).name or "its data file"

    def settings_text(self) -> str:
        """The run's own settings, shown on the Train page in place of the next run's."""
        from tlstudio.core.settings.schema import (
            default_of,
            format_value,
            label_of,
            settings_fields,
        )

        c = self.config
        rows = [("Model", "bundled MiniLM" if c.model == "default" else Path(c.model).name),
                ("Data", self.data_name)]
        for f in settings_fields("basic", "advanced"):  # every basic one, advanced ones when changed
            value = getattr(c, f.name)
            if f.metadata["group"] == "basic" or value != default_of(f):
                rows.append((label_of(f), format_value(f, value)))
        return (f"Resuming {self.name} with the settings it started with:\n"
                + "\n".join(f"{key}: {value}" for key, value in rows))

    def note(self) -> str:
        """The Train page's line while the run continues."""
        of = f" of {self.total_steps}" if self.total_steps else ""
        return (f"Resuming {self.name} (trained on {self.data_name}) from step {self.step}{of}, "
                "with its own saved data and settings: the Data and Model pages' choices are "
                "for the next new run.")


def checkpoint_step(run_dir: str | Path) -> int | None:
    """The step of the run's latest complete checkpoint, or None when it has none."""
    from tlstudio.core.runs.folder import latest_checkpoint

    path = latest_checkpoint(run_dir)
    return None if path is None else int(path.name.removeprefix("checkpoint-"))


def can_resume(run: Any) -> bool:
    """Whether the Runs page offers Resume for this RunSummary (its process is gone)."""
    return bool(run.resumable) and run.status in UNFINISHED


def unfinished_label(run: Any, step: int | None) -> str:
    """What the run list says about a run's state ("" when complete), e.g. "interrupted — can
    resume from step 12"."""
    status = run.status or "incomplete"
    if run.complete or status == "running":
        return "" if run.complete else "running"
    if can_resume(run):
        return f"{status} — can resume from step {step}" if step else f"{status} — can resume"
    return status if run.resumable else f"{status} — can't resume: no checkpoint yet"


def resume_hint(run: Any, step: int | None, error: str = "") -> str:
    """A sentence for the one selected run: how it can be resumed, or why it can't."""
    status = run.status
    why = f" It failed with: {error}" if status == "failed" and error else ""
    if run.complete or status == "running" or (run.resumable and not can_resume(run)):
        return ""
    if can_resume(run):
        where = f"step {step}" if step else "its last checkpoint"
        return (f"This run was {'interrupted' if status == 'interrupted' else 'stopped by an error'}."
                f"{why} Resume continues it from {where} with its own data and settings.")
    return (f"This run stopped before its first checkpoint was saved, so it can't be resumed: "
            f"start a new run instead.{why}")


def checkpoint_history(run_dir: str | Path) -> list[dict[str, Any]]:
    """An unfinished run's history so far, from its latest checkpoint, shaped like the rows of
    ``load_history`` (``kind`` is ``train`` or ``eval``); [] when there is none to read."""
    from tlstudio.core.runs.folder import latest_checkpoint, load_json

    checkpoint = latest_checkpoint(run_dir)
    try:
        state = load_json(checkpoint / "trainer_state.json") if checkpoint else {}
    except RunFolderError:
        return []
    return [{"kind": "eval" if any(k.startswith("eval_") for k in entry) else "train", **entry}
            for entry in state.get("log_history") or [] if isinstance(entry, dict)]


def load_resume_point(run_dir: str | Path) -> ResumePoint:
    """Read what resuming ``run_dir`` needs; RunFolderError (with a message) when it can't be."""
    from tlstudio.core.runs.folder import CONFIG_JSON, latest_checkpoint, load_json, read_run_info

    run_dir = Path(run_dir)
    checkpoint = latest_checkpoint(run_dir)
    if checkpoint is None:
        raise RunFolderError(f"Can't resume: '{run_dir}' has no saved checkpoint (the run stopped "
                             "before its first one).")
    try:
        config = RunConfig.load(run_dir / CONFIG_JSON)
    except (OSError, ValueError) as exc:
        raise RunFolderError(f"Can't resume: the run's settings ('{run_dir / CONFIG_JSON}') can't "
                             f"be read ({exc}).") from exc
    config.output_dir = str(run_dir)
    state = load_json(checkpoint / "trainer_state.json")
    history = [entry for entry in state.get("log_history") or [] if isinstance(entry, dict)]
    return ResumePoint(
        run_dir=run_dir,
        name=str(read_run_info(run_dir).get("name") or run_dir.name),
        config=config,
        step=int(checkpoint.name.removeprefix("checkpoint-")),
        total_steps=int(state.get("max_steps") or 0),
        history=history,
    )


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
