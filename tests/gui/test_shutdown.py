"""Closing the window during long jobs: every job is cancelled, the wait is bounded, and a
thread that can't stop in time is kept alive until it ends (never destroyed while running)."""

from __future__ import annotations

import threading
import time

from tlstudio.gui.workers import SHUTDOWN_MS, FunctionWorker, detached_threads, running_threads


def rows_until_stopped(progress, rows: int = 6_000) -> int:
    """A job like batch prediction: reports progress between rows for up to a minute."""
    for row in range(rows):
        time.sleep(0.01)
        progress(row, rows)
    return rows


def test_closing_cancels_a_long_job_at_once(window, qtbot):
    worker = FunctionWorker(rows_until_stopped, with_progress=True)
    outcomes: list[str] = []  # (these plain callables run in the worker's thread)
    worker.progressed.connect(lambda done, _total: outcomes.append("row") if not outcomes else None)
    worker.cancelled.connect(lambda: outcomes.append("cancelled"))
    worker.succeeded.connect(lambda _r: outcomes.append("succeeded"))
    window.host.start(worker)
    qtbot.waitUntil(lambda: outcomes == ["row"], timeout=30_000)
    started = time.monotonic()
    window.close()
    took = time.monotonic() - started
    assert took < 2.0, f"closing waited {took:.1f} s"
    assert not window.isVisible()
    assert running_threads() == [] and detached_threads() == []
    assert outcomes == ["row", "cancelled"]  # the thread has ended: nothing more can come


def test_a_job_that_ignores_stop_is_detached_then_ends_safely(window, qtbot):
    entered = threading.Event()
    release = threading.Event()
    finished = threading.Event()

    def stubborn() -> None:  # e.g. a library call that checks nothing
        entered.set()
        release.wait(60)
        finished.set()

    worker = FunctionWorker(stubborn)
    thread = window.host.start(worker)
    # The job itself must have begun: a thread that is running but has not yet taken the job
    # from its queue ends at once when asked to quit (the job never runs, nothing to detach).
    assert entered.wait(30), "the job did not start within 30 s"
    started = time.monotonic()
    window.close()
    took = time.monotonic() - started
    assert took < SHUTDOWN_MS / 1000 + 1.5, f"closing waited {took:.1f} s"
    assert not window.isVisible()
    assert detached_threads() == [thread] and thread.isRunning()  # still referenced
    release.set()
    qtbot.waitUntil(lambda: detached_threads() == [], timeout=30_000)
    assert finished.is_set()


def test_closing_stops_an_inspection_and_a_download(window, qtbot, monkeypatch,
                                                                 tmp_path):
    """Each page's job gets the stop request, not only training."""
    import tlstudio.core.data.summary as data
    import tlstudio.core.models.catalog as catalog

    entered = {name: threading.Event() for name in ("inspect", "download")}
    release = threading.Event()

    def slow_inspect(path, **_kwargs):
        entered["inspect"].set()
        release.wait(60)  # a big file still being read
        raise AssertionError("inspection ran to its end")

    def slow_download(hub_id, progress=None):
        entered["download"].set()
        for done in range(3000):
            time.sleep(0.01)
            progress(done, 3000)
        raise AssertionError("download ran to its end")

    monkeypatch.setattr(data, "inspect_file", slow_inspect)
    monkeypatch.setattr(catalog, "download_model", slow_download)
    (tmp_path / "a.csv").write_text("text,label\nhi,1\n")
    window.pages["data"].open_file(str(tmp_path / "a.csv"))
    model = window.pages["model"]
    model.hub_edit.setText("someone/model")
    model._on_download_clicked()  # the tests stay offline: the button is greyed out there
    for name, event in entered.items():
        assert event.wait(30), name
    started = time.monotonic()
    window.close()
    took = time.monotonic() - started
    # the download stops at its next progress report; the inspection is detached (it checks
    # before and after reading, and this one is still reading)
    assert took < SHUTDOWN_MS / 1000 + 1.5, f"closing waited {took:.1f} s"
    assert [t.objectName() for t in detached_threads()] == ["FunctionWorker"]
    release.set()
    qtbot.waitUntil(lambda: detached_threads() == [], timeout=60_000)


def test_the_predictor_thread_is_detached_not_waited_for_forever(qtbot, monkeypatch):
    from tlstudio.core.inference import predictor
    from tlstudio.gui.predict_worker import PredictorHost

    release = threading.Event()
    loading = threading.Event()

    def slow_load(run_dir, *args, **kwargs):
        loading.set()
        release.wait(60)
        raise predictor.ModelError("not a model")

    monkeypatch.setattr(predictor.Predictor, "load", slow_load)
    host = PredictorHost()
    worker = host.start()
    worker.load_requested.emit("somewhere")
    assert loading.wait(30)
    started = time.monotonic()
    assert host.shutdown(timeout_ms=300) is False
    assert time.monotonic() - started < 2.0
    (thread,) = detached_threads()
    assert thread.isRunning()
    release.set()
    qtbot.waitUntil(lambda: detached_threads() == [], timeout=30_000)


def test_one_bounded_wait_covers_the_predictor_and_the_jobs(window, qtbot, monkeypatch, tmp_path):
    from tlstudio.core.inference import predictor

    release = threading.Event()
    loading = threading.Event()

    def slow_load(run_dir, *args, **kwargs):
        loading.set()
        release.wait(60)
        raise predictor.ModelError("not a model")

    monkeypatch.setattr(predictor.Predictor, "load", slow_load)
    window.state.set_run(tmp_path)  # the Predict page starts loading this run's model
    # ... once the other pages' jobs for the run have ended: the event loop must run meanwhile.
    qtbot.waitUntil(loading.is_set, timeout=30_000)
    running = threading.Event()

    def stuck() -> None:  # a job that checks nothing
        running.set()
        release.wait(60)

    window.host.start(FunctionWorker(stuck))
    qtbot.waitUntil(running.is_set, timeout=30_000)  # under way (one not started yet is just cancelled)
    started = time.monotonic()
    window.close()
    took = time.monotonic() - started
    assert took < SHUTDOWN_MS / 1000 + 1.0, f"closing waited {took:.1f} s"  # not one wait each
    assert sorted(t.objectName() for t in detached_threads()) == ["FunctionWorker",
                                                                  "PredictorWorker"]
    release.set()
    qtbot.waitUntil(lambda: detached_threads() == [], timeout=30_000)


def test_a_result_that_arrives_after_closing_starts_no_thread(window, qtbot, sentiment_csv,
                                                              tiny_model_dir, tmp_path):
    """A job's result queued as the window closed still reaches its page: the model list picks
    a model, which starts the length and fit checks; a run chosen starts the predictor. Closed,
    the window starts none of them: a thread nobody waits for is destroyed while it runs, and
    Qt aborts the process ("QThread: Destroyed while thread is still running")."""
    from gui_helpers import load_data

    from tlstudio.core.models.catalog import describe_folder

    load_data(qtbot, window, sentiment_csv)
    qtbot.waitUntil(lambda: running_threads() == [], timeout=60_000)
    window.close()
    window.state.set_model(describe_folder(tiny_model_dir))  # what the late model list does
    window.state.set_run(tmp_path)  # the Predict page would load this run's model
    assert running_threads() == [] and detached_threads() == []


def test_a_job_still_ending_when_its_host_shut_down_is_waited_for_not_a_leak(qtbot):
    """Under load a closing window's 3 s run out while a cancelled job finishes its chunk: the
    job is detached, by design. The leak check (``no_thread_leaks``, after this test) waits
    for it, a bounded time; before, it failed the test with "QThreads still running"."""
    from tlstudio.gui.workers import WorkerHost

    entered = threading.Event()

    def one_last_chunk(*, stop) -> None:
        entered.set()
        while not stop.requested:
            time.sleep(0.01)
        time.sleep(1.0)  # the chunk under way when the stop came

    host = WorkerHost()
    thread = host.start(FunctionWorker(one_last_chunk, with_stop=True))
    assert entered.wait(30)
    assert host.shutdown(timeout_ms=0) is False  # what 3 s on a loaded machine come to
    assert detached_threads() == [thread] and thread.isRunning()
