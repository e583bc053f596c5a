"""The Evaluate page's tables: scores beside the baselines, per class, the confusion matrix and the
mistakes, each filled from a run's (or another file's) evaluation report."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from tlstudio.core.evaluation import format as fmt
from tlstudio.gui.pages.base import fit_columns, named
from tlstudio.gui.table_widths import fit_to_contents

# two lines: the scores table shows the model beside every baseline at 1024 wide
BASELINE_TITLES = {"majority": "Majority\nbaseline", "tfidf": "TF-IDF\nbaseline",
                   "embeddings": "Embeddings\nbaseline"}


def read_only_table(name: str, accessible: str) -> QTableWidget:
    table = named(QTableWidget(), name, accessible)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def cell_text(value: Any) -> str:
    """Scores with 3 decimals, counts as they are (one format owner: core/evaluation/format.py)."""
    if isinstance(value, float):
        return fmt.score(value)
    return "" if value is None else str(value)


def _fill(table: QTableWidget, columns: list[str], rows: list[list[str]]) -> None:
    table.clear()
    table.setColumnCount(len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.setRowCount(len(rows))
    for row, cells in enumerate(rows):
        for col, text in enumerate(cells):
            table.setItem(row, col, QTableWidgetItem(text))


def _row_title(name: str) -> str:
    """A metric's name opening a row: "Macro F1", "Accuracy" (mid-sentence, "macro F1")."""
    return name[:1].upper() + name[1:]


def fill_metrics(table: QTableWidget, model: dict[str, Any], baselines: dict[str, Any]) -> None:
    """One row per metric: the model's value, then each baseline's."""
    names = [k for k, v in model.items() if isinstance(v, (int, float))]
    columns = ["Metric", "Your model"] + [BASELINE_TITLES.get(b, b) for b in baselines]
    _fill(table, columns, [[_row_title(fmt.metric_name(name)), cell_text(model[name])]
                           + [cell_text((baselines[b] or {}).get(name)) for b in baselines]
                           for name in names])
    fit_columns(table)


def headline(metrics: dict[str, Any], shown_name: str | None) -> str:
    """``Test macro F1: 0.833   (baselines: Majority 0.333, TF-IDF 0.790)``; "" without a score."""
    from tlstudio.core.evaluation.metrics import headline_metric

    model = metrics.get("model") or {}
    baselines = metrics.get("baselines") or {}
    key = headline_metric(model, metrics.get("task"))
    if key is None:
        return ""
    parts = [f"{BASELINE_TITLES.get(b, b).split()[0]} {cell_text((v or {}).get(key))}"
             for b, v in baselines.items() if (v or {}).get(key) is not None]
    scope = f"{fmt.metric_name(key)} on {shown_name}" if shown_name else f"Test {fmt.metric_name(key)}"
    return f"{scope}: {fmt.score(model[key])}" + (f"   (baselines: {', '.join(parts)})" if parts else "")


def fill_per_class(table: QTableWidget, per_class: dict[str, dict[str, Any]]) -> None:
    _fill(table, ["Class", "Precision", "Recall", "F1", "Support"],
          [[name] + [cell_text(values.get(k)) for k in ("precision", "recall", "f1", "support")]
           for name, values in per_class.items()])
    fit_columns(table)


def fill_confusion(table: QTableWidget, matrix: list[list[int]], names: list[str]) -> None:
    """Counts and row shares, coloured by share (blue on the diagonal, orange off it)."""
    table.clear()
    size = len(matrix)
    table.setRowCount(size)
    table.setColumnCount(size)
    labels = [str(n) for n in names[:size]] + [str(i) for i in range(len(names), size)]
    table.setHorizontalHeaderLabels(labels)
    table.setVerticalHeaderLabels(labels)
    data = np.asarray(matrix, dtype=float) if size else np.zeros((0, 0))
    totals = data.sum(axis=1, keepdims=True) if size else data
    for r in range(size):
        for c in range(size):
            share = data[r, c] / totals[r, 0] if totals[r, 0] else 0.0
            item = QTableWidgetItem(f"{int(data[r, c])}\n{fmt.percent(share)}")
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            font = item.font()
            font.setPointSizeF(font.pointSizeF() * 1.25)
            item.setFont(font)
            base = QColor(47, 126, 216) if r == c else QColor(228, 87, 46)
            base.setAlpha(int(30 + 200 * share))
            item.setBackground(QBrush(base))
            item.setToolTip(f"true {labels[r]}, predicted {labels[c]}: {int(data[r, c])} "
                            "rows. Click to list them.")
            table.setItem(r, c, item)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)


def fill_mistakes(table: QTableWidget, ordered: list[dict[str, Any]]) -> None:
    """The mistakes in the order given, each row's text in its tooltip."""
    columns = ["Confidence", "True", "Predicted", "Row", "Text"]
    table.clear()
    table.setColumnCount(len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.setRowCount(len(ordered))
    for row, mistake in enumerate(ordered):
        cells = [fmt.probability(float(mistake.get("confidence") or 0)), mistake.get("true"),
                 mistake.get("predicted"), mistake.get("row"), mistake.get("text")]
        for col, value in enumerate(cells):
            item = QTableWidgetItem(cell_text(value))
            item.setToolTip(str(mistake.get("text", ""))[:2000])
            table.setItem(row, col, item)
    fit_to_contents(table)  # and again when the look changes its fonts
