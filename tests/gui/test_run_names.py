"""Issue 13 (polish, second round): a run goes by one name on the Runs page: the comparison's
legend, scores and settings used the folder's name where the table showed the run's own."""

from __future__ import annotations

import shutil

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from run_fixtures import paired_predictions, write_run


def _plain(html: str) -> str:
    document = QTextDocument()
    document.setHtml(html)
    return document.toPlainText().replace("\xa0", " ")


def test_the_comparison_names_runs_as_the_table_does(window, qtbot):
    from tlstudio.core.system.paths import runs_dir

    root = runs_dir()
    true, a, b = paired_predictions(25, 10, 2, 3)
    first = write_run(root / "20261130-100000-reviews-MiniLM-L6", true, a, losses=[0.9, 0.7, 0.5])
    moved = shutil.move(str(first), str(root / "copy of first"))  # a person moved the folder: its
    second = write_run(root / "20261130-110000-reviews-MiniLM-L6", true, b,  # own name stays
                       created="2026-11-30T11:00:00", losses=[0.8, 0.7, 0.6])
    window.show_page("runs")
    page = window.pages["runs"]
    table = page.runs_list
    qtbot.waitUntil(lambda: table.rowCount() == 2, timeout=60_000)
    row = table.row_of(str(second))
    table.selectRow(row)
    qtbot.mouseClick(page.rename_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.focusWidget() is not table, timeout=5_000)
    editor = window.focusWidget()
    editor.selectAll()
    qtbot.keyClicks(editor, "lr 1e-3")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.item(table.row_of(str(second)), 0).text() == "lr 1e-3", timeout=5_000)
    table.selectAll()
    qtbot.waitUntil(lambda: page.compare.scores.rowCount() == 2, timeout=60_000)
    names = {table.run_dir(r): table.item(r, 0).text() for r in range(table.rowCount())}
    assert names[str(moved)] == "20261130-100000-reviews-MiniLM-L6" and names[str(second)] == "lr 1e-3"
    legend = _plain(page.compare.legend.text())
    for name in names.values():
        assert name in legend
    assert "copy of first" not in legend
    assert {page.compare.scores.item(r, 0).text() for r in range(2)} == set(names.values())
    headers = {page.compare.settings.horizontalHeaderItem(c).text()
               for c in range(1, page.compare.settings.columnCount())}
    assert len(headers) == 2
    for name in names.values():  # a long name is cut short there (the full one is in the table)
        assert any(h == name or (h.endswith("…") and name.startswith(h[:-1])) for h in headers), headers
