"""Class names for coded labels: given in the config, or read from a classes.txt beside the data."""

from __future__ import annotations

import pytest

from tlstudio.core.data import load_prepared
from tlstudio.core.data.class_names import read_class_names
from tlstudio.core.errors import DataError
from tlstudio.core.settings.config import RunConfig


def _coded_csv(classes: int = 4, n: int = 80) -> str:
    """Labels 1..classes (1-4 stars, say), so "10" would sort wrongly as text."""
    lines = ["text,label"]
    for i in range(n):
        lines.append(f"review {i} with some words,{i % classes + 1}")
    return "\n".join(lines) + "\n"


def test_classes_txt_names_the_labels_in_numeric_order(write):
    data = write("stars.csv", _coded_csv())
    write("classes.txt", "awful\npoor\n\ngood\nsuperb\n".replace("\n\n", "\n") + "\n\n")
    assert read_class_names(data) == ["awful", "poor", "good", "superb"]
    prepared = load_prepared(RunConfig(data_path=str(data)))
    assert prepared.label_names == ["awful", "poor", "good", "superb"]
    assert prepared.label_values == ["1", "2", "3", "4"]
    first = prepared.splits["train"][0]
    assert prepared.label_names[first["label"]] == ["awful", "poor", "good", "superb"][int(first["text"].split()[1]) % 4]


def test_given_names_win_over_classes_txt_and_no_file_keeps_the_labels(write):
    data = write("stars.csv", _coded_csv(2))
    assert load_prepared(RunConfig(data_path=str(data))).label_names == ["1", "2"]
    write("classes.txt", "bad\ngood\n")
    config = RunConfig(data_path=str(data), class_names=["negative", "positive"])
    assert load_prepared(config).label_names == ["negative", "positive"]


@pytest.mark.parametrize("text, words", [
    ("a\nb\nc\n", "3 class names for 2 classes"),
    ("a\n\nb\n", "blank line"),
    ("same\nsame\n", "names two classes 'same'"),
])
def test_a_classes_txt_that_does_not_fit_says_what_is_wrong(write, text, words):
    data = write("d.csv", _coded_csv(2))
    write("classes.txt", text)
    with pytest.raises(DataError, match=words) as caught:
        load_prepared(RunConfig(data_path=str(data)))
    assert "classes.txt" in str(caught.value)


def test_regression_has_no_classes_to_name(write):
    lines = ["text,score"] + [f"row {i} text,{i / 10}" for i in range(40)]
    data = write("r.csv", "\n".join(lines) + "\n")
    write("classes.txt", "a\nb\n")
    prepared = load_prepared(RunConfig(data_path=str(data), task="regression"))
    assert prepared.label_names == [] and prepared.label_values == []
