"""The Model page's "Work offline" switch, and model folders with broken files."""

from __future__ import annotations

import shutil

import pytest
from gui_helpers import load_data
from PySide6.QtWidgets import QCheckBox

from tlstudio.core.models.catalog import OFFLINE_VARS, hub_offline, set_offline
from tlstudio.gui import settings


@pytest.fixture
def online(monkeypatch):
    """Start with offline mode off; whatever ``set_offline`` writes is undone afterwards.

    tests/conftest.py turns offline mode on for the whole session, and ``set_offline`` writes
    ``os.environ`` directly: each variable is set through monkeypatch first so that its
    original value (or its absence) comes back at teardown.
    """
    import huggingface_hub.constants as constants

    for var in OFFLINE_VARS:
        monkeypatch.setenv(var, "0")
        monkeypatch.delenv(var)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", constants.HF_HUB_OFFLINE)
    assert not hub_offline()




@pytest.fixture
def online_window(online, window):
    """The window, built after offline mode was switched off (so its box starts unticked)."""
    return window


def _model_page(qtbot, win, csv):
    load_data(qtbot, win, csv)
    win.show_page("model")
    page = win.pages["model"]
    qtbot.waitUntil(lambda: win.state.model is not None, timeout=120_000)
    return page


def test_work_offline_refuses_downloads_without_a_connection_and_is_remembered(
        online_window, no_network, qtbot, sentiment_csv):
    window = online_window
    page = _model_page(qtbot, window, sentiment_csv)
    check = window.findChild(QCheckBox, "offlineCheck")
    assert check is page.offline_check and check.accessibleName()
    assert not check.isChecked()
    assert page.download_button.isEnabled() and page.hub_edit.isEnabled()

    check.click()
    assert hub_offline() and settings.offline_mode()
    assert not page.download_button.isEnabled() and not page.hub_edit.isEnabled()
    assert page.hub_status.text() == ("Offline: downloads are off. The bundled model, local "
                                      "folders and cached models still work.")
    # The button is off; the slot behind it is still refused by the core, before any socket.
    page.hub_edit.setText("distilbert-base-uncased")
    page._on_download_clicked()
    qtbot.waitUntil(lambda: not page.download_progress.isVisible(), timeout=120_000)
    assert "offline mode is on" in page.hub_status.text()
    assert "bundled" in page.hub_status.text()
    assert not page.download_button.isEnabled()
    assert no_network.attempts == []

    # A new window (same TLSTUDIO_HOME) in a process that starts online takes the stored choice.
    set_offline(False)
    from tlstudio.gui import MainWindow

    second = MainWindow()
    qtbot.addWidget(second)
    try:
        again = second.pages["model"]
        assert again.offline_check.isChecked() and hub_offline()
        assert not again.download_button.isEnabled()
        again.offline_check.click()
        assert not hub_offline() and not settings.offline_mode()
        assert again.download_button.isEnabled() and again.hub_edit.isEnabled()
        assert "offline" not in again.hub_status.text().lower()
    finally:
        second.host.shutdown()
    assert no_network.attempts == []


def test_offline_from_the_environment_shows_ticked_without_being_stored(window):
    # tests/conftest.py sets HF_HUB_OFFLINE=1, as a user may before launching.
    page = window.pages["model"]
    assert hub_offline()
    assert page.offline_check.isChecked()
    assert not page.download_button.isEnabled()
    assert page.hub_status.text().startswith("Offline: downloads are off.")
    assert not settings.offline_mode()


def test_tlstudio_offline_flag_reaches_run_app(online, monkeypatch):
    from tlstudio.cli import main as cli
    from tlstudio.gui import app

    calls = []
    monkeypatch.setattr(app, "run_app", lambda **kwargs: calls.append(kwargs) or 0)
    assert cli.main(["--offline"]) == 0
    assert calls == [{"file": None, "demo": False, "offline": True}]
    assert hub_offline()
    set_offline(False)
    assert cli.main(["--demo"]) == 0
    assert calls[-1]["offline"] is False and not hub_offline()


def _broken_copy(source, target, how):
    shutil.copytree(source, target)
    weights = target / "model.safetensors"
    if how == "truncated":
        data = weights.read_bytes()
        weights.write_bytes(data[: len(data) // 2])
    else:
        weights.unlink()
    return target


def test_broken_model_folders_are_listed_but_never_chosen(
        window, qtbot, sentiment_csv, tiny_model_dir, tmp_path):
    page = _model_page(qtbot, window, sentiment_csv)
    assert window.state.model.source == "bundled"
    for how in ("truncated", "deleted"):
        broken = _broken_copy(tiny_model_dir, tmp_path / f"{how}_bert", how)
        page.banner.hide()
        page.add_folder(str(broken))
        qtbot.waitUntil(lambda b=broken: page.banner.isVisible()
                        and b.name in page.model_list.currentItem().text(), timeout=120_000)
        item = page.model_list.currentItem()
        assert "Can't be used" in item.text()
        assert not item.icon().isNull()
        assert "model.safetensors" in page.banner.message.text()
        assert "Still using" in page.banner.message.text()
        assert page.description.text().startswith("Can't be used")
        # Not chosen: the bundled model stays, and training would use it.
        assert window.state.model.source == "bundled"
        assert window.state.base_config().model == "default"
        assert page.next_button.isEnabled()
    # Picking a good model again clears the message.
    page.model_list.setCurrentRow(0)
    assert not page.banner.isVisible()
    assert window.state.model.source == "bundled"

    # A chosen folder whose weights break later is un-chosen when the list is refreshed.
    fine = tmp_path / "was_fine"
    shutil.copytree(tiny_model_dir, fine)
    page.add_folder(str(fine))  # a folder just added is selected once listed
    qtbot.waitUntil(lambda: window.state.model.path == str(fine), timeout=120_000)
    weights = fine / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:100])
    page.refresh()
    qtbot.waitUntil(lambda: window.state.model is None, timeout=120_000)
    assert page.banner.isVisible() and "Pick another model" in page.banner.message.text()
    assert not page.next_button.isEnabled()
    window.show_page("train")
    assert window.current_page() == "model"  # the Train step waits for a usable model


def test_a_folder_without_config_json_is_an_inline_error(
        window, qtbot, sentiment_csv, tiny_model_dir, tmp_path):
    page = _model_page(qtbot, window, sentiment_csv)
    rows = page.model_list.count()
    not_a_model = tmp_path / "weights_only"
    shutil.copytree(tiny_model_dir, not_a_model)
    (not_a_model / "config.json").unlink()
    page.add_folder(str(not_a_model))
    assert page.banner.isVisible()
    text = page.banner.message.text()
    assert "not a model folder" in text and "config.json" in text
    assert str(not_a_model) not in (settings.last_choice("model_folders", []) or [])
    assert page.model_list.count() == rows
    assert window.state.model.source == "bundled"


def test_allowing_a_models_own_code_needs_a_confirmation(window, qtbot, tiny_model_dir, tmp_path):
    import json
    import shutil

    folder = tmp_path / "custom_code_bert"
    shutil.copytree(tiny_model_dir, folder)
    config = json.loads((folder / "config.json").read_text())
    config["auto_map"] = {"AutoModelForSequenceClassification": "modeling_x.Model"}
    (folder / "config.json").write_text(json.dumps(config))
    page = window.pages["model"]
    window.show_page("model")
    page.add_folder(str(folder))
    qtbot.waitUntil(lambda: any("custom_code_bert" in page.model_list.item(i).text()
                                for i in range(page.model_list.count())), timeout=60_000)
    row = next(i for i in range(page.model_list.count())
               if "custom_code_bert" in page.model_list.item(i).text())
    page.model_list.setCurrentRow(row)
    assert "ships its own Python code" in page.description.text()

    settings = window.pages["train"].settings
    check = settings.trust_remote_code
    assert check.objectName() == "trustRemoteCodeCheck" and check.accessibleName()
    asked: list[bool] = []
    settings.confirm_remote_code = lambda: asked.append(True) or False  # the user says Cancel
    check.setChecked(True)
    assert asked == [True] and not check.isChecked()
    from tlstudio.core.settings.config import RunConfig

    assert settings.fill_config(RunConfig()).trust_remote_code is False
    settings.confirm_remote_code = lambda: asked.append(True) or True  # the user says Yes
    check.setChecked(True)
    assert check.isChecked() and settings.fill_config(RunConfig()).trust_remote_code is True
    check.setChecked(False)  # unticking needs no confirmation
    assert len(asked) == 2 and settings.fill_config(RunConfig()).trust_remote_code is False
