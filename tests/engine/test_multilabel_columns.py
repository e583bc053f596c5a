"""Multi-label data with one 0/1 column per label, end to end: train, repeat, resume, evaluate."""

from __future__ import annotations

import csv
import json
import shlex
from pathlib import Path

import pytest

from tlstudio.cli.main import main

DATA = Path(__file__).parent.parent / "data"
LABELS = ["toxic", "insult"]


def _comments(tmp_path: Path) -> Path:
    path = tmp_path / "comments.csv"
    with open(DATA / "sentiment_120.csv", encoding="utf-8") as source, \
            open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["comment", "toxic", "insult", "obscene"])  # obscene: not a label here
        for i, row in enumerate(csv.DictReader(source)):
            writer.writerow([row["text"], row["label"], int(row["source"] == "imdb"), i % 2])
    return path


def _saved_labels(run_dir: Path) -> tuple[list[str], str, list[str]]:
    config = json.loads((run_dir / "run_config.json").read_text())
    labels = json.loads((run_dir / "config.json").read_text())["id2label"]
    return config["label_columns"], config["task"], [labels[str(i)] for i in range(len(labels))]


def test_two_label_columns_train_repeat_and_resume_to_the_same_problem(tiny_model_dir, tmp_path, capsys):
    from tlstudio.cli.engine import config_from_args
    from tlstudio.cli.main import build_parser
    from tlstudio.core.evaluation.other_file import evaluate_run
    from tlstudio.core.events import CheckpointEvent, StepEvent
    from tlstudio.core.training import run_training

    data, out = _comments(tmp_path), tmp_path / "run"
    argv = ["train", str(data), "--label-column", "toxic", "--label-column", "insult", "--out", str(out),
            "--model", str(tiny_model_dir), "--epochs", "1", "--evals-per-epoch", "2", "--batch-size", "8",
            "--max-length", "32", "--long-texts", "truncate", "--precision", "fp32", "--lr", "1e-3"]
    seen: list = []

    def interrupt_after_a_checkpoint(event):
        seen.append(event)
        if isinstance(event, StepEvent) and any(isinstance(e, CheckpointEvent) for e in seen):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_training(config_from_args(build_parser().parse_args(argv)), interrupt_after_a_checkpoint)
    interrupted = json.loads((out / "run_config.json").read_text())
    assert (interrupted["label_columns"], interrupted["task"]) == (LABELS, "multilabel")

    assert main(["train", "--resume", "--out", str(out)]) == 0, capsys.readouterr().err
    assert _saved_labels(out) == (LABELS, "multilabel", LABELS)

    command = json.loads((out / "run.json").read_text())["repeat_command"]
    assert "--label-column toxic --label-column insult" in command
    again = shlex.split(command)[1:]
    again[again.index("--out") + 1] = str(tmp_path / "repeated")
    assert main(again) == 0, capsys.readouterr().err
    assert _saved_labels(tmp_path / "repeated") == (LABELS, "multilabel", LABELS)

    report = evaluate_run(out, data)  # another file with the same columns: both label columns read
    assert report["rows_evaluated"] == 120 and report["baselines"]
