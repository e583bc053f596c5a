"""Cheap per-column statistics (Arrow compute on an evenly spaced sample of rows)."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

SAMPLE_ROWS = 20_000
NUMBER_RE = r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$"
INTEGER_RE = r"^\s*[-+]?\d+(\.0*)?\s*$"
# Several words, or a script written without spaces.
WORDY_RE = r"\S\s+\S|[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}]"
MISSING_LABELS = ("", "nan", "na", "n/a", "null", "none", "?")


@dataclass
class ColumnProfile:
    """What a column looks like: counts over non-empty values of the sample."""

    name: str
    index: int
    rows: int
    filled: int
    distinct: int
    mean_length: float
    numeric_share: float
    integer_share: float
    wordy_share: float

    @property
    def unique_ratio(self) -> float:
        return self.distinct / self.filled if self.filled else 0.0

    @property
    def numeric(self) -> bool:
        return self.filled > 0 and self.numeric_share >= 0.98

    @property
    def integer(self) -> bool:
        return self.numeric and self.integer_share >= 0.98

    @property
    def id_like(self) -> bool:
        """One distinct value per row: integers, or short tokens without spaces."""
        if self.filled < 10 or self.unique_ratio < 0.98:
            return False
        return self.integer or (self.wordy_share < 0.05 and self.mean_length < 40)

    @property
    def text_like(self) -> bool:
        """Free text: mostly several words, mostly different from row to row."""
        return (not self.numeric and self.filled > 0.5 * self.rows and self.wordy_share >= 0.5
                and self.unique_ratio >= 0.3 and self.mean_length >= 10)


def sample_table(table: pa.Table, rows: int = SAMPLE_ROWS) -> pa.Table:
    """Evenly spaced rows (all rows when the table is small)."""
    if table.num_rows <= rows:
        return table
    step = table.num_rows / rows
    return table.take(pa.array([int(i * step) for i in range(rows)], pa.int64()))


def filled_mask(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """True where a value is present and not blank."""
    trimmed = pc.utf8_trim_whitespace(column.fill_null(""))
    return pc.not_equal(trimmed, "")


def label_present_mask(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """True where a label is present (blank, NaN, NA, null, None and ? count as missing)."""
    lowered = pc.utf8_lower(pc.utf8_trim_whitespace(column.fill_null("")))
    return pc.invert(pc.is_in(lowered, value_set=pa.array(MISSING_LABELS)))


def profile_columns(table: pa.Table) -> list[ColumnProfile]:
    """Profiles of every column of ``table`` (computed on a sample)."""
    sample = sample_table(table)
    profiles = []
    for index, name in enumerate(sample.column_names):
        column = sample.column(name)
        values = pc.filter(column, filled_mask(column))
        filled = len(values)
        if filled == 0:
            profiles.append(ColumnProfile(name, index, len(column), 0, 0, 0.0, 0.0, 0.0, 0.0))
            continue
        profiles.append(ColumnProfile(
            name=name,
            index=index,
            rows=len(column),
            filled=filled,
            distinct=pc.count_distinct(values).as_py(),
            mean_length=pc.mean(pc.utf8_length(values)).as_py() or 0.0,
            numeric_share=_share(pc.match_substring_regex(values, NUMBER_RE), filled),
            integer_share=_share(pc.match_substring_regex(values, INTEGER_RE), filled),
            wordy_share=_share(pc.match_substring_regex(values, WORDY_RE), filled),
        ))
    return profiles


def _share(mask: pa.ChunkedArray | pa.Array, total: int) -> float:
    return (pc.sum(mask.cast(pa.int64())).as_py() or 0) / total if total else 0.0


NON_FINITE_RE = r"(?i)^\s*[-+]?(inf|infinity|nan)\s*$"


def non_numeric_message(values: pa.ChunkedArray | pa.Array, name: str) -> str:
    """Why ``values`` can't be regression targets, quoting the first value that isn't a number."""
    values = pc.utf8_trim_whitespace(values.fill_null(""))
    bad = pc.filter(values, pc.invert(pc.match_substring_regex(values, NUMBER_RE)))
    count = len(bad)
    example = bad[0].as_py() if count else ""
    rows = f"{count:,} {'row holds' if count == 1 else 'rows hold'}"
    if pc.all(pc.match_substring_regex(bad, NON_FINITE_RE)).as_py():
        return (f"Regression needs finite numbers in '{name}', but {rows} infinity or "
                f"not-a-number (such as '{example}'), which is not allowed. Remove those rows or "
                "give them real values.")
    return (f"Regression needs numbers in '{name}', but {rows} something else, such as "
            f"'{example}'.")
