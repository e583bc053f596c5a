"""Issue 13 item 12: the window keeps answering (event-loop probe: no gap over 250 ms, p99 <= 50 ms).

Each test drives the window as a person does while a 10 ms timer records the event loop's
ticks, prints the gaps (``-s`` shows them) and fails on a longer freeze. The window is the one
``tlstudio`` opens: it warms up (heavy imports in a worker) once shown, and a person reads the
Start page meanwhile, so the tests wait for that before they start measuring.
"""

from __future__ import annotations

import shutil
import sys

import pytest
from event_loop_probe import EventLoopProbe, FirstImports
from gui_helpers import TRAIN_TIMEOUT, drop_file, pick_model, set_quick
from PySide6.QtCore import Qt
from run_fixtures import paired_predictions, write_run

from tlstudio.gui import sheets, theme


@pytest.fixture
def started_window(qtbot):
    """The window as ``tlstudio`` opens it (``warm_up=True``), its start-up warm-up finished."""
    from tlstudio.gui import MainWindow

    win = MainWindow(warm_up=True)
    qtbot.addWidget(win)
    win.confirm_close = lambda: True
    win.show()
    qtbot.waitExposed(win)
    # The warm-up starts shortly after the window is shown: a host that is not busy yet does not
    # mean it has ended (measuring then timed torch's import, not the flow).
    qtbot.waitUntil(lambda: not win.warming_up and not win.host.busy, timeout=120_000)
    yield win
    win.close()
    qtbot.waitUntil(lambda: not win.pages["train"].running, timeout=60_000)
    win.close()
    win.host.shutdown()
    win.pages["predict"].shutdown()


@pytest.fixture
def restore_look(qapp):
    import pyqtgraph as pg

    sheet, config, look = qapp.styleSheet(), dict(pg.CONFIG_OPTIONS), sheets.in_use()
    yield qapp
    theme.follow_system(qapp)
    qapp.setStyleSheet(sheet)
    sheets.use(look)  # windows made later: the sheet from before
    pg.setConfigOptions(**config)


# The scheme switch (session 8): only the tab in view is restyled (gui/sheets.py), a piece a
# turn (MainWindow.apply_look), painted once done: <= 25 ms of the GUI thread a gap (was ~80).
# Under the probe lock at load 1.4-3.3 it passes, 6 of 6: longest 22-29 ms, p99 20-24 (before:
# 38-49 / 36-38; session start 114 / 98); at load 4 one run of 3 failed on 20-28 ms CPU waits.
# After table re-measuring landed, 5 more runs: 22-28 / 20-26. Unmarked: the margin is now wide.
# So do (session 8, 3 of 3 each at load 1.5-3.9) the 100k-row inspection, 39-46 ms / p99 33-45
# (was 101 / 57: a stratified split and a binary check held the GIL, first imports in the
# worker) and comparing runs, 29-33 ms / p99 20-31 (was 92 / 45: both plots painted in one turn).
# A whole run (session 8): pages out of view read a run when shown (gui/when_shown.py), a run's
# end and the Evaluate fill come a step a turn, the live plots redraw a changed plot a turn, the
# status line keeps its room: 6 of 9 under the probe lock (longest 57-74 ms, p99 32-47). Session 9:
# the Train page's first show paints its plots a turn each, the fit note shows in the status
# line's room (from a run's start the run's warnings say it), each live redraw paints its plot
# once: the longest GUI-thread turns (the first paint, the note's resize, the end's resize) went
# from 40-60 ms of CPU to 20-30. Under the probe lock at load 3-4.5 (another session's tests
# running) 18 of 18 passed: longest 37-119 ms, p99 17-41 (this session's start: 60-119 / 19-32);
# the longest are other processes' CPU waits, or the GIL held by the run's baseline fit in its
# worker (scikit-learn, ~50 ms). Unmarked. Run with -s to see the gaps.


def _measured(name: str, probe: EventLoopProbe) -> None:
    print(f"\n{name}: {probe.report()}")
    probe.check()


def _evaluate_a_run(window, qtbot, engine_run):
    """Open a finished run on the Evaluate page and wait until its scores are shown."""
    window.state.set_run(str(engine_run("binary")))
    window.show_page("evaluate")
    page = window.pages["evaluate"]
    qtbot.waitUntil(lambda: page.metrics_table.rowCount() > 0 and not window.host.busy,
                    timeout=60_000)
    return page


def test_a_whole_run_never_freezes_the_window(started_window, qtbot, sentiment_csv,
                                              tiny_model_dir):
    """Load the data, pick the model, train a few steps, evaluate beside the baselines."""
    window = started_window
    train = window.pages["train"]
    table = window.pages["evaluate"].metrics_table
    with EventLoopProbe() as probe, FirstImports() as imported:
        drop_file(qtbot, window, sentiment_csv)
        qtbot.waitUntil(lambda: window.state.has_data and not window.host.busy, timeout=120_000)
        pick_model(qtbot, window, tiny_model_dir)
        qtbot.waitUntil(lambda: not window.host.busy, timeout=120_000)
        window.show_page("train")
        # A person sees the page (its first paint) before choosing settings, and chooses them
        # before pressing Start: without these turns the three were timed as one freeze.
        qtbot.wait(100)
        set_quick(window, epochs=1)
        qtbot.wait(100)
        with qtbot.waitSignal(train.run_finished, timeout=TRAIN_TIMEOUT):
            qtbot.mouseClick(train.start_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not train.running, timeout=60_000)
        window.show_page("evaluate")
        qtbot.waitUntil(lambda: table.rowCount() > 0 and not window.host.busy, timeout=120_000)
        qtbot.wait(300)  # the repaints that follow
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert any("baseline" in h for h in headers)
    # What the run needs was imported by the warm-up and the workers, never by the window's thread.
    assert imported.names == [], imported.names
    _measured("whole run", probe)


def test_inspecting_a_100k_row_file_never_freezes_the_window(started_window, qtbot, tmp_path):
    window = started_window
    big = tmp_path / "big.csv"
    big.write_text("text,label\n" + "".join(
        f"review number {i} was {'good' if i % 2 else 'bad'} overall,{'pos' if i % 2 else 'neg'}\n"
        for i in range(100_000)), encoding="utf-8")
    before = set(sys.modules)
    with EventLoopProbe() as probe:
        drop_file(qtbot, window, big)
        qtbot.waitUntil(lambda: window.state.has_data and not window.host.busy, timeout=120_000)
        qtbot.wait(300)
    assert window.pages["data"].model.rowCount() == 100_000
    # The warm-up imported what the inspection needs: no thread imports anything while it shows.
    assert sorted(set(sys.modules) - before) == []
    _measured("100k-row inspection", probe)


def test_evaluating_another_file_never_freezes_the_window(started_window, qtbot, engine_run,
                                                          data_dir, tmp_path):
    window = started_window
    page = _evaluate_a_run(window, qtbot, engine_run)
    other = tmp_path / "other.csv"
    shutil.copy(data_dir / "sentiment_600.csv", other)
    with EventLoopProbe() as probe:
        page.evaluate_file(str(other))
        qtbot.waitUntil(lambda: page.sources.combo.count() > 1 and not window.host.busy,
                        timeout=300_000)
        qtbot.wait(300)
    _measured("evaluate on another file", probe)


def test_comparing_three_runs_never_freezes_the_window(started_window, qtbot):
    from tlstudio.core.system.paths import runs_dir

    window = started_window
    true, a, b = paired_predictions(1500, 250, 200, 50)
    for name, predicted in (("run-a", a), ("run-b", b), ("run-c", a)):
        write_run(runs_dir() / name, true, predicted, losses=[0.5] * 200)
    window.show_page("runs")
    page = window.pages["runs"]
    table = page.runs_list
    qtbot.waitUntil(lambda: table.rowCount() == 3 and not window.host.busy, timeout=60_000)
    before = set(sys.modules)
    with EventLoopProbe() as probe:
        for i, name in enumerate(("run-a", "run-b", "run-c")):
            rect = table.visualRect(table.model().index(table.row_of(str(runs_dir() / name)), 2))
            modifier = Qt.KeyboardModifier.ControlModifier if i else Qt.KeyboardModifier.NoModifier
            qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())
            qtbot.wait(100)
        qtbot.waitUntil(lambda: page.compare.scores.rowCount() == 3 and not window.host.busy,
                        timeout=120_000)
        qtbot.wait(300)
    assert sorted(set(sys.modules) - before) == []  # imported by the warm-up
    _measured("comparing three runs", probe)


def test_switching_to_dark_and_back_never_freezes_the_window(started_window, qtbot, engine_run,
                                                             restore_look):
    window = started_window
    _evaluate_a_run(window, qtbot, engine_run)
    theme.apply(restore_look)  # the look the app starts with
    qtbot.wait(200)
    with EventLoopProbe() as probe:
        theme.apply(restore_look, scheme="dark")
        qtbot.wait(500)
        theme.apply(restore_look, scheme="light")
        qtbot.wait(500)
    assert not theme.is_dark()
    _measured("dark and back", probe)
