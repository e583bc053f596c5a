"""Text encoding detection from a sample of bytes, and refusal of binary files."""

from __future__ import annotations

import codecs
import unicodedata

from tlstudio.core.errors import DataError

SAMPLE_BYTES = 256 * 1024

_BOMS: list[tuple[bytes, str]] = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]

# File signatures of formats people drop by mistake: (magic, what it is).
_MAGIC: list[tuple[bytes, str]] = [
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"7z\xbc\xaf", "a 7-zip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Office document (.xls/.doc)"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a Windows program"),
    (b"SQLite format 3", "an SQLite database"),
]

# Candidates ranked by charset_normalizer when the bytes are not UTF-8: Western, Cyrillic,
# Chinese, Japanese, Korean code pages, and Latin-1 (which decodes anything) last.
_LEGACY = ["cp1252", "cp1251", "gb18030", "shift_jis", "big5", "euc_kr", "latin_1"]


def normalize_encoding(name: str) -> str:
    """The canonical codec name for ``name``; DataError when Python doesn't know it."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise DataError(
            f"Unknown text encoding '{name}'. Try utf-8, cp1252, latin-1, gb18030 or utf-16."
        ) from None


def sniff_binary(head: bytes) -> str | None:
    """What a file is when its first bytes say it is not text, else ``None``."""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    if head.startswith(b"PK\x03\x04"):
        return "a ZIP archive (an Excel .xlsx file is one; save it as CSV or name it .xlsx)"
    return None


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 text without a BOM shows NUL in every other byte (for mostly-ASCII text)."""
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _is_utf8(sample: bytes, truncated: bool) -> bool:
    try:
        sample.decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        # A sample cut mid-character fails only in its last 3 bytes.
        return truncated and exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data"


def detect_encoding(sample: bytes, *, truncated: bool = False) -> str:
    """Best-guess codec for ``sample`` (the first bytes of a file).

    Order: byte-order mark, BOM-less UTF-16, strict UTF-8, then the legacy code pages
    (cp1252, GB18030, Latin-1) ranked by ``charset_normalizer``.
    Raises DataError for binary content.
    """
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    what = sniff_binary(sample)
    if what:
        raise DataError(f"This file is {what}, not a text table. Choose a CSV, TSV or JSONL file.")
    utf16 = _utf16_without_bom(sample)
    if utf16:
        return utf16
    if b"\x00" in sample:
        raise DataError(
            "This file contains NUL bytes: it looks like a binary file, not a text table. "
            "Choose a CSV, TSV or JSONL file."
        )
    if _is_utf8(sample, truncated):
        return "utf-8"
    return _legacy_encoding(sample)


def _legacy_encoding(sample: bytes) -> str:
    import charset_normalizer

    best = charset_normalizer.from_bytes(sample, cp_isolation=_LEGACY).best()
    if best is not None:
        return normalize_encoding(best.encoding)
    for name in _LEGACY:
        try:
            sample.decode(name)
            return normalize_encoding(name)
        except UnicodeDecodeError:
            continue
    return "latin-1"  # pragma: no cover - latin-1 decodes any byte


_ALLOWED_CONTROLS = frozenset("\t\n\r\x0b\x0c")
# str.translate table deleting the ASCII characters looks_binary counts (Cc but the allowed ones)
_ASCII_ODD = {code: None for code in [*range(32), 127] if chr(code) not in _ALLOWED_CONTROLS}


def looks_binary(text: str, limit: int = 65536) -> bool:
    """Whether decoded text has many C0 control, unassigned or private-use characters.

    C1 controls (U+0080-U+009F) are not counted: real exports contain them (U+0085).
    """
    sample = text[:limit]
    if not sample:
        return False
    # Counted in C, not a Python loop over 65,536 characters (15-60 ms in the Data page's
    # worker, the window waiting for the GIL meanwhile): in ASCII the odd ones can only be C0
    # controls and DEL; other text looks each distinct character up once.
    if sample.isascii():
        odd = len(sample) - len(sample.translate(_ASCII_ODD))
    else:
        import numpy as np

        codes, counts = np.unique(np.frombuffer(sample.encode("utf-32-le", "surrogatepass"), dtype="<u4"),
                                  return_counts=True)
        odd = sum(int(n) for code, n in zip(codes.tolist(), counts.tolist(), strict=True)
                  if _is_odd(chr(code)))
    return odd > 0.05 * len(sample)


def _is_odd(ch: str) -> bool:
    """A C0 control (but tab and line breaks), unassigned, private-use or surrogate character."""
    return (ch not in _ALLOWED_CONTROLS and not "\x80" <= ch <= "\x9f"
            and unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs"))


def decode(data: bytes, encoding: str) -> str:
    """Decode the whole file; DataError naming the byte offset when it doesn't fit."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DataError(
            f"The file can't be decoded as {encoding}: byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start} is invalid. Pick the right encoding (e.g. utf-8, cp1252, gb18030)."
        ) from None
