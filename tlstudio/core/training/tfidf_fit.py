"""The TF-IDF baseline as a model a run can ship: fitted exactly as the baseline, saved as numbers."""

from __future__ import annotations

from typing import Any

import numpy as np

from tlstudio.core.data.prepared import PreparedData
from tlstudio.core.inference.tfidf_numpy import FORMAT, FORMAT_VERSION, TfidfModel

SETTINGS = ("analyzer", "ngram_range", "lowercase", "strip_accents", "token_pattern", "stop_words",
            "binary", "sublinear_tf", "use_idf", "norm")


def vectorizer_settings(vectorizer: Any) -> dict[str, Any]:
    """What :class:`TfidfModel` needs to turn text into the same features (refuses what it can't)."""
    params = vectorizer.get_params()
    if params["analyzer"] not in ("word", "char") or params.get("preprocessor") or params.get("tokenizer"):
        raise ValueError("only word or character n-grams without custom functions can be saved as data")
    if params["strip_accents"] not in (None, "ascii", "unicode"):
        raise ValueError("custom accent stripping can't be saved as data")
    settings = {name: params[name] for name in SETTINGS}
    settings["ngram_range"] = list(settings["ngram_range"])
    stop = vectorizer.get_stop_words()
    settings["stop_words"] = sorted(stop) if stop else None
    return settings


def from_sklearn(vectorizer: Any, fitted: Any, task: str, label_names: list[str],
                 text_columns: list[str] | None = None) -> TfidfModel:
    """A :class:`TfidfModel` from a fitted ``TfidfVectorizer`` and ``baselines.fit_linear``'s model."""
    info: dict[str, Any] = {
        "format": FORMAT, "version": FORMAT_VERSION, "task": task, "label_names": list(label_names),
        "text_columns": list(text_columns or ["text"]), "settings": vectorizer_settings(vectorizer),
        "vocabulary": {term: int(i) for term, i in vectorizer.vocabulary_.items()},
    }
    arrays: dict[str, np.ndarray] = {}
    if getattr(vectorizer, "use_idf", True):
        arrays["idf"] = np.asarray(vectorizer.idf_, dtype=np.float64)
    n_features = len(info["vocabulary"])
    if task == "regression":
        info.update(link="identity", columns=[0])
        arrays["coef"] = np.asarray(fitted.coef_, dtype=np.float64).reshape(1, -1)
        arrays["intercept"] = np.atleast_1d(np.asarray(fitted.intercept_, dtype=np.float64))
    elif task == "multilabel":
        clf, keep, means = fitted
        estimators = clf.estimators_ if clf is not None else []
        info.update(link="sigmoid", columns=[int(j) for j in keep])
        arrays["coef"] = (np.vstack([e.coef_[0] for e in estimators]) if estimators
                          else np.zeros((0, n_features)))
        arrays["intercept"] = np.asarray([e.intercept_[0] for e in estimators], dtype=np.float64)
        arrays["priors"] = np.asarray(means, dtype=np.float64)
    else:
        binary = fitted.coef_.shape[0] == 1
        info.update(link="binary" if binary else "softmax", columns=[int(c) for c in fitted.classes_])
        arrays["coef"] = np.asarray(fitted.coef_, dtype=np.float64)
        arrays["intercept"] = np.asarray(fitted.intercept_, dtype=np.float64)
    return TfidfModel(info, arrays)


def fit_tfidf_model(data: PreparedData, text_columns: list[str] | None = None) -> TfidfModel:
    """The TF-IDF baseline refitted on the run's training rows (same vectorizer, same model, same
    split: the baseline the verdict measured)."""
    from tlstudio.core.evaluation.baselines import fit_linear, make_vectorizer, split_texts

    train = data.splits["train"]
    texts = split_texts(train)
    vectorizer = make_vectorizer(texts, max(1, len(data.label_names)))
    x_train = vectorizer.fit_transform(texts)
    fitted = fit_linear(data.task, x_train, np.asarray(train["label"]))
    return from_sklearn(vectorizer, fitted, data.task, data.label_names, text_columns)
