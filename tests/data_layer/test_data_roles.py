"""infer_roles: names first, then content; overrides win."""

from __future__ import annotations

import pyarrow as pa
import pytest

from tlstudio.core.data import infer_roles
from tlstudio.core.errors import DataError

N = 60


def _texts(prefix: str = "a review") -> list[str]:
    return [f"{prefix} number {i} with several words" for i in range(N)]


def test_conventional_names():
    table = pa.table({"id": [str(i) for i in range(N)], "sentence": _texts(),
                      "target": ["x", "y", "z"] * (N // 3)})
    roles = infer_roles(table)
    assert (roles.text_columns, roles.label_column, roles.task) == (["sentence"], "target",
                                                                    "multiclass")


def test_sentence_pair_by_name_and_regression():
    table = pa.table({"sentence1": _texts("first"), "sentence2": _texts("second"),
                      "score": [f"{i * 0.083:.2f}" for i in range(N)]})
    roles = infer_roles(table)
    assert roles.text_columns == ["sentence1", "sentence2"]
    assert roles.is_pair
    assert (roles.label_column, roles.task) == ("score", "regression")


def test_content_inference_never_picks_an_id_column():
    table = pa.table({"column_1": [str(1000 + i) for i in range(N)],
                      "column_2": _texts(),
                      "column_3": ["spam", "ham", "ham"] * (N // 3)})
    roles = infer_roles(table)
    assert roles.text_columns == ["column_2"]
    assert roles.label_column == "column_3"
    assert roles.task == "binary"


def test_label_first_without_header():
    table = pa.table({"column_1": ["ham", "spam", "ham"] * (N // 3), "column_2": _texts()})
    roles = infer_roles(table)
    assert (roles.text_columns, roles.label_column) == (["column_2"], "column_1")


def test_chinese_text_is_text():
    table = pa.table({"label": ["0", "1"] * (N // 2),
                      "review": [f"很快，好吃，味道足{i}" for i in range(N)]})
    assert infer_roles(table).text_columns == ["review"]


@pytest.mark.parametrize("sep", [";", "|", ","])
def test_multilabel_separator(sep):
    cells = [f"sports{sep}news", "news", f"tech{sep}sports", "tech"] * (N // 4)
    roles = infer_roles(pa.table({"text": _texts(), "labels": cells}))
    assert (roles.task, roles.label_separator) == ("multilabel", sep)


def test_several_zero_one_columns_are_multilabel():
    table = pa.table({"comment_text": _texts(), "toxic": ["0", "1"] * (N // 2),
                      "obscene": ["1", "0", "0"] * (N // 3), "insult": ["0"] * N})
    roles = infer_roles(table)
    assert roles.task == "multilabel"
    assert roles.label_columns == ["toxic", "obscene", "insult"]
    assert roles.multi_column_labels


def test_integer_ratings_are_multiclass_not_regression():
    table = pa.table({"text": _texts(), "rating": [str(i % 5 + 1) for i in range(N)]})
    assert infer_roles(table).task == "multiclass"


def test_overrides_win():
    table = pa.table({"text": _texts(), "other": _texts("other"),
                      "label": ["a", "b"] * (N // 2), "score": [str(i) for i in range(N)]})
    roles = infer_roles(table, text_columns=["other"], label_column="score", task="regression")
    assert (roles.text_columns, roles.label_column, roles.task) == (["other"], "score",
                                                                    "regression")


def test_unknown_column_is_a_clear_error():
    table = pa.table({"text": _texts(), "label": ["a", "b"] * (N // 2)})
    with pytest.raises(DataError, match="no column named 'sentiment'.*'text', 'label'"):
        infer_roles(table, label_column="sentiment")
    with pytest.raises(DataError, match="no column named 'body'"):
        infer_roles(table, text_columns=["body"])


def test_no_text_column_is_a_clear_error():
    table = pa.table({"a": [str(i) for i in range(N)], "b": ["x", "y"] * (N // 2)})
    with pytest.raises(DataError, match="free text"):
        infer_roles(table)


def test_no_label_column_is_a_clear_error():
    with pytest.raises(DataError, match="label"):
        infer_roles(pa.table({"column_1": _texts()}))


def test_regression_on_text_labels_is_refused():
    table = pa.table({"text": _texts(), "label": ["a", "b"] * (N // 2)})
    with pytest.raises(DataError, match="Regression needs numbers"):
        infer_roles(table, task="regression")


def test_single_column_file_is_refused_with_advice():
    with pytest.raises(DataError, match="single column.*label column"):
        infer_roles(pa.table({"column_1": _texts()}))


def test_no_label_found_names_the_option_for_the_cli_and_keeps_the_file_for_a_window(tmp_path):
    from tlstudio.core.data import inspect_file
    from tlstudio.core.errors import RolesNotFound

    path = tmp_path / "blank.csv"
    path.write_text("text,label\n" + "".join(f"some words number {i},\n" for i in range(30)),
                    encoding="utf-8")
    with pytest.raises(RolesNotFound) as caught:
        inspect_file(path)
    assert caught.value.role == "label"
    assert "--label-column" in str(caught.value) and "--" not in caught.value.reason
    assert caught.value.loaded.column_names == ["text", "label"]
