"""Issue 13 item 6: "Copy as command" copies a command that runs, and says so only for a moment."""

from __future__ import annotations

import shlex
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication


def test_the_copied_command_trains_again_and_the_hint_comes_back(window, qtbot, engine_run,
                                                                 monkeypatch):
    run = engine_run("binary")
    window.state.set_run(str(run))
    window.show_page("evaluate")
    page = window.pages["evaluate"]
    hint = page.hint.text()
    qtbot.waitUntil(page.copy_command_button.isEnabled, timeout=30_000)
    monkeypatch.setattr(type(page), "NOTE_MS", 300)
    qtbot.mouseClick(page.copy_command_button, Qt.MouseButton.LeftButton)
    command = QApplication.clipboard().text()
    assert page.hint.text() == f"Copied: {command}"
    assert str(run) not in command  # the finished run's folder would be refused
    qtbot.waitUntil(lambda: page.hint.text() == hint, timeout=5_000)  # the note passes

    from tlstudio.cli.main import main
    from tlstudio.core.runs.catalog import list_runs

    args = shlex.split(command)
    assert args[:2] == ["tlstudio", "train"]
    assert main(args[1:]) == 0  # runs as copied: a new run folder beside the others
    runs = list_runs()
    assert len(runs) == 1 and runs[0].complete and Path(runs[0].run_dir) != run
