"""Resume from the window: an interrupted run continues from its checkpoint on the Train page."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from gui_helpers import TRAIN_TIMEOUT
from PySide6.QtCore import Qt


def interrupted_run(tiny_model_dir: Path, data: Path, name: str = "killed-cli-run") -> tuple[Path, int]:
    """A CLI run in the app's runs folder, SIGKILLed mid-interval after its second checkpoint.

    Returns the run folder and the step of its last checkpoint.
    """
    from tlstudio.core.system.paths import runs_dir

    out = runs_dir() / name  # TLSTUDIO_HOME is the test's own home, inherited by the CLI
    argv = [sys.executable, "-m", "tlstudio", "train", str(data), "--out", str(out),
            "--model", str(tiny_model_dir), "--epochs", "8", "--max-length", "32", "--long-texts", "truncate",
            "--precision", "fp32", "--lr", "1e-3", "--logging-steps", "1", "--json"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env=env)
    checkpoints: list[int] = []
    try:
        for line in proc.stdout:
            event = json.loads(line)
            if event["kind"] == "checkpoint":
                checkpoints.append(event["step"])
            elif event["kind"] == "step" and len(checkpoints) == 2 and event["step"] > checkpoints[-1] + 1:
                os.kill(proc.pid, signal.SIGKILL)  # mid-interval, after the second checkpoint
                break
    finally:
        if proc.poll() is None and proc.returncode is None and len(checkpoints) < 2:
            proc.kill()
        proc.wait(60)
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL and len(checkpoints) == 2
    assert json.loads((out / "run.json").read_text())["status"] == "running"  # as a crash leaves it
    return out, checkpoints[-1]


def wait_listed(qtbot, window, count: int):
    window.show_page("runs")
    runs = window.pages["runs"]
    runs.refresh()
    qtbot.waitUntil(lambda: runs.runs_list.rowCount() == count, timeout=60_000)
    return runs


def test_an_interrupted_run_resumes_on_the_train_page_and_finishes(window, qtbot, tiny_model_dir,
                                                                   sentiment_csv):
    run_dir, checkpoint = interrupted_run(tiny_model_dir, sentiment_csv)

    runs = wait_listed(qtbot, window, 1)
    assert f"interrupted — can resume from step {checkpoint}" in runs.runs_list.row_text(0)
    assert not runs.resume_button.isEnabled()  # nothing selected yet
    assert runs.resume_button.accessibleName()
    runs.runs_list.selectRow(0)
    assert runs.resume_button.isEnabled()
    assert runs.resume_note.isVisible() and f"step {checkpoint}" in runs.resume_note.text()
    # its loss so far, read from the checkpoint
    qtbot.waitUntil(lambda: len(runs.compare.shown_curves()[0]) == 1, timeout=60_000)
    assert len(runs.compare.shown_curves()[0][0].getData()[0]) == checkpoint

    train = window.pages["train"]
    new_steps: list[int] = []
    train.step_received.connect(lambda event: new_steps.append(event.step))
    with qtbot.waitSignal(train.run_finished, timeout=TRAIN_TIMEOUT) as finished:
        qtbot.mouseClick(runs.resume_button, Qt.MouseButton.LeftButton)
        # The Train page opens without data or model chosen: the run brings its own.
        assert window.current_page() == "train" and train.running
        assert not window.state.has_data and window.state.model is None
        assert not runs.resume_button.isEnabled()  # no second run while this one trains
        assert not train.start_button.isEnabled() and train.stop_button.isEnabled()
        note = train.data_note.text()
        assert f"Resuming {run_dir.name} (trained on sentiment.csv) from step {checkpoint}" in note
        # the run's own settings replace the panel's (which are for the next new run)
        assert not train.settings.isVisible() and train.resumed_settings.isVisible()
        shown = train.resumed_settings.text()
        assert "Epochs: 8" in shown and "Learning rate: 1e-3" in shown and "Max length (tokens): 32" in shown
        x, _ = train.curves.train_loss.view()  # prefilled from the checkpoint's log_history
        assert list(x) == list(range(1, checkpoint + 1))
        assert len(train.curves.val_loss.view()[0]) == 2  # both validation passes so far
        assert "accuracy" in train.curves.metrics
        qtbot.waitUntil(lambda: len(new_steps) >= 2, timeout=TRAIN_TIMEOUT)
        assert train.running
    result = finished.args[0]
    assert Path(result.run_dir) == run_dir
    assert new_steps[0] == checkpoint + 1  # continued after the checkpoint, did not start over
    x, y = train.curves.train_loss.view()
    assert list(x[:checkpoint]) == list(range(1, checkpoint + 1))  # the prefilled history stays
    assert list(x[checkpoint:]) == new_steps and all(s > checkpoint for s in new_steps)
    raw_x, _ = train.curves.raw_curve.getData()
    assert len(raw_x) == len(x)  # drawn, history and new steps on one curve
    assert json.loads((run_dir / "run.json").read_text())["status"] == "complete"

    qtbot.waitUntil(lambda: not train.running, timeout=60_000)
    assert window.state.run_dir == run_dir  # the current run, like a fresh one
    assert train.start_button.isEnabled()
    assert train.settings.isVisible() and not train.resumed_settings.isVisible()

    runs = wait_listed(qtbot, window, 1)
    qtbot.waitUntil(lambda: "no score" not in runs.runs_list.row_text(0), timeout=60_000)
    assert "resum" not in runs.runs_list.row_text(0)  # complete, with its test score
    assert "interrupted" not in runs.runs_list.row_text(0)
    runs.runs_list.selectRow(0)
    assert not runs.resume_button.isEnabled() and not runs.resume_note.isVisible()
    qtbot.waitUntil(lambda: [len(c.getData()[0]) for c in runs.compare.shown_curves()[0]] == [len(x)],
                    timeout=60_000)  # the whole run's curve now, from its history.csv

    window.show_page("evaluate")
    assert window.current_page() == "evaluate"
    table = window.pages["evaluate"].metrics_table
    qtbot.waitUntil(lambda: table.rowCount() > 0, timeout=120_000)


def _write_run(run_dir: Path, info: dict, data: Path, model: Path) -> None:
    from tlstudio.core.settings.config import RunConfig

    run_dir.mkdir(parents=True)
    config = RunConfig(data_path=str(data), model=str(model), text_columns=["text"],
                       label_columns=["label"], task="binary", output_dir=str(run_dir))
    (run_dir / "run_config.json").write_text(config.to_json(), encoding="utf-8")
    base = {"name": run_dir.name, "model": model.name, "task": "binary",
            "created": "2026-01-29T10:15:00+01:00"}
    (run_dir / "run.json").write_text(json.dumps({**base, **info}), encoding="utf-8")


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait(60)
    return proc.pid


def test_a_run_without_a_checkpoint_says_it_cannot_be_resumed(window, qtbot, tiny_model_dir,
                                                              sentiment_csv):
    from tlstudio.core.system.paths import runs_dir

    _write_run(runs_dir() / "failed-early", {"status": "failed", "error": "The disk is full."},
               sentiment_csv, tiny_model_dir)
    _write_run(runs_dir() / "killed-early", {"status": "running", "pid": _dead_pid(),
                                             "host": socket.gethostname(),
                                             "created": "2026-01-30T10:15:00+01:00"},
               sentiment_csv, tiny_model_dir)

    runs = wait_listed(qtbot, window, 2)
    texts = [runs.runs_list.row_text(i) for i in range(2)]
    assert "interrupted — can't resume: no checkpoint yet" in texts[0]  # newest first
    assert "failed — can't resume: no checkpoint yet" in texts[1]
    for row in (0, 1):
        runs.runs_list.selectRow(row)
        assert not runs.resume_button.isEnabled()
        assert runs.resume_note.isVisible()
        assert "can't be resumed" in runs.resume_note.text()
    assert "The disk is full." in runs.resume_note.text()  # the failed run says why it failed
    runs.resume_button.click()  # disabled: nothing happens
    assert not window.pages["train"].running and window.current_page() == "runs"


def test_an_engine_refusal_is_an_inline_error_and_the_run_stays_resumable(
        window, qtbot, tiny_model_dir, tmp_path):
    """The data file is gone: the Train page shows the engine's message, the app goes on."""
    from tlstudio.core.system.paths import runs_dir

    gone = tmp_path / "moved_away.csv"
    run_dir = runs_dir() / "data-moved"
    _write_run(run_dir, {"status": "failed", "data_sha256": {str(gone): "0" * 64}}, gone,
               tiny_model_dir)
    checkpoint = run_dir / "checkpoints" / "checkpoint-6"
    checkpoint.mkdir(parents=True)
    history = [{"step": s, "epoch": s / 6, "loss": 0.7 - s / 100, "learning_rate": 1e-3}
               for s in range(1, 7)]
    history.append({"step": 6, "epoch": 1.0, "eval_loss": 0.69, "eval_accuracy": 0.55,
                    "eval_runtime": 0.2})
    (checkpoint / "trainer_state.json").write_text(
        json.dumps({"global_step": 6, "max_steps": 48, "log_history": history}), encoding="utf-8")

    runs = wait_listed(qtbot, window, 1)
    assert "failed — can resume from step 6" in runs.runs_list.row_text(0)
    runs.runs_list.selectRow(0)
    train = window.pages["train"]
    runs.resume_button.click()
    assert window.current_page() == "train"
    assert list(train.curves.train_loss.view()[0]) == [1, 2, 3, 4, 5, 6]
    assert list(train.curves.metrics["accuracy"].view()[1]) == [0.55]
    qtbot.waitUntil(lambda: not train.running, timeout=TRAIN_TIMEOUT)
    assert train.banner.isVisible() and "moved_away.csv" in train.banner.message.text()
    assert train.status.text() == "Training failed."
    assert window.state.run_dir is None  # a failed resume is not a run to evaluate

    runs = wait_listed(qtbot, window, 1)
    runs.runs_list.selectRow(0)
    qtbot.waitUntil(lambda: runs.resume_button.isEnabled(), timeout=60_000)  # still resumable
    assert "moved_away.csv" in runs.resume_note.text()  # the failure's reason, from run.json


def test_a_run_folder_that_cannot_be_read_is_refused_on_the_runs_page(window, qtbot,
                                                                      tiny_model_dir, tmp_path):
    from tlstudio.core.system.paths import runs_dir

    run_dir = runs_dir() / "damaged"
    _write_run(run_dir, {"status": "failed"}, tmp_path / "x.csv", tiny_model_dir)
    (run_dir / "checkpoints" / "checkpoint-3").mkdir(parents=True)
    (run_dir / "checkpoints" / "checkpoint-3" / "trainer_state.json").write_text("{not json")
    runs = wait_listed(qtbot, window, 1)
    runs.runs_list.selectRow(0)
    runs.resume_button.click()
    assert runs.banner.isVisible() and "trainer_state.json" in runs.banner.message.text()
    assert not window.pages["train"].running and window.current_page() == "runs"


def test_pause_and_stop_work_on_a_resumed_run(window, qtbot, tiny_model_dir, sentiment_csv):
    run_dir, checkpoint = interrupted_run(tiny_model_dir, sentiment_csv, "to-stop")
    runs = wait_listed(qtbot, window, 1)
    runs.runs_list.selectRow(0)
    qtbot.waitUntil(runs.resume_button.isEnabled, timeout=60_000)
    train = window.pages["train"]
    new_steps: list[int] = []
    train.step_received.connect(lambda event: new_steps.append(event.step))
    with qtbot.waitSignal(train.run_finished, timeout=TRAIN_TIMEOUT) as finished:
        runs.resume_button.click()
        qtbot.waitUntil(lambda: len(new_steps) >= 1, timeout=TRAIN_TIMEOUT)
        train.pause_button.click()
        assert train.pause_button.text() == "Resume"
        train.stop_button.click()
    assert finished.args[0].stopped
    assert new_steps[0] == checkpoint + 1 and len(new_steps) < 48 - checkpoint
    info = json.loads((run_dir / "run.json").read_text())
    assert info["status"] == "complete" and info["stopped"] is True
    qtbot.waitUntil(lambda: not train.running, timeout=60_000)
    assert train.progress.format().startswith("Stopped after step")
