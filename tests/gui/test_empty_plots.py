"""Issue 13 (polish): a plot with nothing to show yet says what will appear there and what to
press, instead of bare axes (Insight's Learning curve and How sure, the Train page's plots)."""

from __future__ import annotations

import shutil

from gui_helpers import load_data, pick_model
from PySide6.QtCore import Qt

from tlstudio.core.events import StepEvent
from tlstudio.core.runs.store import RunFolder
from tlstudio.gui.live_curves import LR_WAITING


def test_the_learning_curve_tab_says_what_to_do_until_a_curve_is_measured(window, qtbot, sentiment_csv,
                                                                          engine_run):
    window.state.set_run(str(engine_run("binary")))  # a run open, no data file yet
    window.show_page("insight")
    assert window.current_page() == "insight"
    page = window.pages["insight"]
    page.tabs.setCurrentWidget(page.curve)
    tab = page.curve
    assert tab.result_area.is_empty and not tab.plot.isVisible()  # no bare axes
    message = tab.result_area.message
    assert message.isVisible() and "Data page" in message.text() and "Measure the curve" in message.text()

    load_data(qtbot, window, sentiment_csv)
    window.show_page("insight")  # a drop shows the Data page
    assert tab.result_area.is_empty and "press Measure the curve" in message.text()
    assert "open a data file" not in message.text()  # a file is open: only the button is left
    tab.model_combo.setCurrentIndex(tab.model_combo.findData(False))  # TF-IDF: seconds
    qtbot.mouseClick(tab.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.curve is not None, timeout=120_000)
    assert not tab.result_area.is_empty and tab.plot.isVisible() and tab.class_table.isVisible()


def test_how_sure_says_what_to_do_until_the_run_is_measured(window, qtbot, sentiment_csv, engine_run,
                                                            tmp_path):
    load_data(qtbot, window, sentiment_csv)  # a data file open, no run yet
    window.show_page("insight")
    assert window.current_page() == "insight"
    page = window.pages["insight"]
    page.tabs.setCurrentWidget(page.calibration)
    view = page.calibration
    assert view.body_area.is_empty and not view.plot.isVisible()  # no run: no bare axes
    assert view.body_area.message.isVisible() and "Runs page" in view.body_area.message.text()

    run = shutil.copytree(engine_run("binary"), tmp_path / "run")
    folder = RunFolder(run)
    metrics = folder.metrics()
    metrics.calibration = None  # a run trained before TL Studio measured calibration
    folder.write_metrics(metrics.to_dict())
    window.state.set_run(str(run))
    window.show_page("insight")
    qtbot.waitUntil(lambda: "no calibration yet" in view.headline.text(), timeout=30_000)
    assert view.body_area.is_empty and not view.plot.isVisible()
    assert "press Measure" in view.body_area.message.text() and view.refit_button.isVisible()

    qtbot.mouseClick(view.refit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view._report is not None, timeout=120_000)
    assert not view.body_area.is_empty and view.plot.isVisible() and view.save_button.isVisible()


def test_the_learning_rate_plot_says_when_it_fills_in(window, qtbot):
    train = window.pages["train"]
    window.show_page("train")
    curves = train.curves
    curves.draw()
    assert curves.lr_placeholder.isVisible() and curves.lr_placeholder.textItem.toPlainText() == LR_WAITING
    train._on_worker_stepped(StepEvent(step=1, total_steps=9, epoch=0.1, loss=0.6, eta_seconds=5.0))
    curves.draw()
    assert not curves.lr_placeholder.isVisible()
    curves.clear()  # the next run starts from an empty plot, its note back
    curves.draw()
    assert curves.lr_placeholder.isVisible()


def test_the_learning_rate_curve_comes_into_view_with_the_first_steps(window, qtbot, sentiment_csv,
                                                                      tiny_model_dir):
    """The note's 0-1 view, set as a run started, stayed once its steps came: the learning-rate
    curve (steps 5 and 10 at 8e-4 and 3e-4) was outside it, and the plot stayed empty all run."""
    train = window.pages["train"]
    load_data(qtbot, window, sentiment_csv)
    pick_model(qtbot, window, tiny_model_dir)
    window.show_page("train")
    assert train.isVisible()
    curves = train.curves
    curves.clear()  # what Start does: a new run's empty plots, each with its note
    curves.draw()
    assert curves.lr_placeholder.isVisible()
    for step, rate in ((5, 8e-4), (10, 3e-4)):
        train._on_worker_stepped(StepEvent(step=step, total_steps=10, epoch=step / 10, loss=0.6,
                                           eta_seconds=5.0, learning_rate=rate))
        curves.draw()

    def curve_in_view() -> bool:
        (x_low, x_high), (y_low, y_high) = curves.lr_item.getViewBox().viewRange()
        return x_low <= 5 and x_high >= 10 and y_low <= 3e-4 and 8e-4 <= y_high < 0.01

    qtbot.waitUntil(curve_in_view, timeout=5_000)  # the view follows when the plot is painted
    assert len(curves.lr_curve.getData()[0]) == 2  # both points drawn, none clipped away


def test_the_predict_pages_file_table_says_what_will_appear_there(window, qtbot, engine_run, sentiment_csv):
    """Before a file was loaded, "A whole file" showed a large blank table: no column, no word."""
    window.state.set_run(str(engine_run("binary")))
    window.show_page("predict")
    page = window.pages["predict"]
    qtbot.waitUntil(page.load_button.isEnabled, timeout=60_000)
    assert not page.batch_table.isVisible()
    message = page.batch_area.message
    assert message.isVisible() and "rows appear here" in message.text()
    page.predict_file(str(sentiment_csv))
    qtbot.waitUntil(page.save_button.isEnabled, timeout=120_000)
    assert page.batch_table.isVisible() and page.batch_table.rowCount() == 120
    # the explanation of nothing typed runs no job; wait for the file's prediction threads to end
    qtbot.waitUntil(lambda: not page.batch_progress.isVisible(), timeout=60_000)
