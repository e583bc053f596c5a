"""The verdict on constructed predictions: CI, McNemar by hand, and the sentence it says."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tlstudio.core.evaluation.verdict import (
    build_verdict,
    confidence_interval,
    mcnemar,
    still_rising,
    validation_curve,
)

LABELS = ["negative", "positive"]


def _probs(pred: np.ndarray, n_classes: int = 2) -> np.ndarray:
    """One-hot probabilities for class indices."""
    return np.eye(n_classes)[pred] * 0.8 + 0.1


def _flip(y: np.ndarray, share: float, rng: np.random.Generator) -> np.ndarray:
    """``y`` with ``share`` of the rows answered wrong."""
    pred = y.copy()
    wrong = rng.choice(len(y), int(share * len(y)), replace=False)
    pred[wrong] = 1 - pred[wrong]
    return pred


def _sentiment(n: int = 400, seed: int = 1):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.6).astype(int)  # 'positive' is the majority
    majority = _probs(np.ones(n, dtype=int))
    return rng, y, majority


def test_model_equal_to_majority_is_called_out():
    _, y, majority = _sentiment()
    verdict = build_verdict("binary", y, majority.copy(), {"majority": majority}, label_names=LABELS)
    assert verdict["beats_baselines"] is False and verdict["kind"] == "nothing"
    assert "No better than always answering 'positive' (it learned nothing)" in verdict["text"]
    assert verdict["advice"] and verdict["advice"][0]["id"] == "lower_learning_rate"


def test_clearly_better_model_beats_baselines_with_small_p():
    rng, y, majority = _sentiment()
    tfidf, model = _probs(_flip(y, 0.25, rng)), _probs(_flip(y, 0.08, rng))
    verdict = build_verdict("binary", y, model, {"majority": majority, "tfidf": tfidf}, label_names=LABELS)
    assert verdict["beats_baselines"] is True and verdict["best_baseline"] == "tfidf"
    assert verdict["p_value"] < 1e-4 and verdict["margin"] > 0.1
    assert verdict["text"].startswith("Better than the baselines by ")
    assert verdict["advice"] == []
    assert verdict["baselines"]["majority"]["name"] == "always answering 'positive'"


def test_worse_than_tfidf_says_so_with_fitting_advice():
    rng, y, majority = _sentiment()
    tfidf, model = _probs(_flip(y, 0.05, rng)), _probs(_flip(y, 0.25, rng))
    context = {"validation": [0.55, 0.62, 0.70], "train_counts": {"negative": 40, "positive": 60}}
    verdict = build_verdict("binary", y, model, {"majority": majority, "tfidf": tfidf},
                            label_names=LABELS, context=context)
    assert verdict["kind"] == "worse" and verdict["text"].startswith("Worse than TF-IDF")
    ids = [a["id"] for a in verdict["advice"]]
    assert ids == ["train_longer", "more_rows"]  # balanced enough: no class weights advice
    assert "'negative' has only 40" in verdict["advice"][1]["text"]


def test_imbalance_and_unknown_language_get_their_advice():
    rng, y, majority = _sentiment()
    model = _probs(_flip(y, 0.3, rng))
    context = {"validation": [0.7, 0.6, 0.6], "train_counts": {"negative": 300, "positive": 2000},
               "unk_share": 0.4}
    baselines = {"majority": majority, "tfidf": _probs(_flip(y, 0.1, rng))}
    verdict = build_verdict("binary", y, model, baselines, label_names=LABELS, context=context)
    assert [a["id"] for a in verdict["advice"]] == ["class_weights", "language_model"]
    context["class_weights"] = True  # already on: not advised again
    verdict = build_verdict("binary", y, model, baselines, label_names=LABELS, context=context)
    assert [a["id"] for a in verdict["advice"]] == ["language_model"]


def test_mcnemar_matches_hand_computed_values():
    # 10 rows only the model gets right, 2 only the baseline: exact binomial, 2 * P(X <= 2 | 12, 1/2)
    model = np.array([True] * 10 + [False] * 2 + [True] * 50)
    baseline = np.array([False] * 10 + [True] * 2 + [True] * 50)
    p, test = mcnemar(model, baseline)
    assert test == "McNemar exact" and p == pytest.approx(2 * (1 + 12 + 66) / 4096)
    # 30 vs 10 discordant: chi-square with continuity, (|30 - 10| - 1)^2 / 40 on 1 degree of freedom
    model = np.array([True] * 30 + [False] * 10)
    p, test = mcnemar(model, ~model)
    assert test == "McNemar chi-square" and p == pytest.approx(math.erfc(math.sqrt(361 / 40 / 2)))
    assert mcnemar(model, model) == (1.0, "McNemar (no rows differ)")


def test_interval_contains_estimate_and_narrows_with_more_rows():
    rng = np.random.default_rng(3)
    widths = []
    for n in (100, 1600):
        y = rng.integers(0, 3, n)
        pred = np.where(rng.random(n) < 0.7, y, rng.integers(0, 3, n))
        low, high = confidence_interval("multiclass", y, pred, 3, seed=0)
        verdict = build_verdict("multiclass", y, np.eye(3)[pred], {}, label_names=["a", "b", "c"])
        assert low <= verdict["score"]["value"] <= high
        widths.append(high - low)
    assert widths[1] < widths[0] / 2  # 16x the rows: about a quarter of the width


def test_verdict_is_deterministic_with_a_seed():
    rng, y, majority = _sentiment()
    model, tfidf = _probs(_flip(y, 0.15, rng)), _probs(_flip(y, 0.18, rng))
    args = ("binary", y, model, {"majority": majority, "tfidf": tfidf})
    first = build_verdict(*args, label_names=LABELS, seed=7)
    assert build_verdict(*args, label_names=LABELS, seed=7) == first
    assert build_verdict(*args, label_names=LABELS, seed=8)["score"] != first["score"]


def test_regression_uses_paired_bootstrap():
    rng = np.random.default_rng(5)
    y = rng.normal(size=300)
    model = y + rng.normal(scale=0.3, size=300)
    ridge = y + rng.normal(scale=1.5, size=300)
    mean = np.full(300, y.mean())
    verdict = build_verdict("regression", y, model, {"majority": mean, "tfidf": ridge})
    assert verdict["beats_baselines"] and verdict["baselines"]["tfidf"]["test"] == "paired bootstrap"
    assert verdict["p_value"] < 0.01 and verdict["baselines"]["majority"]["name"] == "always answering the average"
    tie = build_verdict("regression", y, ridge + rng.normal(scale=0.01, size=300), {"majority": mean, "tfidf": ridge})
    assert tie["kind"] == "tie" and tie["p_value"] > 0.05


def test_scores_from_few_rows_worse_than_a_baseline_that_cant_be_kept_say_so_and_advise_rows():
    """Sentence pairs (STS-B, 170 training rows): embeddings + ridge won, but it can't become the
    run's model, so the verdict must not call it "the better choice" with nothing to click, and
    must say what would help."""
    rng = np.random.default_rng(11)
    y = rng.normal(size=400)
    model, ridge = y + rng.normal(scale=1.2, size=400), y + rng.normal(scale=0.4, size=400)
    baselines = {"majority": np.full(400, y.mean()), "embeddings": ridge}
    context = {"can_keep_embeddings": False, "can_keep_tfidf": True, "train_rows": 170}
    verdict = build_verdict("regression", y, model, baselines, context=context)
    assert verdict["kind"] == "worse" and verdict["best_baseline"] == "embeddings"
    assert "better choice" not in verdict["text"] and "can't be kept as this run's model" in verdict["text"]
    assert [a["id"] for a in verdict["advice"]] == ["more_rows"]
    assert "only 170 training rows" in verdict["advice"][0]["text"]
    many = build_verdict("regression", y, model, baselines, context={**context, "train_rows": 5000})
    assert many["advice"] == []  # enough rows: no advice the numbers don't support
    keepable = build_verdict("regression", y, model, baselines, context={**context, "can_keep_embeddings": True})
    assert "the simple method is the better choice here" in keepable["text"]
    assert keepable["advice"][0]["id"] == "keep_embeddings"


def test_a_regression_verdict_names_the_baselines_ridge_regression():
    """The baselines fit ridge regression on scores: the verdict must not call it logistic."""
    rng = np.random.default_rng(9)
    y = rng.normal(size=200)
    near = y + rng.normal(scale=0.5, size=200)
    verdict = build_verdict("regression", y, near, {"majority": np.full(200, y.mean()), "tfidf": near + 0.01,
                                                    "embeddings": near - 0.01})
    names = {key: b["name"] for key, b in verdict["baselines"].items()}
    assert names["tfidf"] == "TF-IDF + ridge regression"
    assert names["embeddings"] == "sentence embeddings + ridge regression"
    assert "logistic" not in verdict["text"]


def test_multilabel_verdict_on_probabilities():
    rng = np.random.default_rng(6)
    y = (rng.random((200, 3)) < 0.4).astype(float)
    model = np.clip(y * 0.8 + rng.normal(scale=0.15, size=y.shape), 0, 1)
    empty = np.zeros_like(y)
    verdict = build_verdict("multilabel", y, model, {"majority": empty}, label_names=["a", "b", "c"])
    assert verdict["score"]["name"] == "f1_micro" and verdict["beats_baselines"]


def test_still_rising_and_curve_from_log_history():
    history = [{"loss": 0.6, "step": 5}, {"eval_f1_macro": 0.6, "step": 10}, {"eval_f1_macro": 0.7, "step": 20}]
    curve = validation_curve(history, "binary")
    assert curve == [0.6, 0.7] and still_rising(curve)
    assert not still_rising([0.6, 0.8, 0.7]) and not still_rising([0.8]) and not still_rising([0.7, 0.701])


def test_too_few_test_rows_is_unclear_not_learned_nothing():
    y = np.array([1] * 11 + [0] * 9)  # 20 test rows; majority 'positive' is right on 11
    model = y.copy()
    model[[0, 1, 2, 11, 12]] = 1 - model[[0, 1, 2, 11, 12]]  # 15 of 20 right
    verdict = build_verdict("binary", y, _probs(model), {"majority": _probs(np.ones(20, dtype=int))},
                            label_names=LABELS)
    assert verdict["kind"] == "unclear" and verdict["baselines"]["majority"]["p_value"] > 0.05
    assert verdict["text"].startswith("Not clearly better than always answering 'positive'")


def test_an_unclear_verdict_below_tfidf_says_the_simple_method_scored_higher():
    y = np.array([1] * 11 + [0] * 9)  # as waimai_10k at 500 rows: few test rows, TF-IDF ahead
    model = y.copy()
    model[[0, 1, 2, 11, 12]] = 1 - model[[0, 1, 2, 11, 12]]  # 15 of 20 right
    majority = _probs(np.ones(20, dtype=int))
    verdict = build_verdict("binary", y, _probs(model), {"majority": majority, "tfidf": _probs(y)},
                            label_names=LABELS)
    assert verdict["kind"] == "unclear" and verdict["best_baseline"] == "tfidf"
    assert verdict["text"].endswith("TF-IDF + logistic regression scored higher: 1.000.")
    alone = build_verdict("binary", y, _probs(model), {"majority": majority}, label_names=LABELS)
    assert "scored higher" not in alone["text"]


def test_a_shipped_baseline_gets_no_advice_about_training():
    rng, y, majority = _sentiment()
    model = _probs(_flip(y, 0.35, rng))
    context = {"validation": [0.5, 0.6, 0.7], "train_counts": {"negative": 10, "positive": 90}}
    tuned = build_verdict("binary", y, model, {"majority": majority}, label_names=LABELS, context=context)
    assert {"train_longer", "class_weights"} <= {a["id"] for a in tuned["advice"]}
    # sms_spam, 500 rows: the embeddings model shipped, yet the advice said "Train longer".
    kept = build_verdict("binary", y, model, {"majority": majority}, label_names=LABELS,
                         context={**context, "shipped": "embeddings"})
    ids = {a["id"] for a in kept["advice"]}
    assert "train_longer" not in ids and "class_weights" not in ids and "more_rows" in ids


def test_keeping_the_embeddings_baseline_is_offered_only_when_it_wins_and_can_be_kept():
    rng, y, majority = _sentiment()
    embeddings, model = _probs(_flip(y, 0.05, rng)), _probs(_flip(y, 0.25, rng))
    baselines = {"majority": majority, "embeddings": embeddings}
    offered = build_verdict("binary", y, model, baselines, label_names=LABELS,
                            context={"can_keep_embeddings": True})
    assert offered["advice"][0]["id"] == "keep_embeddings"
    assert "Keep the embeddings baseline" in offered["advice"][0]["text"] and "0.947 against 0.743" in offered["advice"][0]["text"]
    assert "keep_embeddings" not in [a["id"] for a in build_verdict(
        "binary", y, model, baselines, label_names=LABELS)["advice"]]  # e.g. sentence pairs: can't keep
    tfidf_wins = build_verdict("binary", y, model, {"majority": majority, "tfidf": embeddings},
                               label_names=LABELS, context={"can_keep_embeddings": True})
    assert "keep_embeddings" not in [a["id"] for a in tfidf_wins["advice"]]
    better = build_verdict("binary", y, embeddings, {"majority": majority, "embeddings": model},
                           label_names=LABELS, context={"can_keep_embeddings": True})
    assert better["advice"] == []



@pytest.mark.parametrize("task, shape, n_classes", [("multiclass", 301, 4), ("binary", 64, 2),
                                                    ("multilabel", (97, 3), 3)])
def test_the_interval_scores_all_resamples_at_once_with_the_same_values(task, shape, n_classes):
    """The bootstrap scores its 1000 resamples in one go (1000 Python calls held the GIL and
    froze the window during a comparison); the interval is exactly the one-at-a-time one."""
    from scipy.stats import bootstrap

    from tlstudio.core.evaluation import verdict

    rng = np.random.default_rng(5)
    high = 2 if task != "multiclass" else 3
    y, pred = rng.integers(0, high, shape), rng.integers(0, high, shape)
    one_at_a_time = bootstrap(
        (np.arange(len(y)),), lambda idx: verdict.score(task, y[idx], pred[idx], n_classes),
        vectorized=False, n_resamples=verdict.N_RESAMPLES, method="percentile",
        random_state=np.random.default_rng(7)).confidence_interval
    assert verdict.confidence_interval(task, y, pred, n_classes, seed=7) == (
        float(one_at_a_time[0]), float(one_at_a_time[1]))


def test_an_unclear_verdict_on_many_rows_says_how_many_rows_each_gets_right_not_too_few_rows():
    """waimai_10k, 1,000 test rows: macro F1 0.62 against always '0''s 0.40, yet about as many
    rows right (McNemar p = 0.21). "Too few test rows" was false there; the counts are the reason."""
    y = np.array([0] * 660 + [1] * 340)
    model = np.zeros(1000, dtype=int)
    model[660:800] = 1  # 140 of the rare class found...
    model[:120] = 1  # ...and 120 common rows lost: 680 right against 660
    verdict = build_verdict("binary", y, _probs(model), {"majority": _probs(np.zeros(1000, dtype=int))},
                            label_names=LABELS)
    assert verdict["kind"] == "unclear" and verdict["score"]["value"] > verdict["baselines"]["majority"]["value"] + 0.1
    assert "too few" not in verdict["text"]
    assert "answers 680 of the 1,000 test rows right against 660" in verdict["text"]


def test_a_run_that_ships_a_baselines_model_is_compared_with_the_other_baselines_not_itself():
    """sms_spam: the small-data path shipped the embeddings model, and the verdict read "about as
    good as sentence embeddings + logistic regression: 0.928 vs 0.928 (p = 1)"."""
    rng, y, majority = _sentiment()
    model = _probs(_flip(y, 0.05, rng))
    baselines = {"majority": majority, "tfidf": _probs(_flip(y, 0.30, rng)), "embeddings": model.copy()}
    verdict = build_verdict("binary", y, model, baselines, label_names=LABELS, context={"shipped": "embeddings"})
    assert "embeddings" not in verdict["baselines"] and verdict["best_baseline"] == "tfidf"
    assert verdict["kind"] == "better" and "TF-IDF" in verdict["text"]
    kept_tfidf = build_verdict("binary", y, baselines["tfidf"], baselines, label_names=LABELS,
                               context={"shipped": "tfidf"})
    assert "tfidf" not in kept_tfidf["baselines"] and kept_tfidf["best_baseline"] == "embeddings"
