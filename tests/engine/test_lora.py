"""LoRA: adapters and head train, the saved model has them merged in, and every reader works unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import prepared_for

from tlstudio.core.errors import TrainingError
from tlstudio.core.events import RunControl, StatusEvent, null_observer
from tlstudio.core.models.loading import load_classifier, load_tokenizer
from tlstudio.core.settings.config import RunConfig
from tlstudio.core.training.lora import apply_lora, lora_targets

DATA = Path(__file__).parent.parent / "data"


def _model(tiny_model_dir):
    return load_classifier(tiny_model_dir, task="binary", label_names=["a", "b"])[0]


def test_bert_like_models_adapt_query_and_value_and_train_the_head(tiny_model_dir):
    model = _model(tiny_model_dir)
    assert lora_targets(model) == (["query", "value"], "the usual choice for bert models")
    wrapped, trainable, total, text = apply_lora(model, RunConfig(strategy="lora", lora_rank=4))
    names = {n for n, p in wrapped.named_parameters() if p.requires_grad}
    assert any("query.lora_A" in n for n in names) and any("value.lora_B" in n for n in names)
    assert not any(".key." in n or "intermediate" in n for n in names)
    assert any("classifier" in n for n in names) and any("pooler" in n for n in names)
    assert 0 < trainable < total / 2
    assert "rank 4" in text and "query, value" in text


def test_unknown_target_layers_are_refused_with_the_layers_there_are(tiny_model_dir):
    with pytest.raises(TrainingError, match="not found.*query"):
        lora_targets(_model(tiny_model_dir), "q_proj,value")


@pytest.fixture(scope="module")
def lora_run(tiny_model_dir, tmp_path_factory):
    from tlstudio.core.training import run_training

    config = RunConfig(data_path=str(DATA / "sentiment_120.csv"), model=str(tiny_model_dir), epochs=2,
                       batch_size=16, learning_rate=5e-3, max_length=32, precision="fp32",
                       output_dir=str(tmp_path_factory.mktemp("lora") / "run"), strategy="lora")
    events = []
    return run_training(config, events.append), events


def test_lora_run_trains_saves_merged_safetensors_and_predicts(lora_run, tiny_model_dir):
    from safetensors import safe_open

    from tlstudio.core.inference.predictor import Predictor

    result, events = lora_run
    messages = [e.message for e in events if isinstance(e, StatusEvent)]
    assert any(m.startswith("LoRA rank 8, alpha 16 on query, value") for m in messages)
    run = result.run_dir
    assert (run / "model.safetensors").is_file() and not (run / "adapter_config.json").exists()
    with safe_open(str(run / "model.safetensors"), "pt") as weights:
        keys = list(weights.keys())
    assert keys and not any("lora" in k or "base_layer" in k or "modules_to_save" in k for k in keys)
    assert "peft_config" not in json.loads((run / "config.json").read_text())
    base = _model(tiny_model_dir).state_dict()
    with safe_open(str(run / "model.safetensors"), "pt") as weights:
        query = weights.get_tensor("bert.encoder.layer.0.attention.self.query.weight")
        key = weights.get_tensor("bert.encoder.layer.0.attention.self.key.weight")
    assert not query.allclose(base["bert.encoder.layer.0.attention.self.query.weight"])  # merged update
    assert key.equal(base["bert.encoder.layer.0.attention.self.key.weight"])  # not adapted: unchanged
    predictor = Predictor.load(run)
    scores = predictor.predict_scores(["a great movie", "terrible service"])
    assert scores.shape == (2, 2) and abs(scores.sum() - 2) < 1e-5
    assert result.metrics["model"]["accuracy"] is not None  # the test split was predicted from disk


def test_lora_trainer_optimises_only_adapters_and_head(tiny_model_dir, tiny_config):
    from tlstudio.core.training.setup import build_trainer

    tiny_config.strategy = "lora"
    trainer, _ = build_trainer(tiny_config, prepared_for("binary"), _model(tiny_model_dir),
                               load_tokenizer(tiny_model_dir), "cpu", "fp32", null_observer, RunControl())
    optimizer = trainer.create_optimizer()
    trained = {id(p) for group in optimizer.param_groups for p in group["params"]}
    names = [n for n, p in trainer.model.named_parameters() if id(p) in trained]
    assert names and all("lora_" in n or "modules_to_save" in n for n in names)


def test_a_lora_run_exports_to_onnx_with_parity(lora_run, tmp_path):
    pytest.importorskip("onnxruntime")
    from tlstudio.core.export import export_model

    report = export_model(lora_run[0].run_dir, "onnx", tmp_path / "onnx")
    assert report["parity"]["max_abs_diff"] <= 1e-4 and report["parity"]["label_agreement"] == 1.0
