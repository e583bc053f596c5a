"""Cheap baselines on the same split, so every report shows what transfer learning bought."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from tlstudio.core.data.prepared import PreparedData
from tlstudio.core.evaluation.metrics import task_metrics

MAX_FEATURES = 200_000


def _texts(split: Any) -> list[str]:
    """Text, with the pair appended for sentence-pair tasks."""
    texts = [str(t) for t in split["text"]]
    if "text_pair" in split.column_names:
        texts = [f"{a} [SEP] {b}" for a, b in zip(texts, split["text_pair"], strict=True)]
    return texts


def _has_spaces(texts: list[str]) -> bool:
    """False for scripts written without spaces (e.g. Chinese): word n-grams won't work there."""
    sample = texts[:500]
    return sum(1 for t in sample if " " in t.strip()) >= 0.5 * max(1, len(sample))


def _vectorizer(texts: list[str]) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    if _has_spaces(texts):
        return TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True, max_features=MAX_FEATURES)
    return TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, max_features=MAX_FEATURES)


def _majority(task: str, y_train: np.ndarray, n_test: int, n_classes: int) -> np.ndarray:
    if task == "regression":
        return np.full(n_test, float(np.mean(y_train)))
    if task == "multilabel":
        return np.tile((np.mean(y_train, axis=0) >= 0.5).astype(float), (n_test, 1))
    counts = np.bincount(y_train.astype(int), minlength=n_classes)
    probs = counts / counts.sum()
    return np.tile(probs, (n_test, 1))


def _tfidf_model(task: str, x_train: Any, y_train: np.ndarray, x_test: Any, n_classes: int) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.multiclass import OneVsRestClassifier

    if task == "regression":
        return Ridge(alpha=1.0).fit(x_train, y_train).predict(x_test)
    if task == "multilabel":
        y = y_train.astype(int)
        keep = [j for j in range(y.shape[1]) if 0 < y[:, j].sum() < len(y)]
        probs = np.tile(y.mean(axis=0), (x_test.shape[0], 1)).astype(float)
        if keep:
            clf = OneVsRestClassifier(LogisticRegression(max_iter=1000)).fit(x_train, y[:, keep])
            probs[:, keep] = clf.predict_proba(x_test)
        return probs
    y = y_train.astype(int)
    clf = LogisticRegression(max_iter=1000, C=10.0).fit(x_train, y)
    probs = np.zeros((x_test.shape[0], n_classes))
    probs[:, clf.classes_] = clf.predict_proba(x_test)
    return probs


def run_baselines(prepared: PreparedData) -> dict[str, Any]:
    """Majority class (mean for regression) and TF-IDF + logistic regression (ridge) on the test split."""
    train, test = prepared.splits["train"], prepared.splits["test"]
    task, n_classes = prepared.task, max(1, len(prepared.label_names))
    y_train, y_test = np.asarray(train["label"]), np.asarray(test["label"])
    results: dict[str, Any] = {}
    started = time.perf_counter()
    results["majority"] = task_metrics(task, y_test, _majority(task, y_train, len(test), n_classes))
    results["majority"]["seconds"] = round(time.perf_counter() - started, 3)
    started = time.perf_counter()
    train_texts, test_texts = _texts(train), _texts(test)
    if task != "regression" and len(set(map(str, y_train.tolist()))) < 2:
        return results  # a single class: nothing to learn
    vectorizer = _vectorizer(train_texts)
    x_train = vectorizer.fit_transform(train_texts)
    scores = _tfidf_model(task, x_train, y_train, vectorizer.transform(test_texts), n_classes)
    results["tfidf"] = task_metrics(task, y_test, scores)
    results["tfidf"]["seconds"] = round(time.perf_counter() - started, 3)
    return results
