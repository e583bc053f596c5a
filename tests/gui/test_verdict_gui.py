"""Issue 11 in the window: the Evaluate page shows a real run's verdict and its one-click fix."""

from __future__ import annotations

import csv

import pytest


@pytest.fixture(scope="module")
def useless_run(tiny_model_dir, tmp_path_factory):
    """A run on texts that carry no information, with a rare class: learned nothing, class weights off."""
    from tlstudio.core.settings.config import RunConfig
    from tlstudio.core.training import run_training

    folder = tmp_path_factory.mktemp("useless_gui")
    data = folder / "same_text.csv"
    with open(data, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        for i in range(90):
            writer.writerow(["the very same words on every row", "rare" if i % 6 == 0 else "common"])
    config = RunConfig(data_path=str(data), model=str(tiny_model_dir), epochs=1, batch_size=16,
                       learning_rate=1e-3, max_length=16, precision="fp32", output_dir=str(folder / "run"))
    return run_training(config).run_dir


def test_evaluate_page_shows_the_verdict_and_class_weights_is_one_click(ready_window, qtbot, useless_run):
    window = ready_window
    train = window.pages["train"]
    assert not train.settings.value_of("class_weights")
    window.state.set_run(str(useless_run))
    window.show_page("evaluate")
    page = window.pages["evaluate"]
    qtbot.waitUntil(lambda: "learned nothing" in page.verdict.sentence.text(), timeout=60_000)
    assert page.verdict.isVisible()
    scores = page.verdict.scores.text()
    assert scores.startswith("Your model: macro F1") and "95 % interval" in scores
    assert "Always answering 'common'" in scores and "p = " in scores
    assert "Turn on class weights" in page.verdict.advice.text()
    button = page.verdict.button("class_weights")
    assert button is not None and button.text() == "Use class weights"
    button.click()
    assert window.current_page() == "train"
    assert train.settings.value_of("class_weights") is True


def test_one_class_data_turns_start_and_next_off_and_says_why(ready_window, qtbot, data_dir, tmp_path):
    import shutil

    from gui_helpers import load_data

    window = ready_window
    data, train = window.pages["data"], window.pages["train"]
    assert train.start_button.isEnabled() and data.next_button.isEnabled()  # the good file first
    one_class = tmp_path / "one_class.csv"
    shutil.copy(data_dir / "bad" / "one_class.csv", one_class)
    window.show_page("data")
    load_data(qtbot, window, one_class)
    qtbot.waitUntil(lambda: not data.next_button.isEnabled(), timeout=60_000)
    assert "same label" in data.blocked_note.text() and data.blocked_note.isVisible()
    assert not train.start_button.isEnabled()
    assert "same label" in train.blocked_note.text() and "Data page" in train.blocked_note.text()
    train.start()  # the shortcut path: still refused, nothing launched
    from tlstudio.gui.workers import running_threads

    assert not train.running and "TrainWorker" not in [t.objectName() for t in running_threads()]

    load_data(qtbot, window, _copy_good(data_dir, tmp_path))
    qtbot.waitUntil(lambda: data.next_button.isEnabled(), timeout=60_000)
    assert train.start_button.isEnabled() and not train.blocked_note.isVisible()


def _copy_good(data_dir, tmp_path):
    import shutil

    good = tmp_path / "good.csv"
    shutil.copy(data_dir / "sentiment_120.csv", good)
    return good
