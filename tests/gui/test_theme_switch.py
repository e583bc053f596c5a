"""A light/dark switch while the app runs recolours every plot in place, data kept.

The switch goes through ``theme.apply`` (what runs when the system's scheme changes), with
a forced scheme since the offscreen platform has no system scheme to flip. Set
``TLSTUDIO_SHOTS`` to a folder to keep the window's screenshots.
"""

from __future__ import annotations

import gc
import os
import weakref
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPalette
from PySide6.QtWidgets import QStackedWidget, QTabWidget

from tlstudio.gui import plots, sheets, theme


@pytest.fixture
def restore_look(qapp):
    """Whatever a test forces (palette, style, style sheet, pyqtgraph defaults) is undone."""
    sheet, config, look = qapp.styleSheet(), dict(pg.CONFIG_OPTIONS), sheets.in_use()
    yield qapp
    theme.follow_system(qapp)
    qapp.setStyleSheet(sheet)
    sheets.use(look)  # windows made later: the sheet from before
    pg.setConfigOptions(**config)


def _palette() -> tuple[QColor, QColor]:
    palette = QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window), palette.color(QPalette.ColorRole.WindowText)


def _count(image, color: QColor) -> int:
    """How many pixels of ``image`` are exactly ``color``."""
    array = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(),
                                                               image.bytesPerLine())
    rgb = array[:, : image.width() * 4].reshape(image.height(), image.width(), 4)[..., :3]
    bgr = (color.blue(), color.green(), color.red())  # Format_ARGB32 / RGB32: B, G, R, A
    return int(np.all(rgb == bgr, axis=-1).sum())


def assert_in_scheme(view: pg.GraphicsView, old_foreground: QColor | None = None) -> None:
    """Background, axes, tick text, titles and legends of ``view`` in the palette's colours."""
    background, foreground = _palette()
    name = view.objectName()
    assert view.backgroundBrush().color() == background, name
    axes = labels = 0
    for item in view.scene().items():
        if isinstance(item, pg.AxisItem):
            axes += 1
            assert item.pen().color() == foreground, name  # axis line, ticks, grid
            assert item.textPen().color() == foreground, name  # tick text
            assert item.labelStyle["color"] == foreground.name(), name  # axis title
        elif isinstance(item, pg.LegendItem):
            legend = item.opts["brush"].color()
            assert legend.rgb() == background.rgb() and legend.alpha() == plots.LEGEND_ALPHA
        elif isinstance(item, pg.LabelItem) and item.text:  # plot titles, legend entries
            labels += 1
            assert f"color:{foreground.name()}" in item.item.toHtml().replace(" ", ""), name
    assert axes >= 2 and labels >= 1, name
    # What is drawn, not just what is set: the background around the title, text and axes
    # in the new foreground, nothing left in the old one.
    view.resize(max(view.width(), 320), max(view.height(), 200))
    image = view.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    assert image.pixelColor(3, 3).rgb() == background.rgb(), name
    assert _count(image, foreground) > 20, name
    if old_foreground is not None:
        assert _count(image, old_foreground) == 0, name


def _scheme() -> str:
    return "dark" if theme.is_dark() else "light"


def _shot(window, name: str) -> None:
    folder = os.environ.get("TLSTUDIO_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        window.grab().save(str(Path(folder) / f"theme_switch_{name}.png"))


def _data(window) -> dict[str, list[np.ndarray]]:
    """Every plotted array of the window's plots, by plot name."""
    out: dict[str, list[np.ndarray]] = {}
    for view in window.findChildren(pg.PlotWidget):
        arrays = []
        for item in view.getPlotItem().items:
            if isinstance(item, pg.PlotDataItem | pg.PlotCurveItem):
                arrays.extend(np.asarray(a).copy() for a in item.getData() if a is not None)
            elif isinstance(item, pg.BarGraphItem):
                arrays.append(np.asarray(item.opts["height"]).copy())
        out[view.objectName()] = arrays
    return out


def _same(before: dict[str, list[np.ndarray]], after: dict[str, list[np.ndarray]]) -> bool:
    return before.keys() == after.keys() and all(
        len(before[k]) == len(after[k])
        and all(np.array_equal(a, b) for a, b in zip(before[k], after[k], strict=True))
        for k in before)


def _show_page_of(window, widget) -> None:
    """Show the page that holds ``widget``, and the tab it is on (a hidden tab takes the look
    when it is shown, as a hidden page does)."""
    pages = list(window.pages.values())
    page = widget
    while page is not None and page not in pages:
        parent = page.parentWidget()
        if isinstance(parent, QStackedWidget) and isinstance(parent.parentWidget(), QTabWidget):
            parent.parentWidget().setCurrentWidget(page)
        page = parent
    if page is not None:
        window.stack.setCurrentWidget(page)


def test_plots_recolour_in_place_when_the_scheme_switches_and_keep_their_data(
        window, qtbot, sentiment_csv, restore_look):
    from gui_helpers import load_data

    app = restore_look
    theme.apply(app, scheme="system")  # light offscreen; the test flips to the other scheme
    qtbot.waitUntil(lambda: not window.restyling, timeout=5_000)  # a piece per turn, then paint
    load_data(qtbot, window, sentiment_csv)  # the Data page's label chart and length histogram
    train = window.pages["train"]
    window.stack.setCurrentWidget(train)  # the page is locked until a model is picked
    # its first show paints the plots a turn each (plots.paint_in_turns): drawn, then grabbed
    qtbot.waitUntil(lambda: not any(p.held for p in (train.loss_plot, train.metric_plot, train.lr_plot)),
                    timeout=5_000)
    curves = train.curves
    for step in range(1, 61):
        curves.add_loss(step, 0.7 * np.exp(-step / 20) + 0.04 * np.sin(step), 1e-4 * (1 - step / 60),
                        total_steps=60)
    curves.val_loss.append(30, 0.3)  # as the Train page records an evaluation's loss
    curves.val_loss.append(60, 0.15)
    curves.draw()
    views = window.findChildren(pg.GraphicsView)
    names = {v.objectName() for v in views}
    assert {"lossPlot", "metricPlot", "lrPlot", "labelPlot", "lengthPlot"} <= names
    before = _data(window)
    assert len(before["lossPlot"][0]) == 60 and before["labelPlot"] and before["lengthPlot"]
    qtbot.wait(50)
    for view in views:
        assert_in_scheme(view)
    _shot(window, _scheme())
    system_background, system_foreground = _palette()

    other = "light" if theme.is_dark() else "dark"
    theme.apply(app, scheme=other)
    qtbot.waitUntil(lambda: not window.restyling, timeout=5_000)
    other_background, other_foreground = _palette()
    assert _scheme() == other
    assert theme.restyle_plots() >= len(views)
    curves.add_metric("eval_accuracy", 1, 0.71)  # its legend is made after the switch
    curves.add_metric("eval_accuracy", 2, 0.83)
    curves.draw()
    qtbot.wait(50)
    for view in views:
        assert_in_scheme(view, old_foreground=system_foreground)
    assert "accuracy" in train.metric_plot.getPlotItem().titleLabel.text  # the legend, above the plot
    after = _data(window)
    x, y = after["metricPlot"]  # the two scores were added after the switch
    assert list(x) == [1, 2] and list(y) == [0.71, 0.83]
    before["metricPlot"] = after["metricPlot"]
    assert _same(before, after), "a scheme switch must not change or clear plotted data"
    _shot(window, other)

    new = plots.make_plot("afterSwitch", "Made after", "x", "y")  # a plot made later
    qtbot.addWidget(new)
    assert_in_scheme(new, old_foreground=system_foreground)
    new.show()  # in view: recoloured by the next switch at once
    qtbot.waitExposed(new)

    theme.apply(app, scheme="system")  # back to the system's look
    qtbot.waitUntil(lambda: not window.restyling, timeout=5_000)
    assert _palette() == (system_background, system_foreground)
    qtbot.wait(50)
    for view in [*views, new]:
        _show_page_of(window, view)  # a hidden page's plots are recoloured when it is shown
        assert_in_scheme(view, old_foreground=other_foreground)
    assert _same(before, _data(window))
    _shot(window, f"{_scheme()}_again")


def test_a_system_scheme_change_restyles_the_plots(qtbot, restore_look):
    """What app.py wires up: the system's signal, after its palette changed, recolours plots."""
    app = restore_look
    theme.apply(app)
    widget = plots.make_plot("followsSystem", "Loss", "step", "loss")
    qtbot.addWidget(widget)
    widget.show()  # in view (a hidden plot is recoloured when its page is shown)
    qtbot.waitExposed(widget)
    widget.getPlotItem().plot([1, 2, 3], [0.5, 0.4, 0.2], pen=plots.pen(0))
    old_background, old_foreground = _palette()
    dark = not theme.is_dark()
    theme.follow_system_scheme(app)
    try:
        # The platform installs the other scheme's palette, then signals.
        (theme.force_dark if dark else theme.force_light)(app)
        assert widget.backgroundBrush().color() == old_background  # nothing restyled it yet
        app.styleHints().colorSchemeChanged.emit(
            Qt.ColorScheme.Dark if dark else Qt.ColorScheme.Light)
        new_background, _ = _palette()
        qtbot.waitUntil(lambda: widget.backgroundBrush().color() == new_background, timeout=5000)
        assert_in_scheme(widget, old_foreground=old_foreground)
        x, y = widget.getPlotItem().listDataItems()[0].getData()
        assert list(y) == [0.5, 0.4, 0.2]
    finally:
        app.styleHints().colorSchemeChanged.disconnect(theme._on_system_scheme_changed)


def test_the_theme_keeps_no_plot_alive(qtbot, restore_look):
    """No registry: a plot that is gone is neither kept alive nor a problem for a switch."""
    app = restore_look
    widget = plots.make_plot("shortLived", "Gone soon", "x", "y")
    ref = weakref.ref(widget)
    theme.apply(app, scheme="dark")
    widget.deleteLater()
    del widget
    qtbot.wait(10)
    gc.collect()
    assert ref() is None
    theme.apply(app, scheme="light")  # walks the live widgets only
    assert not [w for w in app.allWidgets() if w.objectName() == "shortLived"]


def test_an_unknown_scheme_is_refused(qapp):
    with pytest.raises(ValueError, match="scheme"):
        theme.apply(qapp, scheme="sepia")

