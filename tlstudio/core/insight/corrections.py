"""A corrected copy of a data file: the audit's keep / relabel / exclude decisions, in a NEW file."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

from tlstudio.core.atomic import atomic_open
from tlstudio.core.errors import DataError

KEEP, RELABEL, EXCLUDE = "keep", "relabel", "exclude"


@dataclass(frozen=True)
class Correction:
    """What to do with one row: keep it, give it ``label``, or leave it out of the copy."""

    action: str
    label: str | None = None

    def __post_init__(self) -> None:
        if self.action not in (KEEP, RELABEL, EXCLUDE):
            raise ValueError(f"unknown action {self.action!r}")
        if self.action == RELABEL and not self.label:
            raise ValueError("a relabel needs the new label")


@dataclass
class CorrectionSummary:
    written: int
    relabelled: int
    excluded: int


def write_corrected_copy(source: str | os.PathLike[str], target: str | os.PathLike[str],
                         decisions: dict[int, Correction], *, label_column: str | None = None
                         ) -> CorrectionSummary:
    """Copy ``source`` to ``target`` (CSV, or TSV by suffix) with ``decisions`` applied.

    ``decisions`` are keyed by 0-based data row (a suspect's ``index``); rows without a
    decision are kept as they are. The user's file is never modified: a ``target`` that is
    the source itself is refused.
    """
    from tlstudio.core.data import infer_roles, read_table

    if Path(target).resolve() == Path(source).resolve():
        raise DataError("Save the corrected copy under a new name; the original file is never overwritten.")
    loaded = read_table(str(source))
    if label_column is None:
        label_column = infer_roles(loaded).label_column
    if label_column not in loaded.column_names:
        raise DataError(f"There is no label column '{label_column}' in {Path(source).name}.")
    outside = sorted(i for i in decisions if not 0 <= i < loaded.num_rows)
    if outside:
        raise DataError(f"{Path(source).name} has {loaded.num_rows:,} data rows; the decisions name "
                        f"rows that don't exist ({', '.join(str(i + 1) for i in outside[:5])}, "
                        "counting data rows from 1).")
    label_at = loaded.column_names.index(label_column)
    columns = [loaded.table.column(i).to_pylist() for i in range(loaded.table.num_columns)]
    summary = CorrectionSummary(0, 0, 0)
    delimiter = "\t" if str(target).lower().endswith(".tsv") else ","
    with atomic_open(target, "w", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(loaded.column_names)
        for r in range(loaded.num_rows):
            row = ["" if c[r] is None else c[r] for c in columns]
            decision = decisions.get(r, Correction(KEEP))
            if decision.action == EXCLUDE:
                summary.excluded += 1
                continue
            if decision.action == RELABEL:
                row[label_at] = decision.label
                summary.relabelled += 1
            writer.writerow(row)
            summary.written += 1
    return summary
