"""Results of a request that a newer one replaced are dropped: runs switched quickly on the
Evaluate page never show run A's numbers under run B's name."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from PySide6.QtWidgets import QApplication

from tlstudio.core.runs.folder import RUN_JSON


def _run(tmp_path: Path, name: str) -> Path:
    run = tmp_path / name
    run.mkdir()
    (run / RUN_JSON).write_text(json.dumps({"status": "complete", "main_metric": "accuracy"}))
    return run


def test_switching_runs_quickly_shows_only_the_last_run(window, qtbot, tmp_path, monkeypatch):
    from tlstudio.gui.pages import evaluate_page

    run_a, run_b = _run(tmp_path, "run-a"), _run(tmp_path, "run-b")
    accuracy = {str(run_a): 0.11, str(run_b): 0.99}
    a_entered, a_release, a_returned = threading.Event(), threading.Event(), threading.Event()

    def load(run_dir):
        if str(run_dir) == str(run_a):  # run A's files are slow to read
            a_entered.set()
            a_release.wait(60)
            a_returned.set()
        metrics = {"task": "binary", "label_names": ["neg", "pos"],
                   "model": {"accuracy": accuracy[str(run_dir)]}}
        return metrics, []

    monkeypatch.setattr(evaluate_page, "_load_evaluation", load)
    page = window.pages["evaluate"]
    try:
        window.state.set_run(run_a)
        window.show_page("evaluate")  # a hidden page reads a run when it is shown
        assert a_entered.wait(30)
        window.state.set_run(run_b)
        qtbot.waitUntil(lambda: page.metrics_table.rowCount() == 1, timeout=30_000)
        assert page.metrics_table.item(0, 1).text() == "0.990"
    finally:
        a_release.set()
    assert a_returned.wait(30)
    qtbot.waitUntil(lambda: not window.host.busy, timeout=30_000)
    QApplication.processEvents()  # run A's result, sent before its thread ended, arrives now
    assert page.metrics_table.item(0, 1).text() == "0.990"
    assert "0.990" in page.headline.text()
    from tlstudio.core.runs.store import RunFolder

    assert page.run_label.text() == RunFolder(run_b).describe(False)


class _FakePredictor:
    task = "binary"
    label_names = ["neg", "pos"]
    text_columns = ["text"]


def test_a_file_predicted_by_the_previous_run_is_not_shown_as_the_new_one_s(
        window, qtbot, tmp_path, monkeypatch):
    from tlstudio.core.inference import predictor
    from tlstudio.gui.pages import predict_page

    monkeypatch.setattr(predictor.Predictor, "load", lambda run_dir, *a, **k: _FakePredictor())
    entered, release = threading.Event(), threading.Event()

    def predict_file(run_dir, source, target, progress):  # checks nothing: returns late
        entered.set()
        release.wait(60)
        Path(target).write_text("text,prediction\nhi,pos\n", encoding="utf-8")
        return 1

    monkeypatch.setattr(predict_page, "_predict_file", predict_file)
    run_a, run_b = _run(tmp_path, "run-a"), _run(tmp_path, "run-b")
    page = window.pages["predict"]
    window.state.set_run(run_a)
    # A person predicting a file is on the Predict page: there a newly opened run's model loads
    # at once (elsewhere it waits for the other pages' jobs: the held file keeps one running).
    window.show_page("predict")
    qtbot.waitUntil(lambda: page._loaded_run == str(run_a), timeout=30_000)
    try:
        page.predict_file(str(tmp_path / "texts.csv"))
        assert entered.wait(30)
        window.state.set_run(run_b)
        qtbot.waitUntil(lambda: page._loaded_run == str(run_b), timeout=30_000)
    finally:
        release.set()
    qtbot.waitUntil(lambda: page.batch_status.text().startswith("Stopped"), timeout=30_000)
    assert "another model was opened" in page.batch_status.text()
    assert not page.save_button.isEnabled() and page.batch_table.rowCount() == 0
    assert page.load_button.isEnabled()
