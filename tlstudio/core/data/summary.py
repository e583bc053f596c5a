"""What the Data page charts about an inspected file: label counts or values, text lengths.

Plain Arrow and numpy, so the same summary serves the window, scripts and tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tlstudio.core.data.report import DataReport, inspect_file

MAX_BARS = 30


@dataclass
class DataSummary:
    """A data report plus its chart data."""

    report: DataReport
    label_counts: list[tuple[str, int]] = field(default_factory=list)  # most frequent first
    label_values: np.ndarray | None = None  # regression targets
    text_lengths: np.ndarray = field(default_factory=lambda: np.zeros(0))  # in characters
    class_labels: list[str] = field(default_factory=list)  # every class, in the model's order
    class_names: list[str] | None = None  # from a classes.txt beside the file, when it fits
    class_names_note: str = ""  # why a classes.txt beside the file was not used


def inspect_summary(path: str | Path, *, text_columns: list[str] | None = None,
                    label_column: str | None = None, task: str | None = None,
                    label_columns: list[str] | None = None,
                    has_header: bool | None = None) -> DataSummary:
    """Read and inspect ``path`` with the given role overrides, then summarise it."""
    report = inspect_file(path, text_columns=text_columns, label_column=label_column, task=task,
                          label_columns=label_columns, has_header=has_header)
    return summarize(report)


def summarize(report: DataReport) -> DataSummary:
    """Label counts (the :data:`MAX_BARS` largest) or values, and text lengths for ``report``."""
    table = report.loaded.table
    roles = report.roles
    result = DataSummary(report=report)
    text = table[roles.text_columns[0]]
    if not pa.types.is_string(text.type) and not pa.types.is_large_string(text.type):
        text = pc.cast(text, pa.string())
    lengths = np.asarray(pc.utf8_length(text).to_numpy(zero_copy_only=False), dtype=float)
    result.text_lengths = lengths[~np.isnan(lengths)]
    label_columns = roles.label_columns or []
    _name_classes(result)
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
        result.label_counts = sorted(pairs, key=lambda p: -p[1])[:MAX_BARS]
    return result


def _name_classes(result: DataSummary) -> None:
    """The classes in label order and, when a classes.txt beside the file fits them, its names."""
    from tlstudio.core.data.class_names import check_class_names, classes_file, read_class_names
    from tlstudio.core.data.labels import label_names
    from tlstudio.core.errors import DataError

    report = result.report
    result.class_labels = label_names(report.loaded.table, report.roles)
    if not result.class_labels:
        return
    try:
        names = read_class_names(report.loaded.path)
        if names is not None:
            result.class_names = check_class_names(names, result.class_labels,
                                                   f"'{classes_file(report.loaded.path).name}'")
    except DataError as exc:
        result.class_names_note = str(exc)
