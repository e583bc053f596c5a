"""The Data page's preview: the file's rows in a table (read through Arrow a block at a time)
and its charts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QTableView,
    QTabWidget,
    QWidget,
)

from tlstudio.gui import plots
from tlstudio.gui.arrow_model import ArrowTableModel
from tlstudio.gui.empty_state import EmptyState
from tlstudio.gui.pages.base import named

MIN_TEXT_WIDTH = 200  # px the widest column keeps when it makes room for the others


class DataPreview(QTableView):
    """The rows of the file shown (``model``); a problem's rows can be highlighted."""

    def __init__(self, model: ArrowTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "dataPreview", "Data preview")
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setStretchLastSection(True)
        self.verticalHeader().setDefaultSectionSize(22)
        self.setWordWrap(False)
        # Tab leaves the table (arrow keys move inside it): else the keyboard is trapped there.
        self.setTabKeyNavigation(False)

    def fit_columns(self) -> None:
        """Widths from the titles and the first rows (Qt's resizeColumnsToContents reads 1,000
        rows per column through Python: a second on a large file, on the GUI thread); measured
        again when the look changes the titles' font (``table_widths.remeasure``)."""
        model = self.model()
        metrics = self.fontMetrics()
        header = self.horizontalHeader()
        rows = min(model.rowCount(), 40)
        widths, titles = [], []
        for column in range(model.columnCount()):
            texts = [str(model.cell(row, column) or "")[:80] for row in range(rows)]
            widest = max([metrics.horizontalAdvance(t) for t in texts] or [0]) + 24
            titles.append(header.sectionSizeHint(column))  # the look's font and padding (bold in high contrast)
            widths.append(min(max(widest, titles[-1]), 420))
        # The widest column (the text) gives way, down to MIN_TEXT_WIDTH and never below its title,
        # so the short ones (the label) show beside it: at 1024 wide they were out of view.
        room = self.viewport().width()
        tall = model.rowCount() * self.verticalHeader().defaultSectionSize() > self.viewport().height()
        if tall and not self.verticalScrollBar().isVisible():  # it comes once the rows are laid out
            room -= self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        over = sum(widths) - room
        if widths and over > 0:
            widest = widths.index(max(widths))
            floor = min(widths[widest], max(MIN_TEXT_WIDTH, titles[widest]))
            widths[widest] = max(widths[widest] - over, floor)
        for column, width in enumerate(widths):
            self.setColumnWidth(column, width)

    def show_rows(self, rows: list[int]) -> None:
        """Highlight ``rows`` and bring the first into view, selected."""
        model = self.model()
        model.set_highlighted_rows(set(rows))
        if rows:
            index = model.index(int(rows[0]), 0)
            self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
            # not selectRow: it reads the keys held (Shift extends, Ctrl toggles), and the click
            # on a problem that brought us here may have been a Shift- or Ctrl-click
            flags = QItemSelectionModel.SelectionFlag
            self.selectionModel().setCurrentIndex(index, flags.ClearAndSelect | flags.Rows)


class DataCharts(EmptyState):
    """How many rows each label has and how long the texts are; a hint until a file is read."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.label_plot = plots.make_plot("labelPlot", "Labels", "", "rows")
        self.length_plot = plots.make_plot("lengthPlot", "Text length", "characters", "rows")
        self.tabs = QTabWidget()
        self.tabs.addTab(self.label_plot, "Label distribution")
        self.tabs.addTab(self.length_plot, "Text length")
        self.tabs.setMinimumHeight(200)
        super().__init__(self.tabs, "Open or drop a file: how many rows each label has and how "
                         "long the texts are show here.", "dataChartsEmpty", parent)

    def draw(self, result: Any, shown_name: Callable[[str], str]) -> None:
        """Draw an inspection's charts, each class called by ``shown_name(label)``."""
        if result.label_values is not None:
            plots.histogram(self.label_plot, result.label_values, color_index=0)
            self.label_plot.getPlotItem().setTitle("Label values")
        else:
            names = [shown_name(name) for name, _ in result.label_counts]
            plots.bar_chart(self.label_plot, names, [count for _, count in result.label_counts])
            self.label_plot.getPlotItem().setTitle("Labels")
        plots.histogram(self.length_plot, result.text_lengths)
