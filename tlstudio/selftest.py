"""``tlstudio --self-test``: open the window, load the demo, train a few steps, predict, close.

Drives the real window the way a person does and prints each step with its time, so a
frozen bundle or a fresh install can prove it works. Exit code 0 on success, 1 otherwise.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

SENTENCE = "The battery lasts all day and the screen is gorgeous."


class SelfTestError(Exception):
    """A step of the self-test did not complete."""


def _wait_until(app: Any, predicate: Callable[[], bool], timeout: float, what: str) -> None:
    from PySide6.QtCore import QEventLoop

    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SelfTestError(f"timed out after {timeout:.0f} s waiting for {what}")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)


def _snap(window: Any, name: str) -> None:
    """Save a PNG of the window when ``TLSTUDIO_SELFTEST_SHOTS`` names a folder."""
    folder = os.environ.get("TLSTUDIO_SELFTEST_SHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        window.grab().save(os.path.join(folder, f"selftest-{name}.png"))


def _steps(app: Any, window: Any, log: Callable[[str], None]) -> None:
    window.open_demo()
    _wait_until(app, lambda: window.state.has_data, 120, "the demo dataset to load")
    log(f"demo loaded: {window.state.report.to_dict()['rows']} rows")
    _snap(window, "data")

    window.show_page("model")
    _wait_until(app, lambda: window.state.model is not None, 60, "the model list")
    model = window.state.model
    if model.source != "bundled":
        raise SelfTestError(f"the bundled offline model is not the default (got {model.name})")
    log(f"model: {model.name}")

    window.show_page("train")
    train = window.pages["train"]
    train.settings.epochs.setValue(train.settings.epochs.minimum())  # a few steps only
    train.settings.max_length.setValue(64)
    results: list[Any] = []
    train.run_finished.connect(results.append)
    train.start()
    _wait_until(app, lambda: train.running, 10, "training to start")
    _wait_until(app, lambda: results or not train.running, 900, "training to finish")
    if not results:
        last = train.log.toPlainText().strip().splitlines()[-3:]
        raise SelfTestError(f"training did not finish: {train.status.text()} {' | '.join(last)}")
    _wait_until(app, lambda: not train.running, 60, "the training worker to end")
    logged = train.curves.raw_curve.getData()[0]
    steps = 0 if logged is None else len(logged)
    log(f"trained: {steps} logged steps, run folder {results[0].run_dir}")
    _snap(window, "train")

    window.show_page("predict")
    predict = window.pages["predict"]
    _wait_until(app, predict.predict_button.isEnabled, 120, "the predictor to load")
    predict.input.setPlainText(SENTENCE)
    predict.predict_now()
    _wait_until(app, lambda: bool(predict.result.text()), 60, "a prediction")
    log(f"predicted: {predict.result.text()!r}")
    _snap(window, "predict")


def run_self_test() -> int:
    """Run the self-test in this process; returns the exit code."""
    started = time.monotonic()

    def log(message: str) -> None:
        print(f"self-test [{time.monotonic() - started:6.1f} s] {message}", flush=True)

    home = tempfile.TemporaryDirectory(prefix="tlstudio-selftest-", ignore_cleanup_errors=True)
    app = window = None
    os.environ["TLSTUDIO_HOME"] = home.name  # never touch the user's runs or settings
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        from tlstudio.gui import theme
        from tlstudio.gui.app import _application
        from tlstudio.gui.main_window import MainWindow

        app = _application()
        theme.apply(app)  # type: ignore[arg-type]
        window = MainWindow(warm_up=False)
        window.confirm_close = lambda: True
        window.show()
        _wait_until(app, window.isVisible, 10, "the window to show")
        log("window shown")
        _steps(app, window, log)
        _close(app, window)
        log("closed cleanly: PASS")
        return 0
    except SelfTestError as exc:
        print(f"self-test FAILED: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # any crash is a failed self-test, with its reason
        import traceback

        traceback.print_exc()
        print(f"self-test FAILED: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        if window is not None and window.isVisible():
            try:
                _close(app, window)
            except SelfTestError as exc:
                print(f"self-test: {exc}", file=sys.stderr)
        home.cleanup()


def _close(app: Any, window: Any) -> None:
    """Close the window and wait until every worker thread has ended.

    A job still running when the window's bounded shutdown wait ran out is detached, not
    dropped (gui/workers.py); the app's exit waits for those (``app.leave``), and so must this
    (every job's thread, detached or started late by a queued signal):
    a thread object destroyed at interpreter exit while its thread runs aborts the process.
    """
    from tlstudio.gui.workers import running_threads

    window.close()
    _wait_until(app, lambda: not window.isVisible(), 120, "the window to close")
    _wait_until(app, lambda: not running_threads(), 120, "the worker threads to end")
