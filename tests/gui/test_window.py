"""The window itself: names a person or a screen reader relies on, navigation, drops."""

from __future__ import annotations

import subprocess
import sys

import pyqtgraph as pg
from gui_helpers import drop_file
from PySide6.QtWidgets import QWidget

CONTRACT_NAMES = [
    "dataPreview", "textColumnCombo", "labelColumnCombo", "taskCombo", "problemsList",
    "modelList", "epochsSpin", "batchSizeSpin", "learningRateSpin", "maxLengthSpin",
    "deviceCombo", "startButton", "pauseButton", "stopButton", "trainProgress", "lossPlot",
    "metricsTable", "confusionMatrix", "predictInput", "predictButton", "predictResult",
    "exportButton", "runsList", "evaluateFileButton", "evaluationSourceCombo", "offlineCheck",
    "trustRemoteCodeCheck",
]


def test_every_contract_name_exists_with_an_accessible_name(window):
    for name in CONTRACT_NAMES:
        widget = window.findChild(QWidget, name)
        assert widget is not None, name
        assert widget.accessibleName(), name
    assert isinstance(window.findChild(QWidget, "lossPlot"), pg.PlotWidget)


def test_importing_the_gui_does_not_import_the_heavy_libraries():
    code = ("import sys; from tlstudio.gui import MainWindow; import tlstudio.gui.main_window; "
            "print(','.join(m for m in ('torch', 'transformers', 'datasets', 'sklearn') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.strip() == ""


def test_first_run_shows_welcome_and_later_steps_wait_for_data(window):
    assert window.current_page() == "welcome"
    window.show_page("train")
    assert window.current_page() == "welcome"  # not ready yet: no data
    window.show_page("data")
    assert window.current_page() == "data"


def test_a_bad_file_dropped_shows_an_inline_error_and_the_app_stays_usable(
        window, qtbot, tmp_path, sentiment_csv):
    bad = tmp_path / "broken.csv"
    bad.write_bytes(b"\x00\x01\x02 not a table \xff\xfe" * 10)
    data = window.pages["data"]
    drop_file(qtbot, window, bad)
    qtbot.waitUntil(lambda: data.banner.isVisible(), timeout=120_000)
    assert data.banner.message.text()
    assert window.current_page() == "data"
    drop_file(qtbot, window, sentiment_csv)
    qtbot.waitUntil(lambda: window.state.has_data, timeout=120_000)
    assert data.model.rowCount() == 120
    assert not data.banner.isVisible()


def test_a_missing_file_is_an_inline_error(window, qtbot, tmp_path):
    data = window.pages["data"]
    window.open_file(str(tmp_path / "nope.csv"))
    qtbot.waitUntil(lambda: data.banner.isVisible(), timeout=120_000)
    assert "nope.csv" in data.banner.message.text()


def test_text_boxes_leave_file_drops_to_the_window(window):
    """Qt routes a real drop to the nearest widget that accepts drops: that must be the window."""
    predict = window.pages["predict"]
    for editor in (predict.input, predict.input.viewport(), window.pages["model"].hub_edit):
        assert not editor.acceptDrops()
    assert window.acceptDrops()
