"""``read_table``: any supported data file into a :class:`LoadedTable` of strings."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa

from tlstudio.core.data.dialect import (
    Dialect,
    choose_quoting,
    parse_records,
    sniff_delimiter,
    sniff_header,
    sniff_label_prefix,
    strict_error,
    trim_sample,
)
from tlstudio.core.data.encoding import (
    SAMPLE_BYTES,
    decode,
    detect_encoding,
    looks_binary,
    normalize_encoding,
    sniff_binary,
)
from tlstudio.core.data.jsonguard import check_json_shape
from tlstudio.core.data.table import LoadedTable, as_string_table, clean_names
from tlstudio.core.data.textparse import parse_text_table
from tlstudio.core.errors import DataError

JSON_SUFFIXES = (".jsonl", ".ndjson", ".json")
PARQUET_SUFFIXES = (".parquet", ".pq")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")


def read_table(path: str | os.PathLike[str], *, encoding: str | None = None,
               delimiter: str | None = None, has_header: bool | None = None) -> LoadedTable:
    """Read a CSV/TSV/TXT, JSON Lines, Parquet or Excel file; never modifies it.

    Encoding, delimiter and header are detected unless given. Raises DataError with a
    message a person can act on.
    """
    file = Path(path)
    check_data_path(file)
    before = file.stat()
    if before.st_size == 0:
        raise DataError(f"The file is empty: {file.name}")
    try:
        loaded = _read_any(file, encoding, delimiter, has_header)
    except FileNotFoundError:
        raise DataError(f"{file.name} was deleted or moved while it was being read.") from None
    except OSError as exc:
        raise DataError(f"Can't read {file.name}: {exc.strerror or exc}.") from None
    except MemoryError:
        raise DataError(f"{file.name} is too large to open in the available memory.") from None
    _check_unchanged(file, before)
    if loaded.num_rows == 0:
        raise DataError(f"{file.name} has a header but no data rows.")
    if loaded.table.num_columns == 0:
        raise DataError(f"{file.name} has no columns.")
    return loaded


def check_data_path(path: str | os.PathLike[str]) -> None:
    """Raise DataError unless ``path`` is a regular file, saying what it is instead."""
    import stat

    file = Path(path)
    try:
        mode = file.stat().st_mode
    except FileNotFoundError:
        raise DataError(f"The data file '{file}' was not found.") from None
    except OSError as exc:
        raise DataError(f"Can't open the data file '{file}': {exc.strerror or exc}.") from None
    if stat.S_ISREG(mode):
        return
    kinds = [(stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
             (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
             (stat.S_ISSOCK, "a socket")]
    kind = next((name for test, name in kinds if test(mode)), "not a regular file")
    raise DataError(f"'{file}' is {kind}, not a data file. Choose a CSV, TSV or JSON Lines file"
                    + (" inside it." if stat.S_ISDIR(mode) else "."))


def _check_unchanged(file: Path, before: os.stat_result) -> None:
    """Refuse a file that another program changed, truncated or deleted while we read it."""
    try:
        after = file.stat()
    except OSError:
        raise DataError(f"{file.name} was deleted or moved while it was being read.") from None
    if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
        raise DataError(
            f"{file.name} changed while it was being read ({before.st_size:,} bytes, now "
            f"{after.st_size:,}). Open it again once the program writing it has finished."
        )


def _read_any(file: Path, encoding: str | None, delimiter: str | None,
              has_header: bool | None) -> LoadedTable:
    suffix = file.suffix.lower()
    if suffix in PARQUET_SUFFIXES:
        return _read_parquet(file)
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(file)
    if suffix in JSON_SUFFIXES or _looks_like_jsonl(file):
        return _read_json(file, encoding)
    return _read_text(file, encoding=encoding, delimiter=delimiter, has_header=has_header)


def _head(file: Path, size: int = SAMPLE_BYTES) -> bytes:
    with open(file, "rb") as handle:
        return handle.read(size)


def _looks_like_jsonl(file: Path) -> bool:
    head = _head(file, 4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"{") and b"}" in head


def _read_parquet(file: Path) -> LoadedTable:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(file)
    except (pa.ArrowException, OSError) as exc:
        raise DataError(f"Can't read {file.name} as Parquet: {exc}") from None
    return LoadedTable(str(file), as_string_table(table), "binary", None, True, "parquet")


def _read_excel(file: Path) -> LoadedTable:
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise DataError(
            f"Reading Excel files needs the 'openpyxl' package, which is not installed. "
            f"Save {file.name} as CSV (File > Save As > CSV UTF-8) or install openpyxl."
        ) from None
    import pandas as pd

    try:
        frame = pd.read_excel(file, dtype=str, keep_default_na=False)
    except Exception as exc:  # noqa: BLE001 - any reader failure is a bad file for the user
        raise DataError(f"Can't read {file.name} as an Excel workbook: {exc}") from None
    table = pa.Table.from_pandas(frame, preserve_index=False)
    notes = ["Read the first sheet of the workbook."]
    return LoadedTable(str(file), as_string_table(table), "binary", None, True, "excel", notes)


def _read_json(file: Path, encoding: str | None) -> LoadedTable:
    import json

    data = file.read_bytes()
    enc = normalize_encoding(encoding) if encoding else detect_encoding(data[:SAMPLE_BYTES])
    utf8 = enc in ("utf-8", "utf-8-sig")
    text = None if utf8 else decode(data, enc).lstrip("\ufeff")
    raw = data if text is None else text.encode("utf-8")
    one_document = raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"[")
    check_json_shape(raw, file.name, per_line=not one_document)  # before any parser sees it
    if text is None and not one_document:
        table = _arrow_jsonl(data)
        if table is not None:
            return LoadedTable(str(file), table, enc, None, True, "jsonl")
    if text is None:
        text = decode(data, enc).lstrip("\ufeff")
    stripped = text.lstrip()
    try:
        if stripped.startswith("["):
            records = json.loads(stripped)
        else:
            records = [json.loads(line) for line in text.splitlines() if line.strip()]
    except json.JSONDecodeError as exc:
        raise DataError(
            f"{file.name} is not valid JSON Lines: line {exc.lineno}: {exc.msg}. "
            "Each line must be one JSON object."
        ) from None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise DataError(f"{file.name}: every JSON record must be an object like {{\"text\": ...}}.")
    names: list[str] = []
    for record in records:
        names.extend(k for k in record if k not in names)
    columns = {name: [_json_cell(r.get(name)) for r in records] for name in names}
    table = pa.table({k: pa.array(v, pa.string()) for k, v in columns.items()})
    return LoadedTable(str(file), table, enc, None, True, "jsonl")


def _arrow_jsonl(data: bytes) -> pa.Table | None:
    """Fast path for well-formed JSON Lines; ``None`` lets the forgiving Python reader try."""
    import io

    import pyarrow.json as pajson

    try:
        table = pajson.read_json(io.BytesIO(data.removeprefix(b"\xef\xbb\xbf")))
    except pa.ArrowException:
        return None
    if any(pa.types.is_struct(t) for t in table.schema.types):
        return None  # nested objects: the Python reader writes them as JSON text
    return as_string_table(table)


def _json_cell(value: object) -> str | None:
    import json

    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return ";".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    return json.dumps(value, ensure_ascii=False)


def _read_text(file: Path, *, encoding: str | None, delimiter: str | None,
               has_header: bool | None) -> LoadedTable:
    data = file.read_bytes()
    what = sniff_binary(data[:64])
    if what:
        raise DataError(f"{file.name} is {what}, not a text table. Choose a CSV, TSV or JSONL file.")
    truncated = len(data) > SAMPLE_BYTES
    notes: list[str] = []
    if encoding:
        enc = normalize_encoding(encoding)
    else:
        enc = detect_encoding(data[:SAMPLE_BYTES], truncated=truncated)
    text, enc = _decode_all(data, enc, encoding is None, notes)
    sample_text = _sample_text(data, text, enc)
    if "\x00" in sample_text or looks_binary(sample_text):
        raise DataError(f"{file.name} looks like a binary file (NUL or control characters), "
                        "not a text table. Choose a CSV, TSV or JSONL file.")
    if not sample_text.strip():
        raise DataError(f"{file.name} contains only whitespace: there is no table in it.")
    sample_text = trim_sample(sample_text, truncated)
    suffix = file.suffix.lower()
    if delimiter is not None:
        delim: str | None = _delimiter_arg(delimiter)
    else:
        delim = sniff_delimiter(sample_text, suffix=suffix)
    if delim:
        dialect, note = choose_quoting(sample_text, delim)
    elif delimiter is None and sniff_label_prefix(sample_text):
        dialect, note = Dialect(" ", quoting=False, split_once=True), (
            "Each line is a label, a space, then the text.")
        delim = " "
        has_header = False if has_header is None else has_header
    elif '"' in sample_text and strict_error(sample_text, Dialect(None), at_end_ok=True) is None:
        dialect, note = Dialect(None), None  # one column whose fields are properly quoted
    else:
        dialect, note = Dialect(None, False), None
    if note:
        notes.append(note)
    records = parse_records(sample_text, dialect, limit=500)
    if has_header is None:
        has_header = sniff_header(records)
    if not records:
        raise DataError(f"{file.name} has no rows.")
    names, blank = clean_names(records[0] if has_header else [f"column_{i + 1}" for i in range(
        max(len(r) for r in records))])
    result = parse_text_table(data, text, dialect, names, has_header, notes)
    fmt = "tsv" if delim == "\t" else "csv"
    loaded = LoadedTable(str(file), result.table, enc, delim, has_header, fmt, notes,
                         result.ragged_rows)
    from tlstudio.core.data.repair import merge_spilled_columns

    merge_spilled_columns(loaded, blank)
    return loaded


def _delimiter_arg(delimiter: str) -> str:
    named = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|", "space": " "}
    value = named.get(delimiter.lower(), delimiter)
    if len(value) != 1 or value in ('"', "\n", "\r"):
        raise DataError(f"The delimiter must be one character (or tab/comma/semicolon/pipe), "
                        f"not {delimiter!r}.")
    return value


def _decode_all(data: bytes, enc: str, detected: bool, notes: list[str]) -> tuple[str | None, str]:
    """The decoded text and its encoding; text is ``None`` for valid UTF-8 (Arrow reads it)."""
    if enc in ("utf-8", "utf-8-sig"):
        bad = _utf8_error(data)
        if bad is None:
            return None, "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
        if not detected:
            decode(data, "utf-8")  # raises with a clear message
        enc = detect_encoding(data[max(0, bad - 4096): bad + 4096].replace(b"\x00", b""),
                              truncated=True)
        if enc in ("utf-8", "utf-8-sig"):
            enc = "cp1252"
        notes.append(f"Not valid UTF-8 at byte {bad}; read as {enc}.")
    try:
        return decode(data, enc), enc
    except DataError:
        if not detected:
            raise
    notes.append("The encoding could not be determined; read as latin-1.")
    return data.decode("latin-1"), "latin-1"


def _utf8_error(data: bytes, chunk: int = 1 << 22) -> int | None:
    """Offset of the first invalid UTF-8 byte, else ``None`` (memory bounded by ``chunk``)."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    for start in range(0, len(data), chunk):
        try:
            decoder.decode(data[start:start + chunk], final=start + chunk >= len(data))
        except UnicodeDecodeError as exc:
            return start + exc.start
    return None


def _sample_text(data: bytes, text: str | None, enc: str) -> str:
    if text is not None:
        return text[:SAMPLE_BYTES]
    return data[:SAMPLE_BYTES].decode("utf-8", errors="ignore").lstrip("\ufeff")
