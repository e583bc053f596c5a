"""Delimiter, quoting and header detection from a decoded sample of a text table."""

from __future__ import annotations

import csv
import io
import re
import sys
from collections import Counter
from dataclasses import dataclass

CANDIDATES = ("\t", ",", ";", "|")
MAX_SAMPLE_RECORDS = 500
CONVENTIONAL_NAMES = {
    "text", "sentence", "sentence1", "sentence2", "label", "labels", "score", "target",
    "class", "category", "review", "message", "content", "comment", "title", "body",
    "question", "answer", "premise", "hypothesis", "id", "sentiment", "tweet", "document",
}


# The csv module refuses fields over 128 KiB by default; a long document is a valid field.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass(frozen=True)
class Dialect:
    """How to split a text table: ``delimiter`` is ``None`` for one column per line."""

    delimiter: str | None
    quoting: bool = True
    escapechar: str | None = None
    split_once: bool = False  # "label text" lines: split at the first delimiter only

    def csv_kwargs(self, *, strict: bool = False) -> dict:
        """Keyword arguments for :func:`csv.reader`."""
        return {
            "delimiter": self.delimiter or "\x1f",
            "quoting": csv.QUOTE_MINIMAL if self.quoting else csv.QUOTE_NONE,
            "escapechar": self.escapechar,
            "doublequote": True,
            "strict": strict,
        }


def parse_records(text: str, dialect: Dialect, *, strict: bool = False,
                  limit: int | None = None) -> list[list[str]]:
    """Parse ``text`` with Python's csv module (blank lines skipped); csv.Error on bad quotes."""
    if dialect.split_once:
        lines = (line.split(dialect.delimiter, 1) for line in text.splitlines() if line.strip())
        return [r for _, r in zip(range(limit or 1 << 62), lines, strict=False)]
    reader = csv.reader(io.StringIO(text, newline=""), **dialect.csv_kwargs(strict=strict))
    records: list[list[str]] = []
    for record in reader:
        if not record or (len(record) == 1 and not record[0].strip()):
            continue
        records.append(record)
        if limit is not None and len(records) >= limit:
            break
    return records


def _consistency(records: list[list[str]]) -> tuple[float, int]:
    """Share of records with the most common width, and that width."""
    if not records:
        return 0.0, 0
    width, count = Counter(len(r) for r in records).most_common(1)[0]
    return count / len(records), width


def strict_error(text: str, dialect: Dialect, *, at_end_ok: bool = False) -> str | None:
    """The csv module's complaint about ``text`` under strict quoting rules, else ``None``.

    ``at_end_ok`` ignores a quoted field left open at the very end (a truncated sample).
    """
    reader = csv.reader(io.StringIO(text, newline=""), **dialect.csv_kwargs(strict=True))
    try:
        for _ in reader:
            pass
    except csv.Error as exc:
        if at_end_ok and "unexpected end of data" in str(exc):
            return None
        return f"line {reader.line_num}: {exc}"
    return None


def _swallowed_lines(records: list[list[str]], delimiter: str) -> bool:
    """A field holding a newline followed by a delimiter-separated line means rows were merged."""
    return any("\n" in f and delimiter in f for r in records for f in r)


STRAY_QUOTES_NOTE = (
    "Stray quote characters: quotes were read as ordinary characters so that no rows are merged."
)


def choose_quoting(text: str, delimiter: str, *, sample: bool = True) -> tuple[Dialect, str | None]:
    """Pick the quoting rules for ``text``; the note says when quotes had to be ignored."""
    if '"' not in text:
        return Dialect(delimiter), None
    for candidate in (Dialect(delimiter), Dialect(delimiter, escapechar="\\")):
        if strict_error(text, candidate, at_end_ok=sample) is None:
            return candidate, None
    quoted = parse_records(text, Dialect(delimiter))
    plain = parse_records(text, Dialect(delimiter, quoting=False))
    q_cons, _ = _consistency(quoted)
    p_cons, p_width = _consistency(plain)
    if p_width >= 2 and (p_cons >= q_cons or _swallowed_lines(quoted, delimiter)):
        return Dialect(delimiter, quoting=False), STRAY_QUOTES_NOTE
    return Dialect(delimiter), "Some quotes are malformed; they were read leniently."


def sniff_delimiter(sample: str, *, suffix: str = "") -> str | None:
    """The delimiter that splits the sample's records most consistently, else ``None``."""
    preferred = ("\t",) if suffix in (".tsv", ".tab", ".txt") else (",",)
    best: tuple[float, int, int] | None = None
    best_delim: str | None = None
    for order, delim in enumerate(CANDIDATES):
        if delim not in sample:
            continue
        quoted = parse_records(sample, Dialect(delim), limit=MAX_SAMPLE_RECORDS)
        plain = parse_records(sample, Dialect(delim, quoting=False), limit=MAX_SAMPLE_RECORDS)
        scores = [_consistency(plain)]
        if not _swallowed_lines(quoted, delim) or strict_error(sample, Dialect(delim), at_end_ok=True) is None:
            scores.append(_consistency(quoted))
        cons, width = max(scores)
        if width < 2 or cons < 0.6:
            continue
        key = (round(cons, 2), int(delim in preferred), -order)
        if best is None or key > best:
            best, best_delim = key, delim
    return best_delim


_LABEL_PREFIX = re.compile(r"^(\S{1,30}) +\S")
_LABEL_TOKEN = re.compile(r"^([-+]?\d{1,3}|__label__\S+)$")


def sniff_label_prefix(sample: str) -> bool:
    """Lines like ``0 some text`` or ``__label__spam some text`` (a label, a space, the text)."""
    lines = [line for line in sample.splitlines()[:MAX_SAMPLE_RECORDS] if line.strip()]
    if len(lines) < 10:
        return False
    firsts = [m.group(1) for m in map(_LABEL_PREFIX.match, lines) if m]
    if len(firsts) < 0.98 * len(lines):
        return False
    distinct = set(firsts)
    # Sorted files show one label in the sample: accept it only when it looks like a label.
    label_like = all(_LABEL_TOKEN.match(v) for v in distinct)
    return (label_like or len(distinct) >= 2) and len(distinct) <= min(20, 0.05 * len(lines))


def trim_sample(text: str, truncated: bool) -> str:
    """Drop the last, possibly partial, line of a truncated sample."""
    if truncated and "\n" in text:
        return text[: text.rfind("\n") + 1]
    return text


_NUMBER = re.compile(r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$")
_NAME = re.compile(r"^[A-Za-z_][\w .\-/()]{0,40}$")


def is_number(value: str) -> bool:
    return bool(_NUMBER.match(value))


def sniff_header(records: list[list[str]]) -> bool:
    """Whether the first record names the columns (votes per column, like csv.Sniffer)."""
    if len(records) < 2:
        return bool(records) and all(_NAME.match(v.strip()) for v in records[0] if v.strip())
    first, rest = records[0], records[1:MAX_SAMPLE_RECORDS]
    if any(v.strip().lower() in CONVENTIONAL_NAMES for v in first):
        return True
    votes = 0
    for i, head in enumerate(first):
        head = head.strip()
        column = [r[i].strip() for r in rest if i < len(r) and r[i].strip()]
        if not head or not column:
            continue
        numeric = sum(is_number(v) for v in column) / len(column)
        if is_number(head):
            votes -= 1
        elif numeric > 0.9:
            votes += 1
        elif head in column:
            votes -= 1
        else:
            lengths = sorted(len(v) for v in column)
            median = lengths[len(lengths) // 2]
            name_like = len(head) <= 30 and len(head.split()) <= 4
            if name_like and median > 3 * len(head) and median >= 15:
                votes += 1
    if votes != 0:
        return votes > 0
    names = [v.strip() for v in first]
    while names and not names[-1]:
        names.pop()  # spreadsheet exports often end the header with empty names
    return len(names) > 1 and all(names) and len(set(names)) == len(names) \
        and all(_NAME.match(v) for v in names)
