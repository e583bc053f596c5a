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
        assert a_entered.wait(30)
        window.state.set_run(run_b)
        qtbot.waitUntil(lambda: page.metrics_table.rowCount() == 1, timeout=30_000)
        assert page.metrics_table.item(0, 1).text() == "0.9900"
    finally:
        a_release.set()
    assert a_returned.wait(30)
    qtbot.waitUntil(lambda: not window.host.busy, timeout=30_000)
    QApplication.processEvents()  # run A's result, sent before its thread ended, arrives now
    assert page.metrics_table.item(0, 1).text() == "0.9900"
    assert "0.990" in page.headline.text()
    from tlstudio.gui import run_files

    assert page.run_label.text() == run_files.describe_run(run_b, False)
