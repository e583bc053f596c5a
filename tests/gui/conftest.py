"""GUI test fixtures: a window per test, no leaked threads, Qt warnings fail the test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

HERE = Path(__file__).parent

# Harmless offscreen-platform chatter; anything else Qt warns about fails the test.
QT_LOG_IGNORE = ["This plugin does not support", "propagateSizeHints"]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
            item.add_marker(pytest.mark.qt_log_ignore(*QT_LOG_IGNORE))
            item.add_marker(pytest.mark.gui)


DETACHED_GRACE_MS = 30_000  # for jobs a closed window detached, cancelled but still ending


@pytest.fixture(autouse=True)
def no_thread_leaks(qapp):
    """Fail any test that leaves a worker QThread running.

    Closing a window cancels its jobs, waits 3 s, then detaches a job still ending (one between
    two checks of its stop flag): under load that happens and is the design, not a leak. Those
    are waited for, a bounded time, as the app does before it exits; one still running then
    ignored its stop request. A thread no window or host shut down fails at once.
    """
    yield
    from tlstudio.gui.workers import running_threads, wait_detached

    wait_detached(DETACHED_GRACE_MS)
    leaked = running_threads()
    for thread in leaked:
        thread.quit()
        thread.wait(30_000)
    assert not leaked, f"QThreads still running after the test: {[t.objectName() for t in leaked]}"


def release_held_keys() -> None:
    """Let go of any modifier key a simulated key press left held.

    ``qtbot.keyClick(w, Key_Backtab, ShiftModifier)`` ends with a Shift release event that still
    carries Shift, so ``QGuiApplication.keyboardModifiers()`` stays Shift until the next key or
    mouse event. Qt reads it in programmatic selection: ``QTableView.selectRow`` then extends
    (Shift) or toggles (Ctrl) instead of selecting, so a later test's ``selectRow`` selected nothing.
    """
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QWidget

    if QGuiApplication.keyboardModifiers() != Qt.KeyboardModifier.NoModifier:
        QTest.keyRelease(QWidget(), Qt.Key.Key_Shift, Qt.KeyboardModifier.NoModifier)


@pytest.fixture(autouse=True)
def keys_released(qapp):
    """Every GUI test starts, and leaves the next one, with no modifier key held."""
    release_held_keys()
    yield
    release_held_keys()


@pytest.fixture
def window(qtbot):
    """A MainWindow, closed (threads stopped) at the end of the test."""
    from tlstudio.gui import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.confirm_close = lambda: True
    win.show()
    qtbot.waitExposed(win)
    yield win
    if win.isVisible():
        win.close()
    qtbot.waitUntil(lambda: not win.pages["train"].running, timeout=60_000)
    win.close()
    win.host.shutdown()
    win.pages["predict"].shutdown()


@pytest.fixture
def sentiment_csv(tmp_path, data_dir):
    """A 120-row sentiment CSV copied into the test's folder; the app must leave it untouched."""
    target = tmp_path / "sentiment.csv"
    shutil.copy(data_dir / "sentiment_120.csv", target)
    before = target.read_bytes()
    yield target
    assert target.read_bytes() == before, "the app modified the user's data file"


@pytest.fixture
def ready_window(window, qtbot, sentiment_csv, tiny_model_dir):
    """Data dropped, roles picked, tiny model chosen, quick settings: ready to Start."""
    from gui_helpers import load_data, pick_model, set_quick

    load_data(qtbot, window, sentiment_csv)
    data = window.pages["data"]
    assert data.text_combo.currentText() == "text"
    assert data.label_combo.currentText() == "label"
    assert data.task_combo.currentText() == "binary"
    pick_model(qtbot, window, tiny_model_dir)
    window.show_page("train")
    set_quick(window)
    return window


@pytest.fixture(scope="session")
def engine_run(tiny_model_dir, tmp_path_factory, data_dir):
    """``engine_run("binary" | "regression")``: a run folder the engine really wrote (trained
    once per session on the tiny model), so pages read the files the app itself writes."""
    from tlstudio.core.settings.config import RunConfig
    from tlstudio.core.training import run_training

    made: dict[str, Path] = {}
    data = {"binary": ("sentiment_120.csv", {}),
            "regression": ("stsb_300.csv", {"text_columns": ["sentence1", "sentence2"],
                                            "label_columns": ["score"], "task": "regression"})}

    def train(kind: str) -> Path:
        if kind not in made:
            name, roles = data[kind]
            config = RunConfig(data_path=str(data_dir / name), model=str(tiny_model_dir), epochs=1,
                               batch_size=16, learning_rate=1e-3, max_length=32, precision="fp32",
                               output_dir=str(tmp_path_factory.mktemp("engine") / kind), **roles)
            made[kind] = Path(run_training(config).run_dir)
        return made[kind]

    return train


@pytest.fixture
def restore_look(qapp):
    """Whatever a test forces (palette, style, style sheet, pyqtgraph defaults) is undone."""
    import pyqtgraph as pg

    from tlstudio.gui import sheets, theme

    sheet, config, look = qapp.styleSheet(), dict(pg.CONFIG_OPTIONS), sheets.in_use()
    yield qapp
    theme.apply(qapp, "system")
    qapp.setStyleSheet(sheet)
    sheets.use(look)  # windows made later: the sheet from before
    pg.setConfigOptions(**config)
