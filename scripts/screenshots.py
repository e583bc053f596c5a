"""Walk every page of the app on the demo dataset and save a PNG of each.

Run under a virtual display: ``xvfb-run -a .venv/bin/python scripts/screenshots.py``.
Trains a real (Quick preset) run with the bundled model, so it takes a few minutes on a CPU.
Options: ``--out docs/screenshots``, ``--epochs 1`` (else the Quick preset's own), ``--dark``, ``--high-contrast``,
``--scale 2`` (200 %: every size doubled, the PNGs twice as many pixels), ``--no-train``,
``--size 1024x640`` (the window's size in logical pixels), ``--run RUN_DIR`` (show a
finished run instead of training one: a tiny run is enough to look at every page's layout;
given twice, Runs compares the two).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


PAGE_TIMEOUT = 1800.0  # seconds for a page's jobs: generous, a loaded 2-core machine is slow, not stuck
TRAIN_TIMEOUT = 3600.0  # seconds for the Quick run itself


def wait_until(app, condition: Callable[[], bool], timeout: float = PAGE_TIMEOUT,
               what: str = "the app") -> None:
    """Process events until ``condition()`` holds; after ``timeout`` seconds fail, saying ``what``
    was awaited (a wait without its reason left a bare "did not get there in time")."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"still waiting after {timeout:.0f} s for {what}")
        app.processEvents()
        time.sleep(0.02)


def wait_for_all(app, window, conditions: dict[str, Callable[[], bool]],
                 timeout: float = PAGE_TIMEOUT) -> None:
    """Wait until every condition holds; a timeout names the ones that did not, and the jobs
    still running."""
    try:
        wait_until(app, lambda: all(check() for check in conditions.values()), timeout)
    except TimeoutError:
        missing = "; ".join(what for what, check in conditions.items() if not check())
        raise TimeoutError(f"still waiting after {timeout:.0f} s for {missing} "
                           f"(jobs running: {jobs_running(window)})") from None


def jobs_running(window) -> str:
    """The window's running jobs by name (a timeout's message says which one was slow)."""
    names = [getattr(getattr(worker, "_fn", None), "__name__", type(worker).__name__)
             for thread, worker in window.host._jobs.items() if thread.isRunning()]
    return ", ".join(names) or "none"


def settle(app, seconds: float = 0.4) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--epochs", type=float,
                        help="change the Quick preset's epochs (the preset then reads Custom)")
    parser.add_argument("--dark", action="store_true", help="force the dark palette")
    parser.add_argument("--high-contrast", action="store_true",
                        help="the high-contrast scheme (View > Colours > High contrast)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="display scale, e.g. 2 for 200 %% (QT_SCALE_FACTOR)")
    parser.add_argument("--no-train", action="store_true",
                        help="stop at the Train page (a quick look at the theme)")
    parser.add_argument("--size", default="1360x860", help="window size, WIDTHxHEIGHT")
    parser.add_argument("--run", action="append",
                        help="a finished run folder to show instead of training one; given again, "
                             "each is listed on Runs (selected and compared) and the last is shown")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.lower().split("x"))
    os.environ["TLSTUDIO_HOME"] = tempfile.mkdtemp(prefix="tlstudio-shots-")
    if args.scale != 1.0:
        os.environ["QT_SCALE_FACTOR"] = f"{args.scale:g}"  # read when the QApplication is made
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import Qt

    from tlstudio.gui import theme
    from tlstudio.gui.app import _application
    from tlstudio.gui.main_window import MainWindow

    app = _application()
    if args.dark:
        app.styleHints().setColorScheme(Qt.ColorScheme.Dark)
        theme.force_dark(app)
    theme.apply(app, "high-contrast" if args.high_contrast else None)
    window = MainWindow(warm_up=True)
    window.resize(width, height)
    window.show()
    window.activateWindow()  # as on a desktop: the window in use is the active one (selections)
    settle(app, 1.0)

    def shot(name: str) -> None:
        settle(app)
        path = out / f"{name}.png"
        window.grab().save(str(path))
        print(f"saved {path}", flush=True)

    shot("01_welcome")
    window.open_demo()
    data = window.pages["data"]
    # The Data page in full: read, its text lengths counted and its zero-shot score in (those
    # jobs, and the start-up warm-up they compete with, take minutes on a loaded machine).
    wait_for_all(app, window, {
        "the demo file to be read (Data page)": lambda: window.state.has_data,
        "its text lengths to be counted (Data page)": lambda: window.state.token_survey is not None,
        "the Data page's jobs (the zero-shot score, the warm-up) to end": lambda: not window.host.busy,
    })
    shot("02_data")
    if data.problems.count():
        data.problems.setCurrentRow(0)
    window.show_page("model")
    model = window.pages["model"]
    # the Data page counts the rows' tokens for the chosen model: the presets are timed at that length
    wait_for_all(app, window, {
        "the model list (Model page)": lambda: model.model_list.count() > 0,
        "a model to be chosen (Model page)": lambda: window.state.model is not None,
        "the text lengths counted for it": lambda: window.state.auto_max_length is not None,
        "the window's jobs to end": lambda: not window.host.busy,
    })
    shot("03_model")
    window.show_page("train")
    train = window.pages["train"]
    train.settings.apply_preset("Quick")
    if args.epochs is not None:
        train.settings.epochs.setValue(args.epochs)
    settle(app, 1.0)
    if args.no_train or args.run:
        shot("04_train_ready")
    if args.no_train:
        window.close()
        return 0
    if args.run:
        import shutil

        from tlstudio.core.system.paths import runs_dir

        for folder in args.run:
            run = Path(shutil.copytree(folder, runs_dir() / Path(folder).name))
        window.state.set_run(str(run))
    else:
        train.start_button.click()
        wait_until(app, lambda: train.curves.train_loss.size >= 25 or not train.running, TRAIN_TIMEOUT,
                   "25 logged training losses (Train page)")
        shot("04_train_running")
        wait_until(app, lambda: not train.running, TRAIN_TIMEOUT, "the run to finish (Train page)")
        shot("05_train_finished")
    window.show_page("evaluate")
    evaluate = window.pages["evaluate"]
    wait_until(app, lambda: evaluate.metrics_table.rowCount() > 0, what="the run's scores (Evaluate page)")
    if evaluate.confusion.rowCount() > 1:
        evaluate.confusion.setCurrentCell(1, 0)
        evaluate._on_confusion_cell_clicked(1, 0)
    shot("06_evaluate")
    evaluate.tabs.setCurrentIndex(1)
    shot("07_mistakes")
    evaluate.tabs.setCurrentWidget(evaluate.export_panel)
    shot("07b_export")
    evaluate.tabs.setCurrentIndex(0)
    window.show_page("predict")
    predict = window.pages["predict"]
    wait_until(app, lambda: predict.predict_button.isEnabled(), what="the run's model to load (Predict page)")
    predict.input.setPlainText("The battery lasts all day and the screen is gorgeous.")
    wait_until(app, lambda: predict.result.text() != "", what="the typed sentence's label (Predict page)")
    wait_until(app, lambda: predict.explain_panel.shown is not None, what="the words that pushed it (Predict page)")
    shot("08_predict")
    if "insight" in window.pages:
        window.show_page("insight")
        insight = window.pages["insight"]
        shot("08b_insight")
        for index in range(1, insight.tabs.count()):  # every tab, each in its empty state
            insight.tabs.setCurrentIndex(index)
            shot(f"08{'cdefg'[index - 1]}_insight_{insight.tabs.tabText(index).lower().replace(' ', '_')}")
        insight.tabs.setCurrentIndex(0)
    window.show_page("runs")
    runs = window.pages["runs"]
    wait_until(app, lambda: runs.runs_list.rowCount() >= len(args.run or [None]), what="the runs listed (Runs page)")
    runs.runs_list.selectAll()
    if runs.runs_list.rowCount() > 1:  # two runs on the same test rows: their comparison, with its test
        wait_until(app, lambda: runs.compare.scores.rowCount() >= 2 and not window.host.busy,
                   what="the selected runs' comparison (Runs page)")
    settle(app, 1.0)
    shot("09_runs")
    details = getattr(getattr(runs, "compare", None), "tabs", None)
    if details is not None:
        for index in range(1, details.count()):
            details.setCurrentIndex(index)
            shot(f"09{'bcdefg'[index - 1]}_runs_{details.tabText(index).lower().replace(' ', '_')}")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
