"""Engine test helpers: PreparedData for every task built straight from small CSVs."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

DATA = Path(__file__).parent.parent / "data"


def _split(rows: list[dict], seed: int = 0) -> dict[str, list[dict]]:
    rows = rows[:]
    random.Random(seed).shuffle(rows)
    n = len(rows)
    test, val = max(2, n * 15 // 100), max(2, n * 15 // 100)
    return {"test": rows[:test], "validation": rows[test:test + val], "train": rows[test + val:]}


def build_prepared(task: str, rows: list[dict], label_names: list[str], pair: bool = False):
    """PreparedData from row dicts with keys text, (text_pair), label, row."""
    import datasets

    from tlstudio.core.data.prepared import PreparedData

    if task == "multilabel":
        feature = datasets.Sequence(datasets.Value("float32"))
    elif task == "regression":
        feature = datasets.Value("float32")
    else:
        feature = datasets.Value("int64")
    features = {"text": datasets.Value("string"), "row": datasets.Value("int64"), "label": feature}
    if pair:
        features["text_pair"] = datasets.Value("string")
    splits = {
        name: datasets.Dataset.from_dict(
            {key: [r[key] for r in part] for key in features}, features=datasets.Features(features)
        )
        for name, part in _split(rows).items()
    }
    return PreparedData(
        task=task,
        splits=datasets.DatasetDict(splits),
        label_names=label_names,
        text_columns=["sentence1", "sentence2"] if pair else ["text"],
        label_column="label",
        source="test",
    )


def sentiment_rows(name: str = "sentiment_120.csv") -> list[dict]:
    with open(DATA / name, encoding="utf-8") as handle:
        return [
            {"text": r["text"], "label": int(r["label"]), "row": i, "source": r["source"]}
            for i, r in enumerate(csv.DictReader(handle))
        ]


def prepared_for(task: str, name: str = "sentiment_120.csv"):
    rows = sentiment_rows(name)
    sources = ["amazon", "imdb", "yelp"]
    if task == "binary":
        return build_prepared(task, rows, ["negative", "positive"])
    if task == "multiclass":
        for r in rows:
            r["label"] = sources.index(r["source"])
        return build_prepared(task, rows, sources)
    if task == "multilabel":
        for r in rows:
            r["label"] = [float(r["label"]), float(r["source"] == "imdb")]
        return build_prepared(task, rows, ["positive", "imdb"])
    if task == "regression":
        for r in rows:
            r["text_pair"] = r["text"][::-1]
            r["label"] = float(r["label"]) * 4 + len(r["text"]) % 2
        return build_prepared(task, rows, [], pair=True)
    raise ValueError(task)


def write_task_csv(task: str, folder: Path, name: str = "sentiment_120.csv") -> dict:
    """Write a CSV for ``task`` (the same rows as :func:`prepared_for`) into ``folder``.

    Returns the RunConfig fields that train on it: the engine reads it like a user's file.
    """
    if task == "binary":
        return {"data_path": str(DATA / name)}
    rows = sentiment_rows(name)
    path = folder / f"{task}.csv"
    folder.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        if task == "multiclass":
            writer.writerow(["text", "source"])
            writer.writerows([r["text"], r["source"]] for r in rows)
            fields = {"label_columns": ["source"]}
        elif task == "multilabel":
            writer.writerow(["text", "positive", "imdb"])
            writer.writerows([r["text"], r["label"], int(r["source"] == "imdb")] for r in rows)
            fields = {"label_columns": ["positive", "imdb"]}
        elif task == "regression":
            writer.writerow(["text", "text_pair", "score"])
            writer.writerows([r["text"], r["text"][::-1], float(r["label"]) * 4 + len(r["text"]) % 2]
                             for r in rows)
            fields = {"text_columns": ["text", "text_pair"], "label_columns": ["score"]}
        else:
            raise ValueError(task)
    return {"data_path": str(path), "text_columns": fields.pop("text_columns", ["text"]), "task": task,
            **fields}


def for_task(config, task: str, folder: Path, name: str = "sentiment_120.csv"):
    """``config`` set to train on a written file for ``task`` (see :func:`write_task_csv`)."""
    for key, value in write_task_csv(task, folder, name).items():
        setattr(config, key, value)
    return config


@pytest.fixture
def tiny_config(tiny_model_dir, tmp_path):
    """A fast RunConfig on the tiny model, writing into a fresh folder."""
    from tlstudio.core.settings.config import RunConfig

    return RunConfig(
        data_path=str(DATA / "sentiment_120.csv"),
        model=str(tiny_model_dir),
        epochs=1,
        batch_size=16,
        learning_rate=1e-3,
        max_length=32,
        logging_steps=1,
        output_dir=str(tmp_path / "run"),
        precision="fp32",
        long_texts="truncate",  # half the rows pass 32 tokens: auto would read them in parts (test_long_texts)
    )
