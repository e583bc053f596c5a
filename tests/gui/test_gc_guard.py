"""Garbage collection happens in the GUI thread only while the window is open.

A collection triggered in a training thread can destroy Qt objects left over from closed
windows or menus there, which deadlocks against the GUI thread (seen in this test suite: the
worker waited for the GIL inside QObject's destructor while the GUI thread waited for that
destructor's mutex). The window switches automatic collection off and collects on a timer.
"""

from __future__ import annotations

import gc
import threading
import weakref


class _Cycle:
    def __init__(self) -> None:
        self.me = self  # only the cyclic collector can free it


def test_the_collector_runs_in_the_gui_thread_while_the_window_is_open(window, qtbot):
    assert not gc.isenabled()
    freed_in: list[str] = []
    garbage = _Cycle()
    weakref.finalize(garbage, lambda: freed_in.append(threading.current_thread().name))
    del garbage

    def allocate() -> None:  # what a training thread does: enough to cross gc thresholds
        for _ in range(20):
            junk = [_Cycle() for _ in range(5_000)]
            del junk

    worker = threading.Thread(target=allocate, name="worker")
    worker.start()
    worker.join()
    assert freed_in == []  # the worker's allocations did not run the collector
    qtbot.waitUntil(lambda: bool(freed_in), timeout=10_000)
    assert freed_in == [threading.main_thread().name]


def test_closing_the_window_gives_collection_back(qtbot):
    from tlstudio.gui import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    assert not gc.isenabled()
    win.close()
    assert gc.isenabled() and gc.collect.__name__ == "collect"


def test_a_library_calling_gc_collect_in_a_worker_is_deferred_to_the_gui_thread(window, qtbot):
    freed_in: list[str] = []
    garbage = _Cycle()
    weakref.finalize(garbage, lambda: freed_in.append(threading.current_thread().name))
    del garbage
    worker = threading.Thread(target=lambda: gc.collect(), name="worker")  # as accelerate does
    worker.start()
    worker.join()
    assert freed_in == []
    qtbot.waitUntil(lambda: bool(freed_in), timeout=10_000)
    assert freed_in == [threading.main_thread().name]
