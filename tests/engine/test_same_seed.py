"""The seed setting promises "same split and same start": a rerun is the same run."""

from __future__ import annotations

import dataclasses

import numpy as np


def _weights(config):
    from safetensors.numpy import load_file

    from tlstudio.core.training import run_training

    return load_file(run_training(config).run_dir / "model.safetensors")


def _body_only(tmp_path):
    """A model without a classification head, as the bundled sentence-embedding model is."""
    from tiny_model import make_tiny_model
    from transformers import AutoTokenizer, BertForSequenceClassification

    source, body = make_tiny_model(tmp_path / "tiny"), tmp_path / "body"
    BertForSequenceClassification.from_pretrained(source).bert.save_pretrained(body)
    AutoTokenizer.from_pretrained(source).save_pretrained(body)
    return str(body)


def test_the_same_seed_trains_the_same_model_whatever_ran_before(tiny_config, tmp_path):
    """The new head's random weights come from the process's random state, which the run before
    (or anything else) moved on: without seeding it, a rerun started from another head."""
    import torch

    tiny_config = dataclasses.replace(tiny_config, model=_body_only(tmp_path))
    first = _weights(dataclasses.replace(tiny_config, output_dir=str(tmp_path / "a")))
    torch.rand(5)  # something else drew random numbers in between
    again = _weights(dataclasses.replace(tiny_config, output_dir=str(tmp_path / "b")))
    other = _weights(dataclasses.replace(tiny_config, output_dir=str(tmp_path / "c"), seed=7))
    assert first.keys() == again.keys()
    assert all(np.array_equal(first[k], again[k]) for k in first)
    assert not np.array_equal(first["classifier.weight"], other["classifier.weight"])
