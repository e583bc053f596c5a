"""One call after a run: baselines, zero-shot and the verdict on the same test rows.

This is the seam the run's report uses, so the baselines that are *shown* are the ones the
verdict *compared against*, fitted once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tlstudio.core.data.prepared import PreparedData


@dataclass
class Assessment:
    """``baselines``: metrics per baseline (for metrics.json); ``verdict``: for run.json."""

    baselines: dict[str, dict[str, Any]]
    zero_shot: dict[str, Any] | None
    verdict: dict[str, Any]


def train_counts(prepared: PreparedData) -> dict[str, int]:
    """Training rows per label name (classification and multilabel); empty for regression."""
    if prepared.task == "regression":
        return {}
    labels = np.asarray(prepared.splits["train"]["label"])
    if prepared.task == "multilabel":
        totals = labels.sum(axis=0) if len(labels) else np.zeros(len(prepared.label_names))
    else:
        totals = np.bincount(labels.astype(int), minlength=len(prepared.label_names))
    return {name: int(totals[i]) for i, name in enumerate(prepared.label_names)}


def assess_run(
    prepared: PreparedData,
    model_scores: np.ndarray,
    *,
    log_history: Sequence[Mapping[str, Any]] = (),
    class_weights: bool = False,
    unk_share: float | None = None,
    embedding_model: Any | str | Path | None = "default",
    seed: int = 0,
    can_keep_embeddings: bool = False,
    can_keep_tfidf: bool = False,
    shipped: str | None = None,
) -> Assessment:
    """Fit the baselines, score zero-shot where it applies, and judge the model's test scores.

    ``model_scores`` are the model's test-split scores as :func:`report.test_report` returns
    them; ``log_history`` is the Trainer's (for "still rising"); ``embedding_model`` None
    skips the embeddings baseline and zero-shot; ``can_keep_embeddings`` lets the verdict offer
    to keep that baseline as the run's model when it wins (``can_keep_tfidf`` the same for TF-IDF);
    ``shipped`` ("embeddings", "tfidf") drops advice about training, which that model had none of.
    """
    from tlstudio.core.evaluation.baselines import fit_baselines
    from tlstudio.core.evaluation.embeddings import SentenceEncoder, load_encoder
    from tlstudio.core.evaluation.verdict import build_verdict, validation_curve
    from tlstudio.core.evaluation.zero_shot import zero_shot

    encoder = embedding_model if isinstance(embedding_model, SentenceEncoder) else load_encoder(embedding_model)
    fitted = fit_baselines(prepared, embedding_model=encoder)
    shot = zero_shot(prepared, model=encoder) if encoder is not None else None
    scores = {name: b.scores for name, b in fitted.items()}
    if shot is not None:
        scores["zero_shot"] = shot["scores"]
    context = {"validation": validation_curve(log_history, prepared.task), "train_counts": train_counts(prepared),
               "class_weights": class_weights, "unk_share": unk_share, "can_keep_embeddings": can_keep_embeddings,
               "can_keep_tfidf": can_keep_tfidf, "shipped": shipped, "train_rows": len(prepared.splits["train"])}
    verdict = build_verdict(prepared.task, np.asarray(prepared.splits["test"]["label"]), model_scores, scores,
                            label_names=prepared.label_names, context=context, seed=seed)
    return Assessment({name: b.metrics for name, b in fitted.items()},
                      None if shot is None else shot["metrics"], verdict)
