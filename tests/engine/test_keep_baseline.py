"""Issue 11: "keep the baseline" turns a run's embeddings baseline into its model, loadable as any run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tlstudio.cli.main import main
from tlstudio.core.inference.predictor import Predictor
from tlstudio.core.runs.store import RunFolder
from tlstudio.core.training.keep_baseline import keep_embeddings

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def fine_tuned_run(tiny_model_dir, tmp_path_factory):
    """A tiny random BERT fine-tuned for one short epoch: the bundled embeddings baseline beats it."""
    from tlstudio.core.settings.config import RunConfig
    from tlstudio.core.training import run_training

    out = tmp_path_factory.mktemp("keep") / "run"
    config = RunConfig(data_path=str(DATA / "sentiment_120.csv"), model=str(tiny_model_dir), output_dir=str(out),
                       epochs=1, max_length=32, precision="fp32", long_texts="truncate")
    return run_training(config).run_dir


def test_keeping_the_embeddings_baseline_ships_a_loadable_model_that_scores_like_it(fine_tuned_run, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(fine_tuned_run, run)
    before = RunFolder(run).info().verdict
    verdict = keep_embeddings(run)

    assert verdict["method"]["chosen"] == "embeddings" and verdict["method"]["kept"] is True
    assert verdict["text"].endswith(verdict["method"]["text"]) and "Kept as this run's model" in verdict["text"]
    assert "keep_embeddings" not in [a["id"] for a in verdict["advice"]]  # done: not offered again
    # The kept model is the bundled encoder + the regression, scoring like the baseline it replaces.
    assert abs(verdict["score"]["value"] - before["baselines"]["embeddings"]["value"]) <= 0.06
    config = json.loads((run / "config.json").read_text(encoding="utf-8"))
    assert config["num_hidden_layers"] == 7 and config["hidden_size"] == 384
    assert RunFolder(run).is_complete() and RunFolder(run).info().main_metric_value == verdict["score"]["value"]
    # `tlstudio predict` on the run gives what the rewritten test report holds, row by row.
    rows = RunFolder(run).predictions()
    predicted = [p.label for p in Predictor.load(run, device="cpu").predict([r.text for r in rows])]
    assert predicted == [r.prediction for r in rows] and len(set(predicted)) == 2


def test_the_cli_names_the_command_and_runs_it(fine_tuned_run, tmp_path, capsys):
    from tlstudio.cli.engine import _verdict_text

    verdict = RunFolder(fine_tuned_run).info().verdict
    offered = {**verdict, "advice": [{"id": "keep_embeddings", "text": "Keep the embeddings baseline."}]}
    assert "advice: Keep the embeddings baseline. Run: tlstudio keep-baseline '/runs/my run' --baseline embeddings" in _verdict_text(
        offered, "/runs/my run")
    run = tmp_path / "run"
    shutil.copytree(fine_tuned_run, run)
    assert main(["keep-baseline", str(run)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("verdict: ") and "Kept as this run's model" in out
    assert main(["keep-baseline", str(tmp_path / "not-a-run")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err
