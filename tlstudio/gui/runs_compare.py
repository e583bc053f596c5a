"""The Runs page's comparison: curves, scores, settings that differ and disagreeing rows, side by side.

A view over :func:`tlstudio.core.evaluation.compare.side_by_side` (computed in a worker); the
same comparison ``tlstudio compare`` prints.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tlstudio.core.evaluation import format as fmt
from tlstudio.gui import plots
from tlstudio.gui.empty_state import EmptyState
from tlstudio.gui.pages.base import label, named
from tlstudio.gui.runs_table import METRIC_WORDS, colour_index, run_colour
from tlstudio.gui.turns import Turns

NO_SELECTION = ("Select a run in the table to see its curves; select two or more (Ctrl+click) to "
                "compare them: curves, scores, the settings that differ and whether the difference "
                "is significant on the same test rows.")
# Shown while one run is selected: says how to compare, and keeps the line the next
# selection's "Comparing 2 runs…" takes, so the plots below do not move (and repaint).
ONE_RUN = "Ctrl+click another run in the table to compare it with this one."
ONE_RUN_ROWS = "Select two or more runs to see where they disagree."
ONE_RUN_SETTINGS = "Select two or more runs to see the settings that differ between them."
NO_SHARED_ROWS = "The selected runs were not tested on the same rows, so there are no rows to compare."
NO_DISAGREEMENT = "The runs give the same answer on every test row."
MAX_ROWS_SHOWN = 200  # disagreeing rows listed here; `tlstudio compare --json` has them all


def _table(name: str, accessible: str, headers: list[str], widths: tuple[int, ...] = ()) -> QTableWidget:
    """A read-only table; columns sized once (sizing to contents costs a pass over every row)."""
    table = named(QTableWidget(0, len(headers)), name, accessible)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)
    table.verticalHeader().hide()
    table.setWordWrap(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setStretchLastSection(True)
    for column, width in enumerate(widths):
        table.setColumnWidth(column, width)
    return table


def _title_width(table: QTableWidget, column: int, least: int) -> int:
    """``least`` px, or what the column's title needs in the look in use (the header's font and
    padding come from the style sheet: bold and padded in high contrast)."""
    return max(least, table.horizontalHeader().sectionSizeHint(column))


TIP_FROM = 16  # characters: a shorter cell fits its column whole, so it needs no tooltip


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    """The cells, a tooltip on each that may be cut short (one on every cell cost a third of
    filling 200 disagreeing rows, ~10 ms of the window's thread)."""
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if len(text) >= TIP_FROM:
                item.setToolTip(text)
            table.setItem(r, c, item)


def _short(name: str, width: int = 28) -> str:
    """A legend entry short enough not to cover the curves (the table has the full name)."""
    return name if len(name) <= width else name[: width - 1] + "…"


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _interval(low: float | None, high: float | None) -> str:
    return "" if low is None or high is None else f" ({low:.3f}–{high:.3f})"


class _Curves:
    """The curves of one plot, drawn again in place: a new selection sets new data on curves
    made beforehand (making a curve and adding it to a plot costs several ms each, the
    longest part of showing a result); the ones it does not need are hidden, not removed."""

    MADE_AHEAD = 4  # curves made with the plot, before any comparison; more are made as needed

    def __init__(self, plot: Any) -> None:
        self._item = plot.getPlotItem()
        self._curves: list[Any] = []
        for _ in range(self.MADE_AHEAD):
            self._add()

    def _add(self) -> None:
        curve = self._item.plot()
        curve.hide()
        self._curves.append(curve)

    def shown(self) -> list[Any]:
        """The curves on the plot now, in the order of the series drawn."""
        return [curve for curve in self._curves if curve.isVisible()]

    def draw(self, series: list[tuple[np.ndarray, Any, str, str]]) -> None:
        """One curve per ``(points, pen, colour, name)``; the curves left over are hidden."""
        for i, (points, pen, colour, name) in enumerate(series):
            if i == len(self._curves):
                self._add()
            self._curves[i].setData(points[:, 0], points[:, 1], pen=pen,
                                    symbol="o" if len(points) < 3 else None,
                                    symbolBrush=colour, symbolSize=6, name=name)
            self._curves[i].show()
        for curve in self._curves[len(series):]:
            curve.hide()
        # The new range now, not when first painted: set then, it painted the plot again.
        self._item.getViewBox().prepareForPaint()


MIN_SCORE_SPAN = 0.02  # scores read to 3 decimals: a closer pair is drawn level


def _score_range(plot: Any, values: list[np.ndarray]) -> None:
    """Scores that barely differ (0.8888 and 0.8887) fill a span of at least ``MIN_SCORE_SPAN``:
    fitted to them alone, the axis read "0.88885" and a flat curve looked like a fall."""
    item = plot.getPlotItem()
    low = min((float(v.min()) for v in values), default=0.0)
    high = max((float(v.max()) for v in values), default=0.0)
    if values and high - low < MIN_SCORE_SPAN:
        middle = (low + high) / 2
        item.setYRange(middle - MIN_SCORE_SPAN / 2, middle + MIN_SCORE_SPAN / 2, padding=0.05)
    else:
        item.enableAutoRange(axis="y")


class ComparePanel(QWidget):
    """Curves of the selected runs and, for two or more, what differs and whether it matters."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.verdict = named(label("", "headline", wrap=True), "compareVerdict", "Comparison result")
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.verdict)
        self.tabs = named(QTabWidget(), "compareTabs", "Comparison")
        layout.addWidget(self.tabs, 1)
        self.curves = QStackedWidget()
        self.hint = named(label(NO_SELECTION, "hint", wrap=True), "compareHint", "Comparison hint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.curves.addWidget(self.hint)
        plots_box = QWidget()
        column = QVBoxLayout(plots_box)
        column.setContentsMargins(0, 0, 0, 0)
        # one legend above both plots (a wrapping label): never over a curve, never widening a plot
        self.legend = named(label("", wrap=True), "compareLegend", "Which colour is which run")
        column.addWidget(self.legend)
        row = QHBoxLayout()
        column.addLayout(row, 1)
        self.loss_plot = plots.make_plot("compareLossPlot", "Training loss", "step", "loss")
        self.eval_plot = plots.make_plot("compareEvalPlot", "Validation score", "step", "score")
        self._curves = (_Curves(self.loss_plot), _Curves(self.eval_plot))
        self._turns = Turns(self)  # a result's steps, one per turn of the event loop
        for plot in (self.loss_plot, self.eval_plot):  # legends go in the titles, never over a curve
            row.addWidget(plot)
        self.curves.addWidget(plots_box)
        self.tabs.addTab(self.curves, "Curves")
        self.scores = _table("compareScores", "Scores of the selected runs",
                             ["Run", "Score (95% interval)", "Best baseline", "Against the first run"],
                             (200, 190, 200))  # the last one's title whole at 1024 wide, in bold too
        self.tabs.addTab(self.scores, "Scores")
        self.settings = _table("compareSettings", "Settings that differ", ["Setting"], (180,))
        self.settings_area = EmptyState(self.settings, ONE_RUN_SETTINGS, "compareSettingsEmpty")
        self.tabs.addTab(self.settings_area, "Settings")
        self.rows = _table("compareRows", "Rows where the runs disagree", ["Row", "Text", "True", "A", "B"],
                           (60, 400, 100, 180, 180))
        self.rows.horizontalHeader().setStretchLastSection(False)  # B keeps room for its run's name
        # One run (or none) has nothing to disagree with: say so, never an empty table.
        self.rows_area = EmptyState(self.rows, ONE_RUN_ROWS, "compareRowsEmpty")
        self.tabs.addTab(self.rows_area, "Disagreements")
        self.clear()

    def shown_curves(self) -> tuple[list[Any], list[Any]]:
        """The loss curves and the validation curves on the plots now."""
        return self._curves[0].shown(), self._curves[1].shown()

    def clear(self, hint: str = NO_SELECTION) -> None:
        """Nothing to compare: the hint where the curves go, empty tables."""
        self._shown = None
        self._turns.cancel()
        self.eval_plot.getPlotItem().show()  # held by a result not drawn to the end
        self.eval_plot.setUpdatesEnabled(True)
        for curves in self._curves:
            curves.draw([])
        self.hint.setText(hint)
        self.curves.setCurrentWidget(self.hint)
        self.verdict.setText("")
        self.verdict.hide()
        for table in (self.scores, self.settings, self.rows):
            table.setRowCount(0)
        self.settings_area.set_empty(True)
        self._show_rows_message(ONE_RUN_ROWS)

    def _show_rows_message(self, message: str | None) -> None:
        """The Disagreements tab: ``message`` in place of the table, or the table (None)."""
        if message is not None:
            self.rows_area.message.setText(message)
        self.rows_area.set_empty(message is not None)

    def show_loading(self, count: int) -> None:
        """Say what is coming without moving the plots: the line keeps its height meanwhile
        (a shorter text let the plots grow, and every move repaints both)."""
        self.verdict.setMinimumHeight(self.verdict.height() if self.verdict.isVisible() else 0)
        self.verdict.setText(f"Comparing {count} runs…" if count > 1 else "Loading the run…")
        self.verdict.show()

    def show_result(self, side: Any, points: list[tuple[np.ndarray, np.ndarray]]) -> None:
        """Show a :class:`SideBySide` and its runs' :func:`curve_points` over three turns of the
        event loop, so no turn holds the window for long: the tables in tabs behind now; the
        verdict, the scores and the loss curves next; the validation curves last. Each plot's
        paint (10-25 ms) comes in a turn of its own: in one turn with the rest, both plots and
        the table fill froze the window for 60-90 ms."""
        self._shown = side
        self._fill_tables(side)
        losses, evals, legend = _series(side.runs, points)
        self._turns.start([partial(self._draw_head, side, losses, legend), partial(self._draw_evals, evals)])

    def _draw_head(self, side: Any, losses: list[tuple], legend: list[tuple[str, int, bool]] | None) -> None:
        """The verdict, the scores, the legend and the loss curves. Everything that moves the
        plots is laid out first, then the curves' range is set for the plots' final size, so
        each plot is painted once (set for the old size, the resize that followed painted it
        again). The validation plot waits for its curves, next turn: unpainted where it stays put
        (what shows is still right), a plain background where it moved or first shows (Qt would
        leave what was painted there before: the hint's words, the plot where it was)."""
        _fill(self.scores, self._score_rows(side))
        self.verdict.setMinimumHeight(0)
        self.verdict.setText(self._verdict_text(side))
        self.verdict.setVisible(bool(self.verdict.text()))
        was = self._eval_rect()
        self.eval_plot.setUpdatesEnabled(False)
        self._show_plots(side.runs, legend)
        self.layout().activate()
        if self._eval_rect() != was:
            self.eval_plot.setUpdatesEnabled(True)
            self.eval_plot.getPlotItem().hide()  # painting the background alone costs ~1 ms
        self._curves[0].draw(losses)

    def _draw_evals(self, evals: list[tuple]) -> None:
        self.eval_plot.getPlotItem().show()  # first: a hidden plot's range leaves its curves out
        _score_range(self.eval_plot, [points[:, 1] for points, *_ in evals if len(points)])
        self._curves[1].draw(evals)
        self.eval_plot.setUpdatesEnabled(True)  # paints it (Qt updates a widget it wakes)

    def _eval_rect(self) -> QRect | None:
        """Where the validation plot is in the window (None: not shown)."""
        plot = self.eval_plot
        return QRect(plot.mapTo(plot.window(), QPoint(0, 0)), plot.size()) if plot.isVisible() else None

    def _fill_tables(self, side: Any) -> None:
        names = [run.name for run in side.runs]
        self.settings.setColumnCount(1 + len(names))
        self.settings.setHorizontalHeaderLabels(["Setting", *[_short(n, 24) for n in names]])
        for column in range(1, len(names) + 1):
            self.settings.setColumnWidth(column, _title_width(self.settings, column, 200))
        _fill(self.settings, [[d.label, *d.values] for d in side.settings]
              or [["No setting differs", *[""] * len(names)]] if len(names) > 1 else [])
        self.settings_area.set_empty(len(names) < 2)  # one run: nothing differs from it
        first = next((c for c in side.comparisons if not isinstance(c, str)), None)
        for column, run in ((3, first.a if first else None), (4, first.b if first else None)):
            header = QTableWidgetItem(_short(run.name, 24) if run else "AB"[column - 3])
            header.setToolTip(run.name if run else "")
            self.rows.setHorizontalHeaderItem(column, header)
            self.rows.setColumnWidth(column, _title_width(self.rows, column, 100))
        _fill(self.rows, [[str(d.row), d.text, d.true, d.a, d.b]
                          for d in (first.disagreements[:MAX_ROWS_SHOWN] if first else [])])
        self._show_rows_message(_rows_message(side, first))

    @staticmethod
    def _verdict_text(side: Any) -> str:
        if len(side.runs) < 2:
            return ONE_RUN
        lines = [c if isinstance(c, str) else c.sentence for c in side.comparisons]
        if not side.comparisons:
            lines.append("Significance needs two finished runs: the others have no test predictions yet.")
        return "\n".join(lines)

    @staticmethod
    def _score_rows(side: Any) -> list[list[str]]:
        against = {c.b.run_dir: c for c in side.comparisons if not isinstance(c, str)}
        refused = [c for c in side.comparisons if isinstance(c, str)]
        rows = []
        for i, run in enumerate(side.runs):
            metric = METRIC_WORDS.get(run.metric, (run.metric or "").replace("_", " "))
            score = f"{metric} {_number(run.value)}{_interval(run.ci_low, run.ci_high)}" if run.value is not None \
                else "no score"
            baseline = f"{run.baseline} {_number(run.baseline_value)}" if run.baseline else "–"
            found = against.get(run.run_dir)
            if i == 0:
                versus = "(the first run)" if len(side.runs) > 1 else ""
            elif found is not None:
                diff = found.b.value - found.a.value
                versus = (f"{diff:+.3f}, {fmt.p_value(found.p_value)} "
                          f"({'significant' if found.significant else 'could be chance'})")
            else:
                versus = "not comparable" + (" (see above)" if refused else "")
            rows.append([run.name, score, baseline, versus])
        return rows

    def _show_plots(self, runs: list[Any], legend: list[tuple[str, int, bool]] | None) -> None:
        """The legend and the title for the curves, and the plots (or, with no curve, the hint)."""
        metric = next((METRIC_WORDS.get(r.metric, r.metric) for r in runs if r.metric), "score")
        title = f"Validation {metric}"
        if self.eval_plot.getPlotItem().titleLabel.text != title:  # a new title re-lays the plot out
            self.eval_plot.getPlotItem().setTitle(title)
        self.legend.setText(plots.legend_html("", legend or []))
        if legend is not None:
            self.curves.setCurrentIndex(1)
        else:
            self.hint.setText("No training curve yet: the selected runs logged no steps.")
            self.curves.setCurrentWidget(self.hint)


def _series(runs: list[Any], points: list[tuple[np.ndarray, np.ndarray]]
            ) -> tuple[list[tuple], list[tuple], list[tuple[str, int, bool]] | None]:
    """The loss and the validation curves to draw, ``(points, pen, colour, name)`` each, and the
    legend's entries (None: no run logged a step)."""
    series: tuple[list[tuple], list[tuple]] = ([], [])  # loss, score
    used: dict[str, int] = {}
    legend: list[tuple[str, int, bool]] = []
    for run, run_points in zip(runs, points, strict=True):
        colour = run_colour(run.run_dir)
        style = Qt.PenStyle.DashLine if used.get(colour) else Qt.PenStyle.SolidLine  # a shared colour
        used[colour] = used.get(colour, 0) + 1
        pen = plots.pg.mkPen(colour, width=2, style=style)
        for drawn, xy in zip(series, run_points, strict=True):
            if len(xy):
                drawn.append((xy, pen, colour, _short(run.name)))
        if any(len(xy) for xy in run_points):
            legend.append((_short(run.name, 40), colour_index(run.run_dir), False))
    return series[0], series[1], legend if any(series) else None


def curve_points(runs: list[Any]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each run's training loss and validation score as ``(step, value)`` rows, read from its
    history in the worker that compares the runs (a walk over every logged step)."""
    points = []
    for run in runs:
        train = [(r["step"], r["loss"]) for r in run.history
                 if r.get("kind") == "train" and r.get("loss") is not None and r.get("step") is not None]
        key = f"eval_{run.metric}"
        evals = [(r["step"], r[key]) for r in run.history
                 if r.get("kind") == "eval" and r.get(key) is not None and r.get("step") is not None]
        points.append((np.asarray(train, dtype=float).reshape(-1, 2),
                       np.asarray(evals, dtype=float).reshape(-1, 2)))
    return points


def _rows_message(side: Any, first: Any) -> str | None:
    """What the Disagreements tab says instead of rows (None: the rows speak for themselves)."""
    if len(side.runs) < 2:
        return ONE_RUN_ROWS
    if first is None:
        return next((c for c in side.comparisons if isinstance(c, str)), None) or NO_SHARED_ROWS
    return None if first.disagreements else NO_DISAGREEMENT
