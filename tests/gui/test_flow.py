"""The whole flow as a person does it: drop, pick, train, watch, evaluate, predict, export."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from gui_helpers import TRAIN_TIMEOUT, set_quick
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication


def test_drop_train_evaluate_predict_export(ready_window, qtbot, tmp_path):
    window = ready_window
    train = window.pages["train"]
    with qtbot.waitSignal(train.run_finished, timeout=TRAIN_TIMEOUT) as finished:
        qtbot.mouseClick(train.start_button, Qt.MouseButton.LeftButton)
        assert not train.start_button.isEnabled()  # a second Start is impossible
        train.start()
        assert window.host.busy
    result = finished.args[0]
    assert not result.stopped
    x, y = train.curves.raw_curve.getData()
    assert x is not None and len(x) >= 2  # points in the loss plot
    assert (Path(result.run_dir) / "run.json").exists()
    qtbot.waitUntil(lambda: not train.running, timeout=60_000)
    from tlstudio.core.runs.store import RunFolder

    verdict = RunFolder(result.run_dir).info().verdict
    assert verdict["text"] and verdict["text"] in train.status.text()  # the finished line says it

    window.show_page("evaluate")
    table = window.pages["evaluate"].metrics_table
    qtbot.waitUntil(lambda: table.rowCount() > 0, timeout=120_000)
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert "Your model" in headers and any("baseline" in h for h in headers)
    metrics = [table.item(r, 0).text() for r in range(table.rowCount())]
    assert "Accuracy" in metrics

    window.show_page("predict")
    predict = window.pages["predict"]
    qtbot.waitUntil(lambda: predict.predict_button.isEnabled(), timeout=120_000)
    qtbot.keyClicks(predict.input, "the food was great")
    qtbot.waitUntil(lambda: predict.result.text() != "", timeout=120_000)
    assert "sure" in predict.result.text()

    export_dir = tmp_path / "exported"
    evaluate = window.pages["evaluate"]
    evaluate.export_panel.export_to(export_dir)
    qtbot.waitUntil(lambda: (export_dir / "config.json").exists(), timeout=120_000)
    assert not (export_dir / "checkpoints").exists()
    from transformers import pipeline

    classify = pipeline("text-classification", model=str(export_dir))
    assert classify("the food was great")[0]["label"] in ("0", "1")

    command = evaluate.copy_command()
    assert command.startswith("tlstudio train ")
    assert QApplication.clipboard().text() == command

    # the run shows up on the Runs page and reopens
    window.show_page("runs")
    runs = window.pages["runs"]
    qtbot.waitUntil(lambda: runs.runs_list.rowCount() == 1, timeout=120_000)
    runs.runs_list.selectRow(0)
    runs.open_button.click()
    assert window.current_page() == "evaluate"


def test_batch_predictions_are_saved(ready_window, qtbot, tmp_path, sentiment_csv):
    window = ready_window
    train = window.pages["train"]
    train.settings.epochs.setValue(1)
    with qtbot.waitSignal(train.run_finished, timeout=TRAIN_TIMEOUT):
        train.start_button.click()
    predict = window.pages["predict"]
    qtbot.waitUntil(lambda: predict.load_button.isEnabled(), timeout=120_000)
    predict.predict_file(str(sentiment_csv))
    qtbot.waitUntil(lambda: predict.save_button.isEnabled(), timeout=120_000)
    out = tmp_path / "out.csv"
    predict.save_predictions(str(out))
    with open(out, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 120 and "prediction" in rows[0]
    assert predict.batch_table.rowCount() == 120


def test_stop_mid_run_keeps_a_model(ready_window, qtbot):
    window = ready_window
    train = window.pages["train"]
    set_quick(window, epochs=30)
    with qtbot.waitSignal(train.run_finished, timeout=TRAIN_TIMEOUT) as finished:
        train.start_button.click()
        qtbot.waitUntil(lambda: train.curves.train_loss.size >= 2, timeout=TRAIN_TIMEOUT)
        qtbot.mouseClick(train.stop_button, Qt.MouseButton.LeftButton)
    assert finished.args[0].stopped
    run_dir = Path(finished.args[0].run_dir)
    assert (run_dir / "config.json").exists()
    info = json.loads((run_dir / "run.json").read_text())
    assert info["status"] == "complete" and info["stopped"] is True
    qtbot.waitUntil(lambda: train.start_button.isEnabled(), timeout=60_000)


def test_pause_and_resume(ready_window, qtbot, monkeypatch):
    """Pause holds the engine at the next step end until Resume: decided by the engine's own
    wait, never by sleeping and hoping."""
    import threading

    from tlstudio.core.events import RunControl

    entered, left = threading.Event(), threading.Event()  # the engine's paused wait
    real_wait = RunControl.wait_while_paused

    def watched_wait(self, poll: float = 0.1) -> None:
        paused = self.paused
        if paused:
            entered.set()
        real_wait(self, poll)
        if paused:
            left.set()

    monkeypatch.setattr(RunControl, "wait_while_paused", watched_wait)
    window = ready_window
    train = window.pages["train"]
    set_quick(window, epochs=8)
    with qtbot.waitSignal(train.run_finished, timeout=TRAIN_TIMEOUT) as finished:
        train.start_button.click()
        qtbot.waitUntil(lambda: train.curves.train_loss.size >= 1, timeout=TRAIN_TIMEOUT)
        train.pause_button.click()
        assert train.pause_button.text() == "Resume"
        assert train.status.text().startswith("Paused")
        qtbot.waitUntil(entered.is_set, timeout=TRAIN_TIMEOUT)  # the current step has ended
        QApplication.processEvents()  # take in every step sent before the wait
        steps = train.curves.train_loss.size
        assert not left.is_set()  # still held: nothing moves while paused
        assert train.curves.train_loss.size == steps
        train.pause_button.click()
        assert train.pause_button.text() == "Pause"
        qtbot.waitUntil(left.is_set, timeout=60_000)
    assert not finished.args[0].stopped
    assert train.curves.train_loss.size > steps  # training went on after Resume


def test_closing_mid_run_asks_then_stops_cleanly(ready_window, qtbot):
    window = ready_window
    train = window.pages["train"]
    asked = []
    window.confirm_close = lambda: asked.append(True) or True
    set_quick(window, epochs=30)
    train.start_button.click()
    qtbot.waitUntil(lambda: train.curves.train_loss.size >= 1, timeout=TRAIN_TIMEOUT)
    with qtbot.waitSignal(window.closed, timeout=TRAIN_TIMEOUT):
        window.close()
    assert asked == [True]
    assert not window.host.busy
    assert window.state.run_dir is not None
