"""A GPT-style model whose BPE tokenizer has no padding token trains and predicts in batches."""

from __future__ import annotations

import numpy as np
import pytest

from tlstudio.core.errors import ModelError
from tlstudio.core.models.loading import load_tokenizer


@pytest.fixture(scope="module")
def gpt2_dir(tmp_path_factory):
    from tiny_model import make_tiny_gpt2

    return make_tiny_gpt2(tmp_path_factory.mktemp("tiny_gpt2"))


def test_tokenizer_without_pad_token_pads_with_end_of_text(gpt2_dir):
    tokenizer = load_tokenizer(gpt2_dir)
    assert tokenizer.pad_token == tokenizer.eos_token == "<|endoftext|>"
    batch = tokenizer(["good", "a very good phone"], padding=True)
    assert len(batch["input_ids"][0]) == len(batch["input_ids"][1])


def test_tokenizer_with_nothing_to_pad_with_is_refused_by_name(gpt2_dir, tmp_path, monkeypatch):
    from tlstudio.core.models import loading

    class Bare:
        pad_token = eos_token = unk_token = bos_token = None

    with pytest.raises(ModelError, match=r"has no padding token.*tokenizer_config\.json"):
        loading._ensure_pad_token(Bare(), tmp_path)


def test_training_and_batch_prediction_work(gpt2_dir, tiny_config):
    from tlstudio.core.inference.predictor import Predictor
    from tlstudio.core.training import run_training

    tiny_config.model = str(gpt2_dir)
    result = run_training(tiny_config)
    predictor = Predictor.load(result.run_dir)
    texts = ["good", "a terrible awful film and bad service"]
    together = predictor.predict_scores(texts)
    alone = np.stack([predictor.predict_scores([t])[0] for t in texts])
    assert np.allclose(together, alone, atol=1e-5)  # padding doesn't change a text's scores
