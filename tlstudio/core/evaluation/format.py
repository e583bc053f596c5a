"""How numbers read wherever TL Studio shows them: one owner, so every page says it alike.

Scores (accuracy, F1, correlations, losses) have 3 decimals; probabilities are whole percents
(one decimal under 1 % and over 99 %, so 0.996 never reads as a certain 100 %); metric keys
read as words ("f1_macro" is "F1 macro").
"""

from __future__ import annotations

import math
from typing import Any

METRIC_NAMES = {
    "accuracy": "Accuracy", "f1": "F1", "f1_macro": "F1 macro", "f1_micro": "F1 micro",
    "f1_weighted": "F1 weighted", "precision": "Precision", "recall": "Recall",
    "hamming_loss": "Hamming loss", "subset_accuracy": "Exact-match accuracy",
    "mse": "MSE", "mae": "MAE", "rmse": "RMSE", "r2": "R²", "pearson": "Pearson r",
    "spearman": "Spearman ρ", "loss": "Loss", "roc_auc": "ROC AUC", "ece": "ECE",
}


def metric_name(key: str) -> str:
    """A metric key as a person reads it: "eval_f1_macro" is "F1 macro"."""
    key = key.removeprefix("eval_").removeprefix("test_")
    if key in METRIC_NAMES:
        return METRIC_NAMES[key]
    words = key.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def score(value: Any) -> str:
    """A score with 3 decimals ("0.384"); a dash for a missing or undefined one."""
    if value is None or isinstance(value, bool):
        return "–"
    number = float(value)
    return "–" if math.isnan(number) or math.isinf(number) else f"{number:.3f}"


def probability(value: Any) -> str:
    """A probability as a percent: "64%"; one decimal near 0 and 1 ("99.6%", "0.4%")."""
    if value is None:
        return "–"
    number = float(value)
    if math.isnan(number):
        return "–"
    percent = 100 * number
    if 0 < percent < 1 or 99 < percent < 100:
        return f"{percent:.1f}%"
    return f"{percent:.0f}%"


def metric(key: str, value: Any) -> str:
    """``key`` and its value as one phrase: "F1 macro 0.384"."""
    return f"{metric_name(key)} {score(value)}"
