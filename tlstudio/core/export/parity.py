"""Does the exported model predict what the PyTorch model does? Measured on the run's test split."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tlstudio.core.errors import ModelError

Scorer = Callable[[list[str], list[str] | None, int], np.ndarray]


@dataclass
class TestSplit:
    """The test rows a run scored when it finished (``predictions_test.csv``)."""

    texts: list[str]
    pairs: list[str] | None
    truth: list[str]


def read_test_split(run_dir: Path) -> TestSplit:
    """Texts and true labels of the run's test split, as the run wrote them."""
    from tlstudio.core.runs.store import RunFolder

    rows = RunFolder(run_dir).predictions()
    if not rows:
        raise ModelError(f"'{run_dir}' has no test predictions (predictions_test.csv), which the "
                         "export checks the exported model against. Export a finished run.")
    pairs = [r.text_pair or "" for r in rows] if rows[0].text_pair is not None else None
    return TestSplit([r.text for r in rows], pairs, [r.true for r in rows])


def labels_of(task: str, label_names: list[str], scores: np.ndarray) -> list[Any]:
    """Predicted labels (sets for multi-label; rounded values for regression) at default thresholds."""
    if task == "regression":
        return [round(float(s), 3) for s in scores]
    if task == "multilabel":
        return [";".join(n for n, p in zip(label_names, row, strict=True) if p >= 0.5) for row in scores]
    return [label_names[int(i)] for i in np.argmax(scores, axis=1)]


def accuracy(task: str, predicted: list[Any], truth: list[str]) -> float | None:
    """Share of exactly right rows (all labels right, for multi-label); None for regression."""
    if task == "regression":
        return None
    return float(np.mean([str(p) == t for p, t in zip(predicted, truth, strict=True)]))


def speed(score: Scorer, texts: list[str], pairs: list[str] | None) -> dict[str, float]:
    """Median latency of one text (ms) and rows per second at batch 32, on this CPU."""
    single = []
    for i in range(min(20, len(texts))):
        start = time.perf_counter()
        score(texts[i:i + 1], pairs[i:i + 1] if pairs else None, 1)
        single.append(time.perf_counter() - start)
    repeat = max(1, -(-128 // len(texts)))  # 128 to 256 rows: batch 32 measured 4-8 times
    many, many_pairs = (texts * repeat)[:256], ((pairs * repeat)[:256] if pairs else None)
    score(many[:32], many_pairs[:32] if many_pairs else None, 32)  # warm-up
    start = time.perf_counter()
    score(many, many_pairs, 32)
    elapsed = time.perf_counter() - start
    return {"latency_ms_batch1": 1000 * float(np.median(single)),
            "rows_per_s_batch32": len(many) / elapsed}


def compare(task: str, label_names: list[str], split: TestSplit,
            reference: np.ndarray, exported: np.ndarray) -> dict[str, Any]:
    """Max probability difference, label agreement and accuracy change (in points)."""
    ref_labels = labels_of(task, label_names, reference)
    new_labels = labels_of(task, label_names, exported)
    ref_acc, new_acc = accuracy(task, ref_labels, split.truth), accuracy(task, new_labels, split.truth)
    return {
        "rows": len(split.texts),
        "max_abs_diff": float(np.max(np.abs(np.asarray(reference) - np.asarray(exported)))),
        "label_agreement": float(np.mean([a == b for a, b in zip(ref_labels, new_labels, strict=True)])),
        "accuracy_pytorch": ref_acc,
        "accuracy_exported": new_acc,
        "accuracy_change_points": None if ref_acc is None else 100 * (new_acc - ref_acc),
    }
