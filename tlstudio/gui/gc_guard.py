"""Python's garbage collector runs only in the GUI thread while the window is open.

The cyclic collector runs in whichever thread happens to allocate when a threshold is
crossed. In a worker thread (training, inspection) it may destroy Qt objects left over from
closed dialogs or menus; Qt objects must die in the thread that owns them, and doing it from
a worker deadlocks against the GUI thread (the worker waits for the GIL inside a Qt
destructor while the GUI thread, holding the GIL, waits for that destructor's mutex).
So automatic collection is switched off and a timer in the GUI thread collects instead
(the approach of ``pyqtgraph.util.garbage_collector``). Libraries also call ``gc.collect()``
themselves (accelerate does, when the Trainer starts and ends): while the window is open,
such a call from a worker thread is skipped, and the GUI-thread timer collects soon after.
"""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject, QTimer

_real_collect = gc.collect


def _collect_in_gui_thread_only(generation: int = 2) -> int:
    if threading.current_thread() is not threading.main_thread():
        return 0  # the GUI thread's timer collects instead
    return _real_collect(generation)


INTERVAL_MS = 1000


class MainThreadCollector(QObject):
    """Disables automatic collection until :meth:`stop`; collects from a GUI-thread timer."""

    _active = 0  # windows holding automatic collection off (tests open several in turn)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.collect)
        self._running = False

    def start(self) -> None:
        if self._running:
            return
        self._running = True
        MainThreadCollector._active += 1
        gc.disable()
        gc.collect = _collect_in_gui_thread_only
        self._timer.start()

    def stop(self) -> None:
        """Collect what is left here, in the GUI thread, then give collection back to Python."""
        if not self._running:
            return
        self._running = False
        self._timer.stop()
        _real_collect()
        MainThreadCollector._active -= 1
        if MainThreadCollector._active == 0:
            gc.collect = _real_collect
            gc.enable()

    def collect(self) -> None:
        """The oldest generation whose threshold was crossed, as Python would; else the youngest."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        for generation in (2, 1):
            if counts[generation] > thresholds[generation]:
                _real_collect(generation)
                return
        if counts[0]:
            _real_collect(0)  # cheap, and frees what worker threads left behind within a second
