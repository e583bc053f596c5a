"""The Data page's "How to read it" box: header row, text and label columns, task, label columns."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QListWidget,
    QListWidgetItem,
    QWidget,
)

from tlstudio.core.settings.config import TASKS
from tlstudio.core.settings.schema import field_of, label_of
from tlstudio.gui.pages.base import named
from tlstudio.gui.train_settings import tooltip_of

HEADER_CHOICES = (("Detect", None), ("Column names", True), ("Data: no header", False))
NONE = "(none)"
TASK_TIPS = {
    "binary": "Two classes, e.g. positive / negative.",
    "multiclass": "One of several classes per row.",
    "multilabel": "Any number of labels per row.",
    "regression": "A number per row (e.g. a score).",
}


class RolesBox(QGroupBox):
    """Which column is what, as read from the file or picked by the user; the page reacts to
    the combos' ``activated`` and the label list's ``itemChanged``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("How to read it", parent)
        form = QFormLayout(self)
        self.text_combo = named(QComboBox(), "textColumnCombo", "Text column",
                                "The column with the text to classify")
        self.pair_combo = named(QComboBox(), "pairColumnCombo", "Second text column",
                                "For sentence pairs (e.g. question + answer); usually none")
        self.label_combo = named(QComboBox(), "labelColumnCombo", "Label column",
                                 "The column with the answer the model should learn")
        self.task_combo = named(QComboBox(), "taskCombo", "Task",
                                "What kind of answer the label is")
        self.task_combo.addItems(list(TASKS))
        self.task_combo.setPlaceholderText("read from the file")  # nothing chosen before a file is read
        self.task_combo.setCurrentIndex(-1)
        for i, task in enumerate(TASKS):
            self.task_combo.setItemData(i, TASK_TIPS[task], Qt.ItemDataRole.ToolTipRole)
        header = field_of("has_header")
        self.header_combo = named(QComboBox(), "headerCombo", label_of(header), tooltip_of(header))
        for text, value in HEADER_CHOICES:
            self.header_combo.addItem(text, value)
        self.label_list = named(QListWidget(), "labelColumnsList", "Label columns",
                                "For multi-label data with one 0/1 column per label: tick each "
                                "label column")
        self.label_list.setMaximumHeight(110)
        form.addRow(label_of(header), self.header_combo)
        form.addRow("Text column", self.text_combo)
        form.addRow("Second text", self.pair_combo)
        form.addRow("Label column", self.label_combo)
        form.addRow("Task", self.task_combo)
        form.addRow("Label columns", self.label_list)
        self._label_list_row = form.rowCount() - 1
        self._form = form

    @property
    def combos(self) -> tuple[QComboBox, ...]:
        return (self.header_combo, self.text_combo, self.pair_combo, self.label_combo, self.task_combo)

    def set_enabled(self, enabled: bool) -> None:
        for widget in (*self.combos, self.label_list):
            widget.setEnabled(enabled)

    def fill(self, report: Any, has_header: bool | None) -> None:
        """Show the roles an inspection found (no ``activated`` signals: nothing was picked)."""
        columns = list(report.loaded.column_names)
        roles = report.roles
        for combo, choices, current in (
            (self.text_combo, columns, roles.text_columns[0]),
            (self.pair_combo, [NONE, *columns],
             roles.text_columns[1] if len(roles.text_columns) > 1 else NONE),
            (self.label_combo, columns, roles.label_column),
            (self.task_combo, list(TASKS), roles.task),
        ):
            combo.blockSignals(True)
            if combo is not self.task_combo:
                combo.clear()
                combo.addItems(choices)
            combo.setCurrentText(str(current))
            combo.blockSignals(False)
        self.header_combo.setCurrentIndex(self.header_combo.findData(has_header))
        self._fill_label_list(columns, roles)

    def _fill_label_list(self, columns: list[str], roles: Any) -> None:
        """Offer every non-text column as a label column; shown for multi-label tasks."""
        self.label_list.blockSignals(True)
        self.label_list.clear()
        for name in columns:
            if name in roles.text_columns:
                continue
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            ticked = name in roles.label_columns
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            self.label_list.addItem(item)
        self.label_list.blockSignals(False)
        self._form.setRowVisible(self._label_list_row, roles.task == "multilabel")

    def offer_columns(self, columns: list[str], chosen: dict[str, str | None],
                      has_header: bool | None) -> None:
        """A file whose text or label column must be picked: every column in the text and label
        combos, ``chosen`` ({"text": ..., "label": ...}) selected where it is one of them."""
        for combo, role in ((self.text_combo, "text"), (self.label_combo, "label")):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(columns)
            combo.setPlaceholderText(f"choose the {role} column")
            combo.setCurrentIndex(columns.index(chosen[role]) if chosen[role] in columns else -1)
            combo.blockSignals(False)
        self.pair_combo.clear()
        self.pair_combo.addItems([NONE, *columns])
        self.header_combo.setCurrentIndex(self.header_combo.findData(has_header))
        self._form.setRowVisible(self._label_list_row, False)
