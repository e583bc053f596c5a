"""prepare_splits / load_prepared: the PreparedData hand-off to the engine."""

from __future__ import annotations

from collections import Counter

import pytest
from conftest import sentiment_rows

from tlstudio.core.data import (
    Roles,
    SplitConfig,
    infer_roles,
    load_prepared,
    prepare_splits,
    read_table,
)
from tlstudio.core.errors import DataError
from tlstudio.core.settings.config import RunConfig


def _imbalanced_csv(n: int = 200) -> str:
    lines = ["text,label"]
    for i in range(n):
        label = "rare" if i % 5 == 0 else "common"
        lines.append(f"sentence number {i} says something,{label}")
    return "\n".join(lines) + "\n"


def test_stratified_seeded_split(write):
    loaded = read_table(write("d.csv", _imbalanced_csv()))
    roles = infer_roles(loaded)
    prepared = prepare_splits(loaded, roles, SplitConfig(test_size=0.2, val_size=0.1, seed=1))
    sizes = {k: len(v) for k, v in prepared.splits.items()}
    assert sizes == {"train": 140, "validation": 20, "test": 40}
    assert prepared.label_names == ["common", "rare"]
    assert prepared.task == "binary"
    for split in prepared.splits.values():
        counts = Counter(split["label"])
        assert counts[1] / len(split) == pytest.approx(0.2, abs=0.03)
    rows = sorted(r for s in prepared.splits.values() for r in s["row"])
    assert rows == list(range(200))
    again = prepare_splits(loaded, roles, SplitConfig(test_size=0.2, val_size=0.1, seed=1))
    assert again.splits["test"]["row"] == prepared.splits["test"]["row"]
    other = prepare_splits(loaded, roles, SplitConfig(test_size=0.2, val_size=0.1, seed=2))
    assert other.splits["test"]["row"] != prepared.splits["test"]["row"]


def test_columns_and_types(write):
    loaded = read_table(write("d.csv", sentiment_rows(40)))
    prepared = prepare_splits(loaded, infer_roles(loaded), SplitConfig())
    train = prepared.splits["train"]
    assert train.column_names == ["text", "label", "row"]
    assert str(train.features["label"].dtype) == "int64"
    assert not prepared.is_pair
    first = train[0]
    source = loaded.table.column("text")[first["row"]].as_py()
    assert first["text"] == source


def test_rows_with_missing_values_are_dropped_and_noted(write):
    content = sentiment_rows(40) + ",pos\nsome text without label,\n"
    loaded = read_table(write("m.csv", content))
    prepared = prepare_splits(loaded, infer_roles(loaded), SplitConfig())
    assert sum(len(s) for s in prepared.splits.values()) == 40
    assert any("Left out 2 rows" in n for n in prepared.notes)


def test_split_column(write):
    lines = ["text,label,split"]
    for i in range(60):
        part = ["train", "train", "train", "dev", "test"][i % 5]
        lines.append(f"sentence {i} is here,{'ab'[i % 2]},{part}")
    loaded = read_table(write("s.csv", "\n".join(lines) + "\n"))
    prepared = prepare_splits(loaded, infer_roles(loaded), SplitConfig(split_column="split"))
    assert {k: len(v) for k, v in prepared.splits.items()} == {"train": 36, "validation": 12,
                                                               "test": 12}
    assert all(r % 5 == 4 for r in prepared.splits["test"]["row"])


def test_split_column_without_validation_carves_it_from_train(write):
    lines = ["text,label,split"] + [f"sentence {i} here,{'ab'[i % 2]},{'test' if i % 4 == 0 else 'train'}"
                                    for i in range(80)]
    loaded = read_table(write("s.csv", "\n".join(lines) + "\n"))
    prepared = prepare_splits(loaded, infer_roles(loaded),
                              SplitConfig(split_column="split", val_size=0.25))
    assert len(prepared.splits["test"]) == 20
    assert len(prepared.splits["validation"]) == 15


def test_separate_test_file(write):
    train = write("train.csv", sentiment_rows(50))
    test = write("test.csv", sentiment_rows(10))
    loaded = read_table(train)
    prepared = prepare_splits(loaded, infer_roles(loaded),
                              SplitConfig(test_file=str(test), val_size=0.2))
    assert len(prepared.splits["test"]) == 10
    assert len(prepared.splits["train"]) + len(prepared.splits["validation"]) == 50
    missing = write("bad_test.csv", "body,label\nx y,pos\n")
    with pytest.raises(DataError, match="lacks the column"):
        prepare_splits(loaded, infer_roles(loaded), SplitConfig(test_file=str(missing)))


def test_pairs_and_regression(write):
    lines = ["sentence1,sentence2,score"] + [
        f"a man plays {i},a person plays {i},{(i % 50) / 10}" for i in range(60)]
    loaded = read_table(write("p.csv", "\n".join(lines) + "\n"))
    prepared = prepare_splits(loaded, infer_roles(loaded), SplitConfig())
    train = prepared.splits["train"]
    assert train.column_names == ["text", "text_pair", "label", "row"]
    assert prepared.is_pair and prepared.label_names == []
    assert str(train.features["label"].dtype) == "float32"


def test_multilabel_encoding(write):
    lines = ["text,tags"] + [f"text {i} words,{['a;b', 'b', 'c;a'][i % 3]}" for i in range(60)]
    loaded = read_table(write("m.csv", "\n".join(lines) + "\n"))
    roles = infer_roles(loaded)
    prepared = prepare_splits(loaded, roles, SplitConfig())
    assert prepared.task == "multilabel" and prepared.label_names == ["a", "b", "c"]
    first = prepared.splits["train"][0]
    expected = {0: [1.0, 1.0, 0.0], 1: [0.0, 1.0, 0.0], 2: [1.0, 0.0, 1.0]}[first["row"] % 3]
    assert first["label"] == expected


def test_zero_one_columns_encoding(write):
    lines = ["comment_text,toxic,insult"] + [f"comment {i} words,{i % 2},{int(i % 3 == 0)}"
                                             for i in range(60)]
    loaded = read_table(write("z.csv", "\n".join(lines) + "\n"))
    roles = infer_roles(loaded)
    assert roles.label_columns == ["toxic", "insult"]
    prepared = prepare_splits(loaded, roles, SplitConfig())
    row = prepared.splits["train"][0]
    assert row["label"] == [float(row["row"] % 2), float(row["row"] % 3 == 0)]


def test_classes_too_small_to_stratify_fall_back_to_random(write):
    lines = ["text,label"] + [f"text {i} here,{'common' if i else 'once'}" for i in range(40)]
    loaded = read_table(write("r.csv", "\n".join(lines) + "\n"))
    prepared = prepare_splits(loaded, infer_roles(loaded), SplitConfig())
    assert any("stratify" in n for n in prepared.notes)


def test_load_prepared_from_run_config(write):
    path = write("d.csv", sentiment_rows(40))
    config = RunConfig(data_path=str(path), test_size=0.25, val_size=0.25, seed=3)
    prepared = load_prepared(config)
    assert {k: len(v) for k, v in prepared.splits.items()} == {"train": 20, "validation": 10,
                                                               "test": 10}
    assert prepared.source == str(path)
    assert prepared.summary()["label_column"] == "label"


def test_too_few_rows_is_refused(write):
    loaded = read_table(write("t.csv", "text,label\nonly one row,a\nsecond row,b\n"))
    with pytest.raises(DataError, match="too few"):
        prepare_splits(loaded, Roles(["text"], "label", "binary"), SplitConfig())


def test_load_prepared_uses_reader_overrides(write):
    path = write("d.csv", sentiment_rows(40).replace(",", ";"))
    config = RunConfig(data_path=str(path), delimiter=";", has_header=True)
    assert sum(len(s) for s in load_prepared(config).splits.values()) == 40


@pytest.mark.parametrize("seed", [0, 42, 7])
def test_stratifying_on_label_ranks_splits_exactly_as_on_the_labels(seed):
    """The stratify key is each label's rank (fast to sort); the rows held out are the labels' own."""
    import random

    import numpy as np
    import pyarrow as pa

    from tlstudio.core.data.split import _split_indices, _stratify_key

    names = ["Zebra", "apple", "Ämter", "b", "10", "9", "ünder", "B"]
    rng = random.Random(seed)
    labels = [rng.choice(names[: 2 + i % 7]) for i in range(600)]
    table = pa.table({"text": ["x"] * len(labels), "label": labels})
    key = _stratify_key(table, Roles(text_columns=["text"], label_column="label", task="multiclass"))
    assert key.dtype == np.int64
    as_labels = np.asarray(labels, dtype=object)  # what the split stratified on before
    for fraction in (0.15, 0.3):
        ours = _split_indices(len(labels), fraction, key, seed, [])
        theirs = _split_indices(len(labels), fraction, as_labels, seed, [])
        assert all(np.array_equal(a, b) for a, b in zip(ours, theirs, strict=True))
