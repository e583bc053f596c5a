"""Issue 13 item 15: a second launch opens on the Start page with the recent files (keyboard
reachable), and the Data page shows no chart and no task before a file is read."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tlstudio.gui import settings


def test_second_launch_offers_recent_files_and_an_honest_empty_data_page(qtbot, sentiment_csv, tmp_path):
    from tlstudio.gui import MainWindow

    settings.add_recent_file(str(tmp_path / "deleted since.csv"))  # gone: not offered
    settings.add_recent_file(str(sentiment_csv))
    win = MainWindow()
    qtbot.addWidget(win)
    win.confirm_close = lambda: True
    win.show()
    qtbot.waitExposed(win)
    try:
        data = win.pages["data"]
        assert data.charts_area.is_empty and not data.label_plot.isVisible()
        assert data.task_combo.currentText() == ""  # no "binary" before a file says so
        assert win.current_page() == "welcome"
        recent = win.pages["welcome"].recent_list
        assert recent.isVisible() and recent.count() == 1
        assert recent.item(0).text().startswith("sentiment.csv")
        assert recent.item(0).toolTip() == str(sentiment_csv)
        recent.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.keyClick(recent, Qt.Key.Key_Return)  # the keyboard opens it
        qtbot.waitUntil(lambda: win.state.has_data, timeout=120_000)
        assert win.current_page() == "data"
        assert not data.charts_area.is_empty and data.task_combo.currentText() == "binary"
    finally:
        win.close()
        qtbot.waitUntil(lambda: not win.pages["train"].running, timeout=60_000)
        win.host.shutdown()
        win.pages["predict"].shutdown()
