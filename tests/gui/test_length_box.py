"""The Train page's max-length box takes "auto" typed (any case, spaces), and says what it takes
when an entry can't be used (typed "auto" used to be undone without a word)."""

from __future__ import annotations

from gui_helpers import load_data
from PySide6.QtCore import Qt


def _open_train_page(window, qtbot) -> None:
    window.show_page("model")  # the bundled model, listed first, is chosen
    qtbot.waitUntil(lambda: window.state.model is not None, timeout=120_000)
    qtbot.waitUntil(lambda: window.state.auto_max_length is not None, timeout=60_000)
    window.show_page("train")
    assert window.pages["train"].settings.isVisible()


def _type(qtbot, spin, text: str) -> None:
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin, text)
    qtbot.keyClick(spin, Qt.Key.Key_Return)


def test_typing_auto_in_the_max_length_box_means_auto(window, qtbot, sentiment_csv):
    state, settings = window.state, window.pages["train"].settings
    load_data(qtbot, window, sentiment_csv)
    _open_train_page(window, qtbot)
    spin = settings.max_length
    auto_times = settings.preset_times.text()
    _type(qtbot, spin, "256")
    assert settings.value_of("max_length") == 256 and settings.preset_times.text() != auto_times
    for typed in ("auto", "  AUTO ", "Auto"):
        _type(qtbot, spin, "256")
        _type(qtbot, spin, typed)
        assert settings.value_of("max_length") is None, typed
        assert spin.text() == f"auto ({state.auto_max_length})"
        assert settings.preset_times.text() == auto_times  # the same as choosing "auto (N)"
    note = window.findChild(type(settings.preset_times), "maxLengthSpinNote")
    assert note is not None and note.isHidden()


def test_an_entry_the_max_length_box_cant_use_is_explained(window, qtbot, sentiment_csv):
    settings = window.pages["train"].settings
    load_data(qtbot, window, sentiment_csv)
    _open_train_page(window, qtbot)
    spin = settings.max_length
    note = window.findChild(type(settings.preset_times), "maxLengthSpinNote")
    _type(qtbot, spin, "64")
    for typed in ("abc", "99999", "auto please"):
        _type(qtbot, spin, typed)
        assert note.isVisible(), typed
        assert note.text() == (f"Max length (tokens): “{typed}” can't be used. Type a number from 8 to 8192, "
                               "or “auto”.")
        assert settings.value_of("max_length") == 64  # the last good value stays
    _type(qtbot, spin, "96")
    assert note.isHidden() and settings.value_of("max_length") == 96
