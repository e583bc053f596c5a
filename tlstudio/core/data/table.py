"""The loaded table: an Arrow table of strings plus how it was read."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

FORMATS = ("csv", "tsv", "jsonl", "parquet", "excel")


@dataclass
class LoadedTable:
    """A data file read into Arrow; every column is a string column.

    ``notes`` say, in plain words, anything the reader had to decide or repair.
    ``ragged_rows`` are 0-based data rows whose field count differed from the header.
    """

    path: str
    table: pa.Table
    encoding: str
    delimiter: str | None
    has_header: bool
    format: str
    notes: list[str] = field(default_factory=list)
    ragged_rows: list[int] = field(default_factory=list)

    @property
    def num_rows(self) -> int:
        return self.table.num_rows

    @property
    def column_names(self) -> list[str]:
        return list(self.table.column_names)


def preview_rows(table: pa.Table | LoadedTable, start: int, stop: int) -> list[list[str]]:
    """Rows ``start``..``stop`` (clamped) as lists of strings, for a table view.

    Only the requested slice is converted to Python objects.
    """
    if isinstance(table, LoadedTable):
        table = table.table
    start = max(0, min(start, table.num_rows))
    stop = max(start, min(stop, table.num_rows))
    part = table.slice(start, stop - start)
    columns = [col.to_pylist() for col in part.columns]
    return [["" if v is None else str(v) for v in row] for row in zip(*columns, strict=True)] if columns else []


def clean_names(raw: list[str]) -> tuple[list[str], list[bool]]:
    """Column names with blanks named ``column_N`` and duplicates suffixed; which were blank."""
    names: list[str] = []
    blank: list[bool] = []
    seen: set[str] = set()
    for i, name in enumerate(raw):
        name = (name or "").strip().replace("\ufeff", "")
        blank.append(not name)
        base = name or f"column_{i + 1}"
        candidate, n = base, 2
        while candidate in seen:
            candidate, n = f"{base}_{n}", n + 1
        seen.add(candidate)
        names.append(candidate)
    return names, blank


def as_string_table(table: pa.Table) -> pa.Table:
    """Cast every column to string (lists joined with ``;``, other values as JSON)."""
    import json

    import pyarrow.compute as pc

    columns = []
    for col in table.columns:
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            columns.append(col.cast(pa.string()))
            continue
        if pa.types.is_list(col.type) or pa.types.is_large_list(col.type):
            try:
                joined = pc.binary_join(col.cast(pa.list_(pa.string())), ";")
                columns.append(joined)
                continue
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                pass
        try:
            columns.append(col.cast(pa.string()))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            values = [None if v is None else json.dumps(v, default=str) for v in col.to_pylist()]
            columns.append(pa.array(values, pa.string()))
    return pa.table(columns, names=table.column_names)
