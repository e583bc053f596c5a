"""Every task type trains on the tiny model into a complete, loadable run folder."""

from __future__ import annotations

import json

import pytest
from conftest import for_task

from tlstudio.core.events import CheckpointEvent, EvalEvent, FinishedEvent, StatusEvent, StepEvent
from tlstudio.core.training import run_training


@pytest.mark.parametrize("task", ["binary", "multiclass", "multilabel", "regression"])
def test_task_trains_into_complete_run_folder(task, tiny_config, tmp_path):
    events = []
    result = run_training(for_task(tiny_config, task, tmp_path / "data"), events.append)
    run_dir = result.run_dir
    info = json.loads((run_dir / "run.json").read_text())
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert info["status"] == "complete" and info["task"] == task and not info["stopped"]
    assert info["main_metric"] in metrics["model"]
    assert {"majority", "tfidf"} <= metrics["baselines"].keys()
    for name in ("config.json", "model.safetensors", "tokenizer.json", "run_config.json", "history.csv",
                 "predictions_test.csv", "README.md"):
        assert (run_dir / name).is_file(), name
    assert not (run_dir / "checkpoints").exists()
    kinds = {type(e) for e in events}
    untrained = [e for e in events if isinstance(e, StatusEvent) and "starts untrained" in e.message]
    # The tiny model has a 2-label head: multiclass replaces it; a regression head starts at the mean.
    assert len(untrained) == {"binary": 0, "multiclass": 1, "multilabel": 0, "regression": 0}[task]
    assert {StepEvent, EvalEvent, CheckpointEvent, FinishedEvent} <= kinds
    assert isinstance(events[-1], FinishedEvent) and events[-1].run_dir == str(run_dir)
    if task == "regression":
        assert "pairs" in metrics and "confusion_matrix" not in metrics
        assert {"mse", "mae", "r2", "pearson", "spearman"} <= metrics["model"].keys()
    elif task == "multilabel":
        assert {"f1_micro", "f1_macro", "hamming_loss"} <= metrics["model"].keys()
    else:
        n = len(metrics["label_names"])
        assert len(metrics["confusion_matrix"]) == n
        assert set(metrics["per_class"]) == set(metrics["label_names"])
        assert sum(sum(row) for row in metrics["confusion_matrix"]) == len(
            (run_dir / "predictions_test.csv").read_text().strip().splitlines()) - 1


def test_binary_run_folder_loads_in_pipeline(tiny_config):
    from transformers import pipeline

    from tlstudio.core.inference.predictor import Predictor

    result = run_training(tiny_config)
    classify = pipeline("text-classification", model=str(result.run_dir), device="cpu")
    texts = ["a great movie", "the worst food, awful service"]
    predicted = Predictor.load(result.run_dir).predict(texts)
    assert [out["label"] for out in classify(texts)] == [p.label for p in predicted]
    assert {p.label for p in predicted} <= {"0", "1"}


def test_class_weights_and_bf16_run(tiny_config, tmp_path, monkeypatch):
    """Inverse-frequency weights reach the loss, and the forward pass runs in bfloat16."""
    import torch

    from tlstudio.core.training.trainer import TaskTrainer

    seen: dict[str, list] = {"weights": [], "dtypes": []}
    real_loss = TaskTrainer.compute_loss

    def record_dtype(module, args, output):
        seen["dtypes"].append(output.dtype)  # the head's own output (logits leave as float32)

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        seen["weights"].append(self.weights)
        if not seen["dtypes"]:
            self.accelerator.unwrap_model(model).classifier.register_forward_hook(record_dtype)
        return real_loss(self, model, inputs, return_outputs, num_items_in_batch)

    monkeypatch.setattr(TaskTrainer, "compute_loss", compute_loss)
    for_task(tiny_config, "multiclass", tmp_path / "data")
    tiny_config.class_weights = True
    tiny_config.precision = "bf16"
    result = run_training(tiny_config)

    assert json.loads((result.run_dir / "run.json").read_text())["precision"] == "bf16"
    from tlstudio.core.data import load_prepared

    labels = load_prepared(tiny_config).splits["train"]["label"]
    counts = torch.bincount(torch.tensor(labels), minlength=3).float()
    expected = len(labels) / (3 * counts)  # rarer classes weigh more
    assert counts.unique().numel() > 1  # the classes really are unbalanced
    assert seen["weights"] and all(torch.allclose(w, expected) for w in seen["weights"])
    assert set(seen["dtypes"]) == {torch.bfloat16}  # autocast ran the model in bf16


def test_no_validation_split_still_completes(tiny_config):
    tiny_config.val_size = 0
    result = run_training(tiny_config)
    assert json.loads((result.run_dir / "run.json").read_text())["status"] == "complete"


def test_existing_folder_is_not_overwritten(tiny_config, tmp_path):
    from tlstudio.core.errors import RunFolderError

    out = tmp_path / "run"
    out.mkdir()
    (out / "mine.txt").write_text("user file")
    with pytest.raises(RunFolderError, match="not empty"):
        run_training(tiny_config)
    assert (out / "mine.txt").read_text() == "user file"


def test_failure_marks_folder_failed(tiny_config, monkeypatch):
    from transformers import Trainer

    from tlstudio.core.errors import TrainingError
    from tlstudio.core.events import FailedEvent

    def explode(self, *args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Trainer, "train", explode)
    events = []
    with pytest.raises(TrainingError, match="disk on fire"):
        run_training(tiny_config, events.append)
    assert isinstance(events[-1], FailedEvent) and "disk on fire" in events[-1].message
    info = json.loads((tiny_config_dir(tiny_config) / "run.json").read_text())
    assert info["status"] == "failed"


def tiny_config_dir(config):
    from pathlib import Path

    return Path(config.output_dir)
