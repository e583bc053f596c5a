"""The window's settings: one QSettings per file in the GUI thread, written when it closes."""

from __future__ import annotations

from tlstudio.core.system import paths
from tlstudio.gui import settings


def _on_disk() -> str:
    return (paths.home() / "gui.ini").read_text(encoding="utf-8")


def test_choices_are_kept_in_one_store_and_written_when_the_window_closes(window, qtbot):
    """A new QSettings per call read and rewrote the whole file (15 ms of a frozen window per
    choice saved); the kept one is written by Qt a turn later, or at once by ``flush``."""
    assert settings.settings() is settings.settings()
    settings.set_last_choice("probe", "kept")
    assert settings.last_choice("probe") == "kept"
    window.close()
    assert "kept" in _on_disk()


def test_a_pending_choice_reaches_the_file_in_a_later_turn(qapp, qtbot):
    settings.set_last_choice("later", "written")
    qtbot.waitUntil(lambda: (paths.home() / "gui.ini").exists() and "written" in _on_disk(),
                    timeout=5_000)
