"""The Arrow table model converts only what is shown, so a huge table stays responsive."""

from __future__ import annotations

import time

import pyarrow as pa
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from tlstudio.gui.arrow_model import ArrowTableModel


def test_cells_headers_and_missing_values():
    table = pa.table({"text": ["a", None, "c" * 500], "label": [1, 0, 1]})
    model = ArrowTableModel(table)
    assert (model.rowCount(), model.columnCount()) == (3, 2)
    assert model.headerData(0, Qt.Orientation.Horizontal) == "text"
    assert model.data(model.index(0, 1)) == "1"
    assert model.data(model.index(1, 0)) == ""
    assert model.data(model.index(2, 0)).endswith("…")
    assert len(model.data(model.index(2, 0), Qt.ItemDataRole.ToolTipRole)) == 500


def test_a_million_rows_scroll_quickly(qtbot):
    n = 1_000_000
    table = pa.table({"text": pa.array([f"row {i}" for i in range(n)]), "label": pa.array(
        [i % 3 for i in range(n)])})
    view = QTableView()
    qtbot.addWidget(view)
    model = ArrowTableModel(table)
    view.setModel(model)
    view.resize(600, 400)
    view.show()
    started = time.perf_counter()
    for row in range(0, n, n // 50):
        view.scrollTo(model.index(row, 0))
        qtbot.wait(1)
    elapsed = time.perf_counter() - started
    assert model.data(model.index(n - 1, 0)) == f"row {n - 1}"
    assert elapsed < 5.0


def test_highlighted_rows_get_a_background():
    model = ArrowTableModel(pa.table({"x": [1, 2, 3]}))
    model.set_highlighted_rows({1})
    assert model.data(model.index(1, 0), Qt.ItemDataRole.BackgroundRole) is not None
    assert model.data(model.index(0, 0), Qt.ItemDataRole.BackgroundRole) is None
