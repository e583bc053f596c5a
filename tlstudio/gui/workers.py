"""Long jobs run as one worker ``QObject`` per job in its own ``QThread``.

Workers never touch widgets: they emit signals that Qt queues to the UI thread.
Connect them to bound methods of widgets (never to lambdas) so the slots run there.
"""

from __future__ import annotations

import traceback
import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from tlstudio.core.errors import TLStudioError

_LIVE_THREADS: weakref.WeakSet[QThread] = weakref.WeakSet()


def describe_error(exc: BaseException) -> tuple[str, str]:
    """A message a person can act on, and the traceback for the Details button."""
    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    if isinstance(exc, TLStudioError):
        return str(exc), details
    if isinstance(exc, MemoryError):
        return "The computer ran out of memory. Try a smaller batch size or max length.", details
    return f"Something went wrong: {type(exc).__name__}: {exc}", details


class FunctionWorker(QObject):
    """Runs ``fn(*args, **kwargs)`` once; ``succeeded(result)`` or ``failed(message, details)``.

    If ``fn`` accepts a ``progress`` keyword (pass ``with_progress=True``), it receives a
    callable ``progress(done, total)`` that emits :attr:`progressed`.
    """

    succeeded = Signal(object)
    failed = Signal(str, str)
    progressed = Signal(int, int)
    done = Signal()

    def __init__(self, fn: Callable[..., Any], *args: Any, with_progress: bool = False,
                 **kwargs: Any) -> None:
        super().__init__()
        self._fn = fn
        self._args = args
        self._kwargs = kwargs
        if with_progress:
            self._kwargs["progress"] = self._report_progress

    def _report_progress(self, done: int, total: int) -> None:
        self.progressed.emit(int(done), int(total))

    @Slot()
    def run(self) -> None:
        try:
            result = self._fn(*self._args, **self._kwargs)
        except BaseException as exc:  # noqa: BLE001 - every failure must reach the UI
            self.failed.emit(*describe_error(exc))
        else:
            self.succeeded.emit(result)
        finally:
            self.done.emit()


class WorkerHost(QObject):
    """Owns the threads of one window; :meth:`shutdown` waits for all of them."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs: dict[QThread, QObject] = {}

    def start(self, worker: QObject, run: str = "run") -> QThread:
        """Move ``worker`` to a new thread, call ``worker.<run>()`` there, clean up on ``done``."""
        thread = QThread()
        thread.setObjectName(type(worker).__name__)
        worker.moveToThread(thread)
        thread.started.connect(getattr(worker, run))
        worker.done.connect(thread.quit)  # type: ignore[attr-defined]
        thread.finished.connect(self._on_thread_finished)
        self._jobs[thread] = worker
        _LIVE_THREADS.add(thread)
        thread.start()
        return thread

    @Slot()
    def _on_thread_finished(self) -> None:
        for thread in [t for t in self._jobs if t.isFinished()]:
            thread.wait()
            self._jobs.pop(thread)

    @property
    def busy(self) -> bool:
        return any(t.isRunning() for t in self._jobs)

    def shutdown(self, timeout_ms: int = 60_000) -> bool:
        """Wait for every thread to end (callers ask long jobs to stop first)."""
        ok = True
        for thread in list(self._jobs):
            thread.quit()
            ok = thread.wait(timeout_ms) and ok
        self._jobs.clear()
        return ok


def running_threads() -> list[QThread]:
    """Threads started by any :class:`WorkerHost` that are still running (for tests)."""
    return [t for t in list(_LIVE_THREADS) if t.isRunning()]
