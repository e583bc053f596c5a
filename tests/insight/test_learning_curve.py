"""Learning curve: the fitted gain, the plain sentence, shapes and determinism on synthetic data."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import synthetic_rows, write_csv

from tlstudio.core.insight.learning_curve import gain_if_doubled, learning_curve, power_law
from tlstudio.core.insight.rows import load_rows


def test_gain_of_an_exact_power_law_is_what_the_law_says():
    rows = [100, 250, 500, 1000]
    scores = power_law(np.array(rows) / 1000, 0.1, 0.5, 0.9).tolist()
    gain, fitted = gain_if_doubled(rows, scores)
    expected = power_law(np.array([2.0]), 0.1, 0.5, 0.9)[0] - power_law(np.array([1.0]), 0.1, 0.5, 0.9)[0]
    assert fitted and gain == pytest.approx(expected, abs=1e-3)


def test_a_flat_curve_gains_nothing():
    gain, _ = gain_if_doubled([100, 250, 500, 1000], [0.8, 0.8, 0.8, 0.8])
    assert gain == pytest.approx(0.0, abs=1e-3)


def test_curve_on_synthetic_rows(tmp_path):
    rows = load_rows(write_csv(tmp_path / "s.csv", synthetic_rows(300)))
    curve = learning_curve(rows)
    assert [p.fraction for p in curve.points] == [0.1, 0.25, 0.5, 1.0]
    sizes = [p.rows for p in curve.points]
    assert sizes == sorted(sizes) and sizes[-1] == 240 and curve.test_rows == 60
    assert set(curve.points[0].class_f1) == {"neg", "pos"} == set(curve.class_gain)
    assert curve.points[-1].accuracy > 0.9  # the sentiment words decide the label
    assert curve.to_dict() == learning_curve(rows).to_dict()


def test_the_sentence_says_flat_when_the_rows_are_enough(tmp_path):
    rows = load_rows(write_csv(tmp_path / "s.csv", synthetic_rows(400)))
    curve = learning_curve(rows)
    assert curve.gain_if_doubled < 0.5 and curve.sentence.startswith("The curve is flat")


def test_cli_learning_curve(tmp_path, capsys):
    from tlstudio.cli.main import main

    path = write_csv(tmp_path / "s.csv", synthetic_rows(200))
    assert main(["learning-curve", str(path)]) == 0
    out = capsys.readouterr().out
    assert "training rows (10%)" in out and "points" in out
    assert main(["learning-curve", str(path), "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["points"]) == 4


def test_the_sentence_promises_points_when_rows_still_teach_new_words(tmp_path):
    # 300 rare keywords decide the label: small shares of the rows miss most of them
    rng = np.random.default_rng(0)
    rows = []
    for i in range(600):
        label = i % 2
        word = f"{'pos' if label else 'neg'}word{rng.integers(300)}"
        rows.append((f"the {word} was here", "pos" if label else "neg"))
    curve = learning_curve(load_rows(write_csv(tmp_path / "rare.csv", rows)))
    accuracies = [p.accuracy for p in curve.points]
    assert accuracies[-1] > accuracies[0] + 0.1
    assert curve.gain_if_doubled >= 0.5 and curve.sentence.startswith("Doubling the training rows")


def test_curve_on_given_features(tmp_path):
    from conftest import NEGATIVE, POSITIVE

    rows = load_rows(write_csv(tmp_path / "s.csv", synthetic_rows(200)))
    features = np.array([[sum(w in POSITIVE for w in t.split()), sum(w in NEGATIVE for w in t.split())]
                         for t in rows.texts], dtype=float)
    curve = learning_curve(rows, features=features)
    assert curve.method == "sentence embeddings + logistic regression"
    assert curve.points[-1].accuracy == 1.0


def test_the_fitted_curve_follows_an_exact_power_law_and_extends_past_the_rows():
    from tlstudio.core.insight.learning_curve import CurvePoint, _summarise

    rows = [100, 250, 500, 1000]
    scores = power_law(np.array(rows) / 1000, 0.1, 0.5, 0.9).tolist()
    points = [CurvePoint(r / 1000, r, s, 0.0, {"a": s}) for r, s in zip(rows, scores, strict=True)]
    curve = _summarise(points, 50, ["a"], "quick")
    assert np.allclose(curve.curve_at(np.array(rows)), scores, atol=1e-3)
    doubled = curve.curve_at(np.array([2000]))[0]
    assert doubled - scores[-1] == pytest.approx(curve.gain_if_doubled / 100, abs=1e-3)
    assert json.loads(json.dumps(curve.to_dict()))["params"] == curve.params
