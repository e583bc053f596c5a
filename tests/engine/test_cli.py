"""The headless CLI: train, predict, evaluate, models; bad input is one error line and exit 2."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tlstudio.cli.main import main

DATA = Path(__file__).parent.parent / "data"


def _train_args(tiny_model_dir, out, *extra):
    return ["train", str(DATA / "sentiment_120.csv"), "--out", str(out), "--model", str(tiny_model_dir),
            "--epochs", "1", "--max-length", "32", "--long-texts", "truncate", "--precision", "fp32", "--lr", "1e-3", *extra]


@pytest.fixture(scope="module")
def trained_run(tiny_model_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "run"
    assert main(_train_args(tiny_model_dir, out)) == 0
    return out


def test_train_json_prints_one_event_per_line(tiny_model_dir, tmp_path, capsys):
    assert main(_train_args(tiny_model_dir, tmp_path / "r", "--json")) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    events = [json.loads(line) for line in lines]
    assert events[-1]["kind"] == "finished" and {"status", "step", "eval", "checkpoint"} <= {e["kind"] for e in events}


def test_predict_text_and_file(trained_run, tmp_path, capsys):
    assert main(["predict", str(trained_run), "--text", "great phone", "--json"]) == 0
    single = json.loads(capsys.readouterr().out)
    assert single["label"] in ("0", "1") and sum(single["scores"].values()) == pytest.approx(1.0)
    source = tmp_path / "in.csv"
    source.write_text('text,label\n=cmd|calc,1\n"-2+3",0\nfine food,1\n-1.5,0\n', encoding="utf-8")
    before = source.read_bytes()
    assert main(["predict", str(trained_run), "--input", str(source), "--output", str(tmp_path / "o.csv")]) == 0
    rows = list(csv.reader(open(tmp_path / "o.csv", encoding="utf-8")))
    assert rows[0] == ["text", "label", "prediction", "prob_0", "prob_1"]
    assert [r[0] for r in rows[1:]] == ["'=cmd|calc", "'-2+3", "fine food", "-1.5"]
    assert source.read_bytes() == before
    assert main(["predict", str(trained_run), "--input", str(source), "--output", str(tmp_path / "raw.csv"),
                 "--raw"]) == 0
    assert list(csv.reader(open(tmp_path / "raw.csv", encoding="utf-8")))[1][0] == "=cmd|calc"


def test_predict_file_matches_test_predictions(trained_run, tmp_path):
    rows = list(csv.DictReader(open(trained_run / "predictions_test.csv", encoding="utf-8")))
    source = tmp_path / "test.csv"
    with open(source, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text"])
        writer.writerows([[i, r["text"]] for i, r in enumerate(rows)])
    assert main(["predict", str(trained_run), "--input", str(source), "--output", str(tmp_path / "p.csv"), "--raw"]) == 0
    predicted = [r["prediction"] for r in csv.DictReader(open(tmp_path / "p.csv", encoding="utf-8"))]
    assert predicted == [r["prediction"] for r in rows]


def test_evaluate_reports_metrics(trained_run, capsys):
    assert main(["evaluate", str(trained_run), str(DATA / "sentiment_120.csv"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["rows_evaluated"] == 120 and 0 <= report["model"]["accuracy"] <= 1
    assert len(report["confusion_matrix"]) == 2
    assert report["baselines"]["tfidf"]["accuracy"] > report["baselines"]["majority"]["accuracy"] - 0.01


def test_models_json_lists_bundled_default_first(capsys):
    assert main(["models", "--json"]) == 0
    models = json.loads(capsys.readouterr().out)
    assert models[0]["source"] == "bundled" and models[0]["parameters"] > 20_000_000


@pytest.mark.parametrize(
    "argv",
    [
        ["train", "no_such_file.csv"],
        ["train", str(DATA / "sentiment_120.csv"), "--strategy", "freeze-x"],
        ["train", str(DATA / "sentiment_120.csv"), "--model", "./no/such/folder"],
        ["train", str(DATA / "sentiment_120.csv"), "--resume"],
        ["train", str(DATA / "sentiment_120.csv"), "--model", "someone/not-cached-model"],
        ["predict", "no_such_run", "--text", "hi"],
    ],
)
def test_bad_input_is_one_error_line_and_exit_2(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert [line for line in err if line.startswith("error: ")] == err[-1:], err


def test_offline_hub_model_names_working_sources(capsys):
    main(["train", str(DATA / "sentiment_120.csv"), "--model", "someone/not-cached-model"])
    err = capsys.readouterr().err
    assert "offline" in err and "default" in err


def test_killed_run_resumes_to_a_complete_folder(tiny_model_dir, tmp_path):
    """kill -9 between two checkpoints, then --resume: at most one checkpoint interval is redone,
    and the result matches an uninterrupted run with the same seed."""
    out = tmp_path / "run"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    argv = [sys.executable, "-m", "tlstudio", *_train_args(tiny_model_dir, out, "--json", "--epochs", "8",
                                                               "--logging-steps", "1")]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    checkpoints, killed_at = [], None
    for line in proc.stdout:
        event = json.loads(line)
        if event["kind"] == "checkpoint":
            checkpoints.append(event["step"])
        elif event["kind"] == "step" and len(checkpoints) == 2 and event["step"] > checkpoints[-1] + 1:
            os.kill(proc.pid, signal.SIGKILL)  # mid-interval, two steps after the last checkpoint
            killed_at = event["step"]
            break
    proc.wait(60)
    assert killed_at is not None and proc.returncode == -signal.SIGKILL
    interval = checkpoints[1] - checkpoints[0]
    assert json.loads((out / "run.json").read_text())["status"] == "running"  # not mistaken for complete
    from tlstudio.core.runs.catalog import list_runs

    [listed] = list_runs(out.parent)
    assert listed.status == "interrupted" and listed.resumable and not listed.complete
    resumed = subprocess.run([sys.executable, "-m", "tlstudio", "train", str(DATA / "sentiment_120.csv"),
                              "--out", str(out), "--resume", "--json"],
                             capture_output=True, text=True, env=env, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    events = [json.loads(line) for line in resumed.stdout.splitlines()]
    steps = [e["step"] for e in events if e["kind"] == "step"]
    assert not [e for e in events if "starts untrained" in e.get("message", "")]  # it has its head
    assert steps[0] == checkpoints[-1] + 1  # continued from the last checkpoint, did not start over
    assert 0 < killed_at - checkpoints[-1] < interval  # lost less than one checkpoint interval
    assert json.loads((out / "run.json").read_text())["status"] == "complete"
    [listed] = list_runs(out.parent)
    assert listed.status == "complete" and not listed.resumable
    history = list(csv.DictReader(open(out / "history.csv", encoding="utf-8")))
    assert int(history[0]["step"]) <= killed_at  # the history from before the kill survived

    whole = tmp_path / "uninterrupted"
    assert main(_train_args(tiny_model_dir, whole, "--epochs", "8")) == 0
    interrupted = json.loads((out / "metrics.json").read_text())["model"]
    reference = json.loads((whole / "metrics.json").read_text())["model"]
    assert interrupted["accuracy"] == pytest.approx(reference["accuracy"], abs=0.06)
    assert interrupted["f1_macro"] == pytest.approx(reference["f1_macro"], abs=0.06)


def test_models_lists_a_broken_cached_model_with_its_problem(tiny_model_dir, tmp_path, monkeypatch, capsys):
    import shutil

    from huggingface_hub.utils import _cache_manager

    snapshot = tmp_path / "hub" / "models--someone--tiny" / "snapshots" / "0123abc"
    shutil.copytree(tiny_model_dir, snapshot)
    (snapshot.parents[1] / "refs").mkdir()
    (snapshot.parents[1] / "refs" / "main").write_text("0123abc")
    weights = snapshot / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])
    monkeypatch.setattr(_cache_manager, "HF_HUB_CACHE", str(tmp_path / "hub"))

    assert main(["models"]) == 0
    lines = capsys.readouterr().out.splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("someone/tiny"))
    assert lines[row + 1].startswith("    can't be used:") and "model.safetensors" in lines[row + 1]
    assert main(["models", "--json"]) == 0
    listed = {m["name"]: m for m in json.loads(capsys.readouterr().out)}
    assert "model.safetensors" in listed["someone/tiny"]["problem"]
    assert listed["all-MiniLM-L6-v2 (bundled)"]["problem"] == ""


def test_resume_refuses_a_data_file_that_changed_or_vanished(tiny_model_dir, tmp_path, capsys):
    import shutil

    from tlstudio.core.evaluation.other_file import evaluate_run

    data = tmp_path / "reviews.csv"
    shutil.copy(DATA / "sentiment_120.csv", data)
    out = tmp_path / "run"
    args = ["train", str(data), "--out", str(out), "--model", str(tiny_model_dir), "--epochs", "1",
            "--max-length", "16", "--precision", "fp32", "--keep-checkpoints"]
    assert main(args) == 0
    info = json.loads((out / "run.json").read_text())
    assert list(info["data_sha256"]) == [str(data)]
    info["status"] = "running"  # as if the run had been killed after its last checkpoint
    (out / "run.json").write_text(json.dumps(info))
    assert evaluate_run(out, DATA / "sentiment_120.csv")["baselines"]  # the training file is intact
    capsys.readouterr()

    data.write_text(data.read_text() + "one more row,1,amazon\n")
    # Baselines need the run's own training split: with the file changed they are left out.
    assert evaluate_run(out, DATA / "sentiment_120.csv")["baselines"] == {}
    assert main(["train", str(data), "--out", str(out), "--resume"]) == 2
    err = capsys.readouterr().err
    assert "changed since the run began" in err and err.count("\n") == 1
    data.unlink()
    assert main(["train", str(data), "--out", str(out), "--resume"]) == 2
    assert "is gone" in capsys.readouterr().err


def test_evaluate_run_reports_progress_up_to_every_row(trained_run):
    from tlstudio.core.evaluation.other_file import evaluate_run

    calls: list[tuple[int, int]] = []
    report = evaluate_run(trained_run, DATA / "sentiment_120.csv", progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (report["rows_evaluated"], report["rows_evaluated"])
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_resume_needs_only_the_run_folder(tiny_model_dir, tmp_path, capsys):
    """An interrupted run continues from ``--resume --out DIR`` alone: the folder records its
    data file and settings."""
    from tlstudio.cli.engine import config_from_args
    from tlstudio.cli.main import build_parser
    from tlstudio.core.events import CheckpointEvent, StepEvent
    from tlstudio.core.training import run_training

    out = tmp_path / "run"
    config = config_from_args(build_parser().parse_args(_train_args(
        tiny_model_dir, out, "--epochs", "3", "--evals-per-epoch", "2", "--batch-size", "8")))
    seen: list = []

    def interrupt_after_a_checkpoint(event):
        seen.append(event)
        if isinstance(event, StepEvent) and any(isinstance(e, CheckpointEvent) for e in seen):
            raise KeyboardInterrupt  # as Ctrl+C in the middle of training

    with pytest.raises(KeyboardInterrupt):
        run_training(config, interrupt_after_a_checkpoint)
    assert json.loads((out / "run.json").read_text())["status"] != "complete"
    capsys.readouterr()
    assert main(["train", "--out", str(out), "--resume"]) == 0, capsys.readouterr().err
    assert json.loads((out / "run.json").read_text())["status"] == "complete"
    saved = json.loads((out / "run_config.json").read_text())
    assert saved["data_path"] == str(DATA / "sentiment_120.csv") and saved["epochs"] == 3.0
