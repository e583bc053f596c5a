"""The GUI's settings come from the RunConfig schema: same defaults, every setting, no drift."""

from __future__ import annotations

import csv

from gui_helpers import drop_file
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from tlstudio.core.settings.command import repeat_command
from tlstudio.core.settings.config import RunConfig
from tlstudio.core.settings.schema import default_of, settings_fields
from tlstudio.gui.train_settings import TrainSettings


def test_every_training_setting_has_its_widget_and_the_schema_default(qtbot):
    panel = TrainSettings()
    qtbot.addWidget(panel)
    for f in settings_fields("basic", "advanced"):
        widget = panel.findChild(QWidget, f.metadata["widget"])
        assert widget is not None, f.name
        assert widget.toolTip() and "--" not in widget.toolTip(), f.name  # GUI words, no flags
    assert panel.fill_config(RunConfig()) == RunConfig()  # e.g. logging every 5 steps, as the CLI


def test_every_training_setting_survives_the_widgets(qtbot):
    panel = TrainSettings()
    qtbot.addWidget(panel)
    changed = RunConfig(
        epochs=7.5, batch_size=8, learning_rate=2e-5, max_length=128, optimizer="sgd",
        scheduler="cosine", warmup_ratio=0.2, weight_decay=0.05, grad_accumulation=4,
        class_weights=True, early_stopping_patience=None, strategy="freeze-3", head_dropout=0.3,
        device="cpu", precision="fp32", logging_steps=1, evals_per_epoch=3, keep_checkpoints=True,
        trust_remote_code=True, lora_rank=4, lora_alpha=8, lora_targets="query,key",
        long_texts="chunks-max")
    panel.device.addItem("CPU", "cpu")  # detected devices are added at run time
    fields = settings_fields("basic", "advanced")
    assert all(getattr(changed, f.name) != default_of(f) for f in fields)
    for f in fields:
        panel.set_value(f.name, getattr(changed, f.name))
    assert panel.fill_config(RunConfig()) == changed


def _multi_label_csv(tmp_path, data_dir):
    path = tmp_path / "comments.csv"
    with open(data_dir / "sentiment_120.csv", encoding="utf-8") as source, \
            open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["comment", "toxic", "insult", "obscene"])
        for i, row in enumerate(csv.DictReader(source)):
            writer.writerow([row["text"], row["label"], int(row["source"] == "imdb"), i % 2])
    return path


def test_header_choice_and_several_label_columns_reach_the_run_config(window, qtbot, tmp_path,
                                                                       data_dir):
    drop_file(qtbot, window, _multi_label_csv(tmp_path, data_dir))
    qtbot.waitUntil(lambda: window.state.has_data, timeout=120_000)
    data = window.pages["data"]
    assert window.state.report.roles.label_columns == ["toxic", "insult", "obscene"]
    assert not data.label_list.isHidden() and data.label_list.count() == 3
    first = window.state.inspection
    data.label_list.item(2).setCheckState(Qt.CheckState.Unchecked)
    qtbot.waitUntil(lambda: window.state.inspection is not first, timeout=120_000)
    config = window.state.base_config()
    assert (config.label_columns, config.task) == (["toxic", "insult"], "multilabel")
    assert "--label-column toxic --label-column insult" in repeat_command(config)

    second = window.state.inspection
    data.header_combo.setCurrentIndex(data.header_combo.findData(True))
    data.header_combo.activated.emit(data.header_combo.currentIndex())
    qtbot.waitUntil(lambda: window.state.inspection is not second, timeout=120_000)
    config = window.state.base_config()
    assert config.has_header is True and "--header" in repeat_command(config)
    assert config.label_columns == ["toxic", "insult"]  # the header choice kept both label columns


def test_lora_is_a_strategy_choice_and_its_settings_reach_the_config(qtbot):
    panel = TrainSettings()
    qtbot.addWidget(panel)
    panel.strategy.setCurrentIndex(panel.strategy.findData("lora"))
    rank = panel.findChild(QWidget, "loraRankSpin")
    rank.setValue(16)
    targets = panel.findChild(QWidget, "loraTargetsEdit")
    assert targets.placeholderText() == "by architecture"
    qtbot.keyClicks(targets, "query, value")
    config = panel.fill_config(RunConfig())
    assert (config.strategy, config.lora_rank, config.lora_targets) == ("lora", 16, "query, value")
    long_texts = panel.findChild(QWidget, "longTextsCombo")
    # words, not the CLI value; automatic is the default
    assert long_texts.currentText() == "Automatic (parts when many rows are long, chosen on validation)"
    long_texts.setCurrentIndex(long_texts.findData("truncate"))
    assert long_texts.currentText() == "Cut them: read only the start"
    assert panel.fill_config(RunConfig()).long_texts == "truncate"


def test_the_memory_and_time_estimate_follows_the_chosen_strategy(qtbot, tiny_model_dir):
    from tlstudio.core.models.catalog import resolve_model

    panel = TrainSettings()
    qtbot.addWidget(panel)
    estimate = panel.findChild(QWidget, "strategyEstimate")
    assert estimate.text() == ""  # no model and data yet: nothing to estimate
    panel.set_estimate_inputs(resolve_model(str(tiny_model_dir)), 400, 2, "cpu")
    assert estimate.text().startswith("Estimated for this run: full: ")
    panel.advanced.click()
    panel.strategy.setCurrentIndex(panel.strategy.findData("lora"))
    assert estimate.text().startswith("Estimated for this run: lora: ")
