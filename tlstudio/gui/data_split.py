"""The Data page's split area: test and validation shares with row counts, a test file, a split column."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from tlstudio.core.evaluation import format as fmt
from tlstudio.core.settings.schema import field_of, label_of
from tlstudio.core.wording import count
from tlstudio.gui.pages.base import label, named
from tlstudio.gui.train_settings import make_widget, tooltip_of

NO_SPLIT_COLUMN = "(none: split at random)"
TEST_FILE_FILTER = "Data files (*.csv *.tsv *.txt *.jsonl *.json *.parquet *.xlsx);;All files (*)"


class ShareSpinBox(QDoubleSpinBox):
    """A share kept as a fraction (0.15) but shown as people read it: ``15%``."""

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt API
        return fmt.percent(value)

    def valueFromText(self, text: str) -> float:  # noqa: N802 - Qt API
        found = re.search(r"[\d.]+", text.replace(",", "."))
        return float(found.group()) / 100 if found else self.value()

    def validate(self, text: str, pos: int) -> object:
        from PySide6.QtGui import QValidator

        digits = text.replace("%", "").strip()
        if not digits:
            return QValidator.State.Intermediate, text, pos
        try:
            value = float(digits.replace(",", ".")) / 100
        except ValueError:
            return QValidator.State.Invalid, text, pos
        ok = self.minimum() <= value <= self.maximum()
        return (QValidator.State.Acceptable if ok else QValidator.State.Intermediate), text, pos


def share_spin(name: str) -> ShareSpinBox:
    """A percent spin box for the ratio setting ``name``, from its schema declaration."""
    f = field_of(name)
    meta = f.metadata
    spin = ShareSpinBox()
    spin.setDecimals(4)  # whole percents are shown; the fraction keeps its precision
    spin.setRange(*meta["range"])
    spin.setSingleStep(meta["step"])
    spin.setValue(f.default)
    return named(spin, meta["widget"], label_of(f), tooltip_of(f))


class FormWithoutHeightForWidth(QFormLayout):
    """A form whose wrapped notes set their own minimum height (WrapLabel), laid out by min and
    preferred size alone. QFormLayout's height-for-width counts a wrapped note's lines at its
    size-hint width (two lines for a one-line note at any width), and a column takes an item's
    height-for-width as its minimum: the Split box asked 28 px too many and, in a full column,
    squeezed its spin boxes below their height."""

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt API
        return False


class SplitPanel(QGroupBox):
    """Where test and validation rows come from; :attr:`changed` when the user changes it."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Split", parent)
        form = FormWithoutHeightForWidth(self)
        self.test_spin = share_spin("test_size")
        self.val_spin = share_spin("val_size")
        self.seed_spin = make_widget(field_of("seed"))
        self.test_rows = named(label("", "hint"), "testRowsLabel", "Test rows")
        self.val_rows = named(label("", "hint"), "valRowsLabel", "Validation rows")
        self.train_rows = named(label("", "hint", wrap=True), "trainRowsLabel", "Training rows")
        form.addRow(label_of(field_of("test_size")), _pair(self.test_spin, self.test_rows))
        form.addRow(label_of(field_of("val_size")), _pair(self.val_spin, self.val_rows))
        form.addRow("", self.train_rows)
        form.addRow(label_of(field_of("seed")), self.seed_spin)
        self.test_file_button = named(QPushButton("Choose…"), "testFileButton", "Choose a test file",
                                      tooltip_of(field_of("test_file")))
        self.test_file_clear = named(QPushButton("Clear"), "testFileClear", "No separate test file")
        self.test_file_label = named(label("none: test rows come from this file", "hint", wrap=True),
                                     "testFileLabel", "Test file")
        row = QHBoxLayout()
        row.addWidget(self.test_file_button)
        row.addWidget(self.test_file_clear)
        holder = QWidget()
        holder.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        form.addRow(label_of(field_of("test_file")), holder)
        form.addRow("", self.test_file_label)
        self.split_column = named(QComboBox(), "splitColumnCombo", label_of(field_of("split_column")),
                                  tooltip_of(field_of("split_column")))
        form.addRow(label_of(field_of("split_column")), self.split_column)
        self.test_file: str | None = None
        self._rows = 0
        for spin in (self.test_spin, self.val_spin, self.seed_spin):
            spin.valueChanged.connect(self._on_value_changed)
        self.split_column.activated.connect(self._on_value_changed)
        self.test_file_button.clicked.connect(self._on_test_file_clicked)
        self.test_file_clear.clicked.connect(self._on_test_file_clear_clicked)
        self.set_columns([])

    @property
    def chosen_split_column(self) -> str | None:
        text = self.split_column.currentText()
        return None if not text or text == NO_SPLIT_COLUMN else text

    def set_columns(self, columns: list[str]) -> None:
        """Offer ``columns`` (those not used as text or label) as the split column; keep the choice."""
        current = self.chosen_split_column
        self.split_column.clear()
        self.split_column.addItems([NO_SPLIT_COLUMN, *columns])
        self.split_column.setCurrentText(current if current in columns else NO_SPLIT_COLUMN)
        self.split_column.setEnabled(bool(columns))
        self._refresh()

    def set_usable_rows(self, rows: int) -> None:
        """The number of rows the split divides (those with a text and a label)."""
        self._rows = rows
        self._refresh()

    def set_test_file(self, path: str | None) -> None:
        self.test_file = path or None
        self._refresh()
        self.changed.emit()

    def _on_test_file_clicked(self) -> None:
        start = str(Path(self.test_file).parent) if self.test_file else ""
        path, _ = QFileDialog.getOpenFileName(self, "Choose a test file", start, TEST_FILE_FILTER)
        if path:
            self.set_test_file(path)

    def _on_test_file_clear_clicked(self) -> None:
        self.set_test_file(None)

    def _on_value_changed(self) -> None:
        self._refresh()
        self.changed.emit()

    def _refresh(self) -> None:
        """Show each share with the rows it makes, and which settings a file or column overrides."""
        by_column, by_file = self.chosen_split_column, self.test_file
        self.test_spin.setEnabled(not by_file and not by_column)
        self.val_spin.setEnabled(not by_column)
        self.test_file_clear.setEnabled(bool(by_file))
        self.test_file_label.setText(f"{Path(by_file).name}: every row of it is a test row" if by_file
                                     else "none: test rows come from this file")
        self.test_file_label.setToolTip(by_file or "")
        if by_column:
            note = f"from column '{by_column}'"
            self.test_rows.setText(note if not by_file else "from the test file")
            self.val_rows.setText(note)
            self.train_rows.setText(f"Rows marked train, validation or test in '{by_column}' go there.")
            return
        rows = self._rows
        test = 0 if by_file else round(rows * self.test_spin.value())
        val = round(rows * self.val_spin.value())
        self.test_rows.setText("from the test file" if by_file else f"≈ {count(test, 'row')}" if rows else "")
        self.val_rows.setText(f"≈ {count(val, 'row')}" if rows else "")
        train = max(0, rows - test - val)
        self.train_rows.setText(f"Training: ≈ {count(train, 'row')} ({fmt.percent(train / rows)})" if rows else "")


def _pair(spin: QWidget, note: QLabel) -> QWidget:
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(spin)
    row.addWidget(note, 1)
    return holder


def usable_rows(report: Any) -> int:
    """Rows with a text and a label (about: a row missing both is counted twice)."""
    left_out = sum(p.count for p in report.problems if p.code in ("missing_text", "missing_label"))
    return max(0, report.loaded.num_rows - left_out)
