"""Plain functions the workers run: they call ``tlstudio.core`` and shape results for display.

Everything heavy is imported inside the functions, so importing this module is cheap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class InspectResult:
    """A data report plus what the Data page charts."""

    report: Any  # tlstudio.core.data.DataReport
    label_counts: list[tuple[str, int]] = field(default_factory=list)
    label_values: np.ndarray | None = None  # regression targets
    text_lengths: np.ndarray = field(default_factory=lambda: np.zeros(0))


def inspect(path: str, *, text_columns: list[str] | None = None, label_column: str | None = None,
            task: str | None = None) -> InspectResult:
    """Read and inspect ``path`` with the given role overrides; compute chart data."""
    from tlstudio.core.data import inspect_file

    report = inspect_file(path, text_columns=text_columns, label_column=label_column, task=task)
    return summarize(report)


def summarize(report: Any) -> InspectResult:
    """Label counts (or values) and text lengths in characters for ``report``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    table = report.loaded.table
    roles = report.roles
    result = InspectResult(report=report)
    text = table[roles.text_columns[0]]
    if not pa.types.is_string(text.type) and not pa.types.is_large_string(text.type):
        text = pc.cast(text, pa.string())
    lengths = pc.utf8_length(text).to_numpy(zero_copy_only=False)
    result.text_lengths = np.asarray(lengths, dtype=float)
    result.text_lengths = result.text_lengths[~np.isnan(result.text_lengths)]
    label_columns = getattr(roles, "label_columns", None) or []
    if roles.task == "regression":
        values = pc.cast(table[roles.label_column], pa.float64(), safe=False)
        arr = np.asarray(values.to_numpy(zero_copy_only=False), dtype=float)
        result.label_values = arr[~np.isnan(arr)]
    elif len(label_columns) > 1:
        result.label_counts = [
            (name, int(pc.sum(pc.cast(table[name], pa.int64(), safe=False)).as_py() or 0))
            for name in label_columns
        ]
    else:
        column = table[roles.label_column]
        if roles.task == "multilabel" and roles.label_separator:
            parts = pc.split_pattern(pc.cast(column, pa.string()), roles.label_separator)
            column = pc.utf8_trim_whitespace(pc.list_flatten(parts))
        counts = pc.value_counts(column).to_pylist()
        pairs = [(str(c["values"]), int(c["counts"])) for c in counts if c["values"] is not None]
        result.label_counts = sorted(pairs, key=lambda p: -p[1])[:30]
    return result


def list_models(extra_folders: list[str]) -> list[Any]:
    from tlstudio.core.models.catalog import list_models as core_list_models

    return core_list_models(extra_folders)


def detect_devices() -> tuple[list[Any], str]:
    """Detected devices and the torch build note (imports torch: worker only)."""
    from tlstudio.core.system.device import detect_devices as core_detect
    from tlstudio.core.system.device import torch_build_note

    return core_detect(), torch_build_note()


def warm_up() -> None:
    """Import the heavy libraries so the first training starts without a stall."""
    import torch  # noqa: F401
    import transformers  # noqa: F401
