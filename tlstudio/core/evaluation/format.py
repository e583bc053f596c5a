"""How numbers read wherever TL Studio shows them: one owner, so every page says it alike.

Scores (accuracy, F1, correlations, losses) have 3 decimals; probabilities are whole percents
(one decimal under 1% and over 99%, so 0.996 never reads as a certain 100%); a percent is written
"95%", never "95 %" (shares of rows: :func:`percent`); metric keys
read as words ("f1_macro" is "macro F1", as the verdict says it); p-values have 2 digits, and
a tiny one reads "p < 0.001" (not "p = 1.4e-34"); learning rates read as people write them,
"5e-5" and "1e-4" (never "5e-05" beside "0.0001").
"""

from __future__ import annotations

import math
from typing import Any

METRIC_NAMES = {
    "accuracy": "accuracy", "f1": "F1", "f1_macro": "macro F1", "f1_micro": "micro F1",
    "f1_weighted": "weighted F1", "precision": "precision", "recall": "recall",
    "hamming_loss": "Hamming loss", "subset_accuracy": "exact-match accuracy",
    "mse": "MSE", "mae": "MAE", "rmse": "RMSE", "r2": "R²", "pearson": "Pearson correlation",
    "spearman": "Spearman correlation", "loss": "loss", "roc_auc": "ROC AUC", "ece": "ECE",
    "precision_macro": "macro precision", "recall_macro": "macro recall",
    "precision_weighted": "weighted precision", "recall_weighted": "weighted recall",
}


def metric_name(key: str) -> str:
    """A metric key as a person reads it, mid-sentence: "eval_f1_macro" is "macro F1"."""
    key = key.removeprefix("eval_").removeprefix("test_")
    if key in METRIC_NAMES:
        return METRIC_NAMES[key]
    return key.replace("_", " ").strip()


def score(value: Any) -> str:
    """A score with 3 decimals ("0.384"); a dash for a missing or undefined one."""
    if value is None or isinstance(value, bool):
        return "–"
    number = float(value)
    return "–" if math.isnan(number) or math.isinf(number) else f"{number:.3f}"


def significant(value: float, places: int = 4) -> str:
    """A setting's number to 3 significant digits, at most ``places`` decimals: "17", "1.14",
    "0.0241" (a plan's 1.1364 epochs read as a person would write them)."""
    if value == 0 or math.isnan(value) or math.isinf(value):
        return "–" if math.isnan(value) else f"{value:g}"
    decimals = max(0, min(places, 2 - math.floor(math.log10(abs(value)))))
    return f"{value:.{decimals}f}".rstrip("0").rstrip(".") if decimals else f"{value:.0f}"


def learning_rate(value: Any, digits: int | None = None) -> str:
    """A learning rate as people write one: "5e-5", "1e-4", "2.5e-5"; exact, or to at most
    ``digits`` significant digits (a decaying rate mid-run: "9.87e-5")."""
    if value is None:
        return "–"
    number = float(value)
    if number == 0 or math.isnan(number) or math.isinf(number):
        return "–" if math.isnan(number) else f"{number:g}"
    for kept in range(1, 18):
        text = f"{number:.{kept - 1}e}"
        if float(text) == number or kept == digits:
            break
    mantissa, exponent = text.split("e")
    return f"{mantissa.rstrip('0').rstrip('.') if '.' in mantissa else mantissa}e{int(exponent)}"


def percent(share: Any, decimals: int = 0) -> str:
    """A share of a whole as a percent, the sign against the number: 0.15 is "15%"."""
    if share is None:
        return "–"
    number = float(share)
    return "–" if math.isnan(number) else f"{100 * number:.{decimals}f}%"


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


def p_value(value: float) -> str:
    """A test's p-value as a phrase: "p = 0.039", "p = 0.77"; "p < 0.001" below that."""
    return "p < 0.001" if value < 0.001 else f"p = {value:.2g}"


def metric(key: str, value: Any) -> str:
    """``key`` and its value as one phrase: "macro F1 0.384"."""
    return f"{metric_name(key)} {score(value)}"
