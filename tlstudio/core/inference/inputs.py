"""Texts on their way to a model: strings a tokenizer accepts, and the rows of a data file."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def tokenizable(text: Any) -> str:
    """``text`` as a string a tokenizer accepts.

    Bytes that weren't valid UTF-8 reach Python as lone surrogates (a terminal's
    ``$'\\xff'``, a mis-encoded file); the tokenizer refuses those, so they become U+FFFD.
    """
    text = str(text)
    if text.isascii():
        return text
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # surrogates that were never bytes
        return text.encode("utf-8", "replace").decode("utf-8")


def read_rows(path: str | Path) -> tuple[list[str], list[list[Any]]]:
    """Header and rows (strings, None for missing) of a data file, via the data layer."""
    from tlstudio.core.data import read_table

    return rows_of(read_table(str(path)))


def rows_of(loaded: Any) -> tuple[list[str], list[list[Any]]]:
    """Header and rows (strings, None for missing) of a file the data layer read."""
    table = loaded.table
    columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
    rows = [[None if c[r] is None else str(c[r]) for c in columns] for r in range(table.num_rows)]
    return list(table.column_names), rows
