"""Garbled accents ("cafÃ©" for "café"): UTF-8 text that was once read with a Western encoding.

A file can be half-garbled (some rows pasted from a mis-decoded source), so the file itself
still reads as valid UTF-8; only the cells show it. The check warns and never changes the file.
"""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

from tlstudio.core.data.finding import MAX_EXAMPLES, Problem
from tlstudio.core.wording import count

# What a UTF-8 lead byte (C2-C3 for Latin letters, E2 80 for quotes and dashes) turns into when
# the bytes are decoded as Windows-1252 or Latin-1: "Ã" or "Â", or "â€", followed by a character
# that stands for a continuation byte (0x80-0xBF).
_CONTINUATION = "\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc" \
                "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
PATTERN = f"(?:[ÂÃ][{_CONTINUATION}]|â€[{_CONTINUATION}])"
_FIND = re.compile(PATTERN + "+")


def repaired(text: str) -> str | None:
    """``text`` decoded as it was meant to be ("cafÃ©" -> "café"), or None when that fails."""
    for codec in ("cp1252", "latin-1"):
        try:
            fixed = text.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
        if fixed != text:
            return fixed
    return None


def check_mojibake(table: pa.Table, text_columns: list[str]) -> Problem | None:
    """A warning naming how many rows hold garbled accents, with an example and its repair."""
    hit = None
    for name in text_columns:
        column = pc.fill_null(table.column(name).cast(pa.string()), "")
        found = pc.match_substring_regex(column, PATTERN)
        hit = found if hit is None else pc.or_(hit, found)
    if hit is None:
        return None
    indices = pc.indices_nonzero(hit)
    n = len(indices)
    if not n:
        return None
    first = int(indices[0].as_py())
    cell = next(str(v) for v in (table.column(c)[first].as_py() for c in text_columns)
                if v is not None and _FIND.search(str(v)))
    word = _word_around(cell)
    fixed = repaired(word)
    example = f"'{word}'" + (f" (meant: '{fixed}')" if fixed else "")
    return Problem("warning", "mojibake",
                   f"{count(n, 'row')} {'has' if n == 1 else 'have'} garbled accents such as "
                   f"{example}: text saved as UTF-8 was read with another encoding before it "
                   "reached this file. The model learns the garbled spelling; fix it in the file "
                   "(TL Studio leaves the file as it is).",
                   indices.slice(0, MAX_EXAMPLES).to_pylist(), n)


def _word_around(cell: str) -> str:
    """The word holding the first garbled sequence, at most 40 characters."""
    match = _FIND.search(cell)
    assert match is not None
    start = max(cell.rfind(" ", 0, match.start()) + 1, match.start() - 20)
    end = cell.find(" ", match.end())
    end = len(cell) if end < 0 else min(end, match.end() + 20)
    return cell[start:end]
