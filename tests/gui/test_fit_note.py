"""Issue 11: before a run, the Train page says when the model does not know the data's language."""

from __future__ import annotations

import csv


def test_a_language_the_model_does_not_know_is_named_before_the_run(window, qtbot, tmp_path, tiny_model_dir,
                                                                   sentiment_csv):
    from gui_helpers import load_data, pick_model

    from tlstudio.core.models.fit_check import OFFLINE_HINT

    data = tmp_path / "greek.csv"
    with open(data, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        for i in range(40):
            writer.writerow([f"Η ταινία ήταν {'υπέροχη' if i % 2 else 'απαίσια'} αριθμός {i}",
                             "pos" if i % 2 else "neg"])
    load_data(qtbot, window, sentiment_csv)  # English, which the tiny model's vocabulary covers
    pick_model(qtbot, window, tiny_model_dir)
    window.show_page("train")
    note = window.pages["train"].fit_note
    qtbot.waitUntil(lambda: not window.host.busy, timeout=60_000)
    assert note.isHidden() and note.text() == ""
    window.show_page("data")
    load_data(qtbot, window, data)
    qtbot.waitUntil(lambda: window.state.data_path == str(data), timeout=60_000)
    qtbot.waitUntil(lambda: "does not know" in note.text(), timeout=60_000)
    window.show_page("train")
    assert note.isVisible() and "multilingual model" in note.text() and OFFLINE_HINT in note.text()
    assert "--" not in note.text()  # GUI words: no command-line flags
