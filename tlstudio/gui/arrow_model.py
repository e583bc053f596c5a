"""A read-only Qt table model over a ``pyarrow.Table``; it converts only the cells shown."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
_BLOCK = 256  # rows converted to Python at a time
_MAX_CELL = 300  # characters shown in a cell (the tooltip holds the full text)


class ArrowTableModel(QAbstractTableModel):
    """Virtualised view: a 1 M-row table scrolls smoothly because rows are fetched in blocks."""

    def __init__(self, table: Any = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._table = table
        self._cache: dict[int, list[list[Any]]] = {}
        self._highlight: set[int] = set()
        self._first_row = 0  # the number shown beside data row 0
        self._row_meaning = ""

    def set_table(self, table: Any, first_row: int = 0, row_meaning: str = "") -> None:
        """Show ``table``; row headers count from ``first_row`` (``row_meaning`` says how)."""
        self.beginResetModel()
        self._table = table
        self._first_row = first_row
        self._row_meaning = row_meaning
        self._cache.clear()
        self._highlight.clear()
        self.endResetModel()

    def set_highlighted_rows(self, rows: set[int]) -> None:
        """Tint rows (0-based data rows), e.g. those a problem points at."""
        self._highlight = set(rows)
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(self.rowCount() - 1, self.columnCount() - 1))

    def rowCount(self, parent: _Index = _ROOT) -> int:  # noqa: N802 - Qt API
        return 0 if self._table is None or parent.isValid() else self._table.num_rows

    def columnCount(self, parent: _Index = _ROOT) -> int:  # noqa: N802 - Qt API
        return 0 if self._table is None or parent.isValid() else self._table.num_columns

    def _block(self, start: int) -> list[list[Any]]:
        block = self._cache.get(start)
        if block is None:
            if len(self._cache) > 64:
                self._cache.clear()
            sliced = self._table.slice(start, _BLOCK)
            block = [col.to_pylist() for col in sliced.columns]
            self._cache[start] = block
        return block

    def cell(self, row: int, column: int) -> Any:
        start = row - row % _BLOCK
        return self._block(start)[column][row - start]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            value = self.cell(index.row(), index.column())
            if value is None:
                return ""
            text = str(value)
            return text if len(text) <= _MAX_CELL else text[:_MAX_CELL] + "…"
        if role == Qt.ItemDataRole.ToolTipRole:
            value = self.cell(index.row(), index.column())
            return None if value is None else str(value)[:2000]
        if role == Qt.ItemDataRole.BackgroundRole and index.row() in self._highlight:
            return QBrush(QColor(255, 193, 7, 90))
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt API
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self._table is None:
            return None
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Vertical:
            return self._row_meaning or None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._table.column_names[section]
        return str(section + self._first_row)
