"""The "How sure" tab: reliability diagram and ECE from the run's report, a threshold slider whose
numbers follow it, the "don't know" threshold, and Save applying them to predictions."""

from __future__ import annotations

import shutil

import pyqtgraph as pg
from PySide6.QtCore import Qt

from tlstudio.core.insight.calibrate_run import CalibrationReport
from tlstudio.core.runs.store import RunFolder


def _open_view(window, qtbot, run):
    window.state.set_run(str(run))  # a run alone opens Insight: "How sure" needs no data file
    window.show_page("insight")
    assert window.current_page() == "insight"
    page = window.pages["insight"]
    page.tabs.setCurrentWidget(page.calibration)
    view = page.calibration
    qtbot.waitUntil(lambda: view._report is not None, timeout=30_000)
    return view


def test_the_slider_drives_the_numbers_and_save_applies_them(window, qtbot, engine_run, tmp_path):
    run = shutil.copytree(engine_run("binary"), tmp_path / "run")  # Save writes into it
    view = _open_view(window, qtbot, run)
    report = CalibrationReport.from_dict(RunFolder(run).metrics().calibration)
    assert f"{report.ece_before:.3f}" in view.explain.text() and f"{report.ece_after:.3f}" in view.explain.text()
    bars = [i for i in view.plot.getPlotItem().items if isinstance(i, pg.BarGraphItem)]
    assert len(bars) == 2  # before and after
    assert view.threshold_box.isVisible() and not view.labels_box.isVisible()

    view.threshold_slider.setFocus()
    for _ in range(20):  # from 0.50 to 0.70, as a person does with the arrow key
        qtbot.keyClick(view.threshold_slider, Qt.Key.Key_Right)
    assert view.threshold_slider.value() == 70
    at = report.at_threshold(0.70)
    numbers = view.threshold_label.text()
    assert numbers.startswith("At 0.70") and f"recall {at['recall']:.3f}" in numbers
    assert f"F1 {at['f1']:.3f}" in numbers

    qtbot.mouseClick(view.unsure_check, Qt.MouseButton.LeftButton, pos=view.unsure_check.rect().center())
    assert view.unsure_check.isChecked() and view.unsure_slider.isEnabled()
    view.unsure_slider.setFocus()
    qtbot.keyClick(view.unsure_slider, Qt.Key.Key_End)  # 1.00: every row is unsure
    assert view.unsure_label.text().startswith(f"Below 1.00: {report.test_rows:,} of {report.test_rows:,}")
    qtbot.keyClick(view.unsure_slider, Qt.Key.Key_Home)
    unsure, rest = report.unsure_at(0.0, 0.70)
    assert view.unsure_label.text().startswith(f"Below 0.00: {unsure} of") and f"{rest:.1%}" in view.unsure_label.text()

    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Saved" in view.save_status.text(), timeout=10_000)
    saved = RunFolder(run).calibration()
    assert saved.thresholds == {report.label_names[1]: 0.7}
    assert saved.unsure_below == view.unsure_slider.value() / 100
    assert saved.temperature == report.temperature


def test_a_run_without_a_report_offers_to_measure_it(window, qtbot, engine_run, tmp_path):
    run = shutil.copytree(engine_run("binary"), tmp_path / "run")
    folder = RunFolder(run)
    metrics = folder.metrics()
    metrics.calibration = None
    folder.write_metrics(metrics.to_dict())
    window.state.set_run(str(run))
    window.show_page("insight")
    view = window.pages["insight"].calibration
    window.pages["insight"].tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: "no calibration yet" in view.headline.text(), timeout=30_000)
    assert view.refit_button.isVisible() and not view.save_button.isVisible()
    qtbot.mouseClick(view.refit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view._report is not None, timeout=120_000)
    assert folder.metrics().calibration is not None and folder.calibration() is not None
    assert view.save_button.isVisible()


def test_saving_a_dont_know_threshold_makes_predict_answer_unsure_at_once(window, qtbot, engine_run, tmp_path):
    run = shutil.copytree(engine_run("binary"), tmp_path / "run")
    window.state.set_run(str(run))
    window.show_page("predict")
    predict = window.pages["predict"]
    qtbot.waitUntil(predict.predict_button.isEnabled, timeout=120_000)
    qtbot.keyClicks(predict.input, "the food was great")
    qtbot.waitUntil(lambda: "sure)" in predict.result.text(), timeout=60_000)
    assert not predict.result.text().startswith("Unsure")

    view = _open_view(window, qtbot, run)
    qtbot.mouseClick(view.unsure_check, Qt.MouseButton.LeftButton, pos=view.unsure_check.rect().center())
    view.unsure_slider.setFocus()
    qtbot.keyClick(view.unsure_slider, Qt.Key.Key_End)  # 1.00: nothing is that sure
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Saved" in view.save_status.text(), timeout=10_000)

    window.show_page("predict")
    qtbot.keyClicks(predict.input, " and cheap")
    qtbot.waitUntil(lambda: predict.result.text().startswith("Unsure: best guess"), timeout=60_000)
    qtbot.waitUntil(lambda: not window.host.busy, timeout=120_000)  # the explanation of the text
