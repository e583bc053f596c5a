"""Issue 13 item 8: a first launch on a screen smaller than the window's first size (1280x820)
opens within the screen. On a 1024x640 screen the window opened 1280x820: the bottom of every
page (Next, Start) and its right edge were off the screen."""

from __future__ import annotations

import sys
import threading

from PySide6.QtWidgets import QApplication


def test_the_app_opens_its_window_within_a_smaller_screen(qapp, qtbot, monkeypatch, restore_look):
    from tlstudio.gui import app as gui_app
    from tlstudio.gui.main_window import MainWindow

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_app installs its own
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    seen = {}

    def event_loop() -> int:
        """What a person sees as the window opens; then it is closed as a person closes it."""
        [window] = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        seen.update(room=window.screen().availableGeometry(), frame=window.frameGeometry())
        qtbot.waitUntil(lambda: not window.warming_up and not window.host.busy, timeout=120_000)
        window.confirm_close = lambda: True
        window.close()
        window.host.shutdown()
        window.pages["predict"].shutdown()
        return 0

    monkeypatch.setattr(qapp, "exec", event_loop)
    monkeypatch.setattr(gui_app, "leave", lambda code, wait_ms=0: code)
    assert gui_app.run_app() == 0
    room, frame = seen["room"], seen["frame"]
    assert room.width() < 1280 or room.height() < 820  # the test's screen is the smaller one
    assert room.contains(frame), f"the window {frame} is not within the screen {room}"
