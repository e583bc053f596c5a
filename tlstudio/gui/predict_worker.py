"""A long-lived worker that holds a loaded Predictor and answers requests in its own thread."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from tlstudio.gui.workers import _LIVE_THREADS, SHUTDOWN_MS, JobThread, describe_error, detach


class PredictorWorker(QObject):
    """Load a run once (``load``), then answer ``predict`` requests; newest request wins."""

    loaded = Signal(str, object)  # run_dir, Predictor facts {"task", "label_names", "is_pair"}
    predicted = Signal(int, object)  # request id, list[Prediction]
    failed = Signal(str, str)
    load_requested = Signal(str)
    predict_requested = Signal(int, object, object)  # id, texts, pairs

    def __init__(self) -> None:
        super().__init__()
        self._predictor: Any = None
        self.latest_request = 0
        self.load_requested.connect(self._on_load_requested)
        self.predict_requested.connect(self._on_predict_requested)

    @Slot(str)
    def _on_load_requested(self, run_dir: str) -> None:
        try:
            from tlstudio.core.inference.predictor import Predictor

            self._predictor = Predictor.load(run_dir)
        except BaseException as exc:  # noqa: BLE001 - every failure must reach the UI
            self._predictor = None
            self.failed.emit(*describe_error(exc))
            return
        facts = {"task": self._predictor.task,
                 "label_names": list(self._predictor.label_names),
                 "is_pair": len(getattr(self._predictor, "text_columns", None) or []) > 1}
        self.loaded.emit(run_dir, facts)

    @Slot(int, object, object)
    def _on_predict_requested(self, request: int, texts: list[str], pairs: Any) -> None:
        if request < self.latest_request or self._predictor is None:
            return  # a newer request is queued; skip the stale one
        try:
            result = self._predictor.predict(texts, pairs)
        except BaseException as exc:  # noqa: BLE001
            self.failed.emit(*describe_error(exc))
            return
        self.predicted.emit(request, result)


class PredictorHost:
    """Owns the predictor thread: ``start`` once, ``shutdown`` on close (bounded wait)."""

    def __init__(self) -> None:
        self.thread: QThread | None = None
        self.worker: PredictorWorker | None = None
        self._closed = False

    def start(self) -> PredictorWorker | None:
        """The worker, its thread started on first use; None after :meth:`shutdown` (as
        ``WorkerHost.start``: a thread started after the window closed would be waited for by nobody)."""
        if self._closed:
            return None
        if self.worker is None:
            self.thread = JobThread()
            self.thread.setObjectName("PredictorWorker")
            self.worker = PredictorWorker()
            self.worker.moveToThread(self.thread)
            _LIVE_THREADS.add(self.thread)
            self.thread.start()
        return self.worker

    def shutdown(self, timeout_ms: int = SHUTDOWN_MS) -> bool:
        """End the thread's event loop; True when it ended within ``timeout_ms``.

        A request under way (loading a model, a long text) finishes first; if that takes
        longer, the thread is detached: kept referenced until it ends, never destroyed running.
        """
        ended = True
        self._closed = True
        if self.thread is not None:
            self.thread.quit()
            if not self.thread.wait(timeout_ms):
                detach(self.thread, self.worker)
                ended = False
            self.thread = None
            self.worker = None
        return ended
