"""Which writing system texts use: Chinese and Japanese have no spaces between words, and a model
trained on English text knows few of their characters."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

SAMPLE = 500  # texts looked at: the script of a file shows in its first few hundred rows
CHARACTER_SCRIPT_SHARE = 0.3  # CJK share of letters above which words are not space-separated


def is_cjk(char: str) -> bool:
    """Chinese, Japanese kana and ideographs: written without spaces between words."""
    return unicodedata.name(char, "").startswith(("CJK ", "HIRAGANA", "KATAKANA"))


def cjk_share(texts: Sequence[str]) -> float:
    """The share of letters in the first :data:`SAMPLE` texts that are CJK (0 without letters)."""
    letters = [c for t in texts[:SAMPLE] for c in str(t) if c.isalpha()]
    return sum(1 for c in letters if is_cjk(c)) / max(1, len(letters))


def unspaced_language(texts: Sequence[str]) -> str | None:
    """"Japanese" (kana among the CJK letters), "Chinese" (ideographs alone), or None."""
    letters = [c for t in texts[:SAMPLE] for c in str(t) if c.isalpha()]
    cjk = [c for c in letters if is_cjk(c)]
    if len(cjk) < CHARACTER_SCRIPT_SHARE * max(1, len(letters)):
        return None
    kana = sum(1 for c in cjk if unicodedata.name(c, "").startswith(("HIRAGANA", "KATAKANA")))
    return "Japanese" if kana >= 0.1 * len(cjk) else "Chinese"
