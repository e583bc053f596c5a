"""Text checks: garbled accents ("cafÃ©") flagged, never changed; over-long texts counted fast."""

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


def test_a_five_million_character_cell_is_reported_quickly_with_the_models_tokenizer(
        tmp_path, tiny_model_dir):
    import time

    import pyarrow as pa

    from tlstudio.core.data import Roles
    from tlstudio.core.data.split import SplitConfig
    from tlstudio.core.data.table import LoadedTable
    from tlstudio.core.models.counting import load_counter
    from tlstudio.core.models.token_survey import survey_tokens

    counter = load_counter(tiny_model_dir)
    assert counter.model_max_length == 128
    texts = [f"short text {i}" for i in range(59)] + ["word " * 1_000_000]
    table = pa.table({"text": texts, "label": ["a", "b"] * 30})
    loaded = LoadedTable(str(tmp_path / "long.csv"), table, "utf-8", ",", True, "csv")
    started = time.perf_counter()
    survey = survey_tokens(loaded, Roles(["text"], "label", "binary"), SplitConfig(), counter)
    problem = survey.truncation_problem()
    assert time.perf_counter() - started < 5
    assert problem is not None and problem.rows == [59] and problem.count == 1
    assert problem.message.startswith("1 text is longer than the 128 tokens the model reads")
    assert "5,000,000 characters" in problem.message
