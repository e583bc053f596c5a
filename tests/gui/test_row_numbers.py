"""Issue 13 item 13: a row goes by one number on every page, the one a spreadsheet shows (the
header is row 1): the Data page's preview and the Mistakes tab do; so does the Predict page's
file table."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

DATA = Path(__file__).parent.parent / "data"


def _pairs_file(path: Path) -> list[list[str]]:
    """A labelled file of forty rows; its lines (line 0 the header: a spreadsheet's row 1)."""
    with open(DATA / "sentiment_120.csv", newline="", encoding="utf-8") as handle:
        source = list(csv.reader(handle))[1:21]
    lines = [["text", "label"]]
    for text, label, *_ in source:
        lines += [[text, label], [text, "1" if label == "0" else "0"]]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(lines)
    return lines


def test_the_predicted_files_rows_are_numbered_as_a_spreadsheet_shows_them(window, qtbot, tmp_path,
                                                                          engine_run, monkeypatch):
    """The file table counted rows from 1 where the Data page and Mistakes say 2 for the same row."""
    source = tmp_path / "to_predict.csv"
    lines = _pairs_file(source)
    window.state.set_run(str(engine_run("binary")))
    window.show_page("predict")
    page = window.pages["predict"]
    qtbot.waitUntil(page.load_button.isEnabled, timeout=120_000)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(source), ""))
    qtbot.mouseClick(page.load_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(page.save_button.isEnabled, timeout=120_000)
    table = page.batch_table
    assert table.rowCount() == len(lines) - 1
    text_at = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())].index("text")
    for r in (0, 1, table.rowCount() - 1):
        number = int(table.verticalHeaderItem(r).text())
        assert lines[number - 1][0].startswith(table.item(r, text_at).text()), f"row {number}"
    assert "header is row 1" in table.verticalHeaderItem(0).toolTip()
