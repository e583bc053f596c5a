"""The small-screen check itself: it must see an elided combo box, a button's cut text and a table
title cut short (one of several lines measured alone)."""

from __future__ import annotations

from fit_check import clipped, cut_button_text
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QPushButton, QSizePolicy, QWidget


def _row(qtbot, *widgets: QWidget) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    for widget in widgets:
        layout.addWidget(widget)
    layout.addStretch(1)
    qtbot.addWidget(row)
    row.resize(600, 60)
    row.show()
    qtbot.waitExposed(row)
    return row


def test_sees_a_combo_box_whose_text_is_elided(qtbot):
    """Its size hint asks for 6 characters only, so the layout gives it no more: nothing else
    is too small, yet its text is cut to "Integ…"."""
    combo = QComboBox()
    combo.addItems(["Fast", "Integrated gradients"])
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(6)
    combo.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    fitting = QComboBox()
    fitting.addItems(["Occlusion (fast)", "Integrated gradients"])
    row = _row(qtbot, combo, fitting)
    fitting.setCurrentIndex(1)
    assert combo.width() >= combo.minimumSizeHint().width()
    assert clipped(row) == []  # "Fast" fits in 6 characters
    combo.setCurrentIndex(1)
    found = clipped(row)
    assert len(found) == 1 and "Integrated gradients" in found[0], found


def test_sees_buttons_whose_text_is_cut(qtbot):
    button = QPushButton("Save corrected copy…")
    box = QCheckBox("Weight classes by how rare they are")
    row = _row(qtbot, button, box)
    assert clipped(row) == []
    button.setFixedWidth(60)
    box.setFixedWidth(80)
    qtbot.waitUntil(lambda: (button.width(), box.width()) == (60, 80), timeout=2_000)
    found = clipped(row)
    assert len(found) == 2 and "Save corrected" in found[0] and "Weight classes" in found[1], found
    assert cut_button_text(button) and cut_button_text(box)  # their text, not only their size


def test_measures_a_two_line_table_title_by_its_widest_line(qtbot):
    from PySide6.QtWidgets import QTableWidget

    table = QTableWidget(1, 2)
    table.setHorizontalHeaderLabels(["Score\n(95% interval)", "Status"])
    row = _row(qtbot, table)
    metrics = table.horizontalHeader().fontMetrics()
    widest = metrics.horizontalAdvance("(95% interval)")
    table.setColumnWidth(0, widest + 12)  # its widest line fits; both lines side by side would not
    assert clipped(row) == []
    table.setColumnWidth(0, widest - 12)
    found = clipped(row)
    assert len(found) == 1 and "Score" in found[0], found
