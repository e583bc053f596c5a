"""A score before any training: match each text to the label name it is most similar to.

When label names are words ("positive", "sports"), a sentence-embedding model can already
guess by similarity. That guess is a floor a fine-tuned model must clear, and it tells a person
before training whether the labels are the kind a model "understands".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from tlstudio.core.data.prepared import PreparedData
from tlstudio.core.evaluation.metrics import task_metrics

if TYPE_CHECKING:
    from tlstudio.core.evaluation.embeddings import SentenceEncoder

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
