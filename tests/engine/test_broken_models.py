"""Broken model folders: each fails with a ModelError naming the file, never a traceback.

Covers missing / truncated / damaged weights (safetensors, shards, pickled .bin), pickled
payloads refused by ``weights_only``, config.json and tokenizer problems, a tokenizer from
another model, the same through ``Predictor.load`` and the CLI, and predicting through an
out-of-memory error.
"""

from __future__ import annotations

import json
import os
import pickle
import random
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tlstudio.core.errors import ModelError

DATA = Path(__file__).parent.parent / "data"
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _noise(size: int) -> bytes:
    return random.Random(size).randbytes(size)


def _copy(tiny_model_dir: Path, tmp_path: Path, name: str = "model") -> Path:
    folder = tmp_path / name
    shutil.copytree(tiny_model_dir, folder)
    (folder / "run_config.json").write_text(
        json.dumps({"task": "binary", "max_length": 32, "text_columns": ["text"]}), encoding="utf-8")
    return folder


def _cut(path: Path, keep: float = 0.5) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


def _state_dict(folder: Path) -> dict:
    from safetensors.torch import load_file

    return load_file(folder / "model.safetensors")


def _to_bin(folder: Path) -> Path:
    """Replace model.safetensors with the same tensors saved as pytorch_model.bin."""
    import torch

    state = _state_dict(folder)
    (folder / "model.safetensors").unlink()
    torch.save(state, folder / "pytorch_model.bin")
    return folder / "pytorch_model.bin"


class _Payload:
    """Unpickling this opens (so creates) ``marker``: arbitrary code a pickle can carry."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _load_for_training(folder: Path):
    """What the runner does with a model folder, in its order."""
    from tlstudio.core.models.catalog import resolve_model
    from tlstudio.core.models.loading import (
        check_tokenizer_matches,
        load_classifier,
        load_tokenizer,
    )

    resolve_model(str(folder))
    tokenizer = load_tokenizer(folder)
    model, _ = load_classifier(folder, task="binary", label_names=["neg", "pos"])
    check_tokenizer_matches(model, tokenizer, folder)
    return model


def _load_for_predict(folder: Path):
    from tlstudio.core.inference.predictor import Predictor

    return Predictor.load(folder, device="cpu")


LOADERS = {"train": _load_for_training, "predict": _load_for_predict}


def _header_garbage(folder: Path) -> None:
    path = folder / "model.safetensors"
    data = bytearray(path.read_bytes())
    data[8:20] = b"not json at!"
    path.write_bytes(bytes(data))


def _header_beyond_file(folder: Path) -> None:
    """A header whose last tensor ends past the data: as truncation, but header intact."""
    path = folder / "model.safetensors"
    data = path.read_bytes()
    path.write_bytes(data[:-64])


def _config_vocab_changed(folder: Path) -> None:
    config = json.loads((folder / "config.json").read_text())
    config["vocab_size"] = 200  # more rows than the weights have
    (folder / "config.json").write_text(json.dumps(config))


def _only_special_tokens(folder: Path) -> None:
    """A slow-tokenizer folder whose vocab.txt lost everything but the special tokens."""
    (folder / "tokenizer.json").unlink()
    (folder / "vocab.txt").write_text("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n", encoding="utf-8")


BREAKERS = {
    # name: (break the folder, file the message must name, words it must contain)
    "weights missing": (lambda f: (f / "model.safetensors").unlink(),
                        "model.safetensors", "pytorch_model.bin"),
    "safetensors truncated": (lambda f: _cut(f / "model.safetensors"), "model.safetensors", "truncated"),
    "safetensors cut inside header": (lambda f: _cut(f / "model.safetensors", 0.001),
                                      "model.safetensors", "truncated"),
    "safetensors last bytes missing": (_header_beyond_file, "model.safetensors", "truncated"),
    "safetensors random bytes": (lambda f: (f / "model.safetensors").write_bytes(_noise(4000)),
                                 "model.safetensors", "damaged"),
    "safetensors header not JSON": (_header_garbage, "model.safetensors", "damaged"),
    "safetensors empty": (lambda f: (f / "model.safetensors").write_bytes(b""),
                          "model.safetensors", "truncated"),
    "bin truncated": (lambda f: _cut(_to_bin(f)), "pytorch_model.bin", "truncated"),
    "bin random bytes": (lambda f: _to_bin(f).write_bytes(b"\x80\x02" + _noise(3000)),
                         "pytorch_model.bin", "refused"),
    "bin not a pickle": (lambda f: _to_bin(f).write_bytes(b"hello, not weights"),
                         "pytorch_model.bin", "not PyTorch weights"),
    "config missing": (lambda f: (f / "config.json").unlink(), "config.json", "config.json"),
    "config not JSON": (lambda f: (f / "config.json").write_text('{"model_type": "bert", '),
                        "config.json", "not valid JSON"),
    "config vocab differs from weights": (_config_vocab_changed, "model.safetensors",
                                          "word_embeddings"),
    "tokenizer files missing": (lambda f: (f / "tokenizer.json").unlink(), "tokenizer.json",
                                "no tokenizer"),
    "tokenizer.json damaged": (lambda f: _cut(f / "tokenizer.json"), "tokenizer.json",
                               "not valid JSON"),
    "vocab.txt without words": (_only_special_tokens, "vocab.txt", "no vocabulary"),
}


@pytest.mark.parametrize("how", LOADERS)
@pytest.mark.parametrize("case", BREAKERS)
def test_broken_folder_is_a_model_error_naming_the_file(case, how, tiny_model_dir, tmp_path):
    folder = _copy(tiny_model_dir, tmp_path)
    breaker, filename, words = BREAKERS[case]
    breaker(folder)
    with pytest.raises(ModelError) as caught:
        LOADERS[how](folder)
    message = str(caught.value)
    assert filename in message and words in message, message
    assert str(folder) in message, message  # which folder, not just which kind of file
    assert "\n" not in message and len(message) < 600, message


@pytest.mark.parametrize("how", LOADERS)
def test_intact_copy_loads(how, tiny_model_dir, tmp_path):
    """The checks don't refuse a good folder (nor the same tensors saved as .bin)."""
    folder = _copy(tiny_model_dir, tmp_path)
    LOADERS[how](folder)
    _to_bin(folder)
    LOADERS[how](folder)


@pytest.fixture(scope="module")
def sharded_dir(tiny_model_dir, tmp_path_factory) -> Path:
    """The tiny model saved as several safetensors shards plus model.safetensors.index.json."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    folder = tmp_path_factory.mktemp("sharded") / "model"
    model = AutoModelForSequenceClassification.from_pretrained(str(tiny_model_dir))
    model.save_pretrained(folder, max_shard_size="40KB")
    AutoTokenizer.from_pretrained(str(tiny_model_dir)).save_pretrained(folder)
    assert (folder / "model.safetensors.index.json").is_file()
    return folder


def _shard(folder: Path) -> Path:
    index = json.loads((folder / "model.safetensors.index.json").read_text())
    return folder / sorted(set(index["weight_map"].values()))[-1]


@pytest.mark.parametrize("how", LOADERS)
def test_sharded_checkpoint_with_missing_or_truncated_shard(how, sharded_dir, tmp_path):
    LOADERS[how](sharded_dir)  # intact: loads
    cut = tmp_path / "cut"
    shutil.copytree(sharded_dir, cut)
    shard = _shard(cut)
    _cut(shard)
    with pytest.raises(ModelError, match=f"'{shard}' is truncated"):
        LOADERS[how](cut)
    shard.unlink()
    with pytest.raises(ModelError, match=f"shard '{shard}' is missing"):
        LOADERS[how](cut)
    (cut / "model.safetensors.index.json").write_text('{"weight_map": ')
    with pytest.raises(ModelError, match="model.safetensors.index.json' is not a valid shard index"):
        LOADERS[how](cut)


def test_bytes_changed_inside_tensor_data_are_not_detectable(tiny_model_dir, tmp_path):
    """No checksums in a model folder: flipped data bytes pass the header check (by design)."""
    from tlstudio.core.models.files import check_safetensors

    folder = _copy(tiny_model_dir, tmp_path)
    path = folder / "model.safetensors"
    data = bytearray(path.read_bytes())
    data[-100:-90] = _noise(10)
    path.write_bytes(bytes(data))
    check_safetensors(path)  # only the header and the length can be checked


@pytest.mark.filterwarnings("ignore:Detected pickle protocol")
@pytest.mark.parametrize("how", LOADERS)
@pytest.mark.parametrize("fmt", ["torch zip", "plain pickle"])
def test_pickle_payload_is_refused_and_never_runs(fmt, how, tiny_model_dir, tmp_path):
    import torch

    marker = tmp_path / "payload_ran"
    folder = _copy(tiny_model_dir, tmp_path)
    state = {**_state_dict(folder), "evil": _Payload(marker)}
    (folder / "model.safetensors").unlink()
    if fmt == "torch zip":
        torch.save(state, folder / "pytorch_model.bin")
    else:
        with open(folder / "pytorch_model.bin", "wb") as handle:
            pickle.dump(state, handle)
    with pytest.raises(ModelError, match=r"pytorch_model.bin' was refused: .*weights_only") as caught:
        LOADERS[how](folder)
    assert str(folder) in str(caught.value)
    assert not marker.exists()
    pickle.loads(pickle.dumps(_Payload(marker)))  # the payload is live: unchecked, it runs
    assert marker.exists()


def test_bin_weights_are_only_read_with_weights_only(tiny_model_dir, tmp_path, monkeypatch):
    import torch

    calls: list[dict] = []
    real_load = torch.load

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return real_load(*args, **kwargs)

    monkeypatch.setattr(torch, "load", spy)
    folder = _copy(tiny_model_dir, tmp_path)
    _to_bin(folder)
    _load_for_training(folder)
    _load_for_predict(folder)
    assert calls and all(call.get("weights_only") is True for call in calls), calls


def test_safetensors_is_preferred_over_a_bin_beside_it(tiny_model_dir, tmp_path, monkeypatch):
    import torch

    marker = tmp_path / "payload_ran"
    folder = _copy(tiny_model_dir, tmp_path)
    torch.save({"evil": _Payload(marker)}, folder / "pytorch_model.bin")
    monkeypatch.setattr(torch, "load", lambda *a, **k: pytest.fail("read the .bin"))
    model = _load_for_training(folder)
    _load_for_predict(folder)
    assert not marker.exists()
    expected = _state_dict(folder)["bert.embeddings.word_embeddings.weight"]
    assert torch.equal(model.get_input_embeddings().weight.detach(), expected)


@pytest.fixture(scope="module")
def big_tokenizer_dir(tmp_path_factory) -> Path:
    """A tiny model whose tokenizer has many more tokens than the standard tiny model's."""
    from tiny_model import make_tiny_model

    words = " ".join(f"q{a}{b}" for a in LETTERS for b in LETTERS[:10])
    return make_tiny_model(tmp_path_factory.mktemp("big_tok"), extra_text=words)


@pytest.mark.parametrize("how", LOADERS)
def test_tokenizer_from_another_model_is_refused(how, tiny_model_dir, big_tokenizer_dir, tmp_path):
    folder = _copy(tiny_model_dir, tmp_path)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(big_tokenizer_dir / name, folder / name)
    rows = json.loads((folder / "config.json").read_text())["vocab_size"]
    with pytest.raises(ModelError) as caught:
        LOADERS[how](folder)
    message = str(caught.value)
    assert f"The tokenizer in '{folder}' has " in message and f"has {rows:,}: they come from different" in message


def test_check_tokenizer_matches_compares_with_the_embedding_table(tiny_model_dir, big_tokenizer_dir):
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from tlstudio.core.models.loading import check_tokenizer_matches

    model = AutoModelForSequenceClassification.from_pretrained(str(tiny_model_dir))
    check_tokenizer_matches(model, AutoTokenizer.from_pretrained(str(tiny_model_dir)), tiny_model_dir)
    big = AutoTokenizer.from_pretrained(str(big_tokenizer_dir))
    with pytest.raises(ModelError, match=f"has {len(big):,} tokens but the model's embedding table has"):
        check_tokenizer_matches(model, big, tiny_model_dir)


def test_model_listing_describes_a_broken_folder_and_resolving_refuses_it(tiny_model_dir, tmp_path):
    from tlstudio.core.models.catalog import describe_folder, list_models, resolve_model

    assert describe_folder(tiny_model_dir).problem == ""
    folder = _copy(tiny_model_dir, tmp_path)
    (folder / "model.safetensors").write_bytes(_noise(1000))
    info = describe_folder(folder)
    assert "model.safetensors" in info.problem and info.problem in info.description
    assert list_models([str(folder)])[1].problem == info.problem  # still listed, with the reason
    with pytest.raises(ModelError, match="model.safetensors' is damaged"):
        resolve_model(str(folder))


def _cli(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tlstudio", *argv], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "PYTHONUNBUFFERED": "1"})


def test_cli_predict_on_a_broken_run_is_one_error_line(tiny_model_dir, tmp_path):
    folder = _copy(tiny_model_dir, tmp_path, "run")
    _cut(folder / "model.safetensors")
    result = _cli("predict", str(folder), "--text", "great phone")
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    assert f"'{folder / 'model.safetensors'}' is truncated" in lines[0]


def test_cli_train_on_a_broken_model_folder_is_one_error_line(tiny_model_dir, tmp_path):
    folder = _copy(tiny_model_dir, tmp_path)
    (folder / "config.json").write_text("{")
    result = _cli("train", str(DATA / "sentiment_120.csv"), "--model", str(folder),
                  "--out", str(tmp_path / "run"))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and f"'{folder / 'config.json'}' is not valid JSON" in errors[0]
    assert not (tmp_path / "run").exists()  # refused before any run folder was written


def test_cli_train_refuses_a_pickle_payload(tiny_model_dir, tmp_path, capsys):
    """Through the whole runner (data read, tokenizer loaded, then the weights refused)."""
    import torch

    from tlstudio.cli.main import main

    marker = tmp_path / "payload_ran"
    folder = _copy(tiny_model_dir, tmp_path)
    (folder / "model.safetensors").unlink()
    torch.save({"evil": _Payload(marker)}, folder / "pytorch_model.bin")
    code = main(["train", str(DATA / "sentiment_120.csv"), "--model", str(folder),
                 "--out", str(tmp_path / "run"), "--epochs", "1", "--max-length", "32", "--long-texts", "truncate"])
    assert code == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "pytorch_model.bin' was refused" in errors[0], errors
    assert not marker.exists()


def _oom_above(model, rows: int):
    import torch

    forward = model.forward

    def limited(*args, **kwargs):
        if kwargs["input_ids"].shape[0] > rows:
            raise torch.OutOfMemoryError("CUDA out of memory (simulated)")
        return forward(*args, **kwargs)

    return limited


def test_prediction_halves_the_batch_on_out_of_memory(tiny_model_dir, tmp_path):
    predictor = _load_for_predict(_copy(tiny_model_dir, tmp_path))
    texts = [f"{'good ' * (i % 7)}phone number {i} was {'bad ' * (i % 3)}" for i in range(37)]
    expected = predictor.predict_scores(texts, batch_size=32)
    assert predictor.batch_size is None
    predictor.model.forward = _oom_above(predictor.model, 4)
    seen: list[tuple[int, int]] = []
    scores = predictor.predict_scores(texts, batch_size=32, progress=lambda d, t: seen.append((d, t)))
    np.testing.assert_allclose(scores, expected, atol=1e-5)
    assert predictor.batch_size == 4 and seen[-1] == (37, 37)
    assert [p.label for p in predictor.predict(texts)] == [predictor.to_prediction(s).label for s in expected]


def test_out_of_memory_at_one_row_is_a_clear_error(tiny_model_dir, tmp_path):
    predictor = _load_for_predict(_copy(tiny_model_dir, tmp_path))
    predictor.model.forward = _oom_above(predictor.model, 0)
    with pytest.raises(ModelError, match="Out of memory predicting even one row at a time"):
        predictor.predict_scores(["good", "bad"], batch_size=8)
