"""Garbled accents ("cafÃ©") in a file that is otherwise valid UTF-8 are flagged, never changed."""

from __future__ import annotations

from tlstudio.core.data import inspect_file
from tlstudio.core.data.mojibake import repaired


def test_half_garbled_file_is_flagged_with_an_example_and_left_untouched(tmp_path):
    rows = [f"a clean review number {i} with words,{'ab'[i % 2]}" for i in range(60)]
    rows[4] = "un cafÃ© trÃ¨s bon,a"
    rows[9] = "Itâ€™s a nice cafÃ©,b"
    rows[11] = "un café très bon,a"  # correct accents: not flagged
    path = tmp_path / "half.csv"
    path.write_text("text,label\n" + "\n".join(rows) + "\n", encoding="utf-8")
    before = path.read_bytes()
    problem = next(p for p in inspect_file(path).problems if p.code == "mojibake")
    assert problem.severity == "warning"
    assert problem.rows == [4, 9] and problem.count == 2
    assert "'cafÃ©' (meant: 'café')" in problem.message
    assert path.read_bytes() == before


def test_clean_accents_and_symbols_are_not_flagged(tmp_path):
    rows = [f"naïve café Ñandú façade €{i} £{i} – “quoted” text,{'ab'[i % 2]}" for i in range(60)]
    path = tmp_path / "clean.csv"
    path.write_text("text,label\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert "mojibake" not in {p.code for p in inspect_file(path).problems}


def test_repaired_undoes_the_double_decoding():
    assert repaired("trÃ¨s") == "très"
    assert repaired("Itâ€™s") == "It’s"
    assert repaired("plain") is None
