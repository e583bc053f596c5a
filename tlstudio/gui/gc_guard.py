"""Python's garbage collector runs only in the GUI thread while the window is open.

The cyclic collector runs in whichever thread happens to allocate when a threshold is
crossed. In a worker thread (training, inspection) it may destroy Qt objects left over from
closed dialogs or menus; Qt objects must die in the thread that owns them, and doing it from
a worker deadlocks against the GUI thread (the worker waits for the GIL inside a Qt
destructor while the GUI thread, holding the GIL, waits for that destructor's mutex).
So automatic collection is switched off and a timer in the GUI thread collects instead
(the approach of ``pyqtgraph.util.garbage_collector``).

Explicit ``gc.collect()`` calls from a worker thread still collect, as they would in the CLI:
the out-of-memory recovery (ours, and accelerate's ``clear_device_cache``) relies on it to
free tensors held in reference cycles before retrying, and accelerate also collects when the
Trainer starts. The call asks the GUI thread to collect and waits for it, up to
:data:`WORKER_WAIT_S`; if the GUI thread is busy that long (e.g. waiting for workers while
the window closes), the call returns 0 and the GUI-thread timer collects soon after.

A full collection walks every object Python tracks: with torch and transformers loaded that
is about 500,000 objects and 0.8-1 s on a loaded 2-core machine, a frozen window each time
(accelerate alone asks for two per run). :func:`freeze_imported` moves what the heavy
imports made (modules, classes, functions: alive for the whole session) out of the
collector's reach, so later collections walk only what was made since (a few ms).
"""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject, Qt, QTimer, Signal

_real_collect = gc.collect
INTERVAL_MS = 1000
WORKER_WAIT_S = 5.0


def freeze_imported() -> None:
    """Exclude every object alive now from later collections (``gc.freeze``); call it right
    after the heavy imports, before runs make objects that should be collected.

    The cost: import-time cyclic garbage, and cycles among objects alive now that become
    garbage later, are never freed. Both are small and made once, against a full collection's
    second-long stall every few seconds of a run.
    """
    gc.freeze()


class _Request:
    """One worker thread's collection, answered by the GUI thread."""

    def __init__(self, generation: int) -> None:
        self.generation = generation
        self.collected = 0
        self.done = threading.Event()


def _collect_in_gui_thread(generation: int = 2) -> int:
    if threading.current_thread() is threading.main_thread():
        return _real_collect(generation)
    collector = MainThreadCollector.current()
    if collector is None:
        return 0
    request = _Request(generation)
    try:
        collector.collect_requested.emit(request)  # queued: answered in the GUI thread
    except RuntimeError:  # its window was destroyed without being closed
        return 0
    request.done.wait(WORKER_WAIT_S)
    return request.collected


class MainThreadCollector(QObject):
    """Disables automatic collection until :meth:`stop`; collects from a GUI-thread timer."""

    collect_requested = Signal(object)  # a worker thread's _Request
    _running: list[MainThreadCollector] = []  # windows holding collection (tests open several)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.collect)
        self.collect_requested.connect(self._on_collect_requested,
                                       Qt.ConnectionType.QueuedConnection)

    @classmethod
    def current(cls) -> MainThreadCollector | None:
        return cls._running[-1] if cls._running else None

    def start(self) -> None:
        if self in MainThreadCollector._running:
            return
        MainThreadCollector._running.append(self)
        gc.disable()
        gc.collect = _collect_in_gui_thread
        self._timer.start()

    def stop(self) -> None:
        """Collect what is left here, in the GUI thread, then give collection back to Python."""
        if self not in MainThreadCollector._running:
            return
        MainThreadCollector._running.remove(self)
        self._timer.stop()
        _real_collect()
        if not MainThreadCollector._running:
            gc.collect = _real_collect
            gc.enable()

    def _on_collect_requested(self, request: _Request) -> None:
        try:
            request.collected = _real_collect(request.generation)
        finally:
            request.done.set()

    def collect(self) -> None:
        """The oldest generation whose threshold was crossed, as Python would; else the youngest."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        for generation in (2, 1):
            if counts[generation] > thresholds[generation]:
                _real_collect(generation)
                return
        if counts[0]:
            _real_collect(0)  # cheap, and frees what worker threads left behind within a second
