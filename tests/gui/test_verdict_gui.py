"""Issue 11 in the window: the Evaluate page shows a real run's verdict and its one-click fix."""

from __future__ import annotations

import csv

import pytest
from gui_helpers import advice_button
from PySide6.QtCore import Qt


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
    assert scores.startswith("Your model: macro F1") and "95% interval" in scores
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


@pytest.fixture(scope="module")
def weak_run(tiny_model_dir, tmp_path_factory, data_dir):
    """A tiny random BERT after one short epoch on sentiment: the embeddings baseline beats it."""
    from tlstudio.core.settings.config import RunConfig
    from tlstudio.core.training import run_training

    out = tmp_path_factory.mktemp("weak_gui") / "run"
    config = RunConfig(data_path=str(data_dir / "sentiment_120.csv"), model=str(tiny_model_dir),
                       output_dir=str(out), epochs=1, max_length=32, precision="fp32",
                       long_texts="truncate")
    return run_training(config).run_dir


def _copy(run, tmp_path):
    import shutil

    target = tmp_path / "run"
    shutil.copytree(run, target)
    return target


def test_train_longer_is_one_click_and_doubles_the_runs_epochs(ready_window, qtbot, useless_run, tmp_path):
    import numpy as np

    from tlstudio.core.evaluation.verdict import build_verdict
    from tlstudio.core.runs.store import RunFolder, RunStatus

    run = _copy(useless_run, tmp_path)
    y = np.array([0, 1] * 20)
    rising = build_verdict("binary", y, np.eye(2)[1 - y], {"majority": np.tile([0.4, 0.6], (40, 1))},
                           label_names=["common", "rare"], context={"validation": [0.50, 0.60, 0.70]})
    assert [a["id"] for a in rising["advice"]][0] == "train_longer"
    RunFolder(run).write_status(RunStatus.COMPLETE, verdict=rising)  # what a run whose score still rose records
    window = ready_window
    page, button = advice_button(qtbot, window, run, "train_longer")
    assert "Train longer: the validation score was still rising" in page.verdict.advice.text()
    assert button.text() == "Train longer"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    train = window.pages["train"]
    assert window.current_page() == "train"
    assert train.settings.value_of("epochs") == pytest.approx(2 * RunFolder(run).config().epochs)
    assert "press Start" in train.status.text()


def test_keep_the_embeddings_baseline_is_one_click_and_the_run_then_ships_it(ready_window, qtbot, weak_run, tmp_path):
    from tlstudio.core.inference.predictor import Predictor
    from tlstudio.core.runs.store import RunFolder

    run = _copy(weak_run, tmp_path)
    window = ready_window
    page, button = advice_button(qtbot, window, run, "keep_embeddings")
    assert "Keep the embeddings baseline as this run's model" in page.verdict.advice.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Kept as this run's model" in page.verdict.scores.text(), timeout=300_000)
    assert page.verdict.sentence.text() and "Kept" not in page.verdict.sentence.text()  # its own line
    assert page.verdict.button("keep_embeddings") is None  # done: no longer offered
    assert window.current_page() == "evaluate"
    assert RunFolder(run).info().verdict["method"]["kept"] is True
    rows = RunFolder(run).predictions()
    assert [p.label for p in Predictor.load(run, device="cpu").predict([r.text for r in rows])] == [
        r.prediction for r in rows]


def test_keep_the_tfidf_baseline_is_one_click_and_predict_explain_export_then_use_it(ready_window, qtbot, weak_run,
                                                                                    tmp_path):
    from tlstudio.core.runs.store import RunFolder, RunStatus

    run = _copy(weak_run, tmp_path)
    folder = RunFolder(run)
    verdict = folder.info().verdict
    offer = {"id": "keep_tfidf", "text": "Keep the TF-IDF baseline as this run's model: it scored 0.80 against "
                                         "0.60; predictions and exports then use it."}
    folder.write_status(RunStatus.COMPLETE, verdict={**verdict, "advice": [offer]})  # as a run TF-IDF beat
    window = ready_window
    page, button = advice_button(qtbot, window, run, "keep_tfidf")
    assert button.text() == "Keep the TF-IDF model"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Kept as this run's model: TF-IDF" in page.verdict.scores.text(), timeout=300_000)
    assert page.verdict.button("keep_tfidf") is None  # done: no longer offered
    assert folder.model_kind() == "tfidf" and not (run / "config.json").exists()

    window.show_page("predict")  # the Predict page labels and explains with the kept model
    predict = window.pages["predict"]
    qtbot.waitUntil(predict.predict_button.isEnabled, timeout=60_000)
    qtbot.keyClicks(predict.input, "a great film but terrible food")
    panel = predict.explain_panel
    qtbot.waitUntil(lambda: panel.shown is not None, timeout=60_000)
    assert panel.shown.method == "tfidf-weights" and "exact share of the TF-IDF model's score" in panel.summary.text()

    window.show_page("evaluate")
    export = page.export_panel
    export.export_to(tmp_path / "onnx", "onnx")
    assert "This run ships a TF-IDF model" in export.result.text() and "--" not in export.result.text()
    assert not (tmp_path / "onnx").exists()
    export.export_to(tmp_path / "folder", "hf")
    qtbot.waitUntil(lambda: "Model saved to" in export.result.text(), timeout=120_000)
    assert "predict.py there labels texts with only numpy installed" in export.result.text()
    assert (tmp_path / "folder" / "tfidf_model.py").is_file() and (tmp_path / "folder" / "EXPORT.md").is_file()
