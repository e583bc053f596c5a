"""Issue 11: a run whose TF-IDF baseline wins can ship it (no pickle), and everything downstream works."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tlstudio.cli.main import main
from tlstudio.core.inference.predictor import Predictor
from tlstudio.core.inference.tfidf_numpy import MODEL_JSON, WEIGHTS, TfidfModel
from tlstudio.core.runs.store import RunFolder
from tlstudio.core.training.keep_baseline import keep_baseline

DATA = Path(__file__).resolve().parents[1] / "data"
TEXTS = ["Café crème très bon", "terrible SERVICE, slow slow", "很好吃 推荐", "送餐太慢了", "great great food",
         "Ünïcödé naïve façade", "ok", "", "the the the film was bad", "İstanbul ΣΟΦΟΣ  tabs\t\tand  spaces"] * 3
UNSEEN = ["never seen words", "café", "很好", "naïve film", "ΣΟΦΟΣ"]
Y = np.array([0, 1, 2, 1, 0, 2, 0, 1, 1, 2] * 3)
TARGETS = {"multiclass": (Y, 4), "binary": ((Y > 0).astype(int), 2), "regression": (Y * 1.5, 1),
           "multilabel": (np.stack([Y == 0, Y == 1, np.zeros_like(Y)], 1).astype(int), 3)}


def _vectorizers():
    from sklearn.feature_extraction.text import TfidfVectorizer

    return [TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
            TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True),
            TfidfVectorizer(strip_accents="unicode", norm="l1", max_features=20, stop_words=["the"]),
            TfidfVectorizer(strip_accents="ascii", lowercase=False, use_idf=False, binary=True)]


@pytest.mark.parametrize("task", list(TARGETS))
def test_the_numpy_model_reproduces_scikit_learn_after_a_round_trip_without_pickle(task, tmp_path):
    from tlstudio.core.evaluation.baselines import _linear_model, fit_linear
    from tlstudio.core.training.tfidf_fit import from_sklearn

    y, n = TARGETS[task]
    for number, vectorizer in enumerate(_vectorizers()):
        x = vectorizer.fit_transform(TEXTS)
        fitted = fit_linear(task, x, y)
        folder = tmp_path / str(number)
        folder.mkdir()
        from_sklearn(vectorizer, fitted, task, [f"c{i}" for i in range(n)]).save(folder)
        assert sorted(p.name for p in folder.iterdir()) == [MODEL_JSON, WEIGHTS]
        assert b"\x80\x04" not in (folder / WEIGHTS).read_bytes()[:16]  # not a pickle stream
        model = TfidfModel.load(folder)
        texts = TEXTS + UNSEEN
        reference = _linear_model(task, x, y, vectorizer.transform(texts), n)
        assert np.abs(model.predict_scores(texts) - reference).max() < 1e-6, (task, vectorizer)


@pytest.fixture(scope="module")
def fine_tuned_run(tiny_model_dir, tmp_path_factory):
    """A tiny random BERT after one short epoch on sentiment: the TF-IDF baseline beats it."""
    from tlstudio.core.settings.config import RunConfig
    from tlstudio.core.training import run_training

    out = tmp_path_factory.mktemp("keep_tfidf") / "run"
    config = RunConfig(data_path=str(DATA / "sentiment_120.csv"), model=str(tiny_model_dir), output_dir=str(out),
                       epochs=1, max_length=32, long_texts="truncate", precision="fp32")
    return run_training(config).run_dir


@pytest.fixture(scope="module")
def kept_run(fine_tuned_run, tmp_path_factory):
    run = tmp_path_factory.mktemp("kept") / "run"
    shutil.copytree(fine_tuned_run, run)
    before = RunFolder(run).info().verdict
    verdict = keep_baseline(run, "tfidf")
    return run, before, verdict


def test_keeping_tfidf_replaces_the_network_and_rewrites_the_reports(kept_run):
    run, before, verdict = kept_run
    assert verdict["method"]["chosen"] == "tfidf" and verdict["method"]["kept"] is True
    assert "Kept as this run's model: TF-IDF + logistic regression" in verdict["text"]
    assert "keep_tfidf" not in [a["id"] for a in verdict["advice"]]  # done: not offered again
    # The same vectorizer and model on the same split: the baseline's test score, now the model's.
    assert verdict["score"]["value"] == pytest.approx(before["baselines"]["tfidf"]["value"], abs=0.02)
    assert (run / MODEL_JSON).is_file() and not (run / "config.json").exists()
    assert not (run / "model.safetensors").exists() and not (run / "tokenizer.json").exists()
    folder = RunFolder(run)
    assert folder.model_kind() == "tfidf" and folder.is_complete()
    assert folder.info().extra["method"]["chosen"] == "tfidf"  # run.json says what ships
    assert folder.info().main_metric_value == verdict["score"]["value"]
    card = (run / "README.md").read_text(encoding="utf-8")
    assert "kept instead of the model fine-tuned" in card and "kept TF-IDF model" in card
    rows = folder.predictions()
    predictor = Predictor.load(run, device="cpu")
    assert predictor.kind == "tfidf"
    assert [p.label for p in predictor.predict([r.text for r in rows])] == [r.prediction for r in rows]


def test_predictions_apply_the_runs_temperature_to_the_decision_values(kept_run):
    from tlstudio.core.runs.calibration import Calibration

    run, _, _ = kept_run
    predictor = Predictor.load(run, device="cpu")
    texts = ["a wonderful film", "slow and cold food"]
    logits = predictor.predict_logits(texts)
    predictor.calibration = Calibration(temperature=2.5)
    expected = np.exp(logits / 2.5) / np.exp(logits / 2.5).sum(axis=1, keepdims=True)
    assert np.allclose(predictor.predict_scores(texts), expected, atol=1e-12)
    assert not np.allclose(predictor.predict_scores(texts, calibrated=False), expected)


def test_a_tfidf_run_predicts_and_explains_without_importing_torch(kept_run):
    run, _, _ = kept_run
    code = ("import sys; from tlstudio.core.inference.predictor import Predictor; "
            "from tlstudio.core.insight.explain import explain; "
            f"p = Predictor.load({str(run)!r}); print(p.predict(['great food'])[0].label); "
            "print(len(explain(p, 'great food, terrible service').words)); "
            "print('torch' in sys.modules, 'transformers' in sys.modules, 'sklearn' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True).stdout
    label, words, loaded = out.strip().splitlines()
    assert label in ("0", "1") and words == "4" and loaded == "False False False"


def test_explanations_are_the_models_exact_contributions(kept_run):
    from tlstudio.core.insight.explain import explain

    run, _, _ = kept_run
    predictor = Predictor.load(run, device="cpu")
    model = predictor.model
    text = "A great film, great acting; the food was cold"
    explanation = explain(predictor, text, target=predictor.label_names[1])
    assert explanation.method == "tfidf-weights"
    assert [w.word for w in explanation.words] == ["great", "film", "great", "acting", "the", "food", "was", "cold"]
    assert all(text[w.start:w.end] == w.word for w in explanation.words)
    index, values = model.features(text)
    decision = float(model.coef[0, index] @ values)  # binary: class 1's logit over class 0's
    temperature = predictor.calibration.temperature if predictor.calibration else 1.0
    assert sum(w.score for w in explanation.words) == pytest.approx(decision / temperature, abs=1e-5)
    away = explain(predictor, text, target=predictor.label_names[0])
    assert [w.score for w in away.words] == pytest.approx([-w.score for w in explanation.words], abs=1e-6)


def test_character_ngram_explanations_give_each_chinese_character_its_share(tmp_path):
    from sklearn.feature_extraction.text import TfidfVectorizer

    from tlstudio.core.evaluation.baselines import fit_linear
    from tlstudio.core.insight.explain_linear import unit_scores
    from tlstudio.core.training.tfidf_fit import from_sklearn

    texts = ["很好吃 推荐", "送餐太慢了", "味道不错", "太难吃了"] * 5
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
    model = from_sklearn(vectorizer, fit_linear("binary", vectorizer.fit_transform(texts), np.array([1, 0, 1, 0] * 5)),
                         "binary", ["neg", "pos"])
    text = "很好  推荐"
    spans, scores = unit_scores(model, text, 1)
    assert [text[s:e] for s, e in spans] == ["很", "好", " ", "推", "荐"]  # two spaces read as one
    index, values = model.features(text)
    assert scores.sum() == pytest.approx(float(model.coef[0, index] @ values), abs=1e-9)


def test_the_cli_keeps_predicts_and_refuses_onnx_in_one_line(fine_tuned_run, tmp_path, capsys):
    from tlstudio.cli.engine import _verdict_text

    offered = {**RunFolder(fine_tuned_run).info().verdict,
               "advice": [{"id": "keep_tfidf", "text": "Keep the TF-IDF baseline."}]}
    assert ("advice: Keep the TF-IDF baseline. Run: tlstudio keep-baseline /runs/r --baseline tfidf"
            in _verdict_text(offered, "/runs/r"))
    run = tmp_path / "run"
    shutil.copytree(fine_tuned_run, run)
    assert main(["keep-baseline", str(run), "--baseline", "tfidf"]) == 0
    assert "TF-IDF + logistic regression" in capsys.readouterr().out
    assert main(["predict", str(run), "--text", "a great film", "--json"]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["label"] in ("0", "1")
    for fmt in ("onnx", "onnx-int8"):
        assert main(["export", str(run), "--format", fmt, "--out", str(tmp_path / fmt)]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: This run ships a TF-IDF model") and err.count("\n") == 1
        assert "Hugging Face-style" in err and not (tmp_path / fmt).exists()


def test_the_hf_export_labels_texts_with_numpy_alone_and_matches_the_run(kept_run, tmp_path, capsys):
    from tlstudio.core.runs.calibration import Calibration

    run = tmp_path / "run"
    shutil.copytree(kept_run[0], run)
    RunFolder(run).write_calibration(Calibration(temperature=2.0, unsure_below=0.9))  # predict.py applies both
    out = tmp_path / "export"
    assert main(["export", str(run), "--format", "hf", "--out", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["model_kind"] == "tfidf"
    assert report["parity"]["label_agreement"] == 1.0 and report["parity"]["max_abs_diff"] < 1e-9
    card = (out / "EXPORT.md").read_text(encoding="utf-8")
    assert "Checked against the run's TF-IDF model" in card and "needs only `numpy`" in card
    assert (out / "requirements.txt").read_text(encoding="utf-8") == "numpy\n"
    source = tmp_path / "in.csv"
    with open(source, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["text"], ["a wonderful film"], ["=cold food"]])
    code = ("import runpy, sys\nsys.argv = ['predict.py', '--input', sys.argv[1], '--output', sys.argv[2]]\n"
            "try:\n    runpy.run_path('predict.py', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('torch', 'tlstudio', 'sklearn', 'onnxruntime', 'tokenizers') "
            "if m in sys.modules))")
    env = {"PATH": "/usr/bin:/bin", "PYTHONNOUSERSITE": "1"}
    done = subprocess.run([sys.executable, "-c", code, str(source), str(tmp_path / "out.csv")],
                          cwd=out, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"  # numpy only
    with open(tmp_path / "out.csv", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:2] == ["text", "prediction"] and rows[2][0] == "'=cold food"
    predictor = Predictor.load(run, device="cpu")
    expected = predictor.predict_scores(["a wonderful film", "=cold food"])  # with the run's temperature
    answers = [p.answer for p in predictor.predict(["a wonderful film", "=cold food"])]
    assert [r[1] for r in rows[1:]] == answers and "unsure" in answers
    assert np.allclose([[float(v) for v in r[2:]] for r in rows[1:]], expected, atol=2e-6)


def test_evaluate_calibrate_explain_and_compare_work_on_a_tfidf_run(kept_run, fine_tuned_run, capsys):
    from tlstudio.core.insight.calibrate_run import calibrate_run

    run, _, _ = kept_run
    assert calibrate_run(run).temperature > 0
    assert main(["evaluate", str(run), str(DATA / "sentiment_120.csv"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["rows_evaluated"] == 120 and 0.5 < report["model"]["accuracy"] <= 1.0
    for command in (["explain", str(run), "--text", "a great film", "--json"],
                    ["compare", str(fine_tuned_run), str(run)]):
        assert main(command) == 0, command
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err and captured.out


def test_keep_baseline_defaults_to_the_verdicts_offer_and_refuses_an_unfinished_run(fine_tuned_run, tmp_path):
    from tlstudio.core.errors import TrainingError
    from tlstudio.core.runs.store import RunStatus
    from tlstudio.core.training.keep_baseline import default_baseline

    run = tmp_path / "run"
    shutil.copytree(fine_tuned_run, run)
    folder = RunFolder(run)
    verdict = folder.info().verdict
    folder.write_status(RunStatus.COMPLETE, verdict={**verdict, "advice": [{"id": "keep_tfidf", "text": "…"}]})
    assert default_baseline(run) == "tfidf"
    folder.write_status(RunStatus.COMPLETE, verdict={**verdict, "advice": []})
    best = max(("tfidf", "embeddings"), key=lambda k: verdict["baselines"].get(k, {}).get("value", -1))
    assert default_baseline(run) == best
    folder.write_status(RunStatus.RUNNING)
    with pytest.raises(TrainingError, match="not complete"):
        keep_baseline(run)

