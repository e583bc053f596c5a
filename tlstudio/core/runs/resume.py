"""Resuming an unfinished run: what its latest checkpoint holds, and how the run list words it.

No Qt and no torch: small files read from the run folder. The Runs page says which runs can
be resumed and from which step; the Train page continues one with the engine's
``run_training(..., resume=True)`` and prefills its live curves with the checkpoint's
``log_history``; ``tlstudio train --resume`` uses the same checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tlstudio.core.errors import RunFolderError
from tlstudio.core.settings.config import RunConfig


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
    """Whether the Runs page offers Resume for this RunSummary (``RunFolder.can_resume()``)."""
    return bool(run.resumable)


def unfinished_label(run: Any, step: int | None) -> str:
    """What the run list says about a run's state ("" when complete), e.g. "interrupted — can
    resume from step 12"."""
    status = run.status or "incomplete"
    if run.complete or status == "running":
        return "" if run.complete else "running"
    if can_resume(run):
        return f"{status} — can resume from step {step}" if step else f"{status} — can resume"
    return f"{status} — can't resume: no checkpoint yet"


def resume_hint(run: Any, step: int | None, error: str = "") -> str:
    """A sentence for the one selected run: how it can be resumed, or why it can't."""
    status = run.status
    why = f" It failed with: {error}" if status == "failed" and error else ""
    if run.complete or status == "running":
        return ""
    if can_resume(run):
        where = f"step {step}" if step else "its last checkpoint"
        return (f"This run was {'interrupted' if status == 'interrupted' else 'stopped by an error'}."
                f"{why} Resume continues it from {where} with its own data and settings.")
    if status == "failed":  # a failure a resume can't get past leaves no checkpoints behind
        return f"This run failed and has no checkpoint, so it can't be resumed: start a new run instead.{why}"
    return (f"This run stopped before its first checkpoint was saved, so it can't be resumed: "
            f"start a new run instead.{why}")


def checkpoint_history(run_dir: str | Path) -> list[dict[str, Any]]:
    """An unfinished run's history so far, from its latest checkpoint, shaped like
    ``RunFolder.history()`` rows (``kind`` is ``train`` or ``eval``); [] when there is none."""
    from tlstudio.core.runs.folder import latest_checkpoint, load_json

    checkpoint = latest_checkpoint(run_dir)
    try:
        state = load_json(checkpoint / "trainer_state.json") if checkpoint else {}
    except RunFolderError:
        return []
    return [{"kind": "eval" if any(k.startswith("eval_") for k in entry) else "train", **entry}
            for entry in state.get("log_history") or [] if isinstance(entry, dict)]
