"""Fit check, metrics, baselines, prediction order, model sources, devices and run listing."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import build_prepared, prepared_for

from tlstudio.core.errors import ModelError, TrainingError


def test_fit_flags_unknown_tokens_and_truncation(tiny_model_dir):
    from tlstudio.core.models.fit import model_fit
    from tlstudio.core.models.loading import load_tokenizer

    tokenizer = load_tokenizer(tiny_model_dir)
    chinese = model_fit(["这家店的外卖很好吃", "送餐太慢了，菜都凉了"] * 10, tokenizer)
    assert chinese.unk_share > 0.5 and "multilingual" in chinese.warnings[0]
    long = model_fit(["the movie was good " * 20] * 10, tokenizer, max_length=16)
    assert long.truncated_share == 1.0 and "cut off" in long.warnings[-1]
    english = model_fit(["the movie was good", "bad food"] * 10, tokenizer)
    assert english.unk_share == 0 and not english.warnings


def test_suggested_max_length_is_p95_rounded_and_capped():
    from tlstudio.core.models.fit import suggest_max_length

    assert suggest_max_length([10] * 95 + [300] * 5, 512) == 16
    assert suggest_max_length(list(range(1, 101)), 512) == 96
    assert suggest_max_length([1000] * 10, 128) == 128


def test_metrics_by_task():
    from tlstudio.core.evaluation.metrics import task_metrics

    probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7]])
    binary = task_metrics("binary", np.array([0, 1, 1, 1]), probs)
    assert binary["accuracy"] == 0.75 and binary["roc_auc"] == 1.0
    multilabel = task_metrics("multilabel", np.array([[1, 0], [0, 1]]), np.array([[0.9, 0.2], [0.6, 0.7]]))
    assert multilabel["hamming_loss"] == 0.25
    regression = task_metrics("regression", np.array([1.0, 2.0, 3.0]), np.array([1.1, 2.1, 2.9]))
    assert regression["pearson"] > 0.99 and regression["mae"] == pytest.approx(0.1)
    assert task_metrics("regression", np.array([1.0, 2.0]), np.array([1.0, 1.0]))["pearson"] is None


def test_baselines_beat_majority_on_sentiment():
    from tlstudio.core.evaluation.baselines import run_baselines

    result = run_baselines(prepared_for("binary", "sentiment_600.csv"))
    assert result["tfidf"]["accuracy"] > result["majority"]["accuracy"] + 0.1
    assert result["tfidf"]["seconds"] < 10


def test_baselines_use_characters_for_text_without_spaces():
    from tlstudio.core.evaluation.baselines import make_vectorizer, run_baselines

    rows = [{"text": t, "label": y, "row": i} for i, (t, y) in
            enumerate([("好吃好吃很好", 1), ("难吃太慢了", 0)] * 20)]
    assert make_vectorizer([r["text"] for r in rows]).analyzer == "char"
    result = run_baselines(build_prepared("binary", rows, ["neg", "pos"]))
    assert result["tfidf"]["accuracy"] == 1.0


METRIC_NAMES = {
    "multiclass": {"accuracy", "f1_macro", "f1_weighted", "precision_macro", "recall_macro"},
    "multilabel": {"f1_micro", "f1_macro", "hamming_loss", "subset_accuracy"},
    "regression": {"mse", "mae", "r2", "pearson", "spearman"},
}


@pytest.mark.parametrize("task", ["multilabel", "regression", "multiclass"])
def test_baselines_for_other_tasks(task):
    """Each baseline scores the task's own metrics; the majority one is what it claims to be."""
    from tlstudio.core.evaluation.baselines import run_baselines

    data = prepared_for(task)
    result = run_baselines(data)
    assert METRIC_NAMES[task] <= result["majority"].keys() & result["tfidf"].keys()
    train = np.array(data.splits["train"]["label"])
    test = np.array(data.splits["test"]["label"])
    majority = result["majority"]
    if task == "multiclass":  # always the commonest training class
        assert majority["accuracy"] == pytest.approx(np.mean(test == np.bincount(train).argmax()), abs=1e-6)
        assert result["tfidf"]["accuracy"] > majority["accuracy"]
    elif task == "regression":  # always the training mean
        assert majority["mse"] == pytest.approx(np.mean((test - train.mean()) ** 2), abs=1e-4)
        assert result["tfidf"]["mse"] < majority["mse"]
    else:  # each label on or off, as in most training rows
        predicted = (train.mean(axis=0) > 0.5).astype(float)
        assert majority["hamming_loss"] == pytest.approx(np.mean(test != predicted), abs=1e-6)
        assert 0 <= result["tfidf"]["f1_micro"] <= 1


def test_predictions_keep_input_order_despite_length_sorting(tiny_config):
    from tlstudio.core.inference.predictor import Predictor
    from tlstudio.core.training import run_training

    run_dir = run_training(tiny_config).run_dir
    predictor = Predictor.load(run_dir)
    texts = ["good", "a very very long and really terrible awful movie with bad food", "bad", "nice phone"]
    batched = predictor.predict_scores(texts, batch_size=2)
    single = np.vstack([predictor.predict_scores([t]) for t in texts])
    np.testing.assert_allclose(batched, single, atol=1e-5)


def test_escape_cell():
    from tlstudio.core.inference.predictor import escape_cell

    assert escape_cell("=SUM(A1)") == "'=SUM(A1)"
    assert escape_cell("@x") == "'@x" and escape_cell("+1+1") == "'+1+1"
    assert escape_cell("-3.5") == "-3.5" and escape_cell("plain") == "plain" and escape_cell(3) == 3


def test_model_sources(tiny_model_dir, tmp_path):
    from tlstudio.core.models.catalog import download_model, list_models, resolve_model

    assert resolve_model("default").source == "bundled"
    info = resolve_model(str(tiny_model_dir))
    assert info.source == "folder" and info.num_layers == 2 and info.parameters > 0
    models = list_models([str(tiny_model_dir)])
    assert models[0].source == "bundled" and models[1].path == str(tiny_model_dir)
    with pytest.raises(ModelError, match="does not exist"):
        resolve_model(str(tmp_path / "missing"))
    assert resolve_model("org/model-x").source == "hub"
    with pytest.raises(ModelError, match="bundled"):
        download_model("org/model-x")


def test_custom_code_models_are_refused_unless_trusted(tiny_model_dir, tmp_path):
    import shutil

    from tlstudio.core.models.loading import check_remote_code

    folder = tmp_path / "custom"
    shutil.copytree(tiny_model_dir, folder)
    config = json.loads((folder / "config.json").read_text())
    config["auto_map"] = {"AutoModel": "modeling_evil.EvilModel"}
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelError, match="trust-remote-code"):
        check_remote_code(folder, False)
    check_remote_code(folder, True)


def test_precision_choice(monkeypatch):
    from tlstudio.core.system import device

    monkeypatch.setattr(device, "cpu_has_fast_bf16", lambda: True)
    assert device.choose_precision("auto", "cpu") == "bf16"
    monkeypatch.setattr(device, "cpu_has_fast_bf16", lambda: False)
    assert device.choose_precision("auto", "cpu") == "fp32"
    assert device.choose_precision("fp32", "cpu") == "fp32"
    with pytest.raises(TrainingError, match="CUDA"):
        device.choose_precision("fp16", "cpu")
    assert device.detect_devices()[-1].key == "cpu" and device.torch_build_note()


def test_runs_listing_history_export_and_repeat(tiny_config, tmp_path):
    from tlstudio.cli.engine import config_from_args
    from tlstudio.cli.main import build_parser
    from tlstudio.core.runs.catalog import export_run, list_runs, load_history
    from tlstudio.core.settings.command import repeat_command
    from tlstudio.core.training import run_training

    run_dir = run_training(tiny_config).run_dir
    (run_dir.parent / "broken").mkdir()
    (run_dir.parent / "broken" / "run.json").write_text('{"status": "running"}')
    runs = {r.name: r for r in list_runs(run_dir.parent)}
    assert runs["run"].complete and runs["run"].main_metric == "f1_macro" and not runs["broken"].complete
    history = load_history(run_dir)
    assert {row["kind"] for row in history} == {"train", "eval"} and isinstance(history[0]["loss"], float)
    copy = export_run(run_dir, tmp_path / "export")
    assert (copy / "model.safetensors").is_file() and (copy / "run.json").is_file()
    tiny_config.class_weights, tiny_config.strategy = True, "freeze-1"
    tiny_config.logging_steps = 5  # not a CLI option
    command = repeat_command(tiny_config)
    args = build_parser().parse_args(command.split()[1:])
    again = config_from_args(args)
    assert again.to_dict() == tiny_config.to_dict()


def test_head_dropout_and_regression_head_start(tiny_model_dir):
    from tlstudio.core.models.loading import init_regression_head, load_classifier

    model, new = load_classifier(tiny_model_dir, task="multiclass", label_names=["a", "b", "c"], head_dropout=0.3)
    assert model.config.classifier_dropout == 0.3 and model.config.num_labels == 3
    assert model.config.id2label == {0: "a", 1: "b", 2: "c"} and "classifier.weight" in new
    model, _ = load_classifier(tiny_model_dir, task="regression", label_names=[])
    assert model.config.problem_type == "regression" and init_regression_head(model, 2.5)
    assert model.classifier.bias.item() == 2.5


def test_a_running_run_whose_process_died_reads_interrupted(tmp_path):
    import os
    import socket
    import subprocess
    import sys

    from tlstudio.core.runs.catalog import list_runs

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    cases = {
        "alive": {"pid": os.getpid(), "host": socket.gethostname()},
        "dead": {"pid": int(dead.stdout), "host": socket.gethostname()},
        "elsewhere": {"pid": int(dead.stdout), "host": "another-machine"},  # can't tell: trust it
    }
    for name, where in cases.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "run.json").write_text(json.dumps(
            {"name": name, "status": "running", "created": name, **where}))
    status = {run.name: run.status for run in list_runs(tmp_path)}
    assert status == {"alive": "running", "dead": "interrupted", "elsewhere": "running"}


def test_resume_refuses_a_run_whose_process_is_still_alive(tmp_path):
    import socket
    import subprocess
    import sys

    from tlstudio.core.errors import RunFolderError
    from tlstudio.core.runs.store import check_target

    run = tmp_path / "run"
    (run / "checkpoints" / "checkpoint-6").mkdir(parents=True)
    (run / "checkpoints" / "checkpoint-6" / "trainer_state.json").write_text("{}")
    (run / "run_config.json").write_text("{}")
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (run / "run.json").write_text(json.dumps(
            {"status": "running", "pid": other.pid, "host": socket.gethostname()}))
        with pytest.raises(RunFolderError, match=f"still running \\(process {other.pid}\\)"):
            check_target(run, resume=True)
    finally:
        other.kill()
        other.wait()
    check_target(run, resume=True)  # once that process is gone, the run can be resumed


def test_the_model_card_formats_each_setting_by_what_it_is():
    from tlstudio.core.runs.modelcard import render_model_card
    from tlstudio.core.settings.config import RunConfig

    config = RunConfig(learning_rate=5e-5, warmup_ratio=0.1, epochs=3.0, batch_size=16, max_length=128,
                       early_stopping_patience=None, head_dropout=0.25)
    card = render_model_card(config, {"task": "binary", "label_columns": ["label"]},
                             {"model": {"accuracy": 0.91234}}, {})
    for row in ("| Learning rate | 5e-5 |", "| Warm-up share | 0.1 |", "| Epochs | 3 |",
                "| Batch size | 16 |", "| Max length (tokens) | 128 |", "| Early-stopping patience | never |",
                "| Head dropout | 0.25 |", "| Weight decay | 0.01 |", "| accuracy | 0.9123 |"):
        assert row in card, row
    assert "0.0001" not in card


def test_the_model_card_gives_each_baseline_its_interval_and_p_value_even_when_the_sentence_has_none():
    import numpy as np

    from tlstudio.core.evaluation.verdict import build_verdict
    from tlstudio.core.runs.modelcard import render_model_card
    from tlstudio.core.settings.config import RunConfig

    y = np.array([0, 1, 1] * 20)
    constant = np.tile([0.3, 0.7], (60, 1))
    tfidf = np.eye(2)[y] * 0.8 + 0.1
    verdict = build_verdict("binary", y, constant, {"majority": constant, "tfidf": tfidf}, label_names=["neg", "pos"])
    assert verdict["kind"] == "nothing" and "p = " not in verdict["text"]  # "it learned nothing" names no test
    card = render_model_card(RunConfig(), {"task": "binary", "label_columns": ["label"]},
                             {"model": {"f1_macro": 0.4}}, {"verdict": verdict})
    tfidf_line = next(line for line in card.splitlines() if line.startswith("- TF-IDF + logistic regression: "))
    assert "1.0000 (95% interval 1.0000 to 1.0000)" in tfidf_line and "p < 0.001, McNemar" in tfidf_line
    assert "- always answering 'pos': 0.4000" in card and "p = 1, McNemar (no rows differ)" in card
