"""Test isolation: a modifier key a simulated key press leaves held does not reach the next test.

The two tests run in this order (pytest keeps a file's order); the second failed before the
``keys_released`` fixture, the way test_resume.py failed after test_keyboard_flow.py.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QTableWidget, QWidget


def test_a_shift_tab_leaves_shift_held_until_the_test_ends(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    qtbot.keyClick(widget, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    # Qt's key simulation: the Shift release still carries Shift (what the fixture undoes)
    assert QGuiApplication.keyboardModifiers() == Qt.KeyboardModifier.ShiftModifier


def test_the_next_test_starts_with_no_key_held_and_select_row_selects(qtbot):
    assert QGuiApplication.keyboardModifiers() == Qt.KeyboardModifier.NoModifier
    table = QTableWidget(3, 2)
    qtbot.addWidget(table)
    table.selectRow(1)  # with Shift still held this extended from no anchor: nothing selected
    assert [index.row() for index in table.selectionModel().selectedRows()] == [1]
