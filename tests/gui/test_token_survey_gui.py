"""One token count per file and model: the Data page's length check, the "auto" max length and
the Train page's fit note all read it (each used to tokenize the file again)."""

from __future__ import annotations

import csv

from gui_helpers import load_data, pick_model
from PySide6.QtCore import Qt


class CountingCounter:
    """The real token counter, wrapped only to count the rows it is given."""

    def __init__(self, real) -> None:
        self.real, self.rows = real, 0
        self.model_max_length = real.model_max_length
        self.unk_token_id, self.all_special_ids = real.unk_token_id, real.all_special_ids

    def __call__(self, texts, pairs=None, **kwargs):
        self.rows += len(texts)
        return self.real(texts, pairs, **kwargs)


def _counting(monkeypatch, folder) -> CountingCounter:
    from tlstudio.core.models import loading
    from tlstudio.core.models.counting import load_counter
    from tlstudio.gui import jobs

    counter = CountingCounter(load_counter(folder))
    monkeypatch.setitem(jobs._COUNTERS, str(folder), counter)
    real_load = loading.load_tokenizer
    loaded: list[str] = []
    monkeypatch.setattr(loading, "load_tokenizer", lambda *a, **k: loaded.append(str(a[0])) or real_load(*a, **k))
    counter.full_loads = loaded  # a transformers tokenizer loaded to count again
    return counter


def test_the_file_is_tokenized_once_for_the_data_page_auto_and_the_train_page(window, qtbot, monkeypatch,
                                                                              sentiment_csv, tiny_model_dir):
    counter = _counting(monkeypatch, tiny_model_dir)
    pick_model(qtbot, window, tiny_model_dir)
    window.show_page("data")
    load_data(qtbot, window, sentiment_csv)
    state = window.state
    qtbot.waitUntil(lambda: state.token_survey is not None, timeout=60_000)
    rows = state.report.loaded.num_rows
    assert "Text lengths counted with the tokenizer of" in window.pages["data"].problems_panel.length_note.text()
    window.show_page("train")
    settings = window.pages["train"].settings
    qtbot.waitUntil(lambda: not window.host.busy, timeout=60_000)
    assert settings.max_length.text() == f"auto ({state.auto_max_length})"
    assert counter.rows == rows == state.token_survey.tokenized_rows  # each row once, not two or three times
    assert counter.full_loads == []  # the fit note loaded no tokenizer of its own
    data_page = window.pages["data"]
    window.show_page("data")
    before = state.token_survey
    data_page.test_spin.setFocus()
    data_page.test_spin.lineEdit().selectAll()
    qtbot.keyClicks(data_page.test_spin, "40")
    qtbot.keyClick(data_page.test_spin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: state.token_survey is not None and state.token_survey is not before, timeout=60_000)
    assert counter.rows == rows  # another split: every row was counted already


def test_the_fit_note_warns_at_the_max_length_typed_on_the_train_page(window, qtbot, tmp_path, tiny_model_dir):
    data = tmp_path / "reviews.csv"
    with open(data, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        for i in range(60):
            writer.writerow([f"the film was {'good' if i % 2 else 'bad'} and the music was fine {i}",
                             "pos" if i % 2 else "neg"])
    pick_model(qtbot, window, tiny_model_dir)
    load_data(qtbot, window, data)
    qtbot.waitUntil(lambda: window.state.token_survey is not None, timeout=60_000)
    window.show_page("train")
    page = window.pages["train"]
    note, spin = page.fit_note, page.settings.max_length
    assert note.isHidden()  # at "auto" the length covers 95 % of the rows
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin, "16")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert note.isVisible() and "100% of rows are longer than 16 tokens and will be cut off" in note.text()
