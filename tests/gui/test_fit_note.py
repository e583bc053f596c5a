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
    assert note.isVisible() and "multilingual model" in note.text()
    # The tests run offline: the note names no model to download, and says where one can come from.
    assert "local folder" in note.text() and "xlm-roberta" not in note.text() and OFFLINE_HINT not in note.text()
    assert "--" not in note.text()  # GUI words: no command-line flags


def test_the_fit_note_appears_and_gives_way_to_a_run_without_moving_the_plots(window, qtbot, tiny_model_dir,
                                                                            sentiment_csv):
    """Issue 13 item 12: the note's appearing resized the three plots below, laid out and painted
    again in one turn (~30 ms); it shows in the room the run's status line keeps. From a run's
    start the run's own warnings say it (the note would say it twice) until it changes; back as
    the run ended, it grew that room as the plots showed the run's curves."""
    from gui_helpers import load_data, pick_model

    load_data(qtbot, window, sentiment_csv)
    pick_model(qtbot, window, tiny_model_dir)
    qtbot.waitUntil(lambda: window.state.token_survey is not None and not window.host.busy, timeout=60_000)
    window.show_page("train")
    train = window.pages["train"]
    note, plot = train.fit_note, train.loss_plot
    qtbot.waitUntil(plot.isVisible, timeout=5_000)
    qtbot.wait(50)
    assert note.isHidden()

    def where() -> tuple:
        return plot.mapTo(window, plot.rect().topLeft()), plot.size()

    before = where()
    train.settings.max_length.setValue(16)
    qtbot.wait(50)
    assert note.isVisible() and "longer than 16 tokens" in note.text()
    assert note.height() >= note.heightForWidth(note.width())  # shown whole
    assert where() == before
    train._set_running(True)  # what Start does (without training a model)
    qtbot.wait(50)
    assert note.isHidden() and where() == before
    train._control = None
    train._set_running(False)  # the run ended: its warnings notice says what the note said
    qtbot.wait(50)
    assert note.isHidden() and where() == before
    train.settings.max_length.setValue(12)  # what the note is about changed: it is back
    qtbot.wait(50)
    assert note.isVisible() and "longer than 12 tokens" in note.text()
    assert where() == before
