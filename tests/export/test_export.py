"""``tlstudio export``: each format is checked against PyTorch; the ONNX folder runs without torch."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("onnxruntime")

from tlstudio.cli.main import main  # noqa: E402

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture(scope="module")
def trained_run(tiny_model_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("export") / "run"
    assert main(["train", str(DATA / "sentiment_120.csv"), "--out", str(out), "--model", str(tiny_model_dir),
                 "--epochs", "1", "--max-length", "32", "--long-texts", "truncate", "--precision", "fp32", "--lr", "1e-3"]) == 0
    return out


def _export(run, fmt, out, capsys):
    capsys.readouterr()
    assert main(["export", str(run), "--format", fmt, "--out", str(out), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture(scope="module")
def onnx_export(trained_run, tmp_path_factory):
    from tlstudio.core.export import export_model

    out = tmp_path_factory.mktemp("onnx") / "exported"
    return out, export_model(trained_run, "onnx", out)


def test_onnx_export_matches_pytorch_and_says_so_in_card_and_report(onnx_export):
    out, report = onnx_export
    parity = report["parity"]
    assert parity["rows"] == 18 and parity["max_abs_diff"] <= 1e-4 and parity["label_agreement"] == 1.0
    assert parity["accuracy_change_points"] == 0.0 and report["warnings"] == []
    for name in ("model.onnx", "tokenizer.json", "predict.py", "export_config.json", "requirements.txt"):
        assert (out / name).is_file(), name
    assert json.loads((out / "export_report.json").read_text())["parity"] == parity
    card = (out / "README.md").read_text()
    assert f"{parity['max_abs_diff']:.2e}" in card and "rows/s (batch 32)" in card
    speed = report["speed"]["exported"]
    assert speed["latency_ms_batch1"] > 0 and speed["rows_per_s_batch32"] > 0


def _torch_free_python(tmp_path: Path) -> list[str]:
    """An interpreter that sees the standard library plus only numpy, onnxruntime and tokenizers."""
    import numpy
    import onnxruntime
    import tokenizers

    site = tmp_path / "site"
    site.mkdir()
    for module in (numpy, onnxruntime, tokenizers):
        package = Path(module.__file__).parent
        (site / package.name).symlink_to(package)
        libs = package.with_name(package.name + ".libs")  # vendored shared libraries of a wheel
        if libs.exists():
            (site / libs.name).symlink_to(libs)
    return [sys.executable, "-I", "-S", "-c", f"import sys, runpy; sys.path.insert(0, {str(site)!r}); "
            "sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')"]


def test_standalone_predict_needs_no_torch_and_agrees_with_tlstudio_predict(onnx_export, trained_run, tmp_path, capsys):
    out, _ = onnx_export
    python = _torch_free_python(tmp_path)
    probe = tmp_path / "probe.py"
    probe.write_text("import torch\n")
    no_torch = subprocess.run([*python, str(probe)], capture_output=True, text=True, timeout=120)
    assert no_torch.returncode != 0 and "No module named 'torch'" in no_torch.stderr
    source = DATA / "sentiment_120.csv"
    ours = tmp_path / "onnx.csv"
    result = subprocess.run([*python, str(out / "predict.py"), "--input", str(source), "--output", str(ours)],
                            capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": ""})
    assert result.returncode == 0, result.stderr
    assert "120 rows written" in result.stdout and "transformers" not in result.stderr
    theirs = tmp_path / "torch.csv"
    assert main(["predict", str(trained_run), "--input", str(source), "--output", str(theirs)]) == 0
    read = lambda p: list(csv.DictReader(open(p, encoding="utf-8")))  # noqa: E731
    a, b = read(ours), read(theirs)
    assert len(a) == len(b) == 120
    assert [r["prediction"] for r in a] == [r["prediction"] for r in b]
    assert max(abs(float(x["prob_1"]) - float(y["prob_1"])) for x, y in zip(a, b, strict=True)) <= 1e-4
    text = subprocess.run([*python, str(out / "predict.py"), "--text", "great phone"],
                          capture_output=True, text=True, timeout=120)
    assert text.stdout.startswith("label: ") and "probabilities:" in text.stdout


def test_int8_export_is_quantised_and_reports_the_accuracy_change(trained_run, tmp_path, capsys):
    import onnx

    report = _export(trained_run, "onnx-int8", tmp_path / "int8", capsys)
    folder = tmp_path / "int8"
    assert not (folder / "model.onnx").exists()
    ops = {node.op_type for node in onnx.load(str(folder / "model_int8.onnx")).graph.node}
    assert ops & {"MatMulInteger", "DynamicQuantizeLinear"}, ops
    # Attention was fused (one per layer) and quantised as one operator.
    layers = json.loads((trained_run / "config.json").read_text())["num_hidden_layers"]
    assert report["graph"]["fused"]["Attention"] == layers and "QAttention" in ops, ops
    assert f"fused {layers} Attention" in (folder / "README.md").read_text()
    parity = report["parity"]
    assert isinstance(parity["accuracy_change_points"], float) and 0 <= parity["label_agreement"] <= 1
    assert "Accuracy change" in (folder / "README.md").read_text()
    config = json.loads((folder / "export_config.json").read_text())
    assert config["model_file"] == "model_int8.onnx"


def test_hf_export_is_the_same_model(trained_run, tmp_path, capsys):
    report = _export(trained_run, "hf", tmp_path / "hf", capsys)
    assert report["parity"]["max_abs_diff"] == 0.0
    assert (tmp_path / "hf" / "config.json").is_file() and (tmp_path / "hf" / "EXPORT.md").is_file()


def test_calibration_travels_with_the_export_and_its_threshold_decides(trained_run, tmp_path):
    from tlstudio.core.export import export_model
    from tlstudio.core.export.standalone import ExportedModel
    from tlstudio.core.insight.calibration import Calibration, save_calibration

    run = shutil.copytree(trained_run, tmp_path / "run")
    save_calibration(run, Calibration(temperature=2.0, thresholds={"1": 0.0}, unsure_below=0.99))
    export_model(run, "onnx", tmp_path / "out")
    config = json.loads((tmp_path / "out" / "export_config.json").read_text())
    assert config["temperature"] == 2.0 and config["thresholds"] == {"1": 0.0} and config["unsure_below"] == 0.99
    model = ExportedModel(tmp_path / "out")
    scores = model.predict_scores(["bad food", "awful terrible service", "great"])
    raw = model.predict_scores(["bad food", "awful terrible service", "great"], calibrated=False)
    assert [model.label(row) for row in scores] == ["1", "1", "1"]  # threshold 0: always the positive
    assert abs(scores[0][1] - 0.5) < abs(raw[0][1] - 0.5) or raw[0][1] == 0.5  # T=2 softens
    # under the "don't know" threshold the written answer is "unsure", as tlstudio predict writes it
    assert [model.row_values(row)[0] for row in scores] == [
        "unsure" if row.max() < 0.99 else "1" for row in scores]
    assert any(model.is_unsure(row) for row in scores)


@pytest.mark.parametrize("case", ["not_empty", "no_test_predictions"])
def test_export_problems_are_one_error_line(trained_run, tmp_path, capsys, case):
    run, out = trained_run, tmp_path / "out"
    if case == "not_empty":
        out.mkdir()
        (out / "keep.txt").write_text("mine")
    else:
        run = shutil.copytree(trained_run, tmp_path / "run")
        (run / "predictions_test.csv").unlink()
    assert main(["export", str(run), "--format", "onnx", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert ("not an empty folder" if case == "not_empty" else "predictions_test.csv") in err


def test_missing_onnx_packages_are_named_before_any_work(trained_run, tmp_path, capsys, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "onnxruntime" else real(name, *a))
    assert main(["export", str(trained_run), "--format", "onnx-int8", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "onnxruntime" in err and "tlstudio[export]" in err
    assert not (tmp_path / "o").exists()


def test_sentence_pair_regression_exports_with_the_same_scores(tiny_model_dir, tmp_path, capsys):
    run = tmp_path / "pairs"
    assert main(["train", str(DATA / "stsb_300.csv"), "--out", str(run), "--model", str(tiny_model_dir),
                 "--text-column", "sentence1", "--text-column", "sentence2", "--label-column", "score",
                 "--task", "regression", "--epochs", "1", "--max-length", "24", "--precision", "fp32"]) == 0
    report = _export(run, "onnx", tmp_path / "out", capsys)
    parity = report["parity"]
    assert report["task"] == "regression" and parity["accuracy_change_points"] is None
    assert parity["max_abs_diff"] <= 1e-4 and parity["label_agreement"] == 1.0
    card = (tmp_path / "out" / "README.md").read_text()
    assert "| Accuracy change | n/a |" in card
    _long_pairs_export_the_same_reading(run, tmp_path / "windows")


def _long_pairs_export_the_same_reading(run, out):
    """A pair run that reads long pairs in parts: predict.py windows the same member, the same way."""
    import numpy as np

    from tlstudio.core.export import export_model
    from tlstudio.core.export.standalone import ExportedModel
    from tlstudio.core.inference.predictor import Predictor
    from tlstudio.core.runs.store import RunFolder

    folder = RunFolder(run)
    config = folder.config()
    config.long_texts, config.max_length = "chunks-mean", 16
    folder.write_config(config)
    report = export_model(run, "onnx", out)
    assert json.loads((out / "export_config.json").read_text())["stride"] == 4
    assert report["parity"]["max_abs_diff"] <= 1e-4
    long = " ".join(["the movie was good", "but the service was terrible", "i love this phone"] * 2)
    half = "the film was really good and the food was nice"  # 10 tokens: with 3 specials over half of 16
    texts, pairs = ["good film", long, "good", half], [long, "bad movie", "bad", long]
    model, predictor = ExportedModel(out), Predictor.load(run)
    onnx = model.predict_scores(texts, pairs)
    assert model.windowed_rows == 2  # the short pair is one window; the last is cut (its shorter text fills half)
    assert np.abs(onnx - predictor.predict_scores(texts, pairs)).max() <= 1e-4
    predictor.long_texts = "truncate"
    assert np.abs(onnx[:2] - predictor.predict_scores(texts, pairs)[:2]).max() > 1e-6  # the parts are read


def test_int8_warns_only_when_accuracy_drops_more_than_a_point():
    from tlstudio.core.export import _warnings

    assert _warnings("onnx-int8", {"max_abs_diff": 0.05, "accuracy_change_points": -0.5}) == []
    [warning] = _warnings("onnx-int8", {"max_abs_diff": 0.05, "accuracy_change_points": -2.5})
    assert "drops by 2.5 points" in warning
    [warning] = _warnings("onnx", {"max_abs_diff": 3e-3, "accuracy_change_points": 0.0})
    assert "differ from PyTorch's by up to 0.003" in warning


def test_long_texts_are_read_in_windows_and_counted(onnx_export, tmp_path):
    import numpy as np

    from tlstudio.core.export.standalone import ExportedModel

    out, _ = onnx_export
    model = ExportedModel(out)
    short, long = "bad food", " ".join(["great phone", "awful service"] * 30)
    plain = model.predict_scores([short, long])
    model.stride = 8
    windowed = model.predict_scores([short, long])
    assert model.windowed_rows == 1
    assert np.allclose(windowed[0], plain[0], atol=1e-6)  # a short text is one window: unchanged
    model.tokenizer.enable_truncation(32, stride=8)
    first = model.tokenizer.encode(long)
    windows = [first, *first.overflowing]
    model.tokenizer.enable_truncation(32)
    assert len(windows) > 3 and all(len(w.ids) <= 32 for w in windows)
    expected = model.scores(model._run(windows).mean(axis=0, keepdims=True))[0]
    assert np.allclose(windowed[1], expected, atol=1e-6)
    model.aggregate = "max"
    expected_max = model.scores(model._run(windows).max(axis=0, keepdims=True))[0]
    assert np.allclose(model.predict_scores([long])[0], expected_max, atol=1e-6)

    source = tmp_path / "in.csv"
    source.write_text(f"text\n{short}\n{long}\ngood\n", encoding="utf-8")
    result = subprocess.run([sys.executable, str(out / "predict.py"), "--input", str(source), "--output",
                             str(tmp_path / "o.csv"), "--stride", "8"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "1 of 3 rows were longer than 32 tokens and were read in windows" in result.stderr


def test_multi_label_onnx_export_matches_pytorch_label_for_label(tiny_model_dir, tmp_path, capsys):
    data = tmp_path / "multi.csv"
    with open(DATA / "sentiment_120.csv", encoding="utf-8") as source, \
            open(data, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["text", "positive", "imdb"])
        for row in csv.DictReader(source):
            writer.writerow([row["text"], row["label"], int(row["source"] == "imdb")])
    run = tmp_path / "run"
    assert main(["train", str(data), "--out", str(run), "--model", str(tiny_model_dir), "--label-column",
                 "positive", "--label-column", "imdb", "--epochs", "1", "--max-length", "32", "--long-texts", "truncate",
                 "--precision", "fp32", "--lr", "1e-3"]) == 0
    report = _export(run, "onnx", tmp_path / "out", capsys)
    parity = report["parity"]
    assert report["task"] == "multilabel" and parity["rows"] == 18
    assert parity["max_abs_diff"] <= 1e-4 and parity["label_agreement"] == 1.0
    assert parity["accuracy_change_points"] == 0.0


def test_a_run_that_reads_long_texts_in_parts_exports_the_same_reading(trained_run, tmp_path):
    from tlstudio.core.export import export_model
    from tlstudio.core.export.standalone import ExportedModel
    from tlstudio.core.inference.predictor import Predictor
    from tlstudio.core.runs.store import RunFolder

    run = tmp_path / "run"
    shutil.copytree(trained_run, run)
    folder = RunFolder(run)
    config = folder.config()
    config.long_texts, config.max_length = "chunks-max", 16  # most test rows are then long
    folder.write_config(config)
    report = export_model(run, "onnx", tmp_path / "out")
    exported = json.loads((tmp_path / "out" / "export_config.json").read_text())
    assert (exported["stride"], exported["aggregate"]) == (4, "max")
    assert report["parity"]["max_abs_diff"] <= 1e-4 and report["parity"]["label_agreement"] == 1.0
    # Its parts differ (a repeated phrase would give near-identical windows).
    long = " ".join(["awful service"] * 4 + ["great phone", "lovely screen", "terrible battery"] * 8)
    model = ExportedModel(tmp_path / "out")
    predictor = Predictor.load(run)
    assert predictor.long_texts == "chunks-max"
    onnx = model.predict_scores([long], calibrated=False)
    assert model.windowed_rows == 1
    torch_scores = predictor.predict_scores([long], calibrated=False)
    assert abs(onnx - torch_scores).max() <= 1e-4
    # The predictor really reads the parts: their mean differs from the first part alone. (The
    # max can equal the first part's when that part holds both classes' largest logits.)
    predictor.long_texts = "truncate"
    first_part = predictor.predict_scores([long], calibrated=False)
    predictor.long_texts = "chunks-mean"
    assert abs(predictor.predict_scores([long], calibrated=False) - first_part).max() > 1e-6
