"""Prediction applies the run's calibration: temperature, decision thresholds and "unsure"."""

from __future__ import annotations

import csv
import shutil

import numpy as np
import pytest
from conftest import one_torch_thread

from tlstudio.core.errors import ModelError
from tlstudio.core.inference.predictor import Predictor, decide
from tlstudio.core.insight.calibration import Calibration, save_calibration

TEXTS = ["the food was excellent", "awful movie really", "this phone is so", "excellent awful"]


@pytest.fixture
def run(keyword_model_dir, tmp_path):
    return shutil.copytree(keyword_model_dir, tmp_path / "run")


def test_the_temperature_scales_the_logits_and_calibrated_false_gives_the_raw_model(run):
    predictor = Predictor.load(run, device="cpu")
    with one_torch_thread():
        logits = predictor.predict_logits(TEXTS)
        raw = predictor.predict_scores(TEXTS)
        save_calibration(run, Calibration(temperature=3.0))
        scaled = predictor.predict_scores(TEXTS)  # the same loaded predictor sees the new file
        unscaled = predictor.predict_scores(TEXTS, calibrated=False)
    z = logits / 3.0
    expected = np.exp(z - z.max(axis=1, keepdims=True))
    np.testing.assert_allclose(scaled, expected / expected.sum(axis=1, keepdims=True), atol=1e-9)
    np.testing.assert_allclose(unscaled, raw, atol=1e-12)
    assert scaled.max(axis=1).max() < raw.max(axis=1).max()  # softer: T > 1 pulls toward 1/2
    assert (scaled.argmax(axis=1) == raw.argmax(axis=1)).all()


def test_the_binary_threshold_decides_and_unsure_is_typed_and_written(run, tmp_path):
    predictor = Predictor.load(run, device="cpu")
    with one_torch_thread():
        save_calibration(run, Calibration(thresholds={"pos": 0.0}))
        assert [p.label for p in predictor.predict(TEXTS)] == ["pos"] * 4
        save_calibration(run, Calibration(thresholds={"pos": 1.01}))
        assert [p.label for p in predictor.predict(TEXTS)] == ["neg"] * 4
        save_calibration(run, Calibration(unsure_below=1.01))
        predictions = predictor.predict(TEXTS)
        assert all(p.unsure and p.answer == "unsure" for p in predictions)
        assert [p.label for p in predictions][:2] == ["pos", "neg"]  # the best guess is kept
        source = tmp_path / "in.csv"
        source.write_text("text\n" + "\n".join(TEXTS) + "\n", encoding="utf-8")
        predictor.predict_file(source, tmp_path / "out.csv")
        rows = list(csv.DictReader(open(tmp_path / "out.csv", encoding="utf-8")))
        assert [r["prediction"] for r in rows] == ["unsure"] * 4
        save_calibration(run, Calibration(unsure_below=0.0))
        assert not any(p.unsure for p in predictor.predict(TEXTS))


def test_multilabel_thresholds_are_per_label_and_unsure_needs_a_threshold():
    row = np.array([0.3, 0.6, 0.9])
    names = ["a", "b", "c"]
    scores = dict(zip(names, row.tolist(), strict=True))
    assert decide("multilabel", names, row, None, scores).label == ["b", "c"]
    cal = Calibration(thresholds={"a": 0.2, "c": 0.95})
    assert decide("multilabel", names, row, cal, scores).label == ["a", "b"]
    assert not decide("multiclass", names, row, None, scores).unsure
    found = decide("multiclass", names, row, Calibration(unsure_below=0.95), scores)
    assert found.unsure and found.label == "c"


def test_a_damaged_calibration_file_is_said_when_the_model_loads(run):
    (run / "calibration.json").write_text('{"temperature": 0}', encoding="utf-8")
    with pytest.raises(ModelError, match="calibration.json"):
        Predictor.load(run, device="cpu")
