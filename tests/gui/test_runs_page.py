"""The Runs page as a person uses it: a sortable table, rename, notes, delete with Undo, and an
honest side-by-side comparison that never stalls the window."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from gui_helpers import open_runs
from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtWidgets import QLabel
from run_fixtures import paired_predictions, write_run

from tlstudio.core.runs.store import RunFolder


@pytest.fixture
def runs(tmp_path):
    """Three finished runs in the app's runs folder: A and B on the same test rows, C on others."""
    from tlstudio.core.system.paths import runs_dir

    root = runs_dir()
    true, a, b = paired_predictions(25, 10, 2, 3)
    run_a = write_run(root / "20261130-100000-reviews-MiniLM-L6", true, a, created="2026-11-30T10:00:00",
                      losses=[0.9, 0.7, 0.5, 0.4])
    run_b = write_run(root / "20261130-110000-reviews-MiniLM-L6", true, b, created="2026-11-30T11:00:00",
                      losses=[0.8, 0.75, 0.7, 0.69], learning_rate=1e-3)
    true_c, c, _ = paired_predictions(5, 1, 1, 1)
    run_c = write_run(root / "20261130-120000-other-MiniLM-L6", true_c, c, created="2026-11-30T12:00:00",
                      losses=[1.0, 0.6])
    return {"a": run_a, "b": run_b, "c": run_c}


def _click_row(qtbot, page, run_dir: Path, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    table = page.runs_list
    row = table.row_of(str(run_dir))
    rect = table.visualRect(table.model().index(row, 2))  # the Model cell: a click there selects
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def _names(page) -> list[str]:
    return [page.runs_list.item(r, 0).text() for r in range(page.runs_list.rowCount())]


def test_the_table_shows_each_run_and_sorts_by_a_clicked_column(window, qtbot, runs):
    page = open_runs(qtbot, window, 3)
    assert _names(page) == [runs[k].name for k in ("c", "b", "a")]  # newest first
    text = page.runs_list.row_text(page.runs_list.row_of(str(runs["a"])))
    assert " · reviews · " in text and "tiny-bert" in text and "0.875 (0.775–0.975)" in text
    assert "majority 0.330" in text and "12 s" in text and "complete" in text
    header = page.runs_list.horizontalHeader()
    score_x = header.sectionViewportPosition(3) + header.sectionSize(3) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(score_x, 5))
    values = [page.runs_list.item(r, 3).data(Qt.ItemDataRole.UserRole + 1) for r in range(3)]
    assert values == sorted(values) or values == sorted(values, reverse=True)
    assert values[0] != values[-1]


def test_rename_by_typing_is_kept_in_the_run_folder(window, qtbot, runs):
    page = open_runs(qtbot, window, 3)
    _click_row(qtbot, page, runs["a"])
    qtbot.mouseClick(page.rename_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.focusWidget() is not page.runs_list, timeout=5_000)
    editor = window.focusWidget()
    editor.selectAll()
    qtbot.keyClicks(editor, "first try, lr 5e-5")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: RunFolder(runs["a"]).title() == "first try, lr 5e-5", timeout=5_000)
    assert "first try, lr 5e-5" in _names(page)
    page.refresh()
    qtbot.waitUntil(lambda: not page._listing, timeout=60_000)
    assert "first try, lr 5e-5" in _names(page)
    assert runs["a"].is_dir()  # the folder keeps its name: paths to it stay valid


def test_notes_are_saved_for_the_selected_run(window, qtbot, runs):
    page = open_runs(qtbot, window, 3)
    assert not page.notes_edit.isEnabled()
    _click_row(qtbot, page, runs["b"])
    assert page.notes_edit.isEnabled() and not page.save_notes_button.isEnabled()
    qtbot.mouseClick(page.notes_edit.viewport(), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(page.notes_edit, "lr 1e-3 is too high: loss flatt")
    qtbot.keyClick(page.notes_edit, Qt.Key.Key_Backspace)
    qtbot.keyClick(page.notes_edit, Qt.Key.Key_Left)
    qtbot.keyClick(page.notes_edit, Qt.Key.Key_Delete)  # edits the notes; never deletes the run
    qtbot.keyClicks(page.notes_edit, "t")
    assert runs["b"].is_dir() and not page.undo_bar.isVisible()
    qtbot.mouseClick(page.save_notes_button, Qt.MouseButton.LeftButton)
    assert RunFolder(runs["b"]).notes() == "lr 1e-3 is too high: loss flat"
    assert page.save_notes_button.text() == "Notes saved"
    _click_row(qtbot, page, runs["a"])
    assert page.notes_edit.toPlainText() == ""
    _click_row(qtbot, page, runs["b"])
    assert page.notes_edit.toPlainText() == "lr 1e-3 is too high: loss flat"


def test_delete_moves_the_run_away_and_undo_brings_it_back(window, qtbot, runs, tmp_path, monkeypatch):
    trashed: list[str] = []

    def system_trash(path: str) -> None:  # the OS trash (send2trash) is outside the test's folder
        trashed.append(Path(path).name)
        Path(path).rename(tmp_path / Path(path).name)

    monkeypatch.setattr("send2trash.send2trash", system_trash)
    page = open_runs(qtbot, window, 3)
    _click_row(qtbot, page, runs["b"])
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert not runs["b"].exists() and page.runs_list.rowCount() == 2
    assert page.undo_bar.isVisible() and runs["b"].name in page.undo_text.text()
    qtbot.mouseClick(page.undo_button, Qt.MouseButton.LeftButton)
    assert runs["b"].is_dir() and not page.undo_bar.isVisible()
    qtbot.waitUntil(lambda: page.runs_list.rowCount() == 3, timeout=60_000)
    # delete with the Delete key; dismissing the Undo bar sends it on to the system trash
    _click_row(qtbot, page, runs["c"])
    qtbot.keyClick(page.runs_list, Qt.Key.Key_Delete)
    assert not runs["c"].exists() and page.runs_list.rowCount() == 2
    qtbot.mouseClick(page.findChild(type(page.undo_button), "dismissUndoButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: trashed != [], timeout=30_000)
    assert trashed[0].endswith(runs["c"].name) and not page.undo_bar.isVisible()
    assert (tmp_path / trashed[0] / "run.json").is_file()


def _curve_colours(page) -> dict[str, str]:
    """Each loss curve's colour by the run's name as the legend shows it (shortened)."""
    return {item.name(): item.opts["pen"].color().name()
            for item in page.compare.shown_curves()[0]}


def _colour_of(page, run_dir: Path) -> str:
    [colour] = [c for name, c in _curve_colours(page).items() if name.rstrip("…") in run_dir.name]
    return colour


def test_two_runs_compared_side_by_side_with_significance(window, qtbot, runs):
    from tlstudio.gui.runs_table import run_colour

    page = open_runs(qtbot, window, 3)
    assert page.compare.hint.isVisible() and "Select" in page.compare.hint.text()  # never a blank plot
    _click_row(qtbot, page, runs["a"])
    _click_row(qtbot, page, runs["b"], Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: re.search(r"p [=<] ", page.compare.verdict.text()) is not None, timeout=60_000)
    assert f"'{runs['a'].name}' is better than '{runs['b'].name}'" in page.compare.verdict.text()
    assert "McNemar exact, p = 0.039" in page.compare.verdict.text()
    assert page.compare.scores.rowCount() == 2
    assert "significant" in page.compare.scores.item(1, 3).text()
    settings = page.compare.settings
    assert [settings.item(r, 0).text() for r in range(settings.rowCount())] == ["Learning rate"]
    by_run = {settings.horizontalHeaderItem(c).text().rstrip("…"): settings.item(0, c).text() for c in (1, 2)}
    assert {v: k in runs["a"].name for k, v in by_run.items()} == {"5e-5": True, "1e-3": False}
    assert page.compare.rows.rowCount() == 12
    colours = _curve_colours(page)
    assert len(colours) == 2
    assert [_colour_of(page, runs[k]) for k in "ab"] == [run_colour(str(runs[k])) for k in "ab"]
    # validation curves too, a turn of the event loop later (each plot paints in a turn of its own)
    qtbot.waitUntil(lambda: len(page.compare.shown_curves()[1]) == 2, timeout=5_000)


def test_a_runs_colour_does_not_change_with_the_selection(window, qtbot, runs):
    page = open_runs(qtbot, window, 3)
    _click_row(qtbot, page, runs["b"])
    qtbot.waitUntil(lambda: len(_curve_colours(page)) == 1, timeout=60_000)
    alone = _colour_of(page, runs["b"])
    _click_row(qtbot, page, runs["a"])
    _click_row(qtbot, page, runs["b"], Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(_curve_colours(page)) == 2, timeout=60_000)
    assert _colour_of(page, runs["b"]) == alone


def test_the_plots_stay_put_while_a_second_run_is_loaded(window, qtbot, runs):
    """Issue 13 item 12: a new selection's "Comparing 2 runs…" line used to push the plots
    down (and their repaint stalled the window), only for the result to move them again."""
    page = open_runs(qtbot, window, 3)
    _click_row(qtbot, page, runs["a"])
    qtbot.waitUntil(lambda: len(_curve_colours(page)) == 1 and page.compare.verdict.isVisible(), timeout=60_000)
    assert "Ctrl+click" in page.compare.verdict.text()  # one run: how to compare it with another

    def where() -> tuple:
        window.layout().activate()  # what the next turn of the event loop would lay out
        plot = page.compare.loss_plot
        return plot.mapTo(window, QPoint(0, 0)), plot.size()

    alone = where()
    _click_row(qtbot, page, runs["b"], Qt.KeyboardModifier.ControlModifier)
    assert page.compare.verdict.text() == "Comparing 2 runs…"
    assert where() == alone
    qtbot.waitUntil(lambda: re.search(r"p [=<] ", page.compare.verdict.text()) is not None, timeout=60_000)
    assert len(_curve_colours(page)) == 2


def _plot_shows(viewport) -> bool:
    """True when a paint of this plot's viewport draws the plot (not its background alone)."""
    return viewport.parent().getPlotItem().isVisible()


class _Paints(QObject):
    """Counts the paints of a plot's viewport that draw the plot."""

    def __init__(self, widget) -> None:
        super().__init__(widget)
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
        self.count += event.type() == QEvent.Type.Paint and _plot_shows(watched)
        return False


def test_a_result_paints_each_plot_once_and_keeps_its_axes_in_place(window, qtbot, runs):
    """Issue 13 item 12: the curves' tick labels changed the left axis's width after the first
    paint (pyqtgraph fits it to them), which re-laid both plots out and painted them again:
    a second 15-30 ms paint per plot for each result."""
    page = open_runs(qtbot, window, 3)
    compare = page.compare
    plots = (compare.loss_plot, compare.eval_plot)
    widths = [plot.getPlotItem().getAxis("left").width() for plot in plots]
    paints = [_Paints(plot.viewport()) for plot in plots]
    _click_row(qtbot, page, runs["a"])
    qtbot.waitUntil(lambda: len(compare.shown_curves()[0]) == 1 and compare.verdict.isVisible()
                    and all(p.count for p in paints), timeout=60_000)
    qtbot.wait(300)  # any repaint the first one asks for
    assert [plot.getPlotItem().getAxis("left").width() for plot in plots] == widths
    assert [p.count for p in paints] == [1, 1]


def test_a_result_shows_its_tables_then_each_plot_in_a_turn_of_its_own(window, qtbot, runs):
    """Issue 13 item 12: the scores, both plots' curves and their paints came in one turn of the
    event loop, 60-90 ms of the window's thread on a 2-core machine. The tables behind come in
    the turn the result arrives, each plot's curves and paint in a later turn of its own."""
    page = open_runs(qtbot, window, 3)
    compare = page.compare
    turn = [0]
    counter = QTimer()
    counter.timeout.connect(lambda: turn.__setitem__(0, turn[0] + 1))
    counter.start(1)  # once per pass of the event loop (a paint takes longer than 1 ms)
    painted: dict[str, int] = {}

    class _FirstPaint(QObject):
        def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
            if event.type() == QEvent.Type.Paint and compare.verdict.text().startswith("'") \
                    and _plot_shows(watched):
                painted.setdefault(watched.parent().objectName(), turn[0])
            return False

    spy = _FirstPaint(compare)
    for plot in (compare.loss_plot, compare.eval_plot):
        plot.viewport().installEventFilter(spy)
    arrived: list[tuple] = []
    show_result = compare.show_result

    def record(*result) -> None:
        show_result(*result)
        arrived.append((turn[0], compare.rows.rowCount(), compare.scores.rowCount(),
                        [len(c) for c in compare.shown_curves()]))

    compare.show_result = record
    _click_row(qtbot, page, runs["a"])
    _click_row(qtbot, page, runs["b"], Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(painted) == 2 and len(compare.shown_curves()[1]) == 2, timeout=60_000)
    counter.stop()
    result_turn, rows, scores, curves = arrived[-1]
    assert rows == 12 and curves != [2, 2]  # the tables behind now, the new curves not yet
    assert scores < 2  # the scores with the verdict, next turn
    assert result_turn < painted["compareLossPlot"] < painted["compareEvalPlot"], (arrived, painted)


def test_runs_tested_on_different_rows_are_not_called_better(window, qtbot, runs):
    page = open_runs(qtbot, window, 3)
    _click_row(qtbot, page, runs["a"])
    _click_row(qtbot, page, runs["c"], Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "different rows" in page.compare.verdict.text(), timeout=60_000)
    assert "better" not in page.compare.verdict.text()
    assert page.compare.scores.item(1, 3).text().startswith("not comparable")


def test_selecting_runs_to_compare_never_stalls_the_window(window, qtbot, tmp_path):
    """Big test splits (4,000 rows, a bootstrap each): the work is in a worker; no turn of the
    event loop does more than 250 ms of work on the window's thread.

    Measured as the window thread's CPU time between 10 ms ticks: wall-clock gaps also count the
    time the OS gives other processes, which on a loaded test machine says nothing about the app.
    """
    from tlstudio.core.system.paths import runs_dir

    true, a, b = paired_predictions(3000, 500, 400, 100)
    for name, predicted in (("big-a", a), ("big-b", b)):
        write_run(runs_dir() / name, true, predicted, losses=[0.5] * 200)
    page = open_runs(qtbot, window, 2)
    busy, wall, last = [], [], [time.thread_time(), time.perf_counter()]

    def tick() -> None:
        now = time.thread_time(), time.perf_counter()
        busy.append(now[0] - last[0])
        wall.append(now[1] - last[1])
        last[:] = now

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(10)
    started = time.perf_counter()
    last[:] = [time.thread_time(), started]
    _click_row(qtbot, page, runs_dir() / "big-a")
    _click_row(qtbot, page, runs_dir() / "big-b", Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: re.search(r"p [=<] ", page.compare.verdict.text()) is not None, timeout=120_000)
    qtbot.waitUntil(lambda: page.compare.rows.rowCount() > 0, timeout=10_000)
    qtbot.wait(300)  # the repaints that follow
    timer.stop()
    assert time.perf_counter() - started > 0.3 and len(busy) > 10  # something was measured
    assert max(busy) < 0.25, (f"one turn of the event loop took {max(busy) * 1000:.0f} ms of work "
                              f"(longest wall-clock gap {max(wall) * 1000:.0f} ms)")


def test_at_1024_wide_the_columns_fit_without_scrolling_sideways(window, qtbot, runs):
    window.resize(1024, 640)
    page = open_runs(qtbot, window, 3)
    table = page.runs_list
    qtbot.waitUntil(lambda: table.viewport().width() < 900, timeout=5_000)
    header = table.horizontalHeader()
    assert header.length() <= table.viewport().width()
    assert not table.horizontalScrollBar().isVisible()
    for column in (2, 3, 4, 5, 6, 7):  # model, score, baseline, started, took, status: whole
        assert header.sectionSize(column) >= table.sizeHintForColumn(column), column
    name = header.sectionSize(0)
    assert name >= 80  # long run names are elided, still recognisable


def test_the_validation_curves_are_in_view_once_shown(window, qtbot, runs):
    """The validation plot's range follows its curves: drawn while the plot waited its turn
    hidden, the range was worked out without them and the plot showed only empty axes."""
    page = open_runs(qtbot, window, 3)
    compare = page.compare
    _click_row(qtbot, page, runs["a"])
    qtbot.waitUntil(lambda: len(compare.shown_curves()[1]) == 1 and compare.eval_plot.updatesEnabled(),
                    timeout=60_000)
    curve = compare.shown_curves()[1][0]
    xs, _ = curve.getData()
    (x_low, x_high), _ = compare.eval_plot.getPlotItem().getViewBox().viewRange()
    assert x_low <= xs.min() and xs.max() <= x_high, ((x_low, x_high), (xs.min(), xs.max()))


def test_the_settings_tab_of_one_run_says_what_it_is_for(window, qtbot, runs):
    """One run selected, the Settings tab showed an empty table under the run's name: no
    setting, no word why. It says what appears there, as the Disagreements tab does."""
    page = open_runs(qtbot, window, 3)
    _click_row(qtbot, page, runs["a"])
    tabs = page.compare.tabs
    bar = tabs.tabBar()
    index = next(i for i in range(tabs.count()) if tabs.tabText(i) == "Settings")
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    qtbot.waitUntil(lambda: page.compare.scores.rowCount() == 1, timeout=60_000)
    shown = [w for w in tabs.currentWidget().findChildren(QLabel) if w.isVisible()]
    assert [w.text() for w in shown] == ["Select two or more runs to see the settings that differ between them."]
    assert not page.compare.settings.isVisible()
    _click_row(qtbot, page, runs["b"], Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.compare.settings.rowCount() == 1, timeout=60_000)
    assert page.compare.settings.isVisible()
    _click_row(qtbot, page, runs["b"])  # one again
    qtbot.waitUntil(lambda: page.compare.scores.rowCount() == 1, timeout=60_000)
    assert not page.compare.settings.isVisible()


def test_close_validation_scores_are_drawn_level_not_as_a_fall(window, qtbot, tmp_path):
    """A run whose two validation passes scored 0.8888 and 0.8878: fitted to them alone, the
    axis read 0.88880 to 0.88885 and the curve dived across the plot."""
    from tlstudio.core.runs.store import RunFolder
    from tlstudio.core.system.paths import runs_dir

    true, a, _ = paired_predictions(25, 10, 2, 3)
    run = write_run(runs_dir() / "20261130-100000-reviews-MiniLM-L6", true, a, losses=[0.7, 0.5])
    RunFolder(run).write_history([{"loss": 0.7, "step": 5, "epoch": 0.5},
                                  {"eval_loss": 0.4, "eval_f1_macro": 0.8888, "step": 5, "epoch": 0.5},
                                  {"loss": 0.5, "step": 10, "epoch": 1.0},
                                  {"eval_loss": 0.4, "eval_f1_macro": 0.8878, "step": 10, "epoch": 1.0}])
    page = open_runs(qtbot, window, 1)
    _click_row(qtbot, page, run)
    qtbot.waitUntil(lambda: len(page.compare.shown_curves()[1]) == 1, timeout=60_000)
    low, high = page.compare.eval_plot.getPlotItem().getViewBox().viewRange()[1]
    assert high - low >= 0.02, f"the score axis spans {low:.5f} to {high:.5f}"
    assert low < 0.8878 and high > 0.8888  # both points in view


def test_the_empty_notes_box_of_the_selected_run_asks_for_notes(window, qtbot, runs):
    """With one run selected, the empty notes box still said "Select one run to write…"."""
    page = open_runs(qtbot, window, 3)
    assert page.notes_edit.placeholderText().startswith("Select one run")
    _click_row(qtbot, page, runs["b"])
    assert page.notes_edit.isEnabled() and page.notes_edit.toPlainText() == ""
    assert not page.notes_edit.placeholderText().startswith("Select"), page.notes_edit.placeholderText()
    _click_row(qtbot, page, runs["a"], Qt.KeyboardModifier.ControlModifier)  # two: no notes box
    assert page.notes_edit.placeholderText().startswith("Select one run")
