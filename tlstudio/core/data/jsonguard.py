"""Refuse JSON that would crash or hang a parser, before any parser sees it.

A JSON Lines row nested thousands of levels deep makes Python's ``json`` raise
RecursionError (or hang), and pyarrow's reader crash the whole process. A byte scan of the
bracket depth is cheap, so every JSON file is measured first.
"""

from __future__ import annotations

import re

import numpy as np

from tlstudio.core.errors import DataError

MAX_DEPTH = 64
MAX_LINE_BYTES = 64 << 20
SCAN_CHUNK = 64 << 20  # bytes per step of the line-length scan
# A complete JSON string on one line (strings can't hold a raw newline); brackets in it don't count.
_STRING = re.compile(rb'"(?:[^"\\\n]|\\.)*"')
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b"[]{}\n")


def check_json_shape(data: bytes, name: str, *, per_line: bool = True) -> None:
    """Raise DataError naming the line (1-based) that is nested too deep or is too long.

    ``per_line``: JSON Lines, where each line starts again at depth 0; otherwise the file is
    one JSON document.
    """
    _check_line_lengths(data, name)
    if data.count(b"[") + data.count(b"{") <= MAX_DEPTH:
        return  # can't be nested deeper than it has brackets
    structure = _STRING.sub(b"", data).translate(None, _NOT_STRUCTURE)
    codes = np.frombuffer(structure, dtype=np.uint8)
    step = np.isin(codes, (ord("["), ord("{"))).astype(np.int64)
    step -= np.isin(codes, (ord("]"), ord("}")))
    depth = np.cumsum(step)
    newline = codes == ord("\n")
    line = np.cumsum(newline)  # 0-based line of each byte
    if per_line:
        starts = np.concatenate(([0], depth[newline]))  # depth where each line begins
        depth = depth - starts[line]
    deep = np.flatnonzero(depth > MAX_DEPTH)
    if deep.size:
        raise DataError(
            f"{name}: line {int(line[deep[0]]) + 1:,} is nested more than {MAX_DEPTH} levels "
            "deep (lists or objects inside each other); a data row can't be read like that. "
            "Flatten that row or remove it."
        )


def _check_line_lengths(data: bytes, name: str) -> None:
    """Refuse a line longer than MAX_LINE_BYTES (scanned in chunks: memory stays bounded)."""
    if len(data) <= MAX_LINE_BYTES:
        return
    view = np.frombuffer(data, dtype=np.uint8)
    last_end, lines = -1, 0  # the previous newline's offset, lines before it
    for offset in range(0, len(data), SCAN_CHUNK):
        ends = np.flatnonzero(view[offset:offset + SCAN_CHUNK] == ord("\n")) + offset
        lengths = np.diff(np.concatenate(([last_end], ends))) - 1
        long = np.flatnonzero(lengths > MAX_LINE_BYTES)
        if long.size:
            _too_long(name, lines + int(long[0]) + 1, int(lengths[long[0]]))
        if ends.size:
            lines, last_end = lines + ends.size, int(ends[-1])
    if len(data) - last_end - 1 > MAX_LINE_BYTES:
        _too_long(name, lines + 1, len(data) - last_end - 1)


def _too_long(name: str, line: int, size: int) -> None:
    raise DataError(f"{name}: line {line:,} is {size / 2**20:,.1f} MB long; one row can be at "
                    f"most {MAX_LINE_BYTES >> 20} MB. Split or shorten it.")
