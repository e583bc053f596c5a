"""Jobs run below the window's thread, so the window gets a CPU first (issue 13 item 12).

On two cores, loading and training kept both busy and the window's thread waited 30-80 ms for
a CPU in its longest gaps; a job's thread (and the threads it starts) runs at a lower priority.
"""

from __future__ import annotations

import os
import sys
import threading

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice is Linux's")


def _niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def _job_and_its_thread(seen: list[int]) -> None:
    """This job's niceness, then that of a thread it starts (as torch and the tokenizers do)."""
    started: list[int] = []
    helper = threading.Thread(target=lambda: started.append(_niceness()))
    helper.start()
    helper.join(30)
    seen.extend([_niceness(), *started])


def test_a_job_and_the_threads_it_starts_run_below_the_window(window, qtbot):
    from tlstudio.gui.workers import FunctionWorker

    seen: list[int] = []
    window.host.start(FunctionWorker(_job_and_its_thread, seen))
    qtbot.waitUntil(lambda: len(seen) == 2 and not window.host.busy, timeout=30_000)
    job, helper = seen
    window_thread = _niceness()
    assert job > window_thread or window_thread == 19
    assert helper == job


def test_the_predict_page_loads_its_model_below_the_window(window, qtbot, tmp_path, monkeypatch):
    from tlstudio.core.inference import predictor

    seen: list[int] = []

    def load(run_dir, *args, **kwargs):
        seen.append(_niceness())
        raise predictor.ModelError("not a model")

    monkeypatch.setattr(predictor.Predictor, "load", load)
    window.state.set_run(tmp_path)
    window.show_page("predict")
    qtbot.waitUntil(lambda: bool(seen), timeout=30_000)
    assert seen[0] > _niceness() or _niceness() == 19
