"""Regression: PySide6 6.12.0 on CPython 3.11 corrupts refcounts on signal emission.

A worker thread emitting signals into a slot that calls pyqtgraph ``setData`` aborted
with ``Fatal Python error: none_dealloc`` within a few hundred emits on 6.12.0. The
script runs in a subprocess so an abort fails this test instead of killing pytest.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent(
    """
    import sys
    import numpy as np
    from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot
    from PySide6.QtWidgets import QApplication
    import pyqtgraph as pg

    EMITS = int(sys.argv[1])

    class Worker(QObject):
        stepped = Signal(int, float, object)
        finished = Signal()

        @Slot()
        def run(self):
            for i in range(EMITS):
                self.stepped.emit(i, float(i) * 0.5, None)
                if i % 8 == 0:
                    QThread.msleep(1)
            self.finished.emit()

    app = QApplication([])
    plot = pg.PlotWidget()
    curve = plot.plot()
    xs, ys = [], []
    received = [0]

    def on_step(i, y, extra):
        received[0] += 1
        xs.append(i)
        ys.append(y)
        curve.setData(np.asarray(xs[-500:], float), np.asarray(ys[-500:], float))
        app.processEvents()

    thread = QThread()
    worker = Worker()
    worker.moveToThread(thread)
    worker.stepped.connect(on_step)
    thread.started.connect(worker.run)
    worker.finished.connect(thread.quit)
    thread.finished.connect(app.quit)
    QTimer.singleShot(120_000, app.quit)
    thread.start()
    app.exec()
    thread.wait()
    print("received", received[0])
    sys.exit(0 if received[0] == EMITS else 3)
    """
)


@pytest.mark.gui
def test_worker_signals_into_pyqtgraph_do_not_abort(tmp_path):
    script = tmp_path / "emit.py"
    script.write_text(SCRIPT, encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, str(script), "3000"], env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr[-2000:]}"
    assert "received 3000" in result.stdout


def test_pyside6_version_is_safe_on_python_311():
    from importlib.metadata import version

    if sys.version_info[:2] == (3, 11):
        major, minor = (int(p) for p in version("PySide6-Essentials").split(".")[:2])
        assert (major, minor) < (6, 12), "PySide6 >= 6.12 aborts long-running GUIs on Python 3.11"
