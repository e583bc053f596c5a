"""Labelled rows of a data file and a cheap text model, shared by the audit and the learning curve."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np

from tlstudio.core.errors import DataError, ModelError

CLASSIFICATION = ("binary", "multiclass")
MAX_FEATURES = 200_000


@dataclass
class LabelledRows:
    """Every usable row of a classification file: text, label code and where it sits in the file."""

    path: str
    texts: list[str]
    labels: np.ndarray  # int codes into label_names
    label_names: list[str]
    index: np.ndarray  # 0-based data rows, as in PreparedData's ``row``
    first_row: int  # the number a person reads beside data row 0
    label_column: str

    def __len__(self) -> int:
        return len(self.texts)

    def row_number(self, i: int) -> int:
        """Row ``i`` numbered as a spreadsheet shows the file (the header is row 1)."""
        return int(self.index[i]) + self.first_row


def load_rows(path: str | os.PathLike[str], *, text_columns: list[str] | None = None,
              label_column: str | None = None) -> LabelledRows:
    """Read a binary or multiclass file through the data layer, keeping every usable row."""
    from tlstudio.core.data import SplitConfig, infer_roles, prepare_splits, read_table
    from tlstudio.core.data.rownumbers import numbers_of

    loaded = read_table(str(path))
    roles = infer_roles(loaded, text_columns=text_columns, label_column=label_column)
    if roles.task not in CLASSIFICATION:
        raise DataError(f"This needs one class label per row; '{os.path.basename(str(path))}' "
                        f"looks like a {roles.task} task.")
    prepared = prepare_splits(loaded, roles, SplitConfig(test_size=0.0, val_size=0.0))
    rows = prepared.splits["train"]
    texts = [str(t) for t in rows["text"]]
    if prepared.is_pair:
        texts = [f"{a} [SEP] {b}" for a, b in zip(texts, rows["text_pair"], strict=True)]
    first = numbers_of(loaded).first
    return LabelledRows(str(path), texts, np.asarray(rows["label"], dtype=int),
                        list(prepared.label_names), np.asarray(rows["row"], dtype=int), first,
                        roles.label_column)


def _has_spaces(texts: list[str]) -> bool:
    """False for scripts written without spaces (e.g. Chinese): word n-grams won't work there."""
    sample = texts[:500]
    return sum(1 for t in sample if " " in t.strip()) >= 0.5 * max(1, len(sample))


def vectorizer(texts: list[str]) -> Any:
    """TF-IDF on word 1-2-grams, or character 1-3-grams for text without spaces."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    if _has_spaces(texts):
        return TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, max_features=MAX_FEATURES)
    return TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True,
                           max_features=MAX_FEATURES)


def cheap_model(texts: list[str], n_classes: int) -> Any:
    """TF-IDF + logistic regression: seconds to fit, and usually within a few points of a transformer."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    # liblinear is twice as fast as lbfgs on two classes, with the same log loss
    solver = "liblinear" if n_classes <= 2 else "lbfgs"
    return make_pipeline(vectorizer(texts), LogisticRegression(C=10.0, solver=solver, max_iter=1000))


def embedding_features(texts: list[str], model: str = "default") -> np.ndarray:
    """Frozen sentence vectors (the bundled MiniLM by default), one row per text."""
    from tlstudio.core.evaluation.embeddings import load_encoder

    encoder = load_encoder(model)
    if encoder is None:
        raise ModelError(f"The sentence model '{model}' can't be loaded, so embeddings aren't "
                         "available; leave embeddings off to use TF-IDF.")
    return encoder.encode(texts)


def fit_model(texts: list[str], features: np.ndarray | None, n_classes: int) -> tuple[Any, Any]:
    """(model, its inputs): TF-IDF + LR on the texts, or LR on precomputed ``features``."""
    from sklearn.linear_model import LogisticRegression

    if features is None:
        return cheap_model(texts, n_classes), np.asarray(texts, dtype=object)
    return LogisticRegression(max_iter=2000), np.asarray(features)


def method_name(features: np.ndarray | None) -> str:
    return "TF-IDF + logistic regression" if features is None else \
        "sentence embeddings + logistic regression"


def out_of_sample_probs(texts: list[str], labels: np.ndarray, n_classes: int, *,
                        folds: int = 5, seed: int = 0, features: np.ndarray | None = None) -> np.ndarray:
    """Class probabilities for every row from a model that never saw that row (k-fold).

    With ``features`` (e.g. :func:`embedding_features`) the model is logistic regression on
    them instead of TF-IDF. Folds are stratified when every class has at least two rows; a
    class absent from a fold's training part gets probability 0 there.
    """
    import warnings

    from sklearn.model_selection import KFold, StratifiedKFold, cross_val_predict

    counts = np.bincount(labels, minlength=n_classes)
    present = counts[counts > 0]
    if len(present) < 2:
        raise DataError("Every row has the same label: there is nothing to check against.")
    if len(labels) < 4:
        raise DataError(f"Only {len(labels)} labelled rows: too few to cross-check labels.")
    if present.min() >= 2:
        splitter: Any = StratifiedKFold(min(folds, int(present.min())), shuffle=True, random_state=seed)
    else:
        splitter = KFold(min(folds, len(labels)), shuffle=True, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "the least populated class has only N members"
        model, inputs = fit_model(texts, features, len(present))
        probs = cross_val_predict(model, inputs, labels, cv=splitter, method="predict_proba")
    full = np.zeros((len(labels), n_classes))
    full[:, np.flatnonzero(counts > 0)] = probs
    return full
