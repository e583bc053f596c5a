"""Page behaviour that needs no training: models, devices, help, problems, settings."""

from __future__ import annotations

from gui_helpers import drop_file
from PySide6.QtCore import Qt

from tlstudio.gui import settings


def test_demo_button_on_the_welcome_page_loads_the_demo(window, qtbot):
    welcome = window.pages["welcome"]
    qtbot.mouseClick(welcome.findChild(type(window.pages["data"].open_button),
                                       "welcomeDemoButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.state.has_data, timeout=120_000)
    data = window.pages["data"]
    assert data.model.rowCount() == 3000
    assert window.current_page() == "data"
    assert data.label_plot.getPlotItem().listDataItems() or data.label_plot.getPlotItem().items
    assert settings.recent_files()[0].endswith("uci_sentiment_sentences.csv")
    # the next step is now Model, and it is enabled
    assert window._next_step() == "model"
    window.show_page("model")
    assert window.current_page() == "model"


def test_model_page_lists_the_bundled_model_first(window, qtbot, sentiment_csv):
    drop_file(qtbot, window, sentiment_csv)
    qtbot.waitUntil(lambda: window.state.has_data, timeout=120_000)
    window.show_page("model")
    page = window.pages["model"]
    qtbot.waitUntil(lambda: page.model_list.count() >= 1, timeout=120_000)
    assert "bundled" in page.model_list.item(0).text()
    assert window.state.model is not None and window.state.model.source == "bundled"
    assert page.fact_labels["Parameters"].text().endswith("million")


def test_downloading_offline_says_so_plainly(window, qtbot, sentiment_csv):
    drop_file(qtbot, window, sentiment_csv)
    qtbot.waitUntil(lambda: window.state.has_data, timeout=120_000)
    window.show_page("model")
    page = window.pages["model"]
    # The test session runs offline (HF_HUB_OFFLINE=1): the page says so before anyone tries.
    assert page.offline_check.isChecked()
    assert not page.download_button.isEnabled() and not page.hub_edit.isEnabled()
    assert "offline" in page.hub_status.text().lower()
    assert "bundled" in page.hub_status.text().lower()


def test_a_folder_that_is_not_a_model_is_refused_inline(window, qtbot, tmp_path, sentiment_csv):
    drop_file(qtbot, window, sentiment_csv)
    qtbot.waitUntil(lambda: window.state.has_data, timeout=120_000)
    window.show_page("model")
    page = window.pages["model"]
    page.add_folder(str(tmp_path))
    assert page.banner.isVisible()
    assert "not a model folder" in page.banner.message.text()


def test_changing_the_label_column_reinspects(window, qtbot, sentiment_csv):
    drop_file(qtbot, window, sentiment_csv)
    qtbot.waitUntil(lambda: window.state.has_data, timeout=120_000)
    data = window.pages["data"]
    first = window.state.inspection
    data.label_combo.setCurrentText("source")
    data.label_combo.activated.emit(data.label_combo.currentIndex())
    qtbot.waitUntil(lambda: window.state.inspection is not first, timeout=120_000)
    assert window.state.report.roles.label_column == "source"
    assert data.task_combo.currentText() == "multiclass"
    names = [name for name, _ in window.state.inspection.label_counts]
    assert set(names) == {"amazon", "imdb", "yelp"}


def _load_messy_file(window, qtbot, tmp_path):
    """A file with an empty text and a repeated row dropped on the window; its Data page."""
    path = tmp_path / "messy.csv"
    rows = ["text,label"] + [f"good thing number {i},pos" for i in range(30)] + [
        f"bad thing number {i},neg" for i in range(30)] + [",pos", "good thing number 1,pos"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    drop_file(qtbot, window, path)
    qtbot.waitUntil(lambda: window.state.has_data, timeout=120_000)
    return window.pages["data"]


def test_problems_are_listed_and_clicking_one_selects_its_rows(window, qtbot, tmp_path):
    data = _load_messy_file(window, qtbot, tmp_path)
    assert data.problems.count() >= 1
    item = next(data.problems.item(i) for i in range(data.problems.count())
                if data.problems.item(i).data(Qt.ItemDataRole.UserRole))
    rows = item.data(Qt.ItemDataRole.UserRole)
    data.problems.itemClicked.emit(item)
    assert data.preview.currentIndex().row() == rows[0]


def test_a_problem_clicked_with_shift_or_ctrl_held_selects_its_own_row_only(window, qtbot, tmp_path):
    """Clicking a problem selects its first row in the preview, whatever keys are held: a
    Shift-click extended the preview's selection from the previous problem's row (a block of
    unrelated rows), a Ctrl-click on the same row unselected it."""
    data = _load_messy_file(window, qtbot, tmp_path)
    listed = [data.problems.item(i) for i in range(data.problems.count())
              if data.problems.item(i).data(Qt.ItemDataRole.UserRole)]
    assert len(listed) >= 2  # the empty text and the duplicate: two problems with rows

    def click(item, modifier=Qt.KeyboardModifier.NoModifier) -> list[int]:
        data.problems.scrollToItem(item)
        qtbot.mouseClick(data.problems.viewport(), Qt.MouseButton.LeftButton, modifier,
                         data.problems.visualItemRect(item).center())
        return sorted(i.row() for i in data.preview.selectionModel().selectedRows())

    first, second = (item.data(Qt.ItemDataRole.UserRole)[0] for item in listed[:2])
    assert click(listed[0]) == [first]
    assert click(listed[1], Qt.KeyboardModifier.ShiftModifier) == [second]
    assert click(listed[1], Qt.KeyboardModifier.ControlModifier) == [second]
    assert data.preview.currentIndex().row() == second


def test_device_picker_shows_what_was_detected(window, qtbot, sentiment_csv, tiny_model_dir):
    drop_file(qtbot, window, sentiment_csv)
    qtbot.waitUntil(lambda: window.state.has_data, timeout=120_000)
    window.show_page("model")
    qtbot.waitUntil(lambda: window.state.model is not None, timeout=120_000)
    window.show_page("train")
    combo = window.pages["train"].settings.device
    qtbot.waitUntil(lambda: combo.count() >= 2, timeout=120_000)
    keys = [combo.itemData(i) for i in range(combo.count())]
    assert keys[0] == "auto" and "cpu" in keys


def test_presets_fill_the_knobs(window):
    train = window.pages["train"]
    train.settings.apply_preset("Thorough")
    assert train.settings.epochs.value() == 6
    train.settings.epochs.setValue(2)
    assert train.settings.preset.currentText() == "Custom"
    config = train.settings.fill_config(window.state.base_config())
    assert config.epochs == 2 and config.max_length is None
    config.validate()


def test_a_bad_setting_typed_in_is_refused(window, qtbot):
    """Typing a value out of range: the box keeps its last valid value (and says so by it)."""
    panel = window.pages["train"].settings
    before = (panel.epochs.value(), panel.batch_size.value(), panel.max_length.value())
    for spin, typed in ((panel.epochs, "0"), (panel.batch_size, "0"), (panel.max_length, "4")):
        spin.selectAll()
        qtbot.keyClicks(spin, typed)
        spin.interpretText()
    assert (panel.epochs.value(), panel.batch_size.value(), panel.max_length.value()) == before
    config = panel.fill_config(window.state.base_config())
    assert (config.epochs, config.batch_size) == before[:2]
    assert config.max_length is None  # 4 tokens is below the engine's 8: refused, "auto" stays
    config.validate()


def test_start_refuses_an_invalid_configuration_inline(window, qtbot, sentiment_csv):
    from tlstudio.gui.workers import running_threads

    drop_file(qtbot, window, sentiment_csv)
    qtbot.waitUntil(lambda: window.state.has_data, timeout=120_000)
    window.state.val_size = 1.0  # no widget offers it: the engine's own check is the last line
    train = window.pages["train"]
    train.start_button.click()
    assert train.banner.isVisibleTo(train)  # the page isn't on screen: no model chosen yet
    assert train.banner.message.text() == ("Invalid setting: validation size must be between "
                                           "0 and 1.")
    assert not train.running and train.start_button.isEnabled()
    assert "TrainWorker" not in [t.objectName() for t in running_threads()]


def test_environment_dialog_lists_versions(window, qtbot):
    from PySide6.QtWidgets import QMessageBox

    window.show_environment()
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "environmentDialog") is not None,
                    timeout=120_000)
    box = window.findChild(QMessageBox, "environmentDialog")
    text = box.text()
    assert "PySide6" in text and "Python" in text
    box.close()


def test_window_geometry_is_remembered(qtbot):
    from tlstudio.gui import MainWindow

    first = MainWindow()
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    first.resize(790, 600)  # not the 1280x820 a first start gets (the test screen is 800x800)
    qtbot.waitUntil(lambda: (first.width(), first.height()) == (790, 600), timeout=10_000)
    first.close()
    second = MainWindow()
    qtbot.addWidget(second)
    assert second.width() == 790 and abs(second.height() - 600) <= 4  # give or take a frame
    second.close()
