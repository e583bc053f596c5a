"""Issue 13 item 12: the window keeps answering (event-loop probe: no gap over 250 ms, p99 <= 50 ms)."""

from __future__ import annotations

import shutil

import pytest
from event_loop_probe import EventLoopProbe

from tlstudio.gui import theme


@pytest.fixture
def restore_look(qapp):
    import pyqtgraph as pg

    sheet, config = qapp.styleSheet(), dict(pg.CONFIG_OPTIONS)
    yield qapp
    theme.follow_system(qapp)
    qapp.setStyleSheet(sheet)
    pg.setConfigOptions(**config)


@pytest.mark.xfail(reason="issue 13 item 12, open: a scheme switch still re-polishes every widget "
                   "(about 3 s on a loaded 2-core machine, from 9 s); the gaps are printed",
                   strict=False)
def test_switching_to_dark_and_back_does_not_freeze_the_window(window, qtbot, engine_run,
                                                             restore_look):
    window.state.set_run(str(engine_run("binary")))
    window.show_page("evaluate")
    page = window.pages["evaluate"]
    qtbot.waitUntil(lambda: page.metrics_table.rowCount() > 0, timeout=60_000)
    qtbot.wait(200)
    with EventLoopProbe() as probe:
        theme.apply(restore_look, scheme="dark")
        qtbot.wait(300)
        theme.apply(restore_look, scheme="light")
        qtbot.wait(300)
    print("dark switch:", probe.report())
    probe.check()


@pytest.mark.xfail(reason="issue 13 item 12, open: single gaps of 0.2-0.6 s remain while "
                   "another file is evaluated; the gaps are printed", strict=False)
def test_evaluating_another_file_does_not_freeze_the_window(window, qtbot, engine_run, data_dir,
                                                           tmp_path):
    window.state.set_run(str(engine_run("binary")))
    window.show_page("evaluate")
    page = window.pages["evaluate"]
    qtbot.waitUntil(lambda: page.metrics_table.rowCount() > 0, timeout=60_000)
    other = tmp_path / "other.csv"
    shutil.copy(data_dir / "sentiment_600.csv", other)
    with EventLoopProbe() as probe:
        page.evaluate_file(str(other))
        qtbot.waitUntil(lambda: page.sources.combo.count() > 1, timeout=300_000)
        qtbot.wait(300)
    print("evaluate on another file:", probe.report())
    probe.check()
