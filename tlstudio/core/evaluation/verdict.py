"""The verdict after a run: how good the model is, with uncertainty, beside the simple methods.

A score alone does not tell a person whether fine-tuning worked. The verdict puts the main
score (with a 95 % bootstrap interval over the test rows) beside every baseline scored on the
*same* rows, tests model against the best baseline, and says in one sentence what that means,
with advice that fits what was measured.

Significance: for binary/multiclass the paired test is McNemar's on per-row correctness (exact
binomial on the discordant rows when there are fewer than 25, chi-square with continuity
correction otherwise). It compares errors, so it speaks for accuracy; the main metric (macro F1)
follows it closely except on very imbalanced sets, where the best baseline by macro F1 is
rarely "always the same answer" anyway. Regression and multilabel use a paired bootstrap of
the main metric's difference.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from tlstudio.core.evaluation.format import metric_name, percent
from tlstudio.core.evaluation.format import p_value as p_phrase
from tlstudio.core.evaluation.format import score as _fmt
from tlstudio.core.evaluation.metrics import MULTILABEL_THRESHOLD, main_metric

ALPHA = 0.05
N_RESAMPLES = 1000
EXACT_BELOW = 25  # discordant pairs: under this McNemar's chi-square approximation is poor
RISING_BY = 0.005  # validation gain over the last evaluations that counts as "still rising"
FEW_ROWS_PER_CLASS = 100
# Scores (regression): below this many training rows fine-tuning lost to frozen embeddings +
# ridge on STS-B (170 rows: 0.753 against 0.816 Pearson, p = 0.002; 425 rows: a tie), and no
# per-class count exists to advise from (docs/training-plan.md).
FEW_ROWS_FOR_SCORES = 500
IMBALANCED_SHARE = 0.25  # smallest class below this share of the largest: imbalanced
UNKNOWN_TOKENS = 0.10  # share of tokens the model does not know: it does not know the language

METRIC_NAMES = {key: metric_name(key) for key in ("f1_macro", "f1_micro", "pearson")}  # one wording
BASELINE_NAMES = {
    "tfidf": "TF-IDF + logistic regression",
    "embeddings": "sentence embeddings + logistic regression",
    "zero_shot": "zero-shot label matching",
}
LINEAR_MODELS = {"regression": "ridge regression"}  # what baselines.fit_linear fits per task


# -- per-row predictions and a fast main metric ----------------------------------------------

def predictions(task: str, scores: np.ndarray) -> np.ndarray:
    """Per-row answers from scores: class index, 0/1 label matrix, or the regression value."""
    scores = np.asarray(scores, dtype=np.float64)
    if task == "regression":
        return scores.reshape(len(scores), -1)[:, 0]
    if task == "multilabel":
        return (scores >= MULTILABEL_THRESHOLD).astype(int)
    return scores.argmax(axis=1)


def _f1_macro(y: np.ndarray, pred: np.ndarray, n_classes: int) -> float:
    """Macro F1 over all classes (absent ones count 0), as :func:`metrics.classification_metrics`."""
    tp = np.bincount(y[y == pred], minlength=n_classes)
    denom = np.bincount(y, minlength=n_classes) + np.bincount(pred, minlength=n_classes)
    f1 = np.divide(2 * tp, denom, out=np.zeros(n_classes), where=denom > 0)
    return float(f1.mean())


def _f1_micro(y: np.ndarray, pred: np.ndarray) -> float:
    tp = float((y * pred).sum())
    denom = float(y.sum() + pred.sum())
    return 2 * tp / denom if denom else 0.0


def _pearson(y: np.ndarray, pred: np.ndarray) -> float:
    if len(y) < 2 or np.ptp(y) < 1e-12 or np.ptp(pred) < 1e-12:
        return 0.0  # undefined for a constant: "no linear relation" is what it means here
    return float(np.corrcoef(y, pred)[0, 1])


def score(task: str, y: np.ndarray, pred: np.ndarray, n_classes: int) -> float:
    """The main metric from per-row answers (fast enough to bootstrap)."""
    if task == "regression":
        return _pearson(y, pred)
    if task == "multilabel":
        return _f1_micro(y, pred)
    return _f1_macro(y, pred, n_classes)


# -- uncertainty and tests -------------------------------------------------------------------

def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def confidence_interval(
    task: str, y: np.ndarray, pred: np.ndarray, n_classes: int, *, seed: int = 0,
    n_resamples: int = N_RESAMPLES, level: float = 0.95,
) -> tuple[float, float]:
    """Percentile bootstrap interval of the main metric, resampling test rows."""
    from scipy.stats import bootstrap

    if len(y) < 2:
        value = score(task, y, pred, n_classes)
        return value, value
    rows = np.arange(len(y))
    if task == "regression":
        result = bootstrap((rows,), lambda idx: score(task, y[idx], pred[idx], n_classes),
                           vectorized=False, n_resamples=n_resamples, confidence_level=level,
                           method="percentile", random_state=_rng(seed))
    else:  # the same resamples, scored all at once: 1000 Python calls held the GIL (a frozen window)
        result = bootstrap((rows,), lambda idx, axis=-1: _resampled_scores(task, y, pred, n_classes, idx),
                           vectorized=True, n_resamples=n_resamples, confidence_level=level,
                           method="percentile", random_state=_rng(seed))
    low, high = result.confidence_interval
    return float(low), float(high)


_CHUNK = 500_000  # rows x resamples scored at a time: bounds memory and each hold of the GIL


def _resampled_scores(task: str, y: np.ndarray, pred: np.ndarray, n_classes: int,
                      idx: np.ndarray) -> np.ndarray | float:
    """:func:`score` of each resample (a row of ``idx``), classification and multilabel only.

    Integer counts as in :func:`_f1_macro` and :func:`_f1_micro`, so the values are the same.
    """
    if idx.ndim == 1:
        return float(_resampled_scores(task, y, pred, n_classes, idx[None, :])[0])
    step = max(1, _CHUNK // max(1, idx.shape[1]))
    return np.concatenate([_chunk_scores(task, y, pred, n_classes, idx[i:i + step])
                           for i in range(0, len(idx), step)])


def _chunk_scores(task: str, y: np.ndarray, pred: np.ndarray, n_classes: int,
                  idx: np.ndarray) -> np.ndarray:
    yy, pp = y[idx], pred[idx]
    count = len(idx)
    if task == "multilabel":
        tp = (yy * pp).reshape(count, -1).sum(axis=1).astype(float)
        denom = (yy.reshape(count, -1).sum(axis=1) + pp.reshape(count, -1).sum(axis=1)).astype(float)
        return np.divide(2 * tp, denom, out=np.zeros(count), where=denom > 0)
    k = max(n_classes, int(max(y.max(initial=0), pred.max(initial=0))) + 1)
    shifted_y = yy + (np.arange(count) * k)[:, None]
    shifted_p = pp + (np.arange(count) * k)[:, None]
    tp = np.bincount(shifted_y[yy == pp], minlength=count * k).reshape(count, k)
    denom = (np.bincount(shifted_y.ravel(), minlength=count * k)
             + np.bincount(shifted_p.ravel(), minlength=count * k)).reshape(count, k)
    f1 = np.divide(2 * tp, denom, out=np.zeros((count, k)), where=denom > 0)
    return f1.mean(axis=1)


def mcnemar(model_right: np.ndarray, baseline_right: np.ndarray) -> tuple[float, str]:
    """Two-sided McNemar p-value on paired correctness, and which form was used."""
    from scipy.stats import binomtest, chi2

    b = int(np.sum(model_right & ~baseline_right))
    c = int(np.sum(~model_right & baseline_right))
    if b + c == 0:
        return 1.0, "McNemar (no rows differ)"
    if b + c < EXACT_BELOW:
        return float(binomtest(b, b + c, 0.5).pvalue), "McNemar exact"
    statistic = (abs(b - c) - 1) ** 2 / (b + c)
    return float(chi2.sf(statistic, 1)), "McNemar chi-square"


def paired_bootstrap(
    task: str, y: np.ndarray, model: np.ndarray, baseline: np.ndarray, n_classes: int, *,
    seed: int = 0, n_resamples: int = N_RESAMPLES,
) -> float:
    """Two-sided p-value that the main metric differs, resampling rows for both together."""
    rng = _rng(seed)
    n = len(y)
    diffs = np.empty(n_resamples)
    for i in range(n_resamples):
        idx = rng.integers(0, n, n)
        diffs[i] = score(task, y[idx], model[idx], n_classes) - score(task, y[idx], baseline[idx], n_classes)
    below, above = int(np.sum(diffs <= 0)), int(np.sum(diffs >= 0))
    return float(min(1.0, 2 * (min(below, above) + 1) / (n_resamples + 1)))


def compare(
    task: str, y: np.ndarray, model: np.ndarray, baseline: np.ndarray, n_classes: int, *, seed: int = 0,
) -> tuple[float, str]:
    """p-value of model vs one baseline on the same rows, and the test's name."""
    if task in ("binary", "multiclass"):
        return mcnemar(model == y, baseline == y)
    return paired_bootstrap(task, y, model, baseline, n_classes, seed=seed), "paired bootstrap"


# -- advice and the sentence -----------------------------------------------------------------

def still_rising(values: Sequence[float]) -> bool:
    """True when the last validation score is the best and rose over the last passes."""
    values = [float(v) for v in values if v is not None]
    if len(values) < 2:
        return False
    window = values[-3:]
    return values[-1] >= max(values) - 1e-12 and values[-1] - window[0] >= RISING_BY


def validation_curve(log_history: Sequence[Mapping[str, Any]], task: str) -> list[float]:
    """The main metric of each validation pass, from the Trainer's ``log_history``."""
    key = f"eval_{main_metric(task)}"
    return [float(entry[key]) for entry in log_history if entry.get(key) is not None]


def _advice(task: str, context: Mapping[str, Any], learned_nothing: bool, beats: bool) -> list[dict[str, str]]:
    """Advice ids and sentences for a verdict that is not "better"; only what the numbers support."""
    if beats:
        return []
    advice = []
    fine_tuned = context.get("shipped") in (None, "fine_tuned")  # a kept baseline has no training curve
    if fine_tuned and still_rising(context.get("validation", ())):
        advice.append({"id": "train_longer", "text": "Train longer: the validation score was still "
                       "rising when training ended."})
    counts = {k: int(v) for k, v in (context.get("train_counts") or {}).items()}
    if task in ("binary", "multiclass", "multilabel") and counts:
        fewest_name, fewest = min(counts.items(), key=lambda kv: kv[1])
        if fewest < FEW_ROWS_PER_CLASS:
            advice.append({"id": "more_rows", "text": f"Add labelled rows: '{fewest_name}' has only "
                           f"{fewest} training rows; aim for at least {FEW_ROWS_PER_CLASS} per class."})
        if (fine_tuned and task != "multilabel" and not context.get("class_weights")
                and fewest < IMBALANCED_SHARE * max(counts.values())):
            advice.append({"id": "class_weights", "text": f"Turn on class weights: '{fewest_name}' has "
                           f"{fewest} training rows against {max(counts.values())} for the largest class."})
    rows = context.get("train_rows")
    if task == "regression" and rows is not None and int(rows) < FEW_ROWS_FOR_SCORES:
        advice.append({"id": "more_rows", "text": f"Add labelled rows: the model learned from only "
                       f"{int(rows)} training rows; aim for at least {FEW_ROWS_FOR_SCORES}."})
    unknown = context.get("unk_share")
    if unknown is not None and unknown >= UNKNOWN_TOKENS:
        advice.append({"id": "language_model", "text": f"Choose a model that knows this language: the "
                       f"current one does not know {percent(unknown)} of the tokens."})
    if learned_nothing and not advice:
        advice.append({"id": "lower_learning_rate", "text": "Lower the learning rate: the model ended up "
                       "giving (nearly) the same answer to everything."})
    return advice


def _majority_name(task: str, label_names: Sequence[str], majority_pred: np.ndarray | None) -> str:
    if task == "regression":
        return "always answering the average"
    if task == "multilabel" or majority_pred is None or not len(majority_pred) or not label_names:
        return "always giving the most common answer"
    return f"always answering '{label_names[int(majority_pred[0])]}'"


def baseline_name(key: str, task: str, label_names: Sequence[str], majority_pred: np.ndarray | None) -> str:
    """A baseline in words, e.g. "always answering 'positive'"."""
    if key == "majority":
        return _majority_name(task, label_names, majority_pred)
    name = BASELINE_NAMES.get(key, key)
    return name.replace("logistic regression", LINEAR_MODELS.get(task, "logistic regression"))


def _rows_right(y: np.ndarray, model: np.ndarray, preds: Mapping[str, np.ndarray],
                majority: dict[str, Any] | None) -> tuple[int, int] | None:
    """Rows the model and the majority baseline answer right, where McNemar's test compared them."""
    if majority is None or not str(majority.get("test", "")).startswith("McNemar"):
        return None
    return int((model == y).sum()), int((preds["majority"] == y).sum())


def _is_constant(task: str, pred: np.ndarray) -> bool:
    if task == "regression":
        return bool(np.ptp(pred) < 1e-9) if len(pred) else True
    return len(np.unique(pred, axis=0)) <= 1


def _sentence(kind: str, metric: str, value: float, best: dict[str, Any], majority: dict[str, Any] | None,
              keepable: bool = True, rows_right: tuple[int, int] | None = None,
              test_rows: int = 0) -> str:
    """One plain sentence for the verdict ``kind``: nothing, unclear, better, worse or tie.

    ``keepable`` False: the better simple method can't become this run's model (e.g. embeddings
    for sentence pairs), so the sentence must not send the user looking for a way to choose it.
    ``rows_right`` (model, majority): how many of the ``test_rows`` each answers right, which is what
    McNemar's test compares; "unclear" says that, not "too few rows": on waimai_10k the model's
    macro F1 was 0.62 against 0.40 on 1,000 rows, yet it got about as many rows right (p = 0.21)."""
    name, margin = best["name"], abs(value - best["value"])
    if kind == "nothing":
        reference = majority or best
        return (f"No better than {reference['name']} (it learned nothing): {metric} {_fmt(value)} vs "
                f"{_fmt(reference['value'])}.")
    if kind == "unclear":
        below = (f" {name[0].upper()}{name[1:]} scored higher: {_fmt(best['value'])}."
                 if best is not majority and value < best["value"] else "")
        if rows_right is None:
            reason = f"on {test_rows:,} test rows the difference could be chance"
        else:
            model_right, majority_right = rows_right
            reason = (f"it answers {model_right:,} of the {test_rows:,} test rows right against {majority_right:,}, "
                      "a difference that could be chance")
        return (f"Not clearly better than {majority['name']}: {metric} {_fmt(value)} vs {_fmt(majority['value'])}, "
                f"but {reason} ({p_phrase(majority['p_value'])}).{below}")
    if kind == "better":
        return (f"Better than the baselines by {_fmt(margin)} {metric}: {_fmt(value)} vs "
                f"{_fmt(best['value'])} for {name} ({p_phrase(best['p_value'])}).")
    if kind == "worse":
        ending = ("the simple method is the better choice here." if keepable else
                  "the simple method did better, but it can't be kept as this run's model for this kind of data.")
        return (f"Worse than {name} by {_fmt(margin)} {metric}: {_fmt(value)} vs {_fmt(best['value'])} "
                f"({p_phrase(best['p_value'])}); {ending}")
    return (f"About as good as {name}: {metric} {_fmt(value)} vs {_fmt(best['value'])}; the difference "
            f"could be chance ({p_phrase(best['p_value'])}).")


def build_verdict(
    task: str,
    y_true: np.ndarray,
    model_scores: np.ndarray,
    baseline_scores: Mapping[str, np.ndarray],
    *,
    label_names: Sequence[str] = (),
    context: Mapping[str, Any] | None = None,
    seed: int = 0,
    n_resamples: int = N_RESAMPLES,
) -> dict[str, Any]:
    """The verdict for run.json: score with 95% CI beside each baseline, a test, a sentence, advice.

    ``model_scores`` and each of ``baseline_scores`` are what :func:`metrics.task_metrics` takes
    (probabilities, or values for regression) on the same test rows as ``y_true``. ``context``
    may hold ``validation`` (main metric per validation pass, in order), ``train_counts``
    (label name to training rows), ``train_rows`` (int), ``class_weights`` (bool), ``unk_share`` (from the fit
    check), ``can_keep_embeddings`` and ``can_keep_tfidf`` (that baseline can become the run's model);
    advice is only given where these support it.
    """
    context = context or {}
    # A run that ships a baseline's model (the small-data path, or "keep the baseline") is that
    # baseline: beside itself it read "about as good as sentence embeddings: 0.928 vs 0.928 (p = 1)".
    baseline_scores = {k: v for k, v in baseline_scores.items() if k != context.get("shipped")}
    y = predictions(task, np.asarray(y_true)) if task == "multilabel" else np.asarray(y_true)
    y = y.astype(int) if task in ("binary", "multiclass", "multilabel") else y.astype(np.float64)
    n_classes = max(1, len(label_names))
    model = predictions(task, model_scores)
    value = score(task, y, model, n_classes)
    low, high = confidence_interval(task, y, model, n_classes, seed=seed, n_resamples=n_resamples)
    metric = METRIC_NAMES.get(main_metric(task), main_metric(task))
    baseline_preds = {k: predictions(task, v) for k, v in baseline_scores.items()}
    baselines: dict[str, dict[str, Any]] = {}
    for i, (key, pred) in enumerate(baseline_preds.items()):
        b_value = score(task, y, pred, n_classes)
        b_low, b_high = confidence_interval(task, y, pred, n_classes, seed=seed + 1 + i, n_resamples=n_resamples)
        p_value, test = compare(task, y, model, pred, n_classes, seed=seed)
        baselines[key] = {"name": baseline_name(key, task, label_names, baseline_preds.get("majority")),
                          "value": round(b_value, 6), "ci_low": round(b_low, 6), "ci_high": round(b_high, 6),
                          "margin": round(value - b_value, 6), "p_value": p_value, "test": test}
    out: dict[str, Any] = {
        "score": {"name": main_metric(task), "value": round(value, 6), "ci_low": round(low, 6),
                  "ci_high": round(high, 6), "rows": int(len(y))},
        "baselines": baselines,
    }
    if not baselines:
        out.update(beats_baselines=False, best_baseline=None, margin=None, p_value=None,
                   text=f"{metric} {_fmt(value)} (95% interval {_fmt(low)} to {_fmt(high)}); no baselines "
                   "to compare with.", advice=[])
        return out
    best_key = max(baselines, key=lambda k: baselines[k]["value"])
    best, majority = baselines[best_key], baselines.get("majority")
    beats = value > best["value"] and best["p_value"] < ALPHA
    learned_nothing = _is_constant(task, model) or (majority is not None and value <= majority["value"])
    if learned_nothing:
        kind = "nothing"
    elif majority is not None and majority["p_value"] >= ALPHA:
        kind = "unclear"  # a higher score, but not clearly more rows right (or, for scores, could be chance)
    elif beats:
        kind = "better"
    elif value < best["value"] and best["p_value"] < ALPHA:
        kind = "worse"
    else:
        kind = "tie"
    advice = _advice(task, context, learned_nothing, beats)
    keepable = {"embeddings": "can_keep_embeddings", "tfidf": "can_keep_tfidf"}
    can_keep = best_key in keepable and bool(context.get(keepable[best_key]))
    keep_known = any(key in context for key in keepable.values())  # else: say nothing about keeping
    if can_keep and value < best["value"]:
        what = "embeddings" if best_key == "embeddings" else "TF-IDF"
        advice.insert(0, {"id": f"keep_{best_key}", "text": f"Keep the {what} baseline as this run's "
                          f"model: it scored {_fmt(best['value'])} against {_fmt(value)}; predictions and "
                          "exports then use it."})
    out.update(beats_baselines=beats, best_baseline=best_key, margin=round(value - best["value"], 6),
               p_value=best["p_value"], kind=kind, text=_sentence(kind, metric, value, best, majority,
                                                   keepable=can_keep or not keep_known,
                                                   rows_right=_rows_right(y, model, baseline_preds, majority),
                                                   test_rows=len(y)),
               advice=advice)
    return out
