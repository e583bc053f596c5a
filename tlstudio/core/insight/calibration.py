"""How sure the model is: reliability diagram, ECE, temperature scaling and decision thresholds.

``calibration.json`` (in the run folder, beside ``config.json``) stores what this fits::

    {"schema_version": 1,
     "temperature": 1.7,            # divide the logits by this before softmax / sigmoid
     "thresholds": {"positive": 0.42},  # binary: the positive class; multi-label: one per label
     "unsure_below": 0.71,          # top-class probability under which a prediction is "unsure"
     "fitted_on": "validation",
     "ece_before": 0.081, "ece_after": 0.023}

Every key but ``temperature`` may be missing; a missing file means temperature 1 and the
default thresholds (argmax, or 0.5 per label).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tlstudio.core.errors import ModelError
from tlstudio.core.runs.calibration import Calibration

BINS = 10


@dataclass
class Reliability:
    """Reliability-diagram data over equal-width confidence bins, and the expected calibration error."""

    edges: list[float]
    confidence: list[float | None]  # mean confidence per bin (None: empty bin)
    accuracy: list[float | None]  # share correct per bin
    counts: list[int]
    ece: float


def reliability(probs: np.ndarray, labels: np.ndarray, bins: int = BINS) -> Reliability:
    """Top-class confidence against accuracy; ECE is the count-weighted gap |accuracy - confidence|."""
    probs, labels = np.asarray(probs, dtype=float), np.asarray(labels)
    confidence = probs.max(axis=1)
    correct = probs.argmax(axis=1) == labels
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, bins - 1)
    conf, acc, counts, ece = [], [], [], 0.0
    for b in range(bins):
        inside = which == b
        n = int(inside.sum())
        counts.append(n)
        if n == 0:
            conf.append(None)
            acc.append(None)
            continue
        conf.append(float(confidence[inside].mean()))
        acc.append(float(correct[inside].mean()))
        ece += n / len(labels) * abs(acc[-1] - conf[-1])
    return Reliability(edges.tolist(), conf, acc, counts, float(ece))


def reliability_of(task: str, probs: np.ndarray, labels: np.ndarray) -> Reliability:
    """Reliability of single-label top-class confidence, or of every (row, label) decision for
    multi-label (each label is a yes/no question with its own probability)."""
    probs, labels = np.asarray(probs, dtype=float), np.asarray(labels)
    if task == "multilabel":
        flat = probs.reshape(-1)
        return reliability(np.stack([1 - flat, flat], axis=1), labels.reshape(-1).astype(int))
    return reliability(probs, labels.astype(int))


def logits_from_scores(task: str, scores: np.ndarray) -> np.ndarray:
    """Logits recovered from probabilities (what ``Predictor.predict_scores`` returns).

    Softmax: log-probabilities differ from the logits by a per-row constant, which softmax
    ignores, so temperature scaling on them is exact. Sigmoid: the log-odds.
    """
    p = np.clip(np.asarray(scores, dtype=float), 1e-12, 1 - 1e-12)
    return np.log(p / (1 - p)) if task == "multilabel" else np.log(p)


def scaled_probs(task: str, logits: np.ndarray, temperature: float) -> np.ndarray:
    """Probabilities from ``logits / temperature`` (sigmoid for multi-label, softmax otherwise)."""
    from scipy.special import expit, softmax

    z = np.asarray(logits, dtype=float) / temperature
    return expit(z) if task == "multilabel" else softmax(z, axis=1)


def _nll(task: str, logits: np.ndarray, labels: np.ndarray, temperature: float) -> float:
    from scipy.special import log_expit, log_softmax

    z = logits / temperature
    if task == "multilabel":
        return float(-(labels * log_expit(z) + (1 - labels) * log_expit(-z)).mean())
    return float(-log_softmax(z, axis=1)[np.arange(len(labels)), labels].mean())


@dataclass
class TemperatureFit:
    """The fitted temperature and what it did to the validation split."""

    temperature: float
    ece_before: float
    ece_after: float
    nll_before: float
    nll_after: float


def fit_temperature(logits: np.ndarray, labels: np.ndarray, task: str = "multiclass") -> TemperatureFit:
    """The single T > 0 minimising validation negative log-likelihood of ``softmax(logits / T)``.

    Dividing by one number never changes which class wins, so accuracy is untouched.
    Multi-label ``labels`` are the 0/1 matrix; ECE is then over every (row, label) pair.
    """
    from scipy.optimize import minimize_scalar

    logits = np.asarray(logits, dtype=float)
    labels = np.asarray(labels)
    if len(labels) < 2:
        raise ModelError("At least two validation rows are needed to fit a temperature.")
    found = minimize_scalar(lambda log_t: _nll(task, logits, labels, float(np.exp(log_t))),
                            bounds=(np.log(0.05), np.log(20.0)), method="bounded")
    temperature = float(np.exp(found.x))

    def ece(t: float) -> float:
        return reliability_of(task, scaled_probs(task, logits, t), labels).ece

    return TemperatureFit(temperature, ece(1.0), ece(temperature),
                          _nll(task, logits, labels, 1.0), _nll(task, logits, labels, temperature))


@dataclass
class ThresholdCurve:
    """Binary precision / recall / F1 at each candidate threshold on the positive class's probability."""

    thresholds: list[float]
    precision: list[float]
    recall: list[float]
    f1: list[float]
    best_threshold: float  # highest F1
    best_f1: float


def threshold_curve(positive_probs: np.ndarray, positive: np.ndarray) -> ThresholdCurve:
    """Precision, recall and F1 as a function of the decision threshold (sklearn's PR curve)."""
    from sklearn.metrics import precision_recall_curve

    precision, recall, thresholds = precision_recall_curve(np.asarray(positive).astype(int),
                                                           np.asarray(positive_probs, dtype=float))
    precision, recall = precision[:-1], recall[:-1]  # the last point has no threshold
    with np.errstate(divide="ignore", invalid="ignore"):
        f1 = np.nan_to_num(2 * precision * recall / (precision + recall))
    best = int(np.argmax(f1)) if len(f1) else 0
    return ThresholdCurve(thresholds.tolist(), precision.tolist(), recall.tolist(), f1.tolist(),
                          float(thresholds[best]) if len(thresholds) else 0.5,
                          float(f1[best]) if len(f1) else 0.0)


def multilabel_thresholds(probs: np.ndarray, labels: np.ndarray, names: list[str]) -> dict[str, float]:
    """Per-label threshold with the best F1 (0.5 for a label that never occurs in ``labels``)."""
    probs, labels = np.asarray(probs, dtype=float), np.asarray(labels)
    found = {}
    for j, name in enumerate(names):
        column = labels[:, j].astype(int)
        found[name] = threshold_curve(probs[:, j], column).best_threshold if column.any() else 0.5
    return found


@dataclass
class UnsureThreshold:
    """Below ``threshold`` top-class probability a prediction is "unsure"; above it, accuracy is met."""

    threshold: float
    accuracy_above: float
    coverage: float  # share of rows at or above the threshold
    target_accuracy: float


def unsure_threshold(probs: np.ndarray, labels: np.ndarray, target_accuracy: float = 0.95) -> UnsureThreshold:
    """The lowest confidence cut-off whose sure rows reach ``target_accuracy`` (or the best reachable)."""
    probs, labels = np.asarray(probs, dtype=float), np.asarray(labels)
    confidence = probs.max(axis=1)
    correct = (probs.argmax(axis=1) == labels).astype(float)
    order = np.argsort(-confidence, kind="stable")
    running = np.cumsum(correct[order]) / np.arange(1, len(order) + 1)  # accuracy of the top-k sure rows
    meets = np.flatnonzero(running >= target_accuracy)
    k = int(meets.max()) if len(meets) else int(np.argmax(running))
    return UnsureThreshold(float(confidence[order][k]), float(running[k]), (k + 1) / len(labels),
                           target_accuracy)


def save_calibration(folder: str | Path, calibration: Calibration) -> Path:
    """Write ``calibration.json`` into the run ``folder`` (through its RunFolder); return its path."""
    from tlstudio.core.runs.store import RunFolder

    return RunFolder(folder).write_calibration(calibration)


def load_calibration(folder: str | Path) -> Calibration | None:
    """``calibration.json`` from ``folder``; None when there is none. A damaged file is a ModelError."""
    from tlstudio.core.runs.store import RunFolder

    return RunFolder(folder).calibration()
