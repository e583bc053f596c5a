"""Repairs of common damage in exported tables, each one recorded in ``notes``."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from tlstudio.core.data.table import LoadedTable

SPILL_MAX_SHARE = 0.05


def merge_spilled_columns(loaded: LoadedTable, blank_names: list[bool]) -> None:
    """Fold trailing header-less, nearly empty columns back into the last named column.

    Spreadsheet exports like ``v1,v2,,,`` get text spilling into the unnamed columns
    wherever the text held an unquoted delimiter; joining with that delimiter restores it.
    """
    table = loaded.table
    trailing = 0
    for blank in reversed(blank_names):
        if not blank:
            break
        trailing += 1
    named = len(blank_names) - trailing
    if not trailing or named < 1 or not loaded.delimiter or table.num_columns != len(blank_names):
        return
    spill = [table.column(i) for i in range(named, len(blank_names))]
    nonempty = [pc.not_equal(pc.utf8_trim_whitespace(c.fill_null("")), "") for c in spill]
    mask = nonempty[0].combine_chunks() if isinstance(nonempty[0], pa.ChunkedArray) else nonempty[0]
    for extra in nonempty[1:]:
        mask = pc.or_(mask, extra.combine_chunks() if isinstance(extra, pa.ChunkedArray) else extra)
    spilled = pc.sum(mask.cast(pa.int64())).as_py() or 0
    if spilled > SPILL_MAX_SHARE * table.num_rows + 1:
        return
    target = table.column(named - 1)
    if spilled:
        rows = pc.indices_nonzero(mask).to_pylist()
        values = []
        for r in rows:
            parts = [target[r].as_py() or ""] + [c[r].as_py() or "" for c in spill]
            while len(parts) > 1 and not parts[-1]:
                parts.pop()
            values.append(loaded.delimiter.join(parts))
        target = pc.replace_with_mask(target, mask, pa.array(values, pa.string()))
    names = table.column_names
    loaded.table = table.select(list(range(named - 1))).append_column(names[named - 1], target)
    loaded.notes.append(
        f"Dropped {trailing} unnamed, nearly empty trailing column(s); {spilled} row(s) whose "
        f"text spilled into them (an unquoted '{loaded.delimiter}') were joined back."
    )
    loaded.ragged_rows = sorted(set(loaded.ragged_rows) | set(rows if spilled else []))
