"""Real-model and multi-process runs (slow, still run in CI)."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tlstudio.cli.main import main

DATA = Path(__file__).parent.parent / "data"


@pytest.mark.slow
def test_minilm_sentiment_beats_majority_and_matches_pipeline(tmp_path, capsys):
    from transformers import pipeline

    out = tmp_path / "run"
    assert main(["train", str(DATA / "sentiment_600.csv"), "--out", str(out), "--epochs", "2",
                 "--max-length", "64", "--json"]) == 0
    capsys.readouterr()
    metrics = json.loads((out / "metrics.json").read_text())
    model, majority = metrics["model"]["accuracy"], metrics["baselines"]["majority"]["accuracy"]
    assert model > majority + 0.2, (model, majority)
    rows = list(csv.DictReader(open(out / "predictions_test.csv", encoding="utf-8")))
    texts = [r["text"] for r in rows]
    classify = pipeline("text-classification", model=str(out), device="cpu")
    piped = [p["label"] for p in classify(texts, truncation=True, max_length=64)]
    source = tmp_path / "texts.csv"
    with open(source, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["id", "text"], *[[i, t] for i, t in enumerate(texts)]])
    assert main(["predict", str(out), "--input", str(source), "--output", str(tmp_path / "p.csv"), "--raw"]) == 0
    predicted = [r["prediction"] for r in csv.DictReader(open(tmp_path / "p.csv", encoding="utf-8"))]
    assert predicted == piped == [r["prediction"] for r in rows]


@pytest.mark.slow
def test_minilm_stsb_regression_correlates(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", str(DATA / "stsb_300.csv"), "--out", str(out), "--text-column", "sentence1",
                 "--text-column", "sentence2", "--label-column", "score", "--task", "regression",
                 "--epochs", "4", "--lr", "2e-4", "--batch-size", "8", "--patience", "0", "--json"]) == 0
    capsys.readouterr()
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["model"]["pearson"] > 0.5, metrics["model"]
    assert metrics["model"]["pearson"] > metrics["baselines"]["tfidf"]["pearson"]
    assert len(metrics["pairs"]) == len(list(csv.DictReader(open(out / "predictions_test.csv", encoding="utf-8"))))


@pytest.mark.slow
def test_torchrun_two_cpu_processes_write_one_complete_run(tiny_model_dir, tmp_path):
    torchrun = shutil.which("torchrun", path=str(Path(sys.executable).parent)) or "torchrun"
    out = tmp_path / "run"
    result = subprocess.run(
        [torchrun, "--nproc_per_node", "2", "-m", "tlstudio", "train", str(DATA / "sentiment_120.csv"),
         "--out", str(out), "--model", str(tiny_model_dir), "--epochs", "2", "--max-length", "32", "--long-texts", "truncate",
         "--precision", "fp32", "--json"],
        capture_output=True, text=True, timeout=300, env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    events = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [e["kind"] for e in events].count("finished") == 1  # only rank 0 reports
    info = json.loads((out / "run.json").read_text())
    assert info["status"] == "complete" and info["world_size"] == 2
    assert not (out / "checkpoints").exists() and (out / "metrics.json").is_file()
