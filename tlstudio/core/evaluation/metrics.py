"""Task metrics with scikit-learn: one place, used for validation, test, baselines and evaluation."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

MAIN_METRIC = {"binary": "f1_macro", "multiclass": "f1_macro", "multilabel": "f1_micro", "regression": "pearson"}
MISCLASSIFIED_LIMIT = 200
# Reports stay small with thousands of classes: a confusion matrix only up to this many
# classes, per-class scores for this many (the most frequent), and per-row scores for the
# likeliest TOP_K_SCORES classes only.
MAX_REPORT_CLASSES = 50
TOP_K_SCORES = 5
MULTILABEL_THRESHOLD = 0.5


def main_metric(task: str) -> str:
    """The metric a run is judged by (and early-stopped on)."""
    return MAIN_METRIC[task]


_HEADLINE_FALLBACK = ("accuracy", "f1_macro", "f1", "f1_micro", "pearson", "spearman", "r2", "mae")


def headline_metric(metrics: dict[str, Any], task: str | None = None) -> str | None:
    """The key of ``metrics`` to headline: the task's :func:`main_metric` when it is there,
    else the first familiar score (``eval_`` prefixes allowed), else any non-loss number."""
    names = ([MAIN_METRIC[task]] if task in MAIN_METRIC else []) + list(_HEADLINE_FALLBACK)
    for name in names:
        for key in (name, f"eval_{name}"):
            if key in metrics:
                return key
    others = [k for k in metrics if "loss" not in k and isinstance(metrics[k], (int, float))]
    return others[0] if others else None


def _clean(value: Any) -> float | None:
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else round(value, 6)


def scores_from_outputs(task: str, logits: np.ndarray) -> np.ndarray:
    """Model outputs to probabilities (softmax / sigmoid) or, for regression, scores of shape (n,)."""
    logits = np.asarray(logits, dtype=np.float64)
    if task == "regression":
        return logits.reshape(len(logits), -1)[:, 0]
    if task == "multilabel":
        return 1.0 / (1.0 + np.exp(-logits))
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def classification_metrics(y_true: np.ndarray, probs: np.ndarray) -> dict[str, float | None]:
    """Accuracy, macro/weighted precision-recall-F1, and ROC-AUC for two classes."""
    from sklearn.metrics import accuracy_score, precision_recall_fscore_support, roc_auc_score

    y_true = np.asarray(y_true).astype(int)
    y_pred = probs.argmax(axis=1)
    labels = list(range(probs.shape[1]))
    out: dict[str, float | None] = {"accuracy": _clean(accuracy_score(y_true, y_pred))}
    for average in ("macro", "weighted"):
        p, r, f, _ = precision_recall_fscore_support(
            y_true, y_pred, labels=labels, average=average, zero_division=0
        )
        out.update({f"precision_{average}": _clean(p), f"recall_{average}": _clean(r), f"f1_{average}": _clean(f)})
    if probs.shape[1] == 2 and len(set(y_true.tolist())) == 2:
        out["roc_auc"] = _clean(roc_auc_score(y_true, probs[:, 1]))
    return out


def multilabel_metrics(y_true: np.ndarray, probs: np.ndarray) -> dict[str, float | None]:
    """Micro/macro F1, Hamming loss and exact-match accuracy at threshold 0.5."""
    from sklearn.metrics import accuracy_score, f1_score, hamming_loss

    y_true = np.asarray(y_true).astype(int)
    y_pred = (probs >= MULTILABEL_THRESHOLD).astype(int)
    return {
        "f1_micro": _clean(f1_score(y_true, y_pred, average="micro", zero_division=0)),
        "f1_macro": _clean(f1_score(y_true, y_pred, average="macro", zero_division=0)),
        "hamming_loss": _clean(hamming_loss(y_true, y_pred)),
        "subset_accuracy": _clean(accuracy_score(y_true, y_pred)),
    }


def regression_metrics(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float | None]:
    """MSE, MAE, R², Pearson and Spearman correlation."""
    from scipy.stats import pearsonr, spearmanr
    from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score

    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    constant = len(y_true) < 2 or np.ptp(y_pred) < 1e-9 or np.ptp(y_true) < 1e-9
    with warnings.catch_warnings():  # near-constant input: correlation is undefined, reported as None
        warnings.simplefilter("ignore")
        return {
            "mse": _clean(mean_squared_error(y_true, y_pred)),
            "mae": _clean(mean_absolute_error(y_true, y_pred)),
            "r2": _clean(r2_score(y_true, y_pred)) if len(y_true) > 1 else None,
            "pearson": None if constant else _clean(pearsonr(y_true, y_pred)[0]),
            "spearman": None if constant else _clean(spearmanr(y_true, y_pred)[0]),
        }


def task_metrics(task: str, y_true: np.ndarray, scores: np.ndarray) -> dict[str, float | None]:
    """The headline metrics for ``task`` from probabilities (or regression scores)."""
    if task == "regression":
        return regression_metrics(y_true, scores)
    if task == "multilabel":
        return multilabel_metrics(y_true, scores)
    return classification_metrics(y_true, scores)


def trainer_metrics(task: str) -> Callable[[Any], dict[str, float]]:
    """A ``compute_metrics`` for the Trainer's validation passes (None becomes 0 so it can rank)."""

    def compute(eval_prediction: Any) -> dict[str, float]:
        logits = eval_prediction.predictions
        logits = logits[0] if isinstance(logits, tuple) else logits
        values = task_metrics(task, eval_prediction.label_ids, scores_from_outputs(task, logits))
        return {k: (0.0 if v is None else v) for k, v in values.items()}

    return compute


def detailed_report(
    task: str,
    label_names: list[str],
    y_true: np.ndarray,
    scores: np.ndarray,
    texts: Sequence[str],
    rows: Sequence[int],
) -> dict[str, Any]:
    """Test-set report: metrics plus confusion matrix, per-class scores and misclassified rows."""
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    report: dict[str, Any] = {"task": task, "label_names": label_names, "model": task_metrics(task, y_true, scores)}
    if task == "regression":
        report["pairs"] = [[_clean(t), _clean(p)] for t, p in zip(y_true, scores, strict=True)]
        return report
    if task == "multilabel":
        truth, pred = np.asarray(y_true).astype(int), (scores >= MULTILABEL_THRESHOLD).astype(int)
    else:
        truth, pred = np.asarray(y_true).astype(int), scores.argmax(axis=1)
        if len(label_names) <= MAX_REPORT_CLASSES:
            labels = list(range(len(label_names)))
            report["confusion_matrix"] = confusion_matrix(truth, pred, labels=labels).tolist()
    p, r, f, s = precision_recall_fscore_support(
        truth, pred, labels=list(range(len(label_names))), average=None, zero_division=0
    )
    shown = sorted(range(len(label_names)), key=lambda i: -int(s[i]))[:MAX_REPORT_CLASSES]
    report["per_class"] = {
        label_names[i]: {"precision": _clean(p[i]), "recall": _clean(r[i]), "f1": _clean(f[i]),
                         "support": int(s[i])}
        for i in sorted(shown)
    }
    if len(label_names) > MAX_REPORT_CLASSES:
        report["classes_shown"] = f"the {MAX_REPORT_CLASSES} most frequent of {len(label_names):,} classes"
    report["misclassified"] = _misclassified(task, label_names, truth, pred, scores, texts, rows)
    return report


def _names(label_names: list[str], vector: np.ndarray) -> list[str]:
    return [label_names[i] for i in np.flatnonzero(vector)]


def _misclassified(
    task: str,
    label_names: list[str],
    truth: np.ndarray,
    pred: np.ndarray,
    scores: np.ndarray,
    texts: Sequence[str],
    rows: Sequence[int],
) -> list[dict[str, Any]]:
    """Wrong predictions, most confident first (those are the most instructive)."""
    wrong = []
    for i in range(len(truth)):
        if task == "multilabel":
            if np.array_equal(truth[i], pred[i]):
                continue
            true, predicted = _names(label_names, truth[i]), _names(label_names, pred[i])
            confidence = float(np.mean(np.maximum(scores[i], 1 - scores[i])))
        else:
            if truth[i] == pred[i]:
                continue
            true, predicted = label_names[truth[i]], label_names[pred[i]]
            confidence = float(scores[i][pred[i]])
        wrong.append({"row": int(rows[i]), "text": texts[i], "true": true, "predicted": predicted,
                      "confidence": round(confidence, 4)})
    wrong.sort(key=lambda item: -item["confidence"])
    return wrong[:MISCLASSIFIED_LIMIT]
