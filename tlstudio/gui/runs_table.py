"""The Runs page's table: one sortable row per run, its name editable, its colour its own."""

from __future__ import annotations

import zlib
from datetime import datetime
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QPixmap, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyle, QTableWidget, QTableWidgetItem

from tlstudio.core.runs.resume import unfinished_label
from tlstudio.gui.plots import PALETTE

# The score's title on two lines: on one it was wider than the scores (20 px more when sorted by it).
COLUMNS = ("Name", "Data", "Model", "Score\n(95% interval)", "Best baseline", "Started", "Took", "Status")
NAME, DATA, MODEL, SCORE, BASELINE, STARTED, TOOK, STATUS = range(len(COLUMNS))
RUN_DIR = Qt.ItemDataRole.UserRole
SORT_KEY = Qt.ItemDataRole.UserRole + 1
METRIC_WORDS = {"f1_macro": "macro F1", "f1_micro": "micro F1", "pearson": "Pearson"}
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
BASELINE_WORDS = {"majority": "majority", "tfidf": "TF-IDF", "embeddings": "embeddings", "zero_shot": "zero-shot"}


def colour_index(run_dir: str) -> int:
    """A run's colour in every plot and in the table: fixed by its folder's name, never by the selection."""
    return zlib.crc32(str(run_dir).replace("\\", "/").rstrip("/").rsplit("/", 1)[-1].encode()) % len(PALETTE)


def run_colour(run_dir: str) -> str:
    return PALETTE[colour_index(run_dir)]


def status_text(run: Any, step: int | None = None, resuming: bool = False) -> str:
    """complete / stopped early / resuming now / what an unfinished run can do."""
    if resuming:
        return "resuming now (Train page)"
    if run.complete:
        return "stopped early" if getattr(run, "stopped", False) else "complete"
    return unfinished_label(run, step)


def score_text(run: Any) -> str:
    """The main score and its interval, short: ``0.833 (0.733–0.933)`` (the metric in the tooltip)."""
    if not run.main_metric or run.main_metric_value is None:
        return "no score"
    text = f"{run.main_metric_value:.3f}"
    if run.ci_low is not None and run.ci_high is not None:
        text += f" ({run.ci_low:.3f}–{run.ci_high:.3f})"
    return text


def score_tooltip(run: Any) -> str:
    if not run.main_metric or run.main_metric_value is None:
        return "No test score: the run did not finish."
    metric = METRIC_WORDS.get(run.main_metric, run.main_metric.replace("_", " "))
    text = f"{metric} {run.main_metric_value:.3f} on the test rows"
    if run.ci_low is not None and run.ci_high is not None:
        text += f"; 95% interval {run.ci_low:.3f} to {run.ci_high:.3f}"
    return text


def baseline_text(run: Any) -> str:
    best = run.best_baseline
    return f"{BASELINE_WORDS.get(best[0], best[0])} {best[1]:.3f}" if best else "–"


def started_text(created: str | None, now: datetime | None = None) -> str:
    """When a run started, short: ``30 Nov 22:37`` this year, ``30 Nov 2025`` before (the full
    time is in the tooltip; the column sorts by it)."""
    try:
        when = datetime.strptime((created or "")[:16], "%Y-%m-%dT%H:%M")
    except ValueError:
        return (created or "")[:16].replace("T", " ") or "–"
    day = f"{when.day} {MONTHS[when.month - 1]}"
    return f"{day} {when:%H:%M}" if when.year == (now or datetime.now()).year else f"{day} {when.year}"


def data_text(file_name: str) -> str:
    """The data file's name without its type (``custrev_600``): the column is the first cut at
    1024 wide, and the type says little (the whole name is in the tooltip)."""
    if not file_name:
        return "–"
    stem, dot, _ = file_name.rpartition(".")
    return stem if dot and stem else file_name


def duration_text(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


class SortableItem(QTableWidgetItem):
    """A cell that sorts by its key (numbers as numbers, missing values last), not by its text."""

    def __lt__(self, other: QTableWidgetItem) -> bool:  # noqa: D105 - Qt API
        mine, theirs = self.data(SORT_KEY), other.data(SORT_KEY)
        if mine is None or theirs is None:
            return theirs is None and mine is not None
        if isinstance(mine, str) or isinstance(theirs, str):
            return str(mine).lower() < str(theirs).lower()
        return mine < theirs


def _swatch(colour: str) -> QPixmap:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(colour))
    return pixmap


class RunsHeader(QHeaderView):
    """Room for the sort arrow in the sorted column only: Qt keeps 20 px for it in every
    column, 140 px of a 1024-wide window that the run's name needs more."""

    def __init__(self, parent: QTableWidget) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setSectionsClickable(True)  # as a table's own header: a click sorts
        self.setHighlightSections(True)

    def sectionSizeFromContents(self, logical_index: int) -> QSize:  # noqa: N802 - Qt API
        size = super().sectionSizeFromContents(logical_index)
        if self.isSortIndicatorShown() and logical_index != self.sortIndicatorSection():
            margin = self.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, self)
            size.setWidth(size.width() - size.height() - margin)  # what Qt added for the arrow
        return size


class RunsTable(QTableWidget):
    """Runs as rows; the Name cell (editable) holds the run folder under ``RUN_DIR``.

    The scores, times and status are shown whole; the name gets the rest, and the data file's
    name is cut short first when the table is narrow (1024 wide)."""

    def __init__(self) -> None:
        super().__init__(0, len(COLUMNS))
        self.setHorizontalHeader(RunsHeader(self))
        self._needs: tuple[int, int, int] | None = None  # whole widths: longest name, data, shortest name
        self._sharing = False
        self.setHorizontalHeaderLabels(list(COLUMNS))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)  # F2; Rename button too
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)  # Tab leaves the table (keyboard users reach the buttons)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)  # a few dozen rows
        # Name and data share what the others leave (_share_room), cut in the middle when they
        # must be (a run's name ends with its model, a file's with its type).
        for column in (NAME, DATA):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header.setStretchLastSection(False)
        header.setSortIndicatorShown(True)
        header.sectionResized.connect(self._on_header_section_resized)
        self.itemChanged.connect(self._on_item_changed)
        self.horizontalHeaderItem(SCORE).setToolTip("The main test score (macro F1 for classes, micro F1 "
                                                    "for several labels, Pearson for numbers) with its "
                                                    "95% interval")
        self.horizontalHeaderItem(BASELINE).setToolTip("The best simple method scored on the same test rows")

    def fill(self, rows: list[tuple[Any, str]]) -> None:
        """``rows``: (RunSummary, status text); the sort order and selection are the caller's."""
        sorting = self.isSortingEnabled()
        self.setSortingEnabled(False)
        self._sharing = True  # once, at the end: not once per cell filled
        self.setRowCount(len(rows))
        for row, (run, status) in enumerate(rows):
            created = (run.created or "")[:16].replace("T", " ")
            cells = [
                (run.label, run.label.lower()),
                (data_text(run.data), run.data.lower() or None),
                (run.model_short or run.model or "–", (run.model_short or run.model).lower() or None),
                (score_text(run), run.main_metric_value),
                (baseline_text(run), run.best_baseline[1] if run.best_baseline else None),
                (started_text(run.created), run.created or None),
                (duration_text(run.seconds), run.seconds),
                (status, status),
            ]
            for column, (text, key) in enumerate(cells):
                item = SortableItem(text)
                item.setData(SORT_KEY, key)
                tip = {SCORE: score_tooltip(run), STARTED: created or "–", DATA: run.data_path or run.data or "–"}.get(column, text)
                item.setToolTip(tip if column else f"{run.label}\n{run.run_dir}"
                                + (f"\n\n{run.notes}" if run.notes else ""))
                flags = item.flags() & ~Qt.ItemFlag.ItemIsEditable
                item.setFlags(flags | Qt.ItemFlag.ItemIsEditable if column == NAME else flags)
                self.setItem(row, column, item)
            name = self.item(row, NAME)
            name.setData(RUN_DIR, str(run.run_dir))
            name.setIcon(_swatch(run_colour(str(run.run_dir))))
        self.setSortingEnabled(sorting)
        self._sharing = False
        self._needs = None
        self._share_room()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._share_room()

    def _on_header_section_resized(self, column: int, _old: int, _new: int) -> None:
        if column not in (NAME, DATA):
            self._share_room()  # a score or status column was sized to its contents

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == NAME and not self._sharing:
            self._needs = None  # renamed
            self._share_room()

    def _share_room(self) -> None:
        """The name gets what the other columns leave; the data file's name is cut first, so a
        typical run name (``20261130-223705-custrev_600-MiniLM-L6``) reads whole at 1024 wide.

        A name too long to be whole anyway does not take the data column down to "u…s": the
        file's name keeps a dozen characters or so (``uci_se…ences``), the run's name is cut too."""
        if self._sharing:
            return
        header = self.horizontalHeader()
        if self._needs is None:
            names = [self.sizeHintForIndex(self.model().index(r, NAME)).width() for r in range(self.rowCount())]
            name_need = self.sizeHintForColumn(NAME)
            shortest = name_need - max(names) + min(names) if names else name_need
            self._needs = (name_need, self.sizeHintForColumn(DATA), shortest)
        name_need, data_need, shortest = self._needs
        others = sum(header.sectionSize(c) for c in range(self.columnCount())
                     if c not in (NAME, DATA) and not header.isSectionHidden(c))
        room = self.viewport().width() - others
        data_title = header.sectionSizeFromContents(DATA).width()
        # its title whole, always; a sixth of the room when a whole name would leave it "c…v";
        # a third when no name would be whole all the same
        share = room // 6 if room - room // 6 >= shortest else room // 3
        data = max(data_title, min(data_need, max(room - name_need, share)))
        name = max(header.sectionSizeFromContents(NAME).width(), room - data)
        self._sharing = True
        try:
            self.setColumnWidth(DATA, data)
            self.setColumnWidth(NAME, name)
        finally:
            self._sharing = False

    def run_dir(self, row: int) -> str:
        return str(self.item(row, NAME).data(RUN_DIR))

    def row_of(self, run_dir: str) -> int:
        for row in range(self.rowCount()):
            if self.run_dir(row) == run_dir:
                return row
        return -1

    def count(self) -> int:
        """How many runs are listed."""
        return self.rowCount()

    def row_text(self, row: int) -> str:
        """The row's cells as one line (what a screen reader would say)."""
        return " · ".join(self.item(row, c).text() for c in range(self.columnCount()))

    def selected_rows(self) -> list[int]:
        return sorted({index.row() for index in self.selectionModel().selectedRows()})
