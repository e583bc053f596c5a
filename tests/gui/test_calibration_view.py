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
    assert view.unsure_label.text().startswith(f"Below 0.00: {unsure} of") and f"rest {rest:.3f}" in view.unsure_label.text()

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


def _report_only_run(tmp_path, task: str, names: list[str]):
    """A run folder holding only metrics.json (the view needs no model to show a report)."""
    import numpy as np

    from tlstudio.core.insight.calibrate_run import build_report

    run = tmp_path / "run"
    run.mkdir()
    metrics = {"task": task, "label_names": names, "model": {}}
    if task == "multilabel":
        rng = np.random.default_rng(0)
        logits = rng.normal(0, 2, size=(400, len(names)))
        labels = (rng.random((400, len(names))) < 1 / (1 + np.exp(-logits))).astype(float)
        metrics["calibration"] = build_report(task, names, logits[:200] * 2, labels[:200],
                                              logits[200:] * 2, labels[200:]).to_dict()
    RunFolder(run).write_metrics(metrics)
    return run


def test_multilabel_runs_get_a_threshold_per_label(window, qtbot, tmp_path):
    run = _report_only_run(tmp_path, "multilabel", ["sport", "politics", "tech"])
    view = _open_view(window, qtbot, run)
    report = view._report
    assert view.labels_box.isVisible() and not view.threshold_box.isVisible() and not view.unsure_box.isVisible()
    assert view.labels_table.rowCount() == 3
    spin = view.labels_table.cellWidget(1, 1)
    spin.setFocus()
    for _ in range(20):  # 0.50 -> 0.70 for "politics"
        qtbot.keyClick(spin, Qt.Key.Key_Up)
    assert round(spin.value(), 2) == 0.7
    assert view.labels_table.item(1, 2).text().startswith(f"{report.label_f1_at('politics', 0.7):.3f}")
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Saved" in view.save_status.text(), timeout=10_000)
    assert RunFolder(run).calibration().thresholds == {"sport": 0.5, "politics": 0.7, "tech": 0.5}


def test_a_regression_run_has_nothing_to_calibrate(window, qtbot, tmp_path):
    run = _report_only_run(tmp_path, "regression", [])
    window.state.set_run(str(run))
    window.show_page("insight")
    view = window.pages["insight"].calibration
    window.pages["insight"].tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: "predicts numbers" in view.headline.text(), timeout=30_000)
    assert not view.refit_button.isVisible() and not view.save_button.isVisible()


def test_a_temperature_that_was_not_kept_is_not_shown_as_applied(window, qtbot, tmp_path):
    """The fitted temperature made the test split worse: the headline gave its figure, while the
    text and the legend read "0.036 with temperature 1.00" beside identical bars."""
    import numpy as np

    from tlstudio.core.insight.calibrate_run import build_report

    rng = np.random.default_rng(3)
    logits = rng.normal(0, 1, size=(800, 2))
    labels = (rng.random(800) < 1 / (1 + np.exp(-(logits[:, 1] - logits[:, 0])))).astype(int)
    run = tmp_path / "run"
    run.mkdir()
    report = build_report("binary", ["neg", "pos"], logits[:400] * 3, labels[:400], logits[400:] * 0.3,
                          labels[400:])
    assert report.temperature == 1.0 and report.fitted_temperature > 1.5
    RunFolder(run).write_metrics({"task": "binary", "label_names": ["neg", "pos"], "model": {},
                                  "calibration": report.to_dict()})
    view = _open_view(window, qtbot, run)
    assert "with it" in view.headline.text() and f"{report.fitted_temperature:.2f}" in view.headline.text()
    assert "temperature 1.00" not in view.explain.text() and "temperature 1.00" not in view.plot_legend.text()
    bars = [i for i in view.plot.getPlotItem().items if isinstance(i, pg.BarGraphItem)]
    assert len(bars) == 1
