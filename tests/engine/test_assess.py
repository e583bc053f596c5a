"""assess_run: the baselines shown are the ones the verdict compared against."""

from __future__ import annotations

import numpy as np
from conftest import prepared_for


def test_assessment_of_a_model_that_learned_nothing(tiny_model_dir):
    from tlstudio.core.evaluation.assess import assess_run

    prepared = prepared_for("binary")
    n_test = len(prepared.splits["test"])
    constant = np.tile([0.3, 0.7], (n_test, 1))
    history = [{"eval_f1_macro": 0.3, "step": 5}, {"eval_f1_macro": 0.4, "step": 10}]
    result = assess_run(prepared, constant, log_history=history, embedding_model=str(tiny_model_dir))
    assert set(result.baselines) == {"majority", "tfidf", "embeddings"}
    assert result.zero_shot is not None and "f1_macro" in result.zero_shot
    assert set(result.verdict["baselines"]) == {"majority", "tfidf", "embeddings", "zero_shot"}
    assert result.verdict["kind"] == "nothing" and not result.verdict["beats_baselines"]
    assert "train_longer" in [a["id"] for a in result.verdict["advice"]]
    for name, metrics in result.baselines.items():  # the same numbers in both places
        if name != "majority" or result.verdict["baselines"][name]["value"] is not None:
            assert abs(metrics["f1_macro"] - result.verdict["baselines"][name]["value"]) < 1e-6


def test_assessment_without_embeddings_and_counts_per_task():
    from tlstudio.core.evaluation.assess import assess_run, train_counts

    prepared = prepared_for("multilabel")
    assert set(train_counts(prepared)) == {"positive", "imdb"} and sum(train_counts(prepared).values()) > 0
    assert train_counts(prepared_for("regression")) == {}
    scores = np.asarray(prepared.splits["test"]["label"], dtype=float)  # a perfect model
    result = assess_run(prepared, scores, embedding_model=None)
    assert set(result.baselines) == {"majority", "tfidf"} and result.zero_shot is None
    assert result.verdict["score"]["value"] == 1.0
