"""Row numbers as a person counts them, shared by every page and report that names a row.

Internally rows are 0-based data rows (the header excluded). People look at the file in a
spreadsheet, where the header is row 1 and the first data row is row 2; a JSONL or headerless
file has no header, so its first data row is row 1 (its first line).
"""

from __future__ import annotations

from dataclasses import dataclass

from tlstudio.core.data.table import LoadedTable

_SHEET_FORMATS = ("csv", "tsv", "excel")


@dataclass(frozen=True)
class RowNumbers:
    """How to turn a 0-based data row into the number shown, and how to say what it counts."""

    first: int  # the number shown beside data row 0
    meaning: str  # one sentence for a tooltip or a report

    def of(self, row: int) -> int:
        """The number a person reads beside 0-based data row ``row``."""
        return int(row) + self.first


def row_numbers(fmt: str, has_header: bool) -> RowNumbers:
    """Numbering for a file of format ``fmt``: spreadsheet rows below a header, else from 1."""
    if fmt in _SHEET_FORMATS and has_header:
        return RowNumbers(2, "Row numbers are those a spreadsheet shows: the header is row 1, "
                             "the first data row is row 2.")
    if fmt in _SHEET_FORMATS:
        return RowNumbers(1, "Row numbers are those a spreadsheet shows (no header row: the "
                             "first data row is row 1).")
    return RowNumbers(1, "Row numbers count the records from 1.")


def numbers_of(loaded: LoadedTable) -> RowNumbers:
    """Numbering for an opened file."""
    return row_numbers(loaded.format, loaded.has_header)
