"""Finished run folders written through RunFolder, with chosen test predictions (no training)."""

from __future__ import annotations

from pathlib import Path

from tlstudio.core.runs.store import RunFolder, RunStatus
from tlstudio.core.settings.config import RunConfig

LABELS = ["neg", "pos"]


def paired_predictions(both_right: int, only_a: int, only_b: int, both_wrong: int
                       ) -> tuple[list[str], list[str], list[str]]:
    """(true, A's, B's) binary answers with exactly these concordant and discordant counts."""
    true, a, b = [], [], []
    for count, a_right, b_right in ((both_right, True, True), (only_a, True, False),
                                    (only_b, False, True), (both_wrong, False, False)):
        for i in range(count):
            label = LABELS[(len(true) + i) % 2]
            wrong = LABELS[1 - LABELS.index(label)]
            true.append(label)
            a.append(label if a_right else wrong)
            b.append(label if b_right else wrong)
    return true, a, b


def write_run(path: Path, true: list[str], predicted: list[str], *, texts: list[str] | None = None,
              data_path: str = "reviews.csv", **settings) -> Path:
    """A complete binary run folder whose test split holds these rows and answers."""
    path.mkdir(parents=True, exist_ok=True)
    folder = RunFolder(path)
    texts = texts or [f"review number {i}" for i in range(len(true))]
    folder.write_config(RunConfig(data_path=data_path, has_header=True, **settings))
    folder.write_metrics({"task": "binary", "label_names": LABELS, "model": {}})
    header = ["row", "text", "true", "prediction", "prob_neg", "prob_pos"]
    rows = [[i * 3, text, t, p, 0.9 if p == "neg" else 0.1, 0.1 if p == "neg" else 0.9]
            for i, (text, t, p) in enumerate(zip(texts, true, predicted, strict=True))]
    folder.write_predictions(header, rows)
    folder.write_status(RunStatus.COMPLETE, name=path.name, task="binary", model="tiny-bert",
                        main_metric="f1_macro", main_metric_value=0.5, created="2026-11-30T10:00:00")
    return path
