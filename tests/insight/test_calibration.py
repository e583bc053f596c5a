"""Calibration: ECE, temperature scaling on a constructed over-confident model, thresholds, file format."""

from __future__ import annotations

import numpy as np
import pytest

from tlstudio.core.errors import ModelError
from tlstudio.core.insight.calibration import (
    Calibration,
    fit_temperature,
    load_calibration,
    logits_from_scores,
    multilabel_thresholds,
    reliability,
    save_calibration,
    scaled_probs,
    threshold_curve,
    unsure_threshold,
)


def calibrated_logits(n: int = 4000, classes: int = 3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Logits whose softmax is the true class distribution: labels are drawn from it."""
    from scipy.special import softmax

    rng = np.random.default_rng(seed)
    logits = rng.normal(0, 1.5, size=(n, classes))
    probs = softmax(logits, axis=1)
    labels = np.array([rng.choice(classes, p=p) for p in probs])
    return logits, labels


def test_temperature_scaling_undoes_logits_times_three():
    logits, labels = calibrated_logits()
    fit = fit_temperature(logits * 3, labels)
    assert fit.temperature == pytest.approx(3.0, rel=0.15)
    assert fit.ece_before > 0.05  # the constructed model really is over-confident
    assert fit.ece_after <= fit.ece_before
    assert fit.ece_after < 0.03
    assert fit.nll_after < fit.nll_before


def test_temperature_never_changes_the_predicted_class():
    logits, labels = calibrated_logits(500)
    fit = fit_temperature(logits * 3, labels)
    np.testing.assert_array_equal(scaled_probs("multiclass", logits * 3, fit.temperature).argmax(1),
                                  (logits * 3).argmax(1))


def test_log_probabilities_give_the_same_temperature_as_logits():
    logits, labels = calibrated_logits(800)
    probs = scaled_probs("multiclass", logits * 2, 1.0)
    from_probs = fit_temperature(logits_from_scores("multiclass", probs), labels)
    assert from_probs.temperature == pytest.approx(fit_temperature(logits * 2, labels).temperature, rel=1e-3)


def test_multilabel_temperature_on_sigmoid_logits():
    rng = np.random.default_rng(3)
    logits = rng.normal(0, 2, size=(3000, 2))
    labels = (rng.random((3000, 2)) < 1 / (1 + np.exp(-logits))).astype(float)
    fit = fit_temperature(logits * 3, labels, task="multilabel")
    assert fit.temperature == pytest.approx(3.0, rel=0.15)
    assert fit.ece_after <= fit.ece_before


def test_reliability_bins_and_ece():
    probs = np.array([[0.95, 0.05], [0.95, 0.05], [0.55, 0.45], [0.45, 0.55]])
    labels = np.array([0, 1, 0, 1])
    result = reliability(probs, labels, bins=10)
    assert sum(result.counts) == 4 and result.counts[9] == 2 and result.counts[5] == 2
    assert result.accuracy[9] == 0.5 and result.confidence[9] == pytest.approx(0.95)
    assert result.confidence[0] is None
    # bin 10: |0.5 - 0.95| * 2/4; bin 6: |1.0 - 0.55| * 2/4
    assert result.ece == pytest.approx(0.45 / 2 + 0.45 / 2)


def test_threshold_curve_finds_the_separating_threshold():
    probs = np.array([0.1, 0.2, 0.3, 0.35, 0.6, 0.7, 0.9])
    positive = np.array([0, 0, 0, 1, 1, 1, 1])
    curve = threshold_curve(probs, positive)
    assert curve.best_threshold == pytest.approx(0.35) and curve.best_f1 == pytest.approx(1.0)
    assert len(curve.thresholds) == len(curve.precision) == len(curve.recall) == len(curve.f1)
    per_label = multilabel_thresholds(np.stack([probs, 1 - probs], 1),
                                      np.stack([positive, np.zeros(7)], 1), ["a", "b"])
    assert per_label == {"a": pytest.approx(0.35), "b": 0.5}


def test_unsure_threshold_reaches_the_target_accuracy():
    logits, labels = calibrated_logits(2000)
    probs = scaled_probs("multiclass", logits, 1.0)
    found = unsure_threshold(probs, labels, target_accuracy=0.9)
    sure = probs.max(1) >= found.threshold
    assert (probs[sure].argmax(1) == labels[sure]).mean() >= 0.9
    assert found.coverage == pytest.approx(sure.mean())
    assert 0 < found.coverage < 1


def test_calibration_file_round_trip_and_damage(tmp_path):
    saved = Calibration(temperature=1.7, thresholds={"positive": 0.42}, unsure_below=0.7)
    path = save_calibration(tmp_path, saved)
    assert path.name == "calibration.json"
    assert load_calibration(tmp_path) == saved
    assert load_calibration(tmp_path / "nothing") is None
    path.write_text('{"temperature": -1}')
    with pytest.raises(ModelError, match="calibration.json"):
        load_calibration(tmp_path)


def test_calibrate_run_fits_on_the_runs_own_validation_split(keyword_model_dir, tmp_path):
    import random
    import shutil

    from conftest import keyword_sentence, one_torch_thread, write_csv

    from tlstudio.core.insight.calibrate_run import calibrate_run, save_report
    from tlstudio.core.runs.store import RunFolder
    from tlstudio.core.settings.config import RunConfig

    rng = random.Random(2)
    data = write_csv(tmp_path / "kw.csv", [(keyword_sentence(rng, i % 2), ("neg", "pos")[i % 2])
                                           for i in range(120)])
    run = shutil.copytree(keyword_model_dir, tmp_path / "run")
    (run / "run_config.json").write_text(RunConfig(data_path=str(data), model="tiny", max_length=32,
                                                   output_dir=str(run)).to_json())
    RunFolder(run).write_metrics({"task": "binary", "label_names": ["neg", "pos"], "model": {"accuracy": 1.0}})
    save_calibration(run, Calibration(thresholds={"pos": 0.3}, unsure_below=0.6))
    with one_torch_thread():
        found = calibrate_run(run)
    assert (found.validation_rows, found.test_rows) == (18, 18)
    assert found.temperature > 0 and set(found.suggested_thresholds) == {"pos"}
    assert 0 < found.suggested_unsure_below <= 1
    assert found.ece_after <= found.ece_before and sum(found.reliability_after.counts) == 18
    saved = save_report(run, found)
    assert saved == load_calibration(run)
    # a new fit keeps the person's thresholds; the report lands in metrics.json beside the scores
    assert (saved.temperature, saved.thresholds, saved.unsure_below) == (found.temperature, {"pos": 0.3}, 0.6)
    metrics = RunFolder(run).metrics()
    assert metrics.calibration["ece_after"] == found.ece_after and metrics.model == {"accuracy": 1.0}
