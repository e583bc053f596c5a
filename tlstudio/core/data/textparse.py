"""Parse delimited text into Arrow: pyarrow.csv when it can, Python's csv module when it must."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyarrow as pa

from tlstudio.core.data.dialect import STRAY_QUOTES_NOTE, Dialect, parse_records, strict_error
from tlstudio.core.errors import DataError

_UNIT_SEPARATOR = "\x1f"


@dataclass
class ParsedText:
    table: pa.Table
    ragged_rows: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class _Ragged(Exception):
    """pyarrow met a row whose field count differs from the header."""


def parse_text_table(data: bytes, text: str | None, dialect: Dialect, names: list[str],
                     has_header: bool, notes: list[str]) -> ParsedText:
    """Parse the whole file; ``text`` is the decoded file, or ``None`` when ``data`` is UTF-8.

    With quoting on, fewer records than lines means multi-line fields or rows swallowed by
    a stray quote; a strict re-parse tells them apart, and stray quotes turn quoting off.
    """
    utf8 = _utf8_bytes(data, text)
    if dialect.split_once:
        return _python_parse(_text_of(utf8, text), dialect, names, has_header)
    parsed = _parse(utf8, text, dialect, names, has_header)
    records = parsed.table.num_rows + int(has_header)
    if dialect.quoting and b'"' in utf8 and records < _line_count(utf8) \
            and not _blank_lines_explain(utf8, records) \
            and strict_error(_text_of(utf8, text), dialect) is not None:
        if STRAY_QUOTES_NOTE not in notes:
            notes.append(STRAY_QUOTES_NOTE)
        return _parse(utf8, text, Dialect(dialect.delimiter, quoting=False), names, has_header,
                      notes)
    notes.extend(parsed.notes)
    return parsed


def _parse(utf8: bytes, text: str | None, dialect: Dialect, names: list[str], has_header: bool,
           notes: list[str] | None = None) -> ParsedText:
    try:
        return ParsedText(_arrow_parse(utf8, dialect, names, has_header))
    except _Ragged:
        parsed = _python_parse(_text_of(utf8, text), dialect, names, has_header)
        if notes is not None:
            notes.extend(parsed.notes)
            parsed.notes = []
        return parsed


def _utf8_bytes(data: bytes, text: str | None) -> bytes:
    if text is not None:
        data = text.encode("utf-8")
    return data[3:] if data.startswith(b"\xef\xbb\xbf") else data


def _text_of(utf8: bytes, text: str | None) -> str:
    return text.lstrip("\ufeff") if text is not None else utf8.decode("utf-8")


def _line_count(data: bytes) -> int:
    lf, cr, crlf = data.count(b"\n"), data.count(b"\r"), data.count(b"\r\n")
    lines = lf + cr - crlf
    return lines + (0 if data.endswith((b"\n", b"\r")) else 1)


def _blank_lines_explain(data: bytes, records: int) -> bool:
    """Whether blank lines alone account for the difference between lines and records."""
    nonblank = len(re.findall(rb"[^\s][^\r\n]*(?:\r\n|\n|\r|$)", data))
    return nonblank <= records


def _arrow_parse(data: bytes, dialect: Dialect, names: list[str], has_header: bool) -> pa.Table:
    import pyarrow.csv as pacsv

    delimiter = dialect.delimiter or _UNIT_SEPARATOR
    if dialect.delimiter is None and _UNIT_SEPARATOR.encode() in data:
        raise _Ragged
    invalid: list[object] = []

    def on_invalid(row: object) -> str:
        invalid.append(row)
        return "skip"

    quoting = dialect.quoting and b'"' in data
    parse = pacsv.ParseOptions(
        delimiter=delimiter,
        quote_char='"' if quoting else False,
        double_quote=True,
        escape_char=dialect.escapechar or False,
        newlines_in_values=quoting,
        ignore_empty_lines=True,
        invalid_row_handler=on_invalid,
    )
    read = pacsv.ReadOptions(column_names=names, skip_rows=int(has_header), block_size=1 << 24)
    convert = pacsv.ConvertOptions(
        column_types={n: pa.string() for n in names},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    try:
        table = pacsv.read_csv(pa.py_buffer(data), read_options=read, parse_options=parse,
                               convert_options=convert)
    except pa.ArrowInvalid as exc:
        raise _Ragged from exc
    if invalid:
        raise _Ragged
    return table


def _python_parse(text: str, dialect: Dialect, names: list[str], has_header: bool) -> ParsedText:
    """Slow but forgiving: keeps every record, pads short ones, adds columns for long ones."""
    import csv

    try:
        records = parse_records(text, dialect)
    except csv.Error as exc:
        raise DataError(f"The file can't be parsed as a table: {exc}.") from None
    if has_header and records:
        records = records[1:]
    width = len(names)
    ragged = [i for i, r in enumerate(records) if len(r) != width]
    widest = max((len(r) for r in records), default=width)
    all_names = list(names) + [f"extra_{i + 1}" for i in range(max(0, widest - width))]
    columns = [[r[i] if i < len(r) else "" for r in records] for i in range(len(all_names))]
    table = pa.table({n: pa.array(c, pa.string()) for n, c in zip(all_names, columns, strict=True)})
    notes: list[str] = []
    if ragged:
        longer = sum(1 for i in ragged if len(records[i]) > width)
        notes.append(
            f"{len(ragged)} rows have a different number of fields than the header "
            f"({longer} longer, {len(ragged) - longer} shorter): kept; extra fields are in "
            f"{', '.join(all_names[width:]) or 'no extra columns'}, missing ones are empty."
        )
    return ParsedText(table, ragged, notes)
