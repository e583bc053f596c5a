"""Issue 13 item 12: a plot's right-click menu is built when first opened, not with the plot.

Qt re-polishes every widget, hidden or not, when the look changes (light/dark); each plot's
pyqtgraph menu held 48 hidden widgets nobody had opened, re-polished on every switch.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QMenu

from tlstudio.gui import plots


def _widgets() -> int:
    return len(QApplication.allWidgets())


def test_a_plot_adds_no_hidden_menu_widgets_until_its_menu_is_opened(qtbot):
    before = _widgets()
    plot = plots.make_plot("menuPlot", "A plot", "step", "loss")
    qtbot.addWidget(plot)
    # pyqtgraph's own plot options (~50 widgets) remain; its view menu (48 more) waits.
    assert _widgets() - before <= 60, _widgets() - before


# the popup takes the release of the click that opened it (QTest warns that the view did not)
@pytest.mark.qt_log_ignore("not accepted by receiving widget", "This plugin does not support",
                           "propagateSizeHints")
def test_right_click_still_opens_the_plot_menu(qtbot):
    plot = plots.make_plot("menuPlot", "A plot", "step", "loss")
    qtbot.addWidget(plot)
    plot.resize(400, 300)
    plot.show()
    qtbot.waitExposed(plot)
    plot.getPlotItem().plot([0, 1, 2], [1.0, 0.5, 0.25])
    centre = plot.mapFromScene(plot.getPlotItem().getViewBox().sceneBoundingRect().center())
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.RightButton, pos=QPoint(int(centre.x()), int(centre.y())))
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu), timeout=5_000)
    menu = QApplication.activePopupWidget()
    texts = [a.text() for a in menu.actions()]
    assert "View All" in texts and "Plot Options" in texts, texts
    menu.close()
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None, timeout=5_000)
    view = plot.getPlotItem().getViewBox()
    view.menu.autoRange()  # the menu works on its view: "View All" fits the curve again
    assert view.viewRange()[1][0] <= 0.25 and view.viewRange()[1][1] >= 1.0
