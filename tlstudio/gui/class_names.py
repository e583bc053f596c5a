"""The Data page's class names: a name for each coded label (0/1, 1-4), pre-filled from classes.txt."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tlstudio.core.data.class_names import CLASSES_FILE, check_class_names
from tlstudio.core.data.profile import NUMBER_RE
from tlstudio.core.errors import DataError
from tlstudio.gui.pages.base import label, named

MAX_NAMED = 50  # more classes than this are named in a classes.txt, not one by one here


class ClassNamesBox(QGroupBox):
    """Edit a name per class; ``names`` is what the run will use (None: the labels as written)."""

    names_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Class names", parent)
        self.setObjectName("classNamesBox")
        layout = QVBoxLayout(self)
        self.hint = label("", "hint", wrap=True)
        self.table = named(QTableWidget(0, 2), "classNamesTable", "Class names",
                           "Type a name for each label; the model and its results show these names")
        self.table.setHorizontalHeaderLabels(["Label", "Name"])
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        triggers = QAbstractItemView.EditTrigger
        self.table.setEditTriggers(triggers.DoubleClicked | triggers.EditKeyPressed
                                   | triggers.AnyKeyPressed | triggers.SelectedClicked)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table: arrows move between names
        self.problem = named(label("", wrap=True), "classNamesProblem", "Class names problem")
        self.problem.setStyleSheet("color: #c0392b;")
        self.problem.hide()
        layout.addWidget(self.hint)
        layout.addWidget(self.table)
        layout.addWidget(self.problem)
        self.table.itemChanged.connect(self._on_table_item_changed)
        self._labels: list[str] = []
        self.names: list[str] | None = None
        self.hide()

    def set_classes(self, labels: list[str], names: list[str] | None, note: str = "") -> None:
        """Show ``labels`` (in class order) with ``names`` from a classes.txt, if any fitted."""
        self._labels = list(labels)
        coded = any(re.fullmatch(NUMBER_RE, x) for x in labels)
        shown = bool(labels) and len(labels) <= MAX_NAMED and (coded or names is not None or bool(note))
        self.table.blockSignals(True)
        self.table.setRowCount(len(labels) if shown else 0)
        for row, value in enumerate(labels if shown else []):
            fixed = QTableWidgetItem(value)
            fixed.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            self.table.setItem(row, 0, fixed)
            self.table.setItem(row, 1, QTableWidgetItem(names[row] if names else ""))
        self.table.blockSignals(False)
        rows = min(self.table.rowCount(), 4)  # as tall as its rows (up to 4; it scrolls beyond)
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height()
                                  + rows * self.table.verticalHeader().defaultSectionSize()
                                  + 2 * self.table.frameWidth() + 2)
        self.hint.setText(note or (f"Names read from {CLASSES_FILE} beside the file; edit them here."
                                   if names else "The labels are codes: name each class so results say "
                                   "what it is (an empty name keeps the label)."))
        self.setVisible(shown)
        self._update_names()

    def _on_table_item_changed(self, _item: QTableWidgetItem) -> None:
        self._update_names()

    def _update_names(self) -> None:
        typed = [self._cell(row) for row in range(self.table.rowCount())]
        names = [t or value for t, value in zip(typed, self._labels, strict=False)]
        self.problem.hide()
        if not any(typed):
            self.names = None
        else:
            try:
                self.names = check_class_names(names, self._labels, "The class names")
            except DataError as exc:
                self.names = None
                self.problem.setText(str(exc))
                self.problem.show()
        self.names_changed.emit()

    def _cell(self, row: int) -> str:
        item: Any = self.table.item(row, 1)
        return item.text().strip() if item is not None else ""

    def shown_name(self, value: str) -> str:
        """The name a label is shown by (the label itself when unnamed)."""
        if self.names and value in self._labels:
            return self.names[self._labels.index(value)]
        return value
