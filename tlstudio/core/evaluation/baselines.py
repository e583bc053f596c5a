"""Cheap baselines on the same split, so every report shows what transfer learning bought."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from tlstudio.core.data.prepared import PreparedData
from tlstudio.core.data.script import CHARACTER_SCRIPT_SHARE, cjk_share
from tlstudio.core.evaluation.metrics import task_metrics

if TYPE_CHECKING:
    from tlstudio.core.evaluation.embeddings import SentenceEncoder

MAX_FEATURES = 200_000
MAX_COEFFICIENTS = 20_000_000  # features x classes of the TF-IDF model: about 160 MB of weights
MAX_EMBED_TRAIN = 4000  # rows embedded to fit the embeddings baseline: bounds its time on a CPU


@dataclass
class Baseline:
    """A baseline's test metrics (with ``seconds``) and its per-row test scores, for pairing."""

    metrics: dict[str, Any]
    scores: np.ndarray


def split_texts(split: Any) -> list[str]:
    """Text, with the pair appended for sentence-pair tasks."""
    texts = [str(t) for t in split["text"]]
    if "text_pair" in split.column_names:
        texts = [f"{a} [SEP] {b}" for a, b in zip(texts, split["text_pair"], strict=True)]
    return texts


def _has_words(texts: list[str]) -> bool:
    """False for text written without spaces (Chinese, Japanese): word n-grams won't work there.

    Judged on a sample by the share of CJK letters (mixed text like "iPhone 很好用" has
    spaces yet no words to split on) and by how many texts have a space at all.
    """
    sample = texts[:500]
    spaced = sum(1 for t in sample if " " in t.strip()) >= 0.5 * max(1, len(sample))
    return spaced and cjk_share(sample) < CHARACTER_SCRIPT_SHARE


def max_features(n_classes: int) -> int:
    """Vocabulary size for the TF-IDF model: fewer features as classes grow, so its weight matrix
    stays bounded (5,000 classes x 200,000 features would be 8 GB of coefficients)."""
    return max(1_000, min(MAX_FEATURES, MAX_COEFFICIENTS // max(1, n_classes)))


def make_vectorizer(texts: list[str], n_classes: int = 2) -> Any:
    """The TF-IDF vectorizer for these texts: word 1-2-grams, or character 1-3-grams without spaces."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    limit = max_features(n_classes)
    if _has_words(texts):
        return TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True, max_features=limit)
    return TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, max_features=limit)


def _majority(task: str, y_train: np.ndarray, n_test: int, n_classes: int) -> np.ndarray:
    if task == "regression":
        return np.full(n_test, float(np.mean(y_train)))
    if task == "multilabel":
        return np.tile((np.mean(y_train, axis=0) >= 0.5).astype(float), (n_test, 1))
    counts = np.bincount(y_train.astype(int), minlength=n_classes)
    probs = counts / counts.sum()
    return np.tile(probs, (n_test, 1))


def fit_linear(task: str, x_train: Any, y_train: np.ndarray) -> Any:
    """Ridge for regression, logistic regression for classes; for multi-label a
    (one-vs-rest model or None, fitted columns, column means) triple."""
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.multiclass import OneVsRestClassifier

    if task == "regression":
        return Ridge(alpha=1.0).fit(x_train, y_train)
    if task == "multilabel":
        y = y_train.astype(int)
        keep = [j for j in range(y.shape[1]) if 0 < y[:, j].sum() < len(y)]
        clf = OneVsRestClassifier(LogisticRegression(max_iter=1000)).fit(x_train, y[:, keep]) if keep else None
        return clf, keep, y.mean(axis=0)
    return LogisticRegression(max_iter=1000, C=10.0).fit(x_train, y_train.astype(int))


def _linear_model(task: str, x_train: Any, y_train: np.ndarray, x_test: Any, n_classes: int) -> np.ndarray:
    """Logistic regression (one-vs-rest for multilabel) or ridge on any features; test scores."""
    fitted = fit_linear(task, x_train, y_train)
    if task == "regression":
        return fitted.predict(x_test)
    if task == "multilabel":
        clf, keep, means = fitted
        probs = np.tile(means, (x_test.shape[0], 1)).astype(float)
        if clf is not None:
            probs[:, keep] = clf.predict_proba(x_test)
        return probs
    probs = np.zeros((x_test.shape[0], n_classes))
    probs[:, fitted.classes_] = fitted.predict_proba(x_test)
    return probs


def _embedding_features(encoder: SentenceEncoder, split: Any) -> np.ndarray:
    """Sentence vectors; for pairs [u, v, |u - v|, u * v], the usual pair features."""
    u = encoder.encode([str(t) for t in split["text"]])
    if "text_pair" not in split.column_names:
        return u
    v = encoder.encode([str(t) for t in split["text_pair"]])
    return np.hstack([u, v, np.abs(u - v), u * v])


def _embeddings_baseline(prepared: PreparedData, encoder: SentenceEncoder, n_classes: int) -> np.ndarray:
    """Frozen embeddings + the same linear model as TF-IDF; training rows capped for time."""
    train, test = prepared.splits["train"], prepared.splits["test"]
    if len(train) > MAX_EMBED_TRAIN:
        keep = np.random.default_rng(0).choice(len(train), MAX_EMBED_TRAIN, replace=False)
        train = train.select(sorted(keep.tolist()))
    y_train = np.asarray(train["label"])
    if prepared.task in ("binary", "multiclass") and len(set(y_train.tolist())) < 2:
        raise ValueError("one class in the sampled training rows")
    x_train, x_test = _embedding_features(encoder, train), _embedding_features(encoder, test)
    return _linear_model(prepared.task, x_train, y_train, x_test, n_classes)


def _encoder(model: SentenceEncoder | str | Path | None) -> SentenceEncoder | None:
    from tlstudio.core.evaluation.embeddings import SentenceEncoder, load_encoder

    return model if isinstance(model, SentenceEncoder) else load_encoder(model)


def fit_baselines(
    prepared: PreparedData, *, embedding_model: SentenceEncoder | str | Path | None = None
) -> dict[str, Baseline]:
    """Majority, TF-IDF and (with ``embedding_model``) frozen-embeddings baselines on the test split.

    ``embedding_model`` is 'default' (the bundled MiniLM), a model folder or a loaded
    :class:`SentenceEncoder`; when it can't be loaded that baseline is left out, not an error.
    """
    train, test = prepared.splits["train"], prepared.splits["test"]
    task, n_classes = prepared.task, max(1, len(prepared.label_names))
    y_train, y_test = np.asarray(train["label"]), np.asarray(test["label"])
    results: dict[str, Baseline] = {}

    def add(name: str, started: float, scores: np.ndarray) -> None:
        metrics = task_metrics(task, y_test, scores)
        metrics["seconds"] = round(time.perf_counter() - started, 3)
        results[name] = Baseline(metrics, scores)

    add("majority", time.perf_counter(), _majority(task, y_train, len(test), n_classes))
    if task != "regression" and len(set(map(str, y_train.tolist()))) < 2:
        return results  # a single class: nothing to learn
    started = time.perf_counter()
    train_texts, test_texts = split_texts(train), split_texts(test)
    vectorizer = make_vectorizer(train_texts, n_classes)
    x_train = vectorizer.fit_transform(train_texts)
    add("tfidf", started, _linear_model(task, x_train, y_train, vectorizer.transform(test_texts), n_classes))
    started = time.perf_counter()
    encoder = _encoder(embedding_model) if embedding_model is not None else None
    if encoder is not None:
        try:
            add("embeddings", started, _embeddings_baseline(prepared, encoder, n_classes))
        except ValueError:
            pass  # the capped sample has one class: the other baselines stand
    return results


def run_baselines(
    prepared: PreparedData, *, embedding_model: SentenceEncoder | str | Path | None = None
) -> dict[str, Any]:
    """Each baseline's test metrics (see :func:`fit_baselines`), as metrics.json stores them."""
    return {name: b.metrics for name, b in fit_baselines(prepared, embedding_model=embedding_model).items()}
