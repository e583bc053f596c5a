"""Under the Train page's settings: which devices this computer can train on.

Asked once, in a worker, the first time the page shows (listing devices loads torch); the
devices found fill the settings' device box.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from tlstudio.gui import jobs
from tlstudio.gui.pages.base import WrapLabel
from tlstudio.gui.workers import FunctionWorker, WorkerHost


class DeviceNote(WrapLabel):
    """A hint line: the devices found (or why none could be listed)."""

    def __init__(self, settings: Any, host: WorkerHost, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setProperty("role", "hint")
        self._settings, self._host = settings, host  # settings: the page's TrainSettings
        self._asked = False

    def ask_once(self) -> None:
        """List the devices, the first time only."""
        if self._asked:
            return
        self._asked = True
        worker = FunctionWorker(jobs.detect_devices)
        worker.succeeded.connect(self._on_devices_detected)
        worker.failed.connect(self._on_devices_failed)
        self._host.start(worker)

    def _on_devices_detected(self, result: tuple[list[Any], str]) -> None:
        devices, note = result
        self._settings.set_devices(devices)
        self.setText(note)

    def _on_devices_failed(self, message: str, _details: str) -> None:
        self.setText(f"Could not list devices: {message}")
