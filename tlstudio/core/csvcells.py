"""Spreadsheet-safe CSV cells: text a spreadsheet would run as a formula gets an apostrophe.

Every CSV the app writes escapes its cells (header too); readers of those files call
:func:`unescape_cell`, so a label such as ``=1+1`` survives the round trip exactly.
"""

from __future__ import annotations

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _formula_like(text: str) -> bool:
    """Whether ``text``, once its leading apostrophes are gone, starts like a formula."""
    bare = text.lstrip("'")
    if not bare.startswith(FORMULA_START):
        return False
    try:
        float(bare)
    except ValueError:
        return True
    return False  # a plain negative number is data, not a formula


def escape_cell(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe.

    Text that already starts with apostrophes before such a start gets one more, so
    :func:`unescape_cell` can tell an escape from an apostrophe that was in the data.
    """
    if isinstance(value, str) and _formula_like(value):
        return "'" + value
    return value


def unescape_cell(value: str) -> str:
    """The cell as it was before :func:`escape_cell`."""
    if value.startswith("'") and _formula_like(value):
        return value[1:]
    return value
