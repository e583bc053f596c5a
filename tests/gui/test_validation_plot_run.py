"""Issue 13 item 9 with a real run: a one-epoch run's validation plot gets a point for each
validation pass (it stayed empty all run, then showed one dot), and the next run's plot starts
empty (it kept the previous run's legend with no data)."""

from __future__ import annotations

import csv
from pathlib import Path

from gui_helpers import TRAIN_TIMEOUT
from PySide6.QtCore import Qt


def _points(train) -> dict[str, int]:
    return {name: len(curve.getData()[0] if curve.getData()[0] is not None else [])
            for name, curve in train.curves.metric_curves.items()}


def _validation_passes(run_dir: str) -> int:
    with open(Path(run_dir) / "history.csv", newline="", encoding="utf-8") as handle:
        return sum(row["kind"] == "eval" for row in csv.DictReader(handle))


def test_each_validation_pass_is_a_point_and_the_next_run_starts_empty(ready_window, qtbot):
    window = ready_window
    train = window.pages["train"]
    settings = train.settings
    settings.epochs.setValue(1.0)
    settings.widgets["evals_per_epoch"].setValue(3)
    with qtbot.waitSignal(train.run_finished, timeout=TRAIN_TIMEOUT) as finished:
        qtbot.mouseClick(train.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not train.running, timeout=60_000)
    passes = _validation_passes(finished.args[0].run_dir)
    assert passes >= 2  # several in the one epoch, not one at its end
    qtbot.waitUntil(lambda: _points(train) and set(_points(train).values()) == {passes}, timeout=10_000)
    assert not train.curves.metric_placeholder.isVisible()
    assert "accuracy" in train.metric_plot.getPlotItem().titleLabel.text

    with qtbot.waitSignal(train.run_finished, timeout=TRAIN_TIMEOUT):
        qtbot.mouseClick(train.start_button, Qt.MouseButton.LeftButton)
        assert set(_points(train).values()) <= {0}  # nothing of the last run's scores
        assert "accuracy" not in train.metric_plot.getPlotItem().titleLabel.text
    qtbot.waitUntil(lambda: not train.running, timeout=60_000)
