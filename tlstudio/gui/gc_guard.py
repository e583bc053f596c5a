"""Python's garbage collector runs only in the GUI thread while the window is open.

The cyclic collector runs in whichever thread happens to allocate when a threshold is
crossed. In a worker thread (training, inspection) it may destroy Qt objects left over from
closed dialogs or menus; Qt objects must die in the thread that owns them, and doing it from
a worker deadlocks against the GUI thread (the worker waits for the GIL inside a Qt
destructor while the GUI thread, holding the GIL, waits for that destructor's mutex).
So automatic collection is switched off and a timer in the GUI thread collects instead
(the approach of ``pyqtgraph.util.garbage_collector``).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

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
        self._timer.start()

    def stop(self) -> None:
        """Collect what is left here, in the GUI thread, then give collection back to Python."""
        if not self._running:
            return
        self._running = False
        self._timer.stop()
        gc.collect()
        MainThreadCollector._active -= 1
        if MainThreadCollector._active == 0:
            gc.enable()

    def collect(self) -> None:
        """Collect the generations whose thresholds were crossed, as Python itself would."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        for generation in (2, 1, 0):
            if counts[generation] > thresholds[generation]:
                gc.collect(generation)
                break
