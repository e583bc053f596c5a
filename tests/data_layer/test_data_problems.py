"""find_problems: each problem is found, with its severity and example rows."""

from __future__ import annotations

import pyarrow as pa
import pytest

from tlstudio.core.data import Roles, find_problems, read_table

N = 60


def _texts() -> list[str]:
    return [f"text number {i} with several words" for i in range(N)]


def _codes(table: pa.Table, roles: Roles, **kwargs) -> dict[str, object]:
    return {p.code: p for p in find_problems(table, roles, **kwargs)}


def _roles(task: str = "binary", text: str = "text", label: str = "label") -> Roles:
    return Roles([text], label, task)


def test_clean_data_has_no_problems():
    table = pa.table({"text": _texts(), "label": ["a", "b"] * (N // 2)})
    assert find_problems(table, _roles()) == []


def test_missing_text_and_label():
    texts, labels = _texts(), ["a", "b"] * (N // 2)
    texts[3], texts[7] = "", "   "
    labels[5], labels[9], labels[11] = "", "NaN", "null"
    found = _codes(pa.table({"text": texts, "label": labels}), _roles())
    assert found["missing_text"].rows == [3, 7]
    assert found["missing_text"].severity == "warning"
    assert found["missing_label"].rows == [5, 9, 11]


def test_duplicates_and_conflicting_labels():
    texts, labels = _texts(), ["a", "b"] * (N // 2)
    texts[10] = texts[2]  # same label "a"
    texts[13] = texts[4]  # "b" vs "a": conflict
    found = _codes(pa.table({"text": texts, "label": labels}), _roles())
    assert found["duplicate_text"].rows == [10, 13]
    assert found["conflicting_labels"].rows == [4, 13]


def test_rare_class_and_imbalance():
    labels = ["big"] * (N - 3) + ["tiny"] * 3
    found = _codes(pa.table({"text": _texts(), "label": labels}), _roles())
    assert found["rare_class"].rows == [57, 58, 59]
    assert found["imbalance"].severity == "warning"
    assert "'tiny'" in found["rare_class"].message


def test_single_class_is_an_error_that_says_how_to_fix_it():
    found = _codes(pa.table({"text": _texts(), "label": ["only"] * N}), _roles())
    assert found["single_class"].severity == "error"
    assert found["single_class"].message.endswith("Add rows with another label, or choose another label column.")


def test_label_variants_by_case_and_space():
    labels = ["Spam", "spam", "ham", "HAM "] * (N // 4)
    found = _codes(pa.table({"text": _texts(), "label": labels}), _roles("multiclass"))
    assert found["label_variants"].severity == "warning"
    assert "'Spam' / 'spam'" in found["label_variants"].message


def test_label_that_looks_like_an_id():
    table = pa.table({"text": _texts(), "label": [f"id{i:05d}" for i in range(N)]})
    found = _codes(table, _roles("multiclass"))
    assert found["id_like_label"].severity == "error"


def test_too_few_rows():
    table = pa.table({"text": ["one text", "two text"], "label": ["a", "b"]})
    assert _codes(table, _roles())["too_few_rows"].severity == "error"


def test_regression_non_numeric_and_constant():
    values = [str(i / 10) for i in range(N)]
    values[4] = "high"
    found = _codes(pa.table({"text": _texts(), "score": values}), _roles("regression", label="score"))
    assert found["non_numeric_target"].rows == [4]
    found = _codes(pa.table({"text": _texts(), "score": ["1.5"] * N}),
                   _roles("regression", label="score"))
    assert "constant_target" in found


def test_ragged_rows_from_the_reader(write):
    content = "text,label\n" + "".join(f"row {i} has text,{'ab'[i % 2]}\n" for i in range(20))
    content += "a row, with, commas,a\n"
    loaded = read_table(write("r.csv", content))
    found = _codes(loaded, Roles(["text"], "label", "binary"))
    assert found["ragged_rows"].rows == [20]


def test_truncation_with_a_tokenizer(tiny_model_dir):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    texts = ["short text"] * (N - 5) + ["word " * 300] * 5
    table = pa.table({"text": texts, "label": ["a", "b"] * (N // 2)})
    found = _codes(table, _roles(), tokenizer=tokenizer, max_length=64)
    assert found["truncated"].rows == [55, 56, 57, 58, 59]
    assert found["truncated"].severity == "warning"
    assert "64 tokens" in found["truncated"].message


@pytest.mark.parametrize("task", ["binary", "multiclass"])
def test_errors_sort_first(task):
    labels = ["only"] * N
    texts = _texts()
    texts[0] = ""
    problems = find_problems(pa.table({"text": texts, "label": labels}), _roles(task))
    assert [p.severity for p in problems][0] == "error"


def test_numeric_values_skip_blanks_and_text():
    from tlstudio.core.data import numeric_values

    table = pa.table({"score": ["1.5", "", " 2 ", "high", "-3e1"]})
    assert numeric_values(table, "score").tolist() == [1.5, 2.0, -30.0]


def test_every_label_unique_is_an_error_even_when_labels_look_like_text():
    """Wordy labels aren't ID-like, but a class per row still trains to F1 0: refuse it."""
    labels = [f"a long free-text answer number {i}" for i in range(N)]
    found = _codes(pa.table({"text": _texts(), "label": labels}), _roles("multiclass"))
    assert found["unique_labels"].severity == "error"
    assert f"{N} different labels in {N} rows" in found["unique_labels"].message
    few = [f"label {i % 20}" for i in range(N)]  # 3 rows per class: rare, but learnable
    assert "unique_labels" not in _codes(pa.table({"text": _texts(), "label": few}), _roles("multiclass"))


@pytest.mark.parametrize("count, words", [
    (1, ["1 row has empty text; it will be left out.", "1 row repeats the text",
         "1 row has no label (blank or NaN); it will"]),
    (2, ["2 rows have empty text; they will be left out.", "2 rows repeat the text",
         "2 rows have no label (blank or NaN); they will"]),
])
def test_counts_agree_with_their_verbs(count, words):
    texts, labels = _texts(), ["a", "b"] * (N // 2)
    for i in range(count):
        texts[1 + i] = ""
        texts[10 + i] = texts[20 + 2 * i]
        labels[30 + i] = ""
    messages = " ".join(p.message for p in find_problems(pa.table({"text": texts, "label": labels}),
                                                         _roles()))
    for phrase in words:
        assert phrase in messages
    rare = find_problems(pa.table({"text": _texts(), "label": ["x"] * 50 + ["y"] * 5 + ["z"] * 5}),
                         _roles("multiclass"))
    assert "2 classes have fewer than" in " ".join(p.message for p in rare)


def test_regression_with_infinity_or_nan_says_so(write):
    from tlstudio.core.data import inspect_file
    from tlstudio.core.errors import DataError

    rows = "".join(f"some words here {i},{i}.5\n" for i in range(30))
    path = write("r.csv", "text,score\n" + rows + "a b c,inf\nd e f,-Infinity\n")
    with pytest.raises(DataError, match=r"finite numbers in 'score', but 2 rows hold infinity or "
                                         r"not-a-number \(such as 'inf'\), which is not allowed"):
        inspect_file(path, task="regression")
    texts = _texts()
    values = [str(i / 3) for i in range(N - 1)] + ["NaN?"]
    found = _codes(pa.table({"text": texts, "score": values}), Roles(["text"], "score", "regression"))
    assert "1 row hold something else, such as 'NaN?'" not in found["non_numeric_target"].message
    assert "1 row holds something else, such as 'NaN?'" in found["non_numeric_target"].message
