"""Label values as the engine will see them: trimmed, counted, named and ordered."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tlstudio.core.data.profile import NUMBER_RE, label_present_mask
from tlstudio.core.data.roles import Roles


def trimmed(column: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """Values with surrounding whitespace removed (nulls become empty)."""
    return pc.utf8_trim_whitespace(column.fill_null(""))


def label_mask(table: pa.Table, roles: Roles) -> pa.Array:
    """True for rows whose label(s) are present."""
    mask = None
    for name in roles.label_columns:
        present = label_present_mask(table.column(name))
        mask = present if mask is None else pc.and_(mask, present)
    return mask


def label_tokens(column: pa.ChunkedArray | pa.Array, separator: str | None) -> pa.Array:
    """Every individual label: cells split on ``separator`` (multi-label), trimmed, non-empty."""
    values = trimmed(column)
    if separator:
        values = pc.utf8_trim_whitespace(pc.list_flatten(pc.split_pattern(values, separator)))
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return pc.filter(values, label_present_mask(values))


def class_counts(table: pa.Table, roles: Roles) -> dict[str, int]:
    """Rows per class, most common first (multi-label: rows carrying each label)."""
    if roles.task == "regression":
        return {}
    if roles.multi_column_labels:
        counts = {}
        for name in roles.label_columns:
            values = trimmed(table.column(name))
            counts[name] = int(pc.sum(pc.equal(values, "1").cast(pa.int64())).as_py() or 0)
        return dict(sorted(counts.items(), key=lambda kv: -kv[1]))
    column = pc.filter(table.column(roles.label_column), label_mask(table, roles))
    tokens = label_tokens(column, roles.label_separator if roles.task == "multilabel" else None)
    if len(tokens) == 0:
        return {}
    counted = pc.value_counts(tokens)
    pairs = zip(counted.field("values").to_pylist(), counted.field("counts").to_pylist(),
                strict=True)
    return dict(sorted(pairs, key=lambda kv: (-kv[1], kv[0])))


def sort_label_names(names: list[str]) -> list[str]:
    """Numeric labels in numeric order ("2" before "10"), others alphabetically."""
    import re

    if names and all(re.match(NUMBER_RE, n) for n in names):
        return sorted(names, key=float)
    return sorted(names)


def label_names(table: pa.Table, roles: Roles) -> list[str]:
    """The ordered class names (empty for regression)."""
    if roles.task == "regression":
        return []
    if roles.multi_column_labels:
        return list(roles.label_columns)
    return sort_label_names(list(class_counts(table, roles)))


def numeric_values(table: pa.Table, column: str) -> np.ndarray:
    """The numbers in ``column`` as float64, skipping blanks and non-numbers (for charts)."""
    values = trimmed(table.column(column))
    values = pc.filter(values, pc.match_substring_regex(values, NUMBER_RE))
    return np.asarray(pc.cast(values, pa.float64()).to_numpy(zero_copy_only=False), dtype=float)

