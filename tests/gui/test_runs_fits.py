"""Issue 13 (polish, third round): at 1024x640 the Runs table gives a run's name the room (it was
squeezed to ~90 px, the name only in its tooltip), and the Disagreements tab says why it is empty
instead of showing an empty table when one run is selected."""

from __future__ import annotations

from datetime import datetime

import pytest
from fit_check import clipped
from gui_helpers import open_runs
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from run_fixtures import paired_predictions, write_run

from tlstudio.gui.runs_table import DATA, NAME, SCORE, STARTED, started_text

SCREEN = (1024, 640)
NAMES = ("20261130-223705-custrev_600-MiniLM-L6", "20261130-101500-custrev_600-MiniLM-L6")


@pytest.fixture
def two_runs():
    """Two finished runs named as the app names them, on the same test rows (A right on 10 more)."""
    from tlstudio.core.system.paths import runs_dir

    true, a, b = paired_predictions(25, 10, 2, 3)
    return [write_run(runs_dir() / name, true, answers, data_path="/home/me/data/custrev_600.csv",
                      created=created, losses=[0.9, 0.7, 0.5])
            for name, answers, created in ((NAMES[0], a, "2026-11-30T22:37:05"),
                                           (NAMES[1], b, "2026-11-30T10:15:00"))]


def _click_row(qtbot, table, row: int, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    rect = table.visualRect(table.model().index(row, 2))  # the Model cell
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def test_a_typical_run_name_reads_whole_at_1024x640(window, qtbot, two_runs):
    window.resize(*SCREEN)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == SCREEN, timeout=5_000)
    page = open_runs(qtbot, window, 2)
    table = page.runs_list
    header = table.horizontalHeader()
    qtbot.waitUntil(lambda: table.viewport().width() < 900, timeout=5_000)
    QApplication.processEvents()
    assert {table.item(r, NAME).text() for r in range(2)} == set(NAMES)
    assert header.sectionSize(NAME) >= table.sizeHintForColumn(NAME)  # whole, not elided
    for column in range(2, table.columnCount()):  # model, score, baseline, started, took, status
        assert header.sectionSize(column) >= table.sizeHintForColumn(column), column
    assert header.sectionSize(DATA) > 0  # the data file's name is cut short first, its title whole
    assert header.length() <= table.viewport().width() and not table.horizontalScrollBar().isVisible()
    row = table.row_of(str(two_runs[0]))
    assert table.item(row, STARTED).text() == "30 Nov 22:37"
    assert table.item(row, STARTED).toolTip() == "2026-11-30 22:37"
    assert clipped(window) == []

    score_x = header.sectionViewportPosition(SCORE) + header.sectionSize(SCORE) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(score_x, 5))
    qtbot.waitUntil(lambda: header.sortIndicatorSection() == SCORE, timeout=5_000)
    # the columns, then the scroll bar, follow the sorted column's arrow a few event-loop turns later
    qtbot.waitUntil(lambda: header.length() <= table.viewport().width()
                    and not table.horizontalScrollBar().isVisible(), timeout=5_000)
    assert header.sectionSize(SCORE) >= header.sectionSizeFromContents(SCORE).width()  # its arrow's room
    assert header.sectionSize(NAME) >= table.sizeHintForColumn(NAME)
    assert clipped(window) == []

    window.resize(1440, 900)  # a wider window: the data file's name is whole too
    qtbot.waitUntil(lambda: header.sectionSize(DATA) >= table.sizeHintForColumn(DATA), timeout=5_000)
    assert header.sectionSize(NAME) >= table.sizeHintForColumn(NAME)


def _shown(table, row: int, column: int) -> str:
    """The cell's text as the table draws it: cut in the middle to the column's width."""
    from PySide6.QtWidgets import QStyle

    margin = table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1
    width = table.horizontalHeader().sectionSize(column) - 2 * margin
    return table.fontMetrics().elidedText(table.item(row, column).text(), Qt.TextElideMode.ElideMiddle, width)


def test_the_data_column_reads_the_files_name_at_1024x640(window, qtbot, two_runs):
    """It showed "c…v" for custrev_600.csv: the type went first, then a sixth of the room is kept."""
    from tlstudio.core.system.paths import runs_dir

    window.resize(*SCREEN)
    page = open_runs(qtbot, window, 2)
    table = page.runs_list
    qtbot.waitUntil(lambda: table.viewport().width() < 900, timeout=5_000)
    QApplication.processEvents()
    assert [table.item(r, DATA).text() for r in range(2)] == ["custrev_600"] * 2
    assert table.item(0, DATA).toolTip() == "/home/me/data/custrev_600.csv"  # the whole path
    assert all(len(_shown(table, r, DATA).replace("…", "")) >= 6 for r in range(2))  # e.g. "cus…600"
    assert all(_shown(table, r, NAME) == table.item(r, NAME).text() for r in range(2))  # the names whole

    true, a, _ = paired_predictions(25, 10, 2, 3)
    write_run(runs_dir() / "20261129-090000-uci_sentiment_sentences-MiniLM-L6", true, a,
              data_path="/home/me/uci_sentiment_sentences.csv", created="2026-11-29T09:00:00")
    page.refresh()
    qtbot.waitUntil(lambda: table.rowCount() == 3, timeout=60_000)
    QApplication.processEvents()
    rows = {table.item(r, NAME).text(): r for r in range(3)}
    assert all(_shown(table, rows[name], NAME) == name for name in NAMES)  # the typical names stay whole
    assert all(len(_shown(table, r, DATA).replace("…", "")) >= 4 for r in range(3))  # "cu…00", "uci…ces"
    assert clipped(window) == []


def test_a_long_data_file_name_stays_readable_beside_a_long_run_name_at_1024x640(window, qtbot):
    """A run on uci_sentiment_sentences.csv showed "u…s" in the Data column: its name could not be
    whole at 1024 wide, and the data column was left its title's width. Both are cut in the middle
    now, the file's name to a dozen characters or so, its whole path in the tooltip."""
    from tlstudio.core.system.paths import runs_dir

    name = "20261202-034308-uci_sentiment_sentences-MiniLM-L6"
    true, a, _ = paired_predictions(25, 10, 2, 3)
    write_run(runs_dir() / name, true, a, data_path="/home/me/data/uci_sentiment_sentences.csv",
              created="2026-12-02T03:43:08")
    window.resize(*SCREEN)
    page = open_runs(qtbot, window, 1)
    table = page.runs_list
    qtbot.waitUntil(lambda: table.viewport().width() < 900, timeout=5_000)
    QApplication.processEvents()
    assert table.item(0, DATA).text() == "uci_sentiment_sentences"
    assert table.item(0, DATA).toolTip() == "/home/me/data/uci_sentiment_sentences.csv"
    shown = _shown(table, 0, DATA)
    head, _, tail = shown.partition("…")
    assert len(head) >= 5 and len(tail) >= 4, shown  # e.g. "uci_se…ences", not "u…s"
    assert len(_shown(table, 0, NAME).replace("…", "")) >= 20  # the run's name still reads
    assert table.horizontalHeader().length() <= table.viewport().width()
    assert clipped(window) == []


def test_the_data_title_stays_whole_when_every_file_name_is_shorter(window, qtbot):
    """The data column is cut first, but never below its title ("Data" read "Da…" when the only
    run had no data file)."""
    from tlstudio.core.system.paths import runs_dir

    true, a, _ = paired_predictions(4, 0, 0, 0)
    write_run(runs_dir() / NAMES[0], true, a, data_path="")
    window.resize(*SCREEN)
    page = open_runs(qtbot, window, 1)
    table = page.runs_list
    assert table.item(0, DATA).text() == "–"
    header = table.horizontalHeader()
    qtbot.waitUntil(lambda: table.viewport().width() < 900, timeout=5_000)
    QApplication.processEvents()
    assert header.sectionSize(DATA) >= header.sectionSizeFromContents(DATA).width()
    assert clipped(window) == []


def test_started_is_short_this_year_and_names_the_year_before():
    now = datetime(2026, 12, 1)
    assert started_text("2026-11-30T22:37:05+01:00", now) == "30 Nov 22:37"
    assert started_text("2025-03-04T08:00:00", now) == "4 Mar 2025"
    assert started_text(None, now) == "–"


def test_one_selected_run_says_to_select_two_to_see_disagreements(window, qtbot, two_runs):
    page = open_runs(qtbot, window, 2)
    compare = page.compare
    tabs = compare.tabs
    bar = tabs.tabBar()
    index = next(i for i in range(tabs.count()) if tabs.tabText(i) == "Disagreements")
    _click_row(qtbot, page.runs_list, 0)
    qtbot.waitUntil(lambda: len(compare.shown_curves()[0]) == 1, timeout=60_000)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    message = compare.rows_area.message
    qtbot.waitUntil(message.isVisible, timeout=5_000)
    assert message.text() == "Select two or more runs to see where they disagree."
    assert not compare.rows.isVisible()

    _click_row(qtbot, page.runs_list, 1, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: compare.rows.isVisible() and compare.rows.rowCount() == 12, timeout=60_000)
    assert not message.isVisible()

    _click_row(qtbot, page.runs_list, 1)  # back to one run
    qtbot.waitUntil(message.isVisible, timeout=60_000)
    assert "two or more" in message.text() and not compare.rows.isVisible()


def test_runs_that_agree_everywhere_say_so_instead_of_an_empty_table(window, qtbot):
    from tlstudio.core.system.paths import runs_dir

    true, a, _ = paired_predictions(20, 0, 0, 4)
    for name in NAMES:
        write_run(runs_dir() / name, true, a)
    page = open_runs(qtbot, window, 2)
    page.compare.tabs.setCurrentWidget(page.compare.rows_area)
    page.runs_list.selectAll()
    message = page.compare.rows_area.message
    qtbot.waitUntil(lambda: "same answer on every test row" in message.text(), timeout=60_000)
    assert message.isVisible() and not page.compare.rows.isVisible()
