"""Counted nouns in user messages: ``1 row``, ``68 classes``, ``2 rows have``."""

from __future__ import annotations

_IRREGULAR = {"class": "classes", "match": "matches", "entry": "entries", "this": "these",
              "it": "they", "is": "are", "has": "have", "was": "were"}


def plural(n: int, word: str) -> str:
    """``word`` in the plural when ``n`` is not 1 (``class`` -> ``classes``, ``row`` -> ``rows``)."""
    if n == 1:
        return word
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def count(n: int, word: str) -> str:
    """``1 row``, ``1,234 rows``, ``68 classes``."""
    return f"{n:,} {plural(n, word)}"
