"""A finished run is calibrated: the temperature is saved with the model, test ECE before and
after are in metrics.json, and the test predictions are the calibrated probabilities."""

from __future__ import annotations

import pytest

from tlstudio.core.inference.predictor import Predictor
from tlstudio.core.runs.store import RunFolder
from tlstudio.core.training import run_training


def test_a_run_saves_its_calibration_and_reports_test_ece(tiny_config):
    result = run_training(tiny_config)
    folder = RunFolder(result.run_dir)
    calibration = folder.calibration()
    report = folder.metrics().calibration
    assert calibration is not None and calibration.temperature == report["temperature"] > 0
    assert report["ece_after"] <= report["ece_before"]
    assert (calibration.ece_before, calibration.ece_after) == (report["ece_before"], report["ece_after"])
    assert report["validation_rows"] > 1 and sum(report["reliability_after"]["counts"]) == report["test_rows"]
    assert calibration.thresholds == {} and calibration.unsure_below is None  # suggested, not applied
    rows = folder.predictions()[:4]
    predictor = Predictor.load(result.run_dir, device="cpu")
    scores = predictor.predict_scores([r.text for r in rows])
    for row, expected in zip(rows, scores, strict=True):
        written = [row.scores[f"prob_{n}"] for n in predictor.label_names]
        assert written == pytest.approx(expected.tolist(), abs=2e-6)


def test_a_calibration_that_fails_never_fails_the_run(tiny_config, monkeypatch):
    from tlstudio.core.events import StatusEvent
    from tlstudio.core.insight import calibrate_run

    def broken(*_args, **_kwargs):
        raise ValueError("no positive rows in the test split")

    monkeypatch.setattr(calibrate_run, "report_for", broken)
    events = []
    result = run_training(tiny_config, events.append)
    folder = RunFolder(result.run_dir)
    assert folder.is_complete() and folder.calibration() is None and folder.metrics().calibration is None
    warnings = [e.message for e in events if isinstance(e, StatusEvent) and e.level == "warning"]
    assert any("Probabilities not calibrated (no positive rows" in w for w in warnings)
