"""Issue 11: the Data page shows the class names' zero-shot score before any training, when they are words."""

from __future__ import annotations

from gui_helpers import load_data


def _write(path, labels):
    rows = ["text,label"] + [f"sentence {i} is here,{labels[i % 2]}" for i in range(60)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_word_labels_show_a_zero_shot_score_and_codes_show_one_once_named(window, qtbot, tmp_path, tiny_model_dir,
                                                                          monkeypatch):
    from tlstudio.gui import data_jobs

    monkeypatch.setattr(data_jobs, "ZERO_SHOT_MODEL", str(tiny_model_dir))  # the bundled model takes longer
    page = window.pages["data"]
    note = page.problems_panel.zero_shot_note
    load_data(qtbot, window, _write(tmp_path / "words.csv", ["negative", "positive"]))
    qtbot.waitUntil(lambda: note.isVisible(), timeout=60_000)
    assert "Before any training" in note.text() and "macro F1" in note.text() and "60 rows" in note.text()

    load_data(qtbot, window, _write(tmp_path / "codes.csv", ["0", "1"]))
    qtbot.waitUntil(lambda: page.class_names_box.isVisible(), timeout=60_000)
    qtbot.waitUntil(lambda: not window.host.busy, timeout=60_000)
    assert not note.isVisible()  # codes say nothing a model could match
    table = page.class_names_box.table
    table.item(0, 1).setText("negative")
    table.item(1, 1).setText("positive")
    qtbot.waitUntil(lambda: note.isVisible(), timeout=60_000)
    assert "macro F1" in note.text()
