"""Learning curve tab: the quick model's points, the fitted curve, the sentence, per class."""

from __future__ import annotations

import pyqtgraph as pg
from gui_helpers import GapMeter, load_data
from PySide6.QtCore import Qt

CURVE_TIMEOUT = 120_000


def test_the_curve_shows_its_points_the_fit_the_sentence_and_the_fine_tuned_score(
        window, qtbot, engine_run, data_dir):
    run_dir = engine_run("binary")  # trained on sentiment_120.csv
    load_data(qtbot, window, data_dir / "sentiment_120.csv")
    window.state.set_run(str(run_dir))
    window.show_page("insight")
    page = window.pages["insight"]
    page.tabs.setCurrentWidget(page.curve)
    tab = page.curve
    tab.model_combo.setCurrentIndex(tab.model_combo.findData(False))  # TF-IDF: seconds
    with GapMeter() as gaps:
        qtbot.mouseClick(tab.run_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: tab.curve is not None, timeout=CURVE_TIMEOUT)
    items = tab.plot.getPlotItem().items
    scatters = [i for i in items if isinstance(i, pg.ScatterPlotItem)]
    points = next(s for s in scatters if len(s.data) == 4)
    x, y = points.getData()
    assert list(x) == [p.rows for p in tab.curve.points]
    assert list(y) == [100 * p.accuracy for p in tab.curve.points]
    assert any(isinstance(i, pg.PlotDataItem) and len(i.getData()[0]) > 4 for i in items) \
        == (tab.curve.params is not None)  # the fitted curve, when it fitted
    star = next(s for s in scatters if len(s.data) == 1)
    assert tab.fine_tuned is not None and star.getData()[1][0] == 100 * tab.fine_tuned
    assert star.getData()[0][0] == x[-1]  # beside the quick model's 100% point
    names = [i.name() for i in items if hasattr(i, "name") and i.name()]
    assert "quick model (10/25/50/100%)" in names and not [n for n in names if " %" in n]  # "95%" app-wide
    sentence = tab.sentence.text()
    assert sentence == tab.curve.sentence and ("Doubling" in sentence or "flat" in sentence)
    assert tab.class_table.rowCount() == 2 and tab.class_sentence.text()
    print(f"longest event-loop gap while measuring: {gaps.longest} ms")
    assert gaps.longest < 1000
