"""The Predict page's batch preview: the text gets the room, the answer columns fit their content."""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem

from tlstudio.core.data.rownumbers import row_numbers
from tlstudio.core.evaluation.format import probability
from tlstudio.gui.table_widths import fit_to_contents

ANSWER = "prediction"  # the column predict_file adds after the file's own columns


def fill_batch_table(table: QTableWidget, header: list[str], rows: list[list[str]]) -> None:
    """Show a predicted file: probabilities as percents; the longest text column stretches.

    The file's own columns come first, then ``prediction`` and one score column per class.
    Rows are numbered as a spreadsheet shows the saved CSV (its header is row 1), as the Data
    page and the Evaluate page number a data file's rows.
    """
    table.clear()
    table.setColumnCount(len(header))
    table.setHorizontalHeaderLabels(header)
    table.setRowCount(len(rows))
    numbers = row_numbers("csv", True)
    for r in range(len(rows)):
        item = QTableWidgetItem(str(numbers.of(r)))
        item.setToolTip(numbers.meaning)
        table.setVerticalHeaderItem(r, item)
    answer = len(header) - 1 - header[::-1].index(ANSWER) if ANSWER in header else len(header)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            shown = value[:300]
            if c > answer and header[c].startswith("prob_"):
                try:
                    shown = probability(float(value))
                except ValueError:
                    pass
            table.setItem(r, c, QTableWidgetItem(shown))
    widths = [sum(len(row[c]) for row in rows if c < len(row)) for c in range(min(answer, len(header)))]
    text_column = max(range(len(widths)), key=widths.__getitem__) if widths else None
    view = table.horizontalHeader()
    view.setStretchLastSection(False)
    for c in range(len(header)):  # measured once (not ResizeToContents: that re-measures on every change)
        mode = QHeaderView.ResizeMode.Stretch if c == text_column else QHeaderView.ResizeMode.Interactive
        view.setSectionResizeMode(c, mode)
    fit_to_contents(table, cap=260)  # and again when the look changes its fonts
