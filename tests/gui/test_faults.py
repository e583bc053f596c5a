"""Faults a person causes mid-run: Stop during an evaluation, a new file dropped, warnings.

The training thread is held inside a function the evaluation calls (a :class:`Gate`) until the
test has clicked, so "during the evaluation" is certain, never a matter of timing.
"""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest
from gui_helpers import TRAIN_TIMEOUT, drop_file, set_quick
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

OOM_WARNING = ("Out of memory with 16 examples per step: continuing with 8 per step and "
               "gradient accumulation 2, so each update still sees 16 examples.")


class Gate:
    """Holds the first caller (the training thread) until the test calls :meth:`open`."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self._open = threading.Event()
        self._calls = 0
        self._lock = threading.Lock()

    def wait_here(self) -> None:
        with self._lock:
            self._calls += 1
            first = self._calls == 1
        if first:
            self.entered.set()
            assert self._open.wait(120), "the test never opened the gate"

    def open(self) -> None:
        self._open.set()


@pytest.fixture
def gate():
    gate = Gate()
    yield gate
    gate.open()  # never leave a training thread waiting, even when the test failed


def hold_validation(monkeypatch, gate: Gate) -> None:
    """The first periodic validation pass waits at the gate (in its metric computation)."""
    import tlstudio.core.evaluation.metrics as metrics

    real = metrics.trainer_metrics

    def gated_trainer_metrics(task):
        compute = real(task)

        def gated(prediction):
            gate.wait_here()
            return compute(prediction)

        return gated

    monkeypatch.setattr(metrics, "trainer_metrics", gated_trainer_metrics)


def hold_test_evaluation(monkeypatch, gate: Gate) -> None:
    """The final evaluation (calibration, then the test split) waits at the gate (in Predictor.predict_logits)."""
    from tlstudio.core.inference.predictor import Predictor

    real = Predictor.predict_logits

    def gated(self, *args, **kwargs):
        gate.wait_here()
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Predictor, "predict_logits", gated)


def last_step(train) -> int:
    x, _ = train.curves.train_loss.view()
    return int(x[-1]) if len(x) else 0


def wait_evaluate_page(qtbot, window) -> list[str]:
    """Open the Evaluate page and return the metric names its table shows, in lower case."""
    window.show_page("evaluate")
    assert window.current_page() == "evaluate"
    table = window.pages["evaluate"].metrics_table
    qtbot.waitUntil(lambda: table.rowCount() > 0, timeout=120_000)
    return [table.item(r, 0).text().lower() for r in range(table.rowCount())]


# ---- Stop during an evaluation -----------------------------------------------------------
def test_stop_during_validation_stops_after_it(ready_window, qtbot, monkeypatch, gate):
    window = ready_window
    train = window.pages["train"]
    hold_validation(monkeypatch, gate)
    set_quick(window, epochs=30)
    with qtbot.waitSignal(train.run_finished, timeout=TRAIN_TIMEOUT) as finished:
        train.start_button.click()
        qtbot.waitUntil(gate.entered.is_set, timeout=TRAIN_TIMEOUT)
        QApplication.processEvents()  # take in every step sent before the held validation
        held_at = last_step(train)
        qtbot.mouseClick(train.stop_button, Qt.MouseButton.LeftButton)
        # Immediate, honest feedback while the validation pass is still running.
        assert train.stop_button.text() == "Stopping…"
        assert not train.stop_button.isEnabled()
        assert not train.pause_button.isEnabled()
        assert "Stopping after the current step" in train.status.text()
        assert "validation" in train.status.text()
        assert train.running and window.host.busy
        gate.open()
    result = finished.args[0]
    assert result.stopped
    assert last_step(train) <= held_at + 1  # stopped at the next step end, not 30 epochs later
    assert "Stopped early" in train.status.text()
    assert train.progress.value() < train.progress.maximum()  # the bar shows where it stopped
    assert train.progress.format().startswith("Stopped after step")
    info = json.loads((Path(result.run_dir) / "run.json").read_text())
    assert info["stopped"] is True
    qtbot.waitUntil(lambda: not train.running, timeout=60_000)
    assert train.stop_button.text() == "Stop" and train.start_button.isEnabled()

    names = wait_evaluate_page(qtbot, window)
    assert "accuracy" in names
    run_label = window.pages["evaluate"].run_label.text()
    assert "stopped early" in run_label and "sentiment.csv" in run_label
    window.show_page("runs")
    runs = window.pages["runs"].runs_list
    qtbot.waitUntil(lambda: runs.rowCount() == 1, timeout=60_000)
    assert "stopped early" in runs.row_text(0)


def test_stop_during_final_evaluation_finishes_it(ready_window, qtbot, monkeypatch, gate):
    window = ready_window
    train = window.pages["train"]
    hold_test_evaluation(monkeypatch, gate)
    set_quick(window, epochs=1)
    with qtbot.waitSignal(train.run_finished, timeout=TRAIN_TIMEOUT) as finished:
        train.start_button.click()
        qtbot.waitUntil(gate.entered.is_set, timeout=TRAIN_TIMEOUT)
        qtbot.waitUntil(lambda: train.status.text().startswith("Evaluating on the test split"),
                        timeout=60_000)
        assert not train.pause_button.isEnabled()  # no step left to pause between
        assert train.stop_button.isEnabled()
        qtbot.mouseClick(train.stop_button, Qt.MouseButton.LeftButton)
        assert train.stop_button.text() == "Finishing evaluation…"
        assert not train.stop_button.isEnabled()
        assert "model is saved" in train.status.text()
        assert train.running
        gate.open()
    result = finished.args[0]
    assert not result.stopped  # training had ended: the run is whole, and says why
    assert "already finished when you pressed Stop" in train.status.text()
    assert "Test " in train.status.text()
    run_dir = Path(result.run_dir)
    assert json.loads((run_dir / "run.json").read_text())["status"] == "complete"
    assert (run_dir / "metrics.json").exists()
    qtbot.waitUntil(lambda: not train.running, timeout=60_000)
    assert train.stop_button.text() == "Stop"
    assert "accuracy" in wait_evaluate_page(qtbot, window)


# ---- A new file during training ----------------------------------------------------------
def test_new_file_during_training_is_for_the_next_run(ready_window, qtbot, monkeypatch, gate,
                                                      data_dir, tmp_path, sentiment_csv):
    from PySide6.QtWidgets import QFileDialog

    from tlstudio.gui.workers import running_threads

    window = ready_window
    train, data = window.pages["train"], window.pages["data"]
    dropped = tmp_path / "scores.csv"
    shutil.copy(data_dir / "stsb_300.csv", dropped)  # a regression file: nothing alike
    menu_opened = tmp_path / "more_reviews.csv"
    shutil.copy(data_dir / "sentiment_600.csv", menu_opened)
    hold_validation(monkeypatch, gate)
    set_quick(window, epochs=2)
    with qtbot.waitSignal(train.run_finished, timeout=TRAIN_TIMEOUT) as finished:
        train.start_button.click()
        qtbot.waitUntil(gate.entered.is_set, timeout=TRAIN_TIMEOUT)
        steps_before = train.curves.train_loss.size

        drop_file(qtbot, window, dropped)  # accepted: it opens on the Data page
        assert window.current_page() == "data"
        qtbot.waitUntil(lambda: window.state.data_path == str(dropped), timeout=60_000)
        assert data.isEnabled()
        assert data.task_combo.currentText() == "regression"
        notice = data.training_notice
        assert notice.isVisible()
        assert "training on sentiment.csv" in notice.text.text()
        assert "scores.csv" in notice.text.text()
        assert train.running and not train.start_button.isEnabled()
        train.start()  # a second run stays impossible (Run → Start does the same)
        assert [t.objectName() for t in running_threads()].count("TrainWorker") == 1
        assert "This run trains on sentiment.csv" in train.data_note.text()
        assert "scores.csv" in train.data_note.text()

        monkeypatch.setattr(QFileDialog, "getOpenFileName",
                            lambda *a, **k: (str(menu_opened), ""))
        open_action = next(a for a in window.menuBar().actions()[0].menu().actions()
                           if a.text().startswith("&Open data file"))
        open_action.trigger()  # File → Open, during training
        qtbot.waitUntil(lambda: window.state.data_path == str(menu_opened), timeout=60_000)
        assert "more_reviews.csv" in notice.text.text()
        assert train.running
        gate.open()
    result = finished.args[0]
    assert not result.stopped
    assert train.curves.train_loss.size > steps_before  # the run went on undisturbed

    # The run is the original data's: its folder, metrics, Evaluate and Predict pages.
    run_dir = Path(result.run_dir)
    from tlstudio.core.runs.folder import CONFIG_JSON

    config = json.loads((run_dir / CONFIG_JSON).read_text())
    assert Path(config["data_path"]) == sentiment_csv.resolve()
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert metrics["task"] == "binary"
    qtbot.waitUntil(lambda: not train.running, timeout=60_000)
    assert window.state.run_dir == run_dir
    assert not notice.isVisible()  # the notice goes with the run
    assert "Start trains on more_reviews.csv" in train.data_note.text()
    assert "last run trained on sentiment.csv" in train.data_note.text()
    assert "accuracy" in wait_evaluate_page(qtbot, window)
    assert "trained on sentiment.csv" in window.pages["evaluate"].run_label.text()
    predict = window.pages["predict"]
    qtbot.waitUntil(predict.predict_button.isEnabled, timeout=120_000)
    assert "trained on sentiment.csv" in predict.run_label.text()


# ---- Warnings stay visible ---------------------------------------------------------------
def fake_run(gate: Gate, warning: str | None):
    """A stand-in for ``run_training``: a warning among info messages, then a held step."""
    from tlstudio.core.errors import TrainingError
    from tlstudio.core.events import StatusEvent, StepEvent

    def run_training(config, observer, control, *, resume=False):
        assert not resume  # a fresh run, started with Start
        observer(StatusEvent(message="Reading data…"))
        if warning:
            observer(StatusEvent(message=warning, level="warning"))
        observer(StatusEvent(message="Loading the model…"))
        for step in range(1, 13):
            observer(StepEvent(step=step, total_steps=40, epoch=step / 20, loss=0.7 - step / 40,
                               learning_rate=1e-3, samples_per_second=40.0, eta_seconds=9.0))
        observer(StatusEvent(message="Checking the validation split…"))
        gate.wait_here()
        raise TrainingError("The test ended this run here.")

    return run_training


def test_warnings_stay_visible_through_the_run(ready_window, qtbot, monkeypatch):
    import tlstudio.core.training as training

    window = ready_window
    train = window.pages["train"]
    first = Gate()
    monkeypatch.setattr(training, "run_training", fake_run(first, OOM_WARNING))
    try:
        train.start_button.click()
        qtbot.waitUntil(first.entered.is_set, timeout=60_000)
        qtbot.waitUntil(lambda: train.status.text() == "Checking the validation split…",
                        timeout=60_000)
        notice = train.warnings
        assert notice.isVisible()  # later info messages did not replace it
        assert notice.messages == [OOM_WARNING]
        assert OOM_WARNING in notice.text.text()
        assert notice.accessibleName() == "Training warnings"
        assert OOM_WARNING in notice.accessibleDescription()
        assert f"Warning: {OOM_WARNING}" in train.log.toPlainText()
    finally:
        first.open()
    qtbot.waitUntil(lambda: not train.running, timeout=60_000)
    assert train.status.text() == "Training failed."
    assert notice.isVisible() and notice.messages == [OOM_WARNING]  # kept after the run

    second = Gate()
    monkeypatch.setattr(training, "run_training", fake_run(second, None))
    try:
        train.start_button.click()
        assert not notice.isVisible()  # a new run starts with a clean slate
        qtbot.waitUntil(second.entered.is_set, timeout=60_000)
    finally:
        second.open()
    qtbot.waitUntil(lambda: not train.running, timeout=60_000)
    assert not notice.isVisible()


def test_out_of_memory_in_a_real_run_is_survived_and_shown(ready_window, qtbot, monkeypatch):
    """The engine's batch split, end to end: the run finishes and the notice says what changed."""
    import functools

    import torch

    from tlstudio.core.models import loading

    real_load = loading.load_classifier

    def load(*args, **kwargs):
        model, new = real_load(*args, **kwargs)
        forward = model.forward

        @functools.wraps(forward)
        def limited(*f_args, **f_kwargs):
            if model.training and f_kwargs["input_ids"].shape[0] > 8:
                raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 512.00 MiB")
            return forward(*f_args, **f_kwargs)

        model.forward = limited
        return model, new

    monkeypatch.setattr(loading, "load_classifier", load)
    train = ready_window.pages["train"]
    with qtbot.waitSignal(train.run_finished, timeout=TRAIN_TIMEOUT) as finished:
        train.start_button.click()
    result = finished.args[0]
    assert not result.stopped and (Path(result.run_dir) / "model.safetensors").is_file()
    assert train.warnings.isVisible() and OOM_WARNING in train.warnings.messages
    saved = json.loads((Path(result.run_dir) / "run_config.json").read_text())
    assert (saved["batch_size"], saved["grad_accumulation"]) == (8, 2)
    qtbot.waitUntil(lambda: not train.running, timeout=60_000)


def test_a_full_disk_mid_run_is_an_inline_error_and_the_next_run_works(ready_window, qtbot, monkeypatch):
    import errno

    from transformers import PreTrainedModel

    real_save = PreTrainedModel.save_pretrained
    full = {"on": True}

    def save_pretrained(self, *args, **kwargs):
        if full["on"]:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(PreTrainedModel, "save_pretrained", save_pretrained)
    train = ready_window.pages["train"]
    train.start_button.click()
    qtbot.waitUntil(lambda: train.banner.isVisible(), timeout=TRAIN_TIMEOUT)
    message = train.banner.message.text()
    assert message.startswith("The disk is full") and "Traceback" not in message
    assert train.progress.format() == "Failed"
    qtbot.waitUntil(lambda: not train.running, timeout=60_000)
    assert ready_window.state.run_dir is None  # a failed run is not opened for evaluation
    from tlstudio.core.system.paths import runs_dir

    (failed_run,) = [p for p in runs_dir().iterdir() if p.is_dir()]
    info = json.loads((failed_run / "run.json").read_text())
    assert info["status"] == "failed" and info["error"].startswith("The disk is full")

    full["on"] = False  # space freed: the same window trains again
    assert train.start_button.isEnabled()
    with qtbot.waitSignal(train.run_finished, timeout=TRAIN_TIMEOUT) as finished:
        train.start_button.click()
    assert (Path(finished.args[0].run_dir) / "model.safetensors").is_file()
    assert not train.banner.isVisible()
    qtbot.waitUntil(lambda: not train.running, timeout=60_000)
