"""Label audit tab: planted label flips are listed, reviewed with one key each, saved as a copy."""

from __future__ import annotations

import csv

from gui_helpers import flipped_csv, load_data, pick_model, set_quick
from PySide6.QtCore import Qt

AUDIT_TIMEOUT = 120_000


def _audit(window, qtbot, path):
    load_data(qtbot, window, path)
    window.show_page("insight")
    tab = window.pages["insight"].audit
    tab.model_combo.setCurrentIndex(tab.model_combo.findData(False))  # TF-IDF: seconds
    qtbot.mouseClick(tab.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.table.rowCount() > 0, timeout=AUDIT_TIMEOUT)
    return tab


def _column(tab, name: str) -> list[str]:
    from tlstudio.gui.audit_tab import COLUMNS

    c = COLUMNS.index(name)
    return [tab.table.item(r, c).text() for r in range(tab.table.rowCount())]


def test_planted_flips_are_listed_and_reviewed_with_one_key_each_into_a_new_file(
        window, qtbot, tmp_path):
    source = tmp_path / "reviews.csv"
    flipped = flipped_csv(source)
    before = source.read_bytes()
    tab = _audit(window, qtbot, source)
    rows = [int(r) for r in _column(tab, "Row")]
    assert len(set(rows[: 2 * len(flipped)]) & set(flipped)) >= 0.6 * len(flipped)
    assert "of the given labels" in tab.status.text()
    assert tab.table.isVisible() and not tab.table_area.message.isVisible()  # the empty state gave way
    given, suggested = _column(tab, "Given"), _column(tab, "Suggested")
    assert given[0] != suggested[0]

    table = tab.table
    table.setFocus()
    assert table.currentRow() == 0
    qtbot.keyClick(table, Qt.Key.Key_R)  # relabel row 0 to its suggestion
    assert table.currentRow() == 1
    qtbot.keyClick(table, Qt.Key.Key_X)  # exclude row 1
    qtbot.keyClick(table, Qt.Key.Key_K)  # keep row 2
    assert _column(tab, "Decision")[:3] == [f"relabel → {suggested[0]}", "exclude", "keep"]
    assert tab.progress.text().startswith(f"3 of {len(rows)} reviewed")
    qtbot.mouseClick(tab.exclude_button, Qt.MouseButton.LeftButton)  # row 3, by button
    assert tab.progress.text().startswith(f"4 of {len(rows)} reviewed")

    copy = tmp_path / "reviews-corrected.csv"
    tab.save_copy(str(copy))
    qtbot.waitUntil(lambda: "Saved" in tab.status.text(), timeout=AUDIT_TIMEOUT)
    assert source.read_bytes() == before  # the user's file is never modified
    with open(source, encoding="utf-8") as handle:
        original = list(csv.reader(handle))
    with open(copy, encoding="utf-8") as handle:
        corrected = list(csv.reader(handle))
    assert len(corrected) == len(original) - 2
    texts = {text: label for text, label in corrected[1:]}
    relabelled, excluded = original[rows[0] - 1], [original[rows[i] - 1][0] for i in (1, 3)]
    assert texts[relabelled[0]] == suggested[0] != relabelled[1]
    assert not set(excluded) & set(texts)
    assert texts[original[rows[2] - 1][0]] == original[rows[2] - 1][1]


def test_retrain_opens_the_corrected_copy_and_trains_on_it(window, qtbot, tmp_path,
                                                          tiny_model_dir):
    source = tmp_path / "reviews.csv"
    flipped_csv(source)
    tab = _audit(window, qtbot, source)
    pick_model(qtbot, window, tiny_model_dir)
    set_quick(window, epochs=1.0)
    window.show_page("insight")
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_X)
    copy = tmp_path / "fixed.csv"
    tab.save_copy(str(copy))
    qtbot.waitUntil(lambda: "Saved" in tab.status.text(), timeout=AUDIT_TIMEOUT)
    qtbot.mouseClick(tab.retrain_button, Qt.MouseButton.LeftButton)
    train = window.pages["train"]
    qtbot.waitUntil(lambda: train.running, timeout=AUDIT_TIMEOUT)
    assert window.current_page() == "train"
    assert window.state.data_path == str(copy)
    assert window.state.training_data_path == str(copy)
    assert window.state.report.loaded.num_rows == 199
    train.stop()
    qtbot.waitUntil(lambda: not train.running, timeout=AUDIT_TIMEOUT)


def test_before_a_check_the_tab_says_what_it_does_and_how_to_start(window, qtbot, tmp_path):
    source = tmp_path / "reviews.csv"
    flipped_csv(source)
    load_data(qtbot, window, source)
    window.show_page("insight")
    tab = window.pages["insight"].audit
    qtbot.waitUntil(tab.table_area.isVisible, timeout=5_000)
    assert tab.table_area.is_empty and not tab.table.isVisible()  # no blank table
    message = tab.table_area.message
    assert message.isVisible() and "press Check labels" in message.text()
    assert tab.run_button.text() == "Check labels" and tab.run_button.isEnabled()
