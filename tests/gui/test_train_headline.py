"""Issue 11: the Train page's finished line gives the verdict with the score's 95 % interval."""

from __future__ import annotations

from types import SimpleNamespace

from run_fixtures import write_run

from tlstudio.core.runs.store import RunFolder, RunStatus
from tlstudio.gui.train_words import score_headline


def test_the_finished_line_gives_the_score_with_its_interval_and_the_verdict(tmp_path):
    run = write_run(tmp_path / "run", ["neg", "pos"] * 10, ["neg", "pos"] * 10)
    verdict = {"score": {"name": "f1_macro", "value": 0.8, "ci_low": 0.7123, "ci_high": 0.8861, "rows": 20},
               "text": "Better than the baselines by 0.300 macro F1: 0.800 vs 0.500 for TF-IDF (p = 0.01)."}
    RunFolder(run).write_status(RunStatus.COMPLETE, verdict=verdict)
    line = score_headline(SimpleNamespace(run_dir=str(run), metrics={"model": {"f1_macro": 0.8}}))
    assert line == (" Test macro F1: 0.800 (95% interval 0.712 to 0.886). Better than the baselines by "
                    "0.300 macro F1: 0.800 vs 0.500 for TF-IDF (p = 0.01).")
