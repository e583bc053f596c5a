"""The records of a run folder as objects: its status, ``run.json`` (RunInfo) and ``metrics.json``
(Metrics). Plain data: only :class:`~tlstudio.core.runs.store.RunFolder` reads and writes them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class RunStatus(StrEnum):
    """Where a run stands; ``interrupted`` is a "running" run whose process is gone."""

    RUNNING = "running"
    COMPLETE = "complete"
    FAILED = "failed"
    INTERRUPTED = "interrupted"
    UNKNOWN = "unknown"


@dataclass
class RunInfo:
    """``run.json``: what the engine records about a run (unknown keys kept in ``extra``)."""

    status: str = "unknown"
    name: str = ""
    created: str = ""
    updated: str = ""
    finished: str = ""
    model: str = ""
    task: str = ""
    device: str = ""
    precision: str = ""
    pid: int | None = None
    host: str = ""
    world_size: int = 1
    stopped: bool = False
    error: str = ""
    main_metric: str = ""
    main_metric_value: float | None = None
    repeat_command: str = ""
    data_sha256: dict[str, str] = field(default_factory=dict)
    fit_warnings: list[str] = field(default_factory=list)
    memory_adjustments: list[dict[str, int]] = field(default_factory=list)
    train_seconds: float | None = None
    train_samples_per_second: float | None = None
    verdict: dict[str, Any] | None = None  # build_verdict's: score ± CI, baselines, p-value, text, advice
    plan: dict[str, Any] | None = None  # the preset's plan (Plan.to_dict) when it set the run's settings
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunInfo:
        names = {f.name for f in dataclasses.fields(cls)} - {"extra"}
        known = {k: v for k, v in data.items() if k in names}
        return cls(**known, extra={k: v for k, v in data.items() if k not in names})

    def to_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in dataclasses.asdict(self).items() if k != "extra"}
        for key in ("memory_adjustments", "verdict", "plan"):
            if not out[key]:
                del out[key]
        return {**out, **self.extra}


@dataclass
class Metrics:
    """``metrics.json``: the test report the engine wrote (``model`` holds the headline scores)."""

    task: str
    label_names: list[str]
    model: dict[str, float | None]
    baselines: dict[str, dict[str, float | None]] = field(default_factory=dict)
    per_class: dict[str, dict[str, Any]] = field(default_factory=dict)
    confusion_matrix: list[list[int]] | None = None
    misclassified: list[dict[str, Any]] = field(default_factory=list)
    pairs: list[list[float | None]] = field(default_factory=list)
    stopped: bool = False
    calibration: dict[str, Any] | None = None  # CalibrationReport.to_dict: test ECE before/after, tables
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Metrics:
        names = {f.name for f in dataclasses.fields(cls)} - {"extra"}
        known = {k: v for k, v in data.items() if k in names}
        known.setdefault("task", "")
        known.setdefault("label_names", [])
        known.setdefault("model", {})
        return cls(**known, extra={k: v for k, v in data.items() if k not in names})

    def to_dict(self) -> dict[str, Any]:
        """The report as the pages render it (the shape ``evaluate_run`` also returns)."""
        out = {k: v for k, v in dataclasses.asdict(self).items() if k != "extra"}
        for key in ("confusion_matrix", "pairs", "per_class", "misclassified", "calibration"):
            if not out[key]:
                del out[key]
        return {**out, **self.extra}
