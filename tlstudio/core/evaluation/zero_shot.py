"""A score before any training: match each text to the label name it is most similar to.

When label names are words ("positive", "sports"), a sentence-embedding model can already
guess by similarity. That guess is a floor a fine-tuned model must clear, and it tells a person
before training whether the labels are the kind a model "understands".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from tlstudio.core.data.prepared import PreparedData
from tlstudio.core.evaluation.metrics import task_metrics

if TYPE_CHECKING:
    from tlstudio.core.evaluation.embeddings import SentenceEncoder

PREVIEW_ROWS = 200  # rows the Data page scores: a few seconds on a CPU, about ±3 points of accuracy
TEMPERATURE = 0.05  # cosine similarities differ by a few hundredths; this spreads them into probabilities
TEMPLATE = "This text is about {}."


def label_names_are_words(label_names: Sequence[str]) -> bool:
    """True when every label name is a word or phrase (not '0', '1', 'label_3' or 'A')."""
    if len(label_names) < 2:
        return False
    for name in label_names:
        text = re.sub(r"[_\-]+", " ", str(name)).strip()
        letters = sum(c.isalpha() for c in text)
        if letters < 2 or re.fullmatch(r"(label|class|cat|category)\s*\d+", text, re.IGNORECASE):
            return False
    return True


def label_vectors(encoder: SentenceEncoder, label_names: Sequence[str]) -> np.ndarray:
    """One unit vector per label: the mean of the bare name and the name in a sentence."""
    names = [re.sub(r"[_\-]+", " ", str(n)).strip() for n in label_names]
    bare, framed = encoder.encode(names), encoder.encode([TEMPLATE.format(n) for n in names])
    vectors = bare + framed
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True).clip(min=1e-12)


def zero_shot_scores(encoder: SentenceEncoder, texts: Sequence[str], label_names: Sequence[str]) -> np.ndarray:
    """Probabilities (n, len(label_names)) from a softmax over text-label cosine similarities."""
    similarity = encoder.encode(list(texts)) @ label_vectors(encoder, label_names).T
    logits = similarity / TEMPERATURE
    logits -= logits.max(axis=1, keepdims=True)
    probs = np.exp(logits)
    return probs / probs.sum(axis=1, keepdims=True)


def zero_shot(
    prepared: PreparedData, *, model: SentenceEncoder | str | Path = "default", split: str = "test"
) -> dict[str, Any] | None:
    """Zero-shot metrics and per-row scores on ``split``; None when it does not apply.

    It applies to binary and multiclass tasks whose label names are words, on single texts,
    when the embedding model can be loaded.
    """
    from tlstudio.core.evaluation.embeddings import SentenceEncoder, load_encoder

    if prepared.task not in ("binary", "multiclass") or prepared.is_pair:
        return None
    if not label_names_are_words(prepared.label_names):
        return None
    encoder = model if isinstance(model, SentenceEncoder) else load_encoder(model)
    if encoder is None:
        return None
    data = prepared.splits[split]
    scores = zero_shot_scores(encoder, [str(t) for t in data["text"]], prepared.label_names)
    return {"metrics": task_metrics(prepared.task, np.asarray(data["label"]), scores), "scores": scores}


@dataclass(frozen=True)
class ZeroShotPreview:
    """The zero-shot score of a file before any training (the Data page's line)."""

    rows: int
    accuracy: float
    f1_macro: float

    def sentence(self) -> str:
        from tlstudio.core.evaluation import format as fmt

        return (f"Before any training, matching each text to the class name it is most similar to "
                f"scores macro F1 {fmt.score(self.f1_macro)} (accuracy {fmt.probability(self.accuracy)}) "
                f"on {self.rows:,} rows: a trained model should do better.")


def preview_zero_shot(loaded: Any, roles: Any, labels: Sequence[str], names: Sequence[str] | None = None, *,
                      model: Any = "default", rows: int = PREVIEW_ROWS, stop: Any = None) -> ZeroShotPreview | None:
    """The zero-shot score on up to ``rows`` evenly spaced labelled rows of an inspected file
    (``loaded``, ``roles``), before any split or training; None where :func:`zero_shot` would not
    apply. ``labels`` are the classes as written, ``names`` their names (None: the labels);
    ``model`` is a model id or an object with ``encode``; ``stop`` (a ``StopFlag``) is checked
    between batches."""
    import pyarrow.compute as pc

    from tlstudio.core.data.labels import label_mask, trimmed
    from tlstudio.core.data.profile import filled_mask
    from tlstudio.core.evaluation.embeddings import load_encoder

    names = list(names or labels)
    single = roles.task in ("binary", "multiclass") and len(roles.text_columns) == 1
    if not single or roles.multi_column_labels or len(names) != len(labels) or not label_names_are_words(names):
        return None
    table = loaded.table
    usable = pc.indices_nonzero(pc.and_(label_mask(table, roles),
                                        filled_mask(table.column(roles.text_columns[0])))).to_pylist()
    step = max(1.0, len(usable) / rows)
    picked = [usable[int(i * step)] for i in range(min(rows, len(usable)))]
    index = {label: i for i, label in enumerate(labels)}
    values = trimmed(table.column(roles.label_column)).take(picked).to_pylist()
    texts = table.column(roles.text_columns[0]).take(picked).to_pylist()
    kept = [(str(t), index[v]) for t, v in zip(texts, values, strict=True) if v in index]
    encoder = load_encoder(model) if isinstance(model, (str, Path)) else model
    if encoder is None or not kept:
        return None
    parts = []
    for start in range(0, len(kept), 50):
        if stop is not None:
            stop.check()
        parts.append(zero_shot_scores(encoder, [t for t, _ in kept[start:start + 50]], names))
    metrics = task_metrics(roles.task, np.array([y for _, y in kept]), np.concatenate(parts))
    return ZeroShotPreview(len(kept), float(metrics["accuracy"]), float(metrics["f1_macro"]))
