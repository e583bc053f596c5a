"""Issue 11: the verdict of a real run reaches run.json, metrics.json, the model card and the CLI."""

from __future__ import annotations

import csv
import json

import pytest

from tlstudio.cli.main import main


@pytest.fixture(scope="module")
def useless_run(tiny_model_dir, tmp_path_factory):
    """A run on texts that carry no information (every text the same): it can only learn nothing."""
    folder = tmp_path_factory.mktemp("useless")
    data = folder / "same_text.csv"
    with open(data, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        for i in range(80):
            writer.writerow(["the very same words on every row", "pos" if i % 3 else "neg"])
    out = folder / "run"
    argv = ["train", str(data), "--out", str(out), "--model", str(tiny_model_dir), "--epochs", "1",
            "--max-length", "16", "--precision", "fp32", "--lr", "1e-3"]
    return data, out, argv


def test_useless_run_says_it_learned_nothing_everywhere(useless_run, capsys):
    data, out, argv = useless_run
    assert main(argv) == 0
    printed = capsys.readouterr().out
    info = json.loads((out / "run.json").read_text(encoding="utf-8"))
    verdict = info["verdict"]
    assert verdict["kind"] == "nothing" and verdict["beats_baselines"] is False
    assert {"beats_baselines", "best_baseline", "margin", "p_value", "text"} <= set(verdict)  # issue 11's record
    assert verdict["margin"] == verdict["baselines"][verdict["best_baseline"]]["margin"]
    assert 0.0 <= verdict["p_value"] <= 1.0
    assert "learned nothing" in verdict["text"] and verdict["best_baseline"] in verdict["baselines"]
    assert 0.0 <= verdict["score"]["ci_low"] <= verdict["score"]["value"] <= verdict["score"]["ci_high"]
    assert "learned nothing" in printed and "95% interval" in printed and "p = " in printed
    assert "always answering 'pos'" in printed  # the majority baseline named by what it does
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert {"majority", "tfidf", "embeddings"} <= set(metrics["baselines"])
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "**Verdict:** No better than" in card and "embeddings baseline" in card

    assert main(["evaluate", str(out), str(data)]) == 0
    evaluated = capsys.readouterr().out
    assert "verdict: No better than" in evaluated and "95% interval" in evaluated
