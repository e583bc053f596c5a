"""Issue 13 item 18: coded labels (0/1) get names on the Data page, from classes.txt or typed."""

from __future__ import annotations

from gui_helpers import load_data
from PySide6.QtCore import Qt


def _bar_labels(page) -> list[str]:
    ticks = page.label_plot.getPlotItem().getAxis("bottom")._tickLevels  # what the chart shows
    return [text for _, text in ticks[0]]


def _type_name(qtbot, table, row: int, name: str) -> None:
    """Go to the row's name cell, press F2 (edit), replace the text, press Enter."""
    from PySide6.QtWidgets import QApplication

    table.setCurrentCell(row, 1)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not table, timeout=5_000)
    editor = QApplication.focusWidget()
    editor.selectAll()
    qtbot.keyClicks(editor, name)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.item(row, 1).text() == name, timeout=5_000)


def test_classes_txt_beside_the_file_names_the_coded_labels(window, qtbot, sentiment_csv):
    (sentiment_csv.parent / "classes.txt").write_text("negative\npositive\n", encoding="utf-8")
    load_data(qtbot, window, sentiment_csv)
    box = window.pages["data"].class_names_box
    assert box.isVisible()
    assert [box.table.item(r, 0).text() for r in range(2)] == ["0", "1"]
    assert [box.table.item(r, 1).text() for r in range(2)] == ["negative", "positive"]
    assert window.state.base_config().class_names == ["negative", "positive"]
    assert sorted(_bar_labels(window.pages["data"])) == ["negative", "positive"]


def test_typing_names_for_0_and_1_carries_them_into_the_run(window, qtbot, sentiment_csv):
    load_data(qtbot, window, sentiment_csv)
    page = window.pages["data"]
    box = page.class_names_box
    assert box.isVisible() and window.state.base_config().class_names is None
    table = box.table
    table.setFocus()
    for row, name in ((0, "bad"), (1, "good")):
        _type_name(qtbot, table, row, name)
    assert window.state.base_config().class_names == ["bad", "good"]
    assert sorted(_bar_labels(page)) == ["bad", "good"]
    # The same name twice can't stand for two classes: said inline, and the labels stay.
    _type_name(qtbot, table, 1, "bad")
    assert box.problem.isVisible() and "names two classes 'bad'" in box.problem.text()
    assert window.state.base_config().class_names is None


def test_word_labels_need_no_names(window, qtbot, tmp_path):
    path = tmp_path / "words.csv"
    rows = ["text,label"] + [f"sentence {i} is here,{'pos' if i % 2 else 'neg'}" for i in range(40)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    load_data(qtbot, window, path)
    assert not window.pages["data"].class_names_box.isVisible()
