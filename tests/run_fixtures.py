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
        for _ in range(count):
            label = LABELS[len(true) % 2]
            wrong = LABELS[1 - LABELS.index(label)]
            true.append(label)
            a.append(label if a_right else wrong)
            b.append(label if b_right else wrong)
    return true, a, b


def write_run(path: Path, true: list[str], predicted: list[str], *, texts: list[str] | None = None,
              data_path: str = "reviews.csv", created: str = "2026-11-30T10:00:00",
              losses: list[float] | None = None, **settings) -> Path:
    """A complete binary run folder whose test split holds these rows and answers (and, with
    ``losses``, a training curve logged every 5 steps with a validation pass at the end)."""
    path.mkdir(parents=True, exist_ok=True)
    folder = RunFolder(path)
    texts = texts or [f"review number {i}" for i in range(len(true))]
    folder.write_config(RunConfig(data_path=data_path, has_header=True, **settings))
    folder.write_metrics({"task": "binary", "label_names": LABELS, "model": {}})
    header = ["row", "text", "true", "prediction", "prob_neg", "prob_pos"]
    rows = [[i * 3, text, t, p, 0.9 if p == "neg" else 0.1, 0.1 if p == "neg" else 0.9]
            for i, (text, t, p) in enumerate(zip(texts, true, predicted, strict=True))]
    folder.write_predictions(header, rows)
    if losses:
        log = [{"loss": value, "step": 5 * (i + 1), "epoch": i / len(losses)} for i, value in enumerate(losses)]
        log.append({"eval_loss": losses[-1], "eval_f1_macro": 0.5, "step": 5 * len(losses), "epoch": 1.0})
        folder.write_history(log)
    right = sum(t == p for t, p in zip(true, predicted, strict=True)) / max(1, len(true))
    folder.write_status(RunStatus.COMPLETE, name=path.name, task="binary", model="tiny-bert",
                        main_metric="f1_macro", main_metric_value=round(right, 4), created=created,
                        train_seconds=12.0,
                        verdict={"score": {"name": "f1_macro", "value": round(right, 4), "ci_low": right - 0.1,
                                           "ci_high": min(1.0, right + 0.1)},
                                 "baselines": {"majority": {"name": "always answering 'neg'", "value": 0.33}}})
    return path
