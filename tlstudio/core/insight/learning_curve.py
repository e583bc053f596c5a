"""Would more data help? A learning curve of a cheap model, a fitted power law and a plain answer.

The cheap model (TF-IDF + logistic regression) stands in for the transformer: its curve's
shape, not its level, is what tells whether more rows like these would help.
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from tlstudio.core.errors import DataError
from tlstudio.core.evaluation.format import percent
from tlstudio.core.insight.rows import LabelledRows, fit_model, method_name

FRACTIONS = (0.1, 0.25, 0.5, 1.0)
FLAT_POINTS = 0.5  # a doubling that adds less than this (in points) is "flat"


@dataclass
class CurvePoint:
    """Scores after training on ``rows`` training rows (mean over repeats)."""

    fraction: float
    rows: int
    accuracy: float
    spread: float  # standard deviation over the repeats
    class_f1: dict[str, float]


@dataclass
class LearningCurve:
    points: list[CurvePoint]
    test_rows: int
    gain_if_doubled: float  # points of accuracy, from the fitted curve
    fitted: bool  # False when the power law didn't fit and the last segment's slope was used
    sentence: str
    class_gain: dict[str, float] = field(default_factory=dict)  # points of F1 if doubled, largest first
    class_sentence: str = ""
    method: str = "TF-IDF + logistic regression"
    params: list[float] | None = None  # the fitted power law of accuracy (see :meth:`curve_at`)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def curve_at(self, rows: np.ndarray) -> np.ndarray | None:
        """The fitted curve's accuracy at ``rows`` training rows (None when no curve fitted)."""
        if self.params is None or not self.points:
            return None
        return power_law(np.asarray(rows, dtype=float) / self.points[-1].rows, *self.params)


def power_law(n: np.ndarray, a: float, b: float, c: float) -> np.ndarray:
    """score(n) = c - a * n^-b: rises with n and levels off at c."""
    return c - a * np.power(n, -b)


def fit_power_law(rows: list[int], scores: list[float]) -> tuple[float, float, float] | None:
    """``(a, b, c)`` of :func:`power_law` over ``rows`` scaled by the largest; None if it won't fit."""
    from scipy.optimize import curve_fit

    n, y = np.asarray(rows, dtype=float), np.asarray(scores, dtype=float)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            params, _ = curve_fit(power_law, n / n[-1], y, p0=(0.1, 0.5, min(1.0, y.max() + 0.01)),
                                  bounds=([0.0, 0.01, 0.0], [np.inf, 3.0, 1.0]), maxfev=20000)
    except (RuntimeError, ValueError):
        return None
    return float(params[0]), float(params[1]), float(params[2])


def gain_if_doubled(rows: list[int], scores: list[float]) -> tuple[float, bool]:
    """Score gain (same unit as ``scores``) from doubling the largest ``rows``; True if the law fitted."""
    params = fit_power_law(rows, scores)
    if params is not None:
        gain = float(power_law(np.array([2.0]), *params)[0] - power_law(np.array([1.0]), *params)[0])
        return max(0.0, gain), True
    # the last doubling's gain, the only slope the points still give
    n, y = np.asarray(rows, dtype=float), np.asarray(scores, dtype=float)
    return max(0.0, float(y[-1] - np.interp(n[-1] / 2, n, y))), False


def _subsample(labels: np.ndarray, size: int, seed: int) -> np.ndarray:
    from sklearn.model_selection import train_test_split

    if size >= len(labels):
        return np.arange(len(labels))
    counts = np.bincount(labels)
    stratify = labels if counts[counts > 0].min() >= 2 and size >= np.count_nonzero(counts) else None
    part, _ = train_test_split(np.arange(len(labels)), train_size=size, random_state=seed,
                               stratify=stratify)
    return np.sort(part)


def learning_curve(rows: LabelledRows, *, fractions: tuple[float, ...] = FRACTIONS, repeats: int = 3,
                   test_share: float = 0.2, seed: int = 0, features: np.ndarray | None = None
                   ) -> LearningCurve:
    """Accuracy and per-class F1 when training on growing shares of the rows; held-out test fixed.

    The model is TF-IDF + logistic regression, or logistic regression on ``features``.
    """
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import train_test_split

    names, k = rows.label_names, len(rows.label_names)
    counts = np.bincount(rows.labels, minlength=k)
    if len(rows) < 20 or np.count_nonzero(counts) < 2:
        raise DataError(f"A learning curve needs at least 20 rows and two classes; this file has "
                        f"{len(rows)} rows in {np.count_nonzero(counts)} class(es).")
    stratify = rows.labels if counts[counts > 0].min() >= 2 else None
    pool, test = train_test_split(np.arange(len(rows)), test_size=test_share, random_state=seed,
                                  stratify=stratify)
    points = []
    for fraction in fractions:
        size = max(2 * np.count_nonzero(counts), int(round(fraction * len(pool))))
        runs = []
        for r in range(1 if size >= len(pool) else repeats):
            part = pool[_subsample(rows.labels[pool], size, seed + r)]
            if len(np.unique(rows.labels[part])) < 2:
                continue
            model, inputs = fit_model(rows.texts, features, k)
            predicted = model.fit(inputs[part], rows.labels[part]).predict(inputs[test])
            runs.append((accuracy_score(rows.labels[test], predicted),
                         f1_score(rows.labels[test], predicted, labels=range(k), average=None,
                                  zero_division=0)))
        if runs:
            accuracy = np.array([a for a, _ in runs])
            f1 = np.mean([f for _, f in runs], axis=0)
            points.append(CurvePoint(fraction, int(min(size, len(pool))), float(accuracy.mean()),
                                     float(accuracy.std()), {names[j]: float(f1[j]) for j in range(k)}))
    return _summarise(points, len(test), names, method_name(features))


def _summarise(points: list[CurvePoint], test_rows: int, names: list[str], method: str) -> LearningCurve:
    sizes = [p.rows for p in points]
    gain, fitted = gain_if_doubled(sizes, [p.accuracy for p in points])
    params = fit_power_law(sizes, [p.accuracy for p in points]) if fitted else None
    class_gain = {name: 100 * gain_if_doubled(sizes, [p.class_f1[name] for p in points])[0]
                  for name in names}
    class_gain = dict(sorted(class_gain.items(), key=lambda kv: -kv[1]))
    return LearningCurve(points, test_rows, 100 * gain, fitted,
                         _sentence(100 * gain, sizes[-1], points[-1].accuracy),
                         class_gain, _class_sentence(class_gain), method,
                         None if params is None else list(params))


def _points(value: float) -> str:
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def _sentence(gain: float, rows: int, accuracy: float) -> str:
    if gain < FLAT_POINTS:
        return (f"The curve is flat: doubling the training rows (from {rows:,} to {2 * rows:,}) "
                f"would add under {FLAT_POINTS} points of accuracy. More of the same rows won't "
                "help; cleaner labels or a stronger model might.")
    return (f"Doubling the training rows (from {rows:,} to {2 * rows:,}) would add about "
            f"{_points(gain)} points of accuracy ({percent(accuracy)} now, for the quick model).")


def _class_sentence(class_gain: dict[str, float]) -> str:
    growing = [(name, g) for name, g in class_gain.items() if g >= FLAT_POINTS]
    if not growing:
        return "No class is still improving much with more rows."
    shown = ", ".join(f"'{name}' (+{_points(g)} points F1)" for name, g in growing[:5])
    return f"Classes that would gain most from more examples: {shown}."
