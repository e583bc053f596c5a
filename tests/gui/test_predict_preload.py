"""The Predict page loads a run's model when nothing competes with it (issue 13 item 12).

A run that is opened starts the Evaluate page's job for it; the model loading beside it took
the CPU and the GIL from the window as it filled the page. It loads once the window's jobs are
done, or at once when the person is on the Predict page.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from tlstudio.core.runs.folder import RUN_JSON


class _FakePredictor:
    task = "binary"
    label_names = ["neg", "pos"]
    text_columns = ["text"]


@pytest.fixture
def held_evaluation(monkeypatch):
    """The Evaluate page's reading of a run waits at a gate; Predictor.load is logged."""
    from tlstudio.core.inference import predictor
    from tlstudio.gui.pages import evaluate_page

    log: list[str] = []
    entered, release = threading.Event(), threading.Event()

    def load_evaluation(run_dir):
        log.append("evaluation started")
        entered.set()
        release.wait(60)
        log.append("evaluation read")
        return {"task": "binary", "label_names": ["neg", "pos"], "model": {"accuracy": 0.9}}, []

    def load_predictor(run_dir, *args, **kwargs):
        log.append("predictor loading")
        return _FakePredictor()

    monkeypatch.setattr(evaluate_page, "_load_evaluation", load_evaluation)
    monkeypatch.setattr(predictor.Predictor, "load", load_predictor)
    yield log, entered, release
    release.set()


def _run(tmp_path: Path) -> Path:
    run = tmp_path / "run-a"
    run.mkdir()
    (run / RUN_JSON).write_text(json.dumps({"status": "complete", "main_metric": "accuracy"}))
    return run


def test_the_model_loads_after_the_evaluation_is_read_not_beside_it(window, qtbot, tmp_path,
                                                                    held_evaluation):
    log, entered, release = held_evaluation
    page = window.pages["predict"]
    run = _run(tmp_path)
    window.state.set_run(run)  # a run opened on the Runs page: Evaluate shows it
    window.show_page("evaluate")  # (a page out of view reads a run only when shown)
    assert entered.wait(30)
    qtbot.wait(300)  # turns enough for a load to start
    assert "predictor loading" not in log
    assert not page.predict_button.isEnabled()
    release.set()
    qtbot.waitUntil(lambda: page._loaded_run == str(run), timeout=30_000)
    assert log == ["evaluation started", "evaluation read", "predictor loading"]
    assert page.predict_button.isEnabled()
    assert page.run_label.text().startswith("Using run-a")


def test_on_the_predict_page_the_model_loads_at_once(window, qtbot, tmp_path, held_evaluation):
    log, entered, release = held_evaluation
    page = window.pages["predict"]
    run = _run(tmp_path)
    window.state.set_run(run)
    window.show_page("evaluate")
    assert entered.wait(30)
    window.show_page("predict")  # the person wants to predict: no waiting for other pages
    qtbot.waitUntil(lambda: page._loaded_run == str(run), timeout=30_000)
    assert log == ["evaluation started", "predictor loading"]
    assert page.predict_button.isEnabled()
    release.set()
    qtbot.waitUntil(lambda: not window.host.busy, timeout=30_000)


def test_a_run_s_model_loads_a_moment_after_the_run_is_opened(window, qtbot, tmp_path,
                                                              held_evaluation):
    """As a run ends no page job may be running (pages out of view read it when shown): the
    model loaded at once, beside the Evaluate page the person opens next, as it read and
    filled (gaps of 85 ms as a run ended)."""
    log, _entered, release = held_evaluation
    release.set()
    page = window.pages["predict"]
    run = _run(tmp_path)
    window.state.set_run(run)  # the run ended, the Train page in view
    qtbot.wait(300)
    assert "predictor loading" not in log
    qtbot.waitUntil(lambda: page._loaded_run == str(run), timeout=30_000)
    assert log == ["predictor loading"]
