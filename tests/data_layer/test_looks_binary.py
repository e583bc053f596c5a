"""looks_binary: the same answer as counting character categories one by one, and an ASCII file
checked in C (the Data page's worker held the GIL ~15-60 ms per file for it while the window
waited: issue 13 item 12)."""

from __future__ import annotations

import time
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from tlstudio.core.data.encoding import looks_binary


def _by_category(text: str) -> bool:
    """The definition: C0 controls (but tab and line breaks), unassigned, private-use and
    surrogate characters make up more than 5 % of the first 65,536 characters."""
    sample = text[:65536]
    odd = sum(1 for ch in sample if ch not in "\t\n\r\x0b\x0c" and not "\x80" <= ch <= "\x9f"
              and unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs"))
    return bool(sample) and odd > 0.05 * len(sample)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=300)
       | st.text(max_size=300)
       | st.lists(st.sampled_from(["ab,c\n", "\x01", "\x7f", "\t", "é", "\ue000", "\x85"]),
                  max_size=120).map("".join))
def test_the_answer_is_the_categories_count(text):
    assert looks_binary(text) == _by_category(text)


def test_an_ascii_file_is_checked_without_a_python_loop():
    text = "review number 12345 was good overall,pos\n" * 2000  # 82,000 characters
    took = []
    for _ in range(3):
        started = time.perf_counter()
        assert not looks_binary(text)
        took.append(time.perf_counter() - started)
    assert min(took) < 0.004, f"{min(took) * 1000:.1f} ms for 65,536 ASCII characters"


def test_other_text_is_checked_a_distinct_character_at_a_time():
    text = "这家店的外卖很好吃，送餐也快，下次还会再来。\n" * 3000  # 66,000 characters, 20 distinct
    took = []
    for _ in range(3):
        started = time.perf_counter()
        assert not looks_binary(text)
        took.append(time.perf_counter() - started)
    assert min(took) < 0.008, f"{min(took) * 1000:.1f} ms for 65,536 characters"
