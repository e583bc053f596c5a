"""Long jobs run as one worker ``QObject`` per job in its own ``QThread``.

Workers never touch widgets: they emit signals that Qt queues to the UI thread.
Connect them to bound methods of widgets (never to lambdas) so the slots run there.

Every job can be cancelled: a worker's ``cancel()`` sets a :class:`StopFlag` that the job
checks between rows, batches or files. Closing the window cancels every job and waits a
bounded time; a thread that has not ended by then is *detached*: kept referenced until it
finishes, because a ``QThread`` destroyed while it runs aborts the whole process.
"""

from __future__ import annotations

import os
import sys
import threading
import traceback
import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDeadlineTimer, QObject, Qt, QThread, Signal, Slot

from tlstudio.core.errors import JobCancelled, TLStudioError
from tlstudio.core.events import StopFlag

_LIVE_THREADS: weakref.WeakSet[QThread] = weakref.WeakSet()
_DETACHED: dict[QThread, QObject] = {}  # threads that outlived their host's shutdown
SHUTDOWN_MS = 3_000  # the longest closing the window waits for jobs, all together
JOB_NICENESS = 5  # how far below the window's thread a job's thread runs (Linux)


def lower_priority(step: int = JOB_NICENESS) -> None:
    """Run the calling thread, and the threads it starts (torch's, the tokenizers'), below the window.

    On two cores the window's thread waited 30-80 ms for a CPU in its longest gaps while jobs
    (loading, checking lengths, training) kept both busy; below it, a job yields the few ms the
    window needs as soon as it needs them. A job alone runs as fast as before. Linux sets a
    nice value per thread; elsewhere this does nothing.
    """
    if not sys.platform.startswith("linux"):
        return
    thread = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, thread, min(19, os.getpriority(os.PRIO_PROCESS, thread) + step))
    except OSError:  # not permitted here: the job runs at the window's priority
        pass


class JobThread(QThread):
    """A job's thread: its event loop runs at :func:`lower_priority`."""

    def run(self) -> None:
        lower_priority()
        self.exec()


def describe_error(exc: BaseException) -> tuple[str, str]:
    """A message a person can act on, and the traceback for the Details button."""
    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    if isinstance(exc, TLStudioError):
        return str(exc), details
    if isinstance(exc, MemoryError):
        return "The computer ran out of memory. Try a smaller batch size or max length.", details
    return f"Something went wrong: {type(exc).__name__}: {exc}", details


class FunctionWorker(QObject):
    """Runs ``fn(*args, **kwargs)`` once; ``succeeded(result)``, ``failed(message, details)``
    or, after :meth:`cancel`, ``cancelled()``.

    With ``with_progress=True`` ``fn`` receives ``progress(done, total)``, which emits
    :attr:`progressed` and stops the job (raising :class:`JobCancelled`) once cancelled; with
    ``with_stop=True`` it receives the :class:`StopFlag` itself as ``stop``.
    """

    succeeded = Signal(object)
    failed = Signal(str, str)
    cancelled = Signal()
    progressed = Signal(int, int)
    done = Signal()

    def __init__(self, fn: Callable[..., Any], *args: Any, with_progress: bool = False,
                 with_stop: bool = False, **kwargs: Any) -> None:
        super().__init__()
        self._fn = fn
        self._args = args
        self._kwargs = kwargs
        self.stop_flag = StopFlag()
        if with_progress:
            self._kwargs["progress"] = self._report_progress
        if with_stop:
            self._kwargs["stop"] = self.stop_flag

    def cancel(self) -> None:
        """Ask the job to stop at its next check (safe from any thread)."""
        self.stop_flag.stop()

    def _report_progress(self, done: int, total: int) -> None:
        self.stop_flag.check()
        self.progressed.emit(int(done), int(total))

    @Slot()
    def run(self) -> None:
        try:
            self.stop_flag.check()  # cancelled before the thread got to start it
            result = self._fn(*self._args, **self._kwargs)
        except JobCancelled:
            self.cancelled.emit()
        except BaseException as exc:  # noqa: BLE001 - every failure must reach the UI
            self.failed.emit(*describe_error(exc))
        else:
            self.succeeded.emit(result)
        finally:
            self.done.emit()


class WorkerHost(QObject):
    """Owns the threads of one window; :meth:`shutdown` cancels them and waits a bounded time.

    ``start(worker, latest="evaluation")`` marks the job as the newest of its kind: an older
    one of that kind is cancelled, and :meth:`is_current` tells a page to drop its results.
    """

    idle = Signal()  # the last running job has ended: work that would compete with jobs may start

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs: dict[QThread, QObject] = {}
        self._latest: dict[str, QObject] = {}
        self._closed = False

    def start(self, worker: QObject, *, latest: str | None = None) -> QThread | None:
        """Move ``worker`` to a new thread, call ``worker.run()`` there, clean up on ``done``.

        After :meth:`shutdown` nothing starts (None): a result queued as the window closed
        (e.g. the model list, which picks a model, which starts the fit check) would start a
        thread nobody waits for or detaches, and Qt aborts the process when that thread's
        object is destroyed while it runs.
        """
        _prune_detached()
        if self._closed:
            return None
        if latest is not None:
            older = self._latest.get(latest)
            if older is not None and hasattr(older, "cancel"):
                older.cancel()
            self._latest[latest] = worker
            worker.setProperty("latestKind", latest)
        thread = JobThread()
        thread.setObjectName(type(worker).__name__)
        worker.moveToThread(thread)
        # Queued: run in the thread's event loop, after JobThread.run lowered its priority (a
        # direct call would run the whole job inside the started signal, before run()).
        thread.started.connect(worker.run, Qt.ConnectionType.QueuedConnection)  # type: ignore[attr-defined]
        worker.done.connect(thread.quit)  # type: ignore[attr-defined]
        thread.finished.connect(self._on_thread_finished)
        self._jobs[thread] = worker
        _LIVE_THREADS.add(thread)
        thread.start()
        return thread

    def is_current(self, worker: QObject | None) -> bool:
        """False for a worker started with ``latest=kind`` when a newer one of that kind was."""
        kind = worker.property("latestKind") if worker is not None else None
        return not kind or self._latest.get(kind) is worker

    @Slot()
    def _on_thread_finished(self) -> None:
        for thread in [t for t in self._jobs if t.isFinished()]:
            thread.wait()
            self._jobs.pop(thread)
        if not self._closed and not self.busy:
            self.idle.emit()

    @property
    def busy(self) -> bool:
        return any(t.isRunning() for t in self._jobs)

    def cancel_all(self) -> None:
        """Ask every job to stop at its next check."""
        for worker in self._jobs.values():
            if hasattr(worker, "cancel"):
                worker.cancel()

    def shutdown(self, timeout_ms: int = SHUTDOWN_MS) -> bool:
        """Cancel every job and wait at most ``timeout_ms`` in all; True when all ended.

        A thread still running then is detached (see the module docstring), never dropped;
        the host starts no job after this.
        """
        self._closed = True
        self.cancel_all()
        deadline = QDeadlineTimer(timeout_ms)
        for thread in self._jobs:
            thread.quit()
        ended = True
        for thread, worker in list(self._jobs.items()):
            if not thread.wait(deadline):
                detach(thread, worker)
                ended = False
        self._jobs.clear()
        self._latest.clear()
        return ended


def detach(thread: QThread, worker: QObject | None) -> None:
    """Keep a still-running ``thread`` (and its worker) referenced until it has finished."""
    _DETACHED[thread] = worker  # type: ignore[assignment]


def _prune_detached() -> None:
    for thread in [t for t in _DETACHED if t.isFinished()]:
        thread.wait()
        del _DETACHED[thread]


def detached_threads() -> list[QThread]:
    """Threads a shutdown left running (they end on their own; cancelled jobs soon)."""
    _prune_detached()
    return list(_DETACHED)


def wait_detached(timeout_ms: int) -> bool:
    """Wait up to ``timeout_ms`` in all for detached threads; True when none is left."""
    deadline = QDeadlineTimer(timeout_ms)
    for thread in list(_DETACHED):
        thread.wait(deadline)
    return not detached_threads()


def running_threads() -> list[QThread]:
    """Threads started by any :class:`WorkerHost` that are still running (for tests)."""
    _prune_detached()
    return [t for t in list(_LIVE_THREADS) if t.isRunning()]
