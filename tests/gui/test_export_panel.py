"""Issue 13 item 10: exporting keeps the headline score, and what a shared folder holds is opt-in.

Also issue 15: a GUI export can be cancelled and leaves nothing behind.
"""

from __future__ import annotations

import json
import threading

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog


def _open_export_tab(window, qtbot, run_dir):
    window.state.set_run(str(run_dir))
    window.show_page("evaluate")
    page = window.pages["evaluate"]
    qtbot.waitUntil(lambda: page.metrics_table.rowCount() > 0, timeout=60_000)
    return page


def test_export_keeps_the_score_and_leaves_paths_and_test_rows_out(window, qtbot, engine_run,
                                                                   tmp_path, monkeypatch):
    run = engine_run("binary")
    page = _open_export_tab(window, qtbot, run)
    headline = page.headline.text()
    assert headline.startswith("Test ")
    panel = page.export_panel
    assert not panel.include_data_path.isChecked() and not panel.include_predictions.isChecked()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path / "a"))
    (tmp_path / "a").mkdir()
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)  # the menu shortcut
    assert page.tabs.currentWidget() is panel
    qtbot.waitUntil(lambda: "Model saved to" in panel.result.text(), timeout=60_000)
    assert page.headline.text() == headline  # the score stays where it was
    dest = tmp_path / "a" / run.name
    data_path = json.loads((run / "run_config.json").read_text())["data_path"]
    for name in ("README.md", "run.json", "run_config.json"):
        text = (dest / name).read_text(encoding="utf-8")
        assert data_path not in text and "sentiment_120.csv" in text, name
    assert not (dest / "predictions_test.csv").exists()
    assert "misclassified" not in json.loads((dest / "metrics.json").read_text())
    assert (dest / "model.safetensors").is_file()

    for box in (panel.include_data_path, panel.include_predictions):  # click the box itself
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
        assert box.isChecked()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path / "b"))
    (tmp_path / "b").mkdir()
    qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    kept = tmp_path / "b" / run.name
    qtbot.waitUntil(lambda: (kept / "config.json").exists() and not panel.busy, timeout=60_000)
    assert data_path in (kept / "README.md").read_text(encoding="utf-8")
    assert (kept / "predictions_test.csv").read_bytes() == (run / "predictions_test.csv").read_bytes()


def test_an_export_can_be_cancelled_and_leaves_nothing(window, qtbot, engine_run, tmp_path,
                                                      monkeypatch):
    import shutil

    from tlstudio.core.runs import catalog

    run = engine_run("binary")
    page = _open_export_tab(window, qtbot, run)
    panel = page.export_panel
    copying, release = threading.Event(), threading.Event()
    real_copy = shutil.copy2

    def held_copy(src, dst, **kwargs):  # the first file waits until Cancel was pressed
        copying.set()
        release.wait(30)
        return real_copy(src, dst, **kwargs)

    monkeypatch.setattr(catalog.shutil, "copy2", held_copy)
    dest = tmp_path / "export"
    page.tabs.setCurrentWidget(panel)
    panel.export_to(dest)
    try:
        qtbot.waitUntil(copying.is_set, timeout=30_000)
        assert panel.cancel_button.isVisible() and not panel.export_button.isEnabled()
        qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    finally:
        release.set()
    qtbot.waitUntil(lambda: not panel.busy, timeout=30_000)
    assert "cancelled" in panel.result.text()
    assert not dest.exists() and list(tmp_path.iterdir()) == []
    assert panel.export_button.isEnabled() and not panel.cancel_button.isVisible()
