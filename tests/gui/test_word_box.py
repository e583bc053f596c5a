"""A number box whose lowest value is a word ("auto") never holds a number below the setting's
range: typed, it is explained; stepped, it goes to the word. Max length 1-7 used to be taken and
then quietly run as 8."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tlstudio.gui.spin_words import word_box


@pytest.fixture
def box(qtbot):
    spin = word_box("int", "auto", "Max length (tokens)", 8)
    spin.setSpecialValueText("auto")
    spin.setRange(0, 8192)
    spin.setValue(64)
    qtbot.addWidget(spin)
    spin.show()
    said: list[str] = []
    spin.entry_checked.connect(said.append)
    return spin, said


def _type(qtbot, spin, text: str) -> None:
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin, text)
    qtbot.keyClick(spin, Qt.Key.Key_Return)


@pytest.mark.parametrize("typed", ["1", "5", "7"])
def test_a_number_below_the_range_is_explained_not_taken(box, qtbot, typed):
    spin, said = box
    _type(qtbot, spin, typed)
    assert spin.value() == 64  # the last good value stays
    assert said[-1] == (f"Max length (tokens): “{typed}” can't be used. Type a number from 8 to 8192, "
                        "or “auto”.")


def test_the_lowest_number_and_the_word_are_taken(box, qtbot):
    spin, said = box
    _type(qtbot, spin, "8")
    assert spin.value() == 8 and said[-1] == ""
    _type(qtbot, spin, "auto")
    assert spin.value() == spin.minimum() and spin.text() == "auto"


def test_stepping_goes_between_the_word_and_the_lowest_number(box, qtbot):
    spin, _ = box
    spin.setValue(8)
    spin.stepDown()
    assert spin.value() == spin.minimum()  # "auto", not 7
    spin.stepUp()
    assert spin.value() == 8  # not 1
    spin.stepUp()
    assert spin.value() == 9
