"""The calibration report: temperature applied only when it helps on test, and lookup tables
that agree with computing the numbers directly."""

from __future__ import annotations

import numpy as np
import pytest
from test_calibration import calibrated_logits

from tlstudio.core.insight.calibrate_run import GRID, CalibrationReport, build_report
from tlstudio.core.insight.calibration import scaled_probs


def two_class(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    return calibrated_logits(n, classes=2, seed=seed)


def test_an_over_confident_model_gets_a_temperature_and_test_ece_does_not_increase():
    val, val_y = calibrated_logits(1500, seed=1)
    test, test_y = calibrated_logits(1500, seed=2)
    report = build_report("multiclass", ["a", "b", "c"], val * 3, val_y, test * 3, test_y)
    assert report.temperature == pytest.approx(3.0, rel=0.2)
    assert report.ece_after <= report.ece_before and report.ece_before > 0.05
    assert "too sure" in report.note
    assert report.threshold_grid is None and len(report.sure_correct) == 1
    # the "don't know" lookup agrees with counting directly at a cut-off of 0.6
    probs = scaled_probs("multiclass", test * 3, report.temperature)
    sure = probs.max(1) >= 0.6
    i = GRID.index(0.6)
    assert report.unsure_counts[i] == int((~sure).sum())
    assert report.sure_correct[0][i] == int((probs.argmax(1) == test_y)[sure].sum())
    assert CalibrationReport.from_dict(report.to_dict()) == report


def test_a_temperature_that_makes_test_worse_is_not_applied_and_the_report_says_so():
    val, val_y = two_class(1500, seed=3)
    test, test_y = two_class(1500, seed=4)
    report = build_report("binary", ["neg", "pos"], val * 3, val_y, test * 0.3, test_y)
    assert report.fitted_temperature > 2 and report.temperature == 1.0
    assert report.ece_after == report.ece_before
    assert "kept" in report.note
    assert report.calibration().temperature == 1.0


def test_binary_tables_give_precision_recall_f1_and_unsure_accuracy_at_each_threshold():
    val, val_y = two_class(600, seed=5)
    test, test_y = two_class(600, seed=6)
    report = build_report("binary", ["neg", "pos"], val * 2, val_y, test * 2, test_y)
    probs = scaled_probs("binary", test * 2, report.temperature)
    t = GRID.index(0.7)
    predicted = probs[:, 1] >= 0.7
    tp = int((predicted & (test_y == 1)).sum())
    assert report.threshold_grid["precision"][t] == pytest.approx(tp / predicted.sum(), abs=1e-4)
    assert report.threshold_grid["recall"][t] == pytest.approx(tp / (test_y == 1).sum(), abs=1e-4)
    assert report.threshold_grid["precision"][-1] is None or (probs[:, 1] >= 1.0).any()
    u = GRID.index(0.8)
    sure = probs.max(1) >= 0.8
    assert report.sure_correct[t][u] == int((predicted.astype(int) == test_y)[sure].sum())
    assert set(report.suggested_thresholds) == {"pos"} and 0.5 <= report.suggested_unsure_below <= 1


def test_multilabel_gets_per_label_thresholds_and_f1_tables():
    rng = np.random.default_rng(7)
    logits = rng.normal(0, 2, size=(1200, 3))
    labels = (rng.random((1200, 3)) < 1 / (1 + np.exp(-logits))).astype(float)
    report = build_report("multilabel", ["x", "y", "z"], logits[:600] * 3, labels[:600],
                          logits[600:] * 3, labels[600:])
    assert report.temperature == pytest.approx(3.0, rel=0.2) and report.ece_after <= report.ece_before
    assert set(report.suggested_thresholds) == {"x", "y", "z"} and report.suggested_unsure_below is None
    assert all(len(report.label_f1[n]) == len(GRID) for n in "xyz")
    assert report.label_positives["x"] == int(labels[600:, 0].sum())
