"""Leaving the app while a detached job still runs ends the process with the window's exit
code, instead of Qt aborting it ("QThread: Destroyed while thread is still running")."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

SCRIPT = textwrap.dedent("""
    import sys, threading
    try:
        import resource
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # an abort leaves no core file
    except (ImportError, ValueError, OSError):
        pass
    from PySide6.QtWidgets import QApplication
    from tlstudio.gui.workers import FunctionWorker, WorkerHost
    from tlstudio.gui import app as gui_app

    qt = QApplication([])
    running = threading.Event()

    def stubborn():  # checks no stop flag
        running.set()
        threading.Event().wait(60)

    host = WorkerHost()
    host.start(FunctionWorker(stubborn))
    assert running.wait(30)
    assert host.shutdown(200) is False  # detached
    del host
    code = {leave}
    print("returned", code, flush=True)
    sys.exit(code)
""")


def _run(leave: str) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", SCRIPT.format(leave=leave)], capture_output=True,
                          text=True, timeout=120)
    return proc, time.monotonic() - started


def test_leaving_with_a_detached_job_ends_with_the_exit_code():
    proc, took = _run("gui_app.leave(3, wait_ms=300)")
    assert proc.returncode == 3, proc.stderr
    assert "QThread: Destroyed while thread" not in proc.stderr
    assert "returned" not in proc.stdout  # it left at once, without waiting 60 s for the job
    assert took < 60


def test_without_it_qt_would_abort_the_process():
    """The hazard ``leave`` guards against (so the test above can fail)."""
    proc, _ = _run("3")
    assert proc.returncode != 3
    assert "QThread: Destroyed while thread" in proc.stderr
