"""Issue 11: a verdict's advice is a button wherever one click carries it out."""

from __future__ import annotations

import numpy as np
import pytest
from gui_helpers import advice_button
from PySide6.QtCore import Qt
from run_fixtures import write_run

from tlstudio.core.evaluation.verdict import build_verdict
from tlstudio.core.runs.store import RunFolder, RunStatus


def test_lower_the_learning_rate_is_one_click_and_halves_the_runs_rate(ready_window, qtbot, tmp_path):
    window = ready_window
    run = write_run(tmp_path / "run", ["neg", "pos"] * 10, ["pos"] * 20, learning_rate=1e-4)
    y = np.array([0, 1] * 10)
    constant = np.tile([0.4, 0.6], (20, 1))  # always 'pos', as the majority baseline
    verdict = build_verdict("binary", y, constant, {"majority": constant}, label_names=["neg", "pos"])
    assert [a["id"] for a in verdict["advice"]] == ["lower_learning_rate"]
    RunFolder(run).write_status(RunStatus.COMPLETE, verdict=verdict)
    _, button = advice_button(qtbot, window, run, "lower_learning_rate")
    assert button.text() == "Lower the learning rate"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    train = window.pages["train"]
    assert window.current_page() == "train"
    assert train.settings.value_of("learning_rate") == pytest.approx(5e-5)
    assert "press Start" in train.status.text()


def test_advice_for_a_run_opened_without_data_says_what_it_changed_and_what_comes_next(window, qtbot, tmp_path):
    run = write_run(tmp_path / "run", ["neg", "pos"] * 10, ["pos"] * 20, learning_rate=1e-4)
    y = np.array([0, 1] * 10)
    constant = np.tile([0.4, 0.6], (20, 1))
    verdict = build_verdict("binary", y, constant, {"majority": constant}, label_names=["neg", "pos"])
    RunFolder(run).write_status(RunStatus.COMPLETE, verdict=verdict)
    page, button = advice_button(qtbot, window, run, "lower_learning_rate")  # no data, no model chosen
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.current_page() == "evaluate"  # the Train page needs data and a model first
    assert page.verdict.note.isVisible() and "Data page" in page.verdict.note.text()
    assert window.pages["train"].settings.value_of("learning_rate") == pytest.approx(5e-5)
