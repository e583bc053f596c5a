"""Transfer strategies, optimizers and class weights on the tiny model."""

from __future__ import annotations

import pytest
import torch
from conftest import prepared_for

from tlstudio.core.errors import TrainingError
from tlstudio.core.events import RunControl, null_observer
from tlstudio.core.models.loading import load_classifier
from tlstudio.core.training.strategies import apply_strategy


def _model(tiny_model_dir):
    model, new = load_classifier(tiny_model_dir, task="binary", label_names=["a", "b"])
    return model


def _trainable(model):
    return {name for name, p in model.named_parameters() if p.requires_grad}


def test_full_strategy_trains_everything(tiny_model_dir):
    model = _model(tiny_model_dir)
    trainable, total = apply_strategy(model, "full")
    assert trainable == total


def test_frozen_strategy_trains_only_head_and_pooler(tiny_model_dir):
    model = _model(tiny_model_dir)
    trainable, total = apply_strategy(model, "frozen")
    names = _trainable(model)
    assert names and all(n.startswith(("classifier.", "bert.pooler.")) for n in names)
    assert "classifier.weight" in names and trainable < total / 4


def test_freeze_n_freezes_embeddings_and_lowest_layers(tiny_model_dir):
    model = _model(tiny_model_dir)
    apply_strategy(model, "freeze-1")
    names = _trainable(model)
    assert not any(n.startswith(("bert.embeddings.", "bert.encoder.layer.0.")) for n in names)
    assert any(n.startswith("bert.encoder.layer.1.") for n in names)
    assert "classifier.weight" in names


def test_freeze_more_layers_than_exist_is_refused(tiny_model_dir):
    with pytest.raises(TrainingError, match="has 2"):
        apply_strategy(_model(tiny_model_dir), "freeze-5")


@pytest.mark.parametrize(
    ("name", "expected"),
    [("adamw", torch.optim.AdamW), ("adam", torch.optim.Adam), ("rmsprop", torch.optim.RMSprop),
     ("sgd", torch.optim.SGD)],
)
def test_optimizer_choice_reaches_the_trainer(name, expected, tiny_model_dir, tiny_config):
    from tlstudio.core.training.setup import build_trainer

    tiny_config.optimizer = name
    model = _model(tiny_model_dir)
    from tlstudio.core.models.loading import load_tokenizer

    trainer, _ = build_trainer(tiny_config, prepared_for("binary"), model, load_tokenizer(tiny_model_dir),
                               "cpu", "fp32", null_observer, RunControl())
    optimizer = trainer.create_optimizer()
    optimizer = getattr(optimizer, "optimizer", optimizer)
    assert type(optimizer) is expected
    if name == "sgd":
        assert optimizer.defaults["momentum"] == 0.9
    assert optimizer.defaults["lr"] == tiny_config.learning_rate


def test_strategy_is_applied_by_the_run(tiny_config):
    from tlstudio.core.training import run_training

    tiny_config.strategy = "frozen"
    tiny_config.optimizer = "sgd"
    events = []
    run_training(tiny_config, events.append)
    assert any(getattr(e, "message", "").endswith("parameters (frozen).") for e in events)


def test_class_weights_favour_the_rare_class():
    from tlstudio.core.training.trainer import class_weights

    weights = class_weights([0] * 9 + [1], 2)
    assert weights[1] / weights[0] == pytest.approx(9.0)
    assert class_weights([0, 0], 3)[2] == 1.0  # an unseen class keeps weight 1


def test_weighted_loss_differs_from_plain_loss(tiny_model_dir):
    from tlstudio.core.training.trainer import TaskTrainer

    model = _model(tiny_model_dir)
    inputs = {"input_ids": torch.tensor([[2, 10, 3], [2, 11, 3]]), "labels": torch.tensor([0, 1])}
    plain = TaskTrainer.compute_loss(type("T", (), {"task": "binary", "weights": None})(), model, dict(inputs))
    weighted = TaskTrainer.compute_loss(
        type("T", (), {"task": "binary", "weights": torch.tensor([0.1, 5.0])})(), model, dict(inputs)
    )
    assert not torch.isclose(plain, weighted)
