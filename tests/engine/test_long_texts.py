"""Long texts: counted before training, read in overlapping windows, windows' scores combined."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import build_prepared

from tlstudio.core.inference.chunks import aggregate, encode_chunks
from tlstudio.core.training.long_texts import (
    AUTO_SHARE,
    LongTexts,
    count_long_texts,
    long_texts_line,
    trains_on_chunks,
    windows_for,
)

DATA = Path(__file__).parent.parent / "data"
LONG = " ".join(["the movie was good"] * 20 + ["but the service was terrible"] * 5)


@pytest.fixture(scope="module")
def tokenizer(tiny_model_dir):
    from tlstudio.core.models.loading import load_tokenizer

    return load_tokenizer(tiny_model_dir)


def test_mean_averages_a_rows_windows_and_max_takes_each_class_from_any_window():
    logits = np.array([[1.0, 0.0], [3.0, -2.0], [0.0, 5.0]])
    owners = np.array([0, 0, 1])
    assert aggregate(logits, owners, 2, "chunks-mean").tolist() == [[2.0, -1.0], [0.0, 5.0]]
    assert aggregate(logits, owners, 2, "chunks-max").tolist() == [[3.0, 0.0], [0.0, 5.0]]


def test_the_window_count_matches_what_the_tokenizer_makes(tokenizer):
    for words in (3, 20, 57, 150):
        text = " ".join(["good"] * words)
        made = len(encode_chunks(tokenizer, [text], 32)["input_ids"])
        assert windows_for(len(tokenizer(text)["input_ids"]), 32) == made, words


def test_windows_overlap_so_the_whole_text_is_read(tokenizer):
    ids = tokenizer(LONG, add_special_tokens=False)["input_ids"]
    windows = encode_chunks(tokenizer, [LONG], 32)["input_ids"]
    assert len(windows) > 3 and all(len(w) <= 32 for w in windows)
    assert windows[-1][-2] == ids[-1]  # the last window ends where the text ends ([SEP] after it)
    assert windows[0][-9:-1] == windows[1][1:9]  # a quarter of a window is repeated


def test_long_rows_are_counted_and_said_in_words(tokenizer):
    count = count_long_texts(["short text", LONG, LONG, "good"], tokenizer, 32)
    assert (count.rows, count.long_rows) == (4, 2) and count.windows > 4
    line = long_texts_line(count, "truncate")
    assert line.startswith("2 of 4 training rows (50%) are longer than 32 tokens") and "first 32 tokens" in line
    assert "averaged" in long_texts_line(count, "chunks-mean")
    assert "any part says so" in long_texts_line(count, "chunks-max")
    assert "chosen on the validation split" in long_texts_line(count, "auto")
    assert long_texts_line(count_long_texts(["short"], tokenizer, 32), "auto") is None


def test_auto_reads_in_chunks_only_when_many_rows_are_long():
    assert trains_on_chunks("auto", LongTexts(100, 10, 130, 128), True)
    assert not trains_on_chunks("auto", LongTexts(100, 9, 120, 128), True)
    assert not trains_on_chunks("chunks-mean", LongTexts(100, 50, 200, 128), False)  # a slow tokenizer
    assert not trains_on_chunks("truncate", LongTexts(100, 90, 400, 128), True)


def test_training_examples_are_windows_with_their_rows_label(tokenizer):
    from tlstudio.core.training.tokenize import tokenize_splits

    rows = [{"text": LONG if i % 3 == 0 else "good movie", "label": i % 2, "row": i} for i in range(40)]
    data = build_prepared("binary", rows, ["neg", "pos"])
    plain = tokenize_splits(data, tokenizer, 32)
    chunked = tokenize_splits(data, tokenizer, 32, chunks=True)
    long_train = sum(1 for t in data.splits["train"]["text"] if t == LONG)
    windows = len(encode_chunks(tokenizer, [LONG], 32)["input_ids"])
    assert len(plain["train"]) == len(data.splits["train"])
    assert len(chunked["train"]) == len(data.splits["train"]) + long_train * (windows - 1)
    assert max(chunked["train"]["length"]) <= 32
    labels = [label for label, text in zip(data.splits["train"]["label"], data.splits["train"]["text"],
                                           strict=True) if text == LONG]
    assert sorted(chunked["train"]["labels"]).count(labels[0]) >= labels.count(labels[0]) * windows


def test_the_predictor_combines_the_windows_of_a_long_text(tiny_model_dir, tokenizer):
    import torch

    from tlstudio.core.inference.predictor import Predictor

    predictor = Predictor.load(tiny_model_dir)
    predictor.max_length = 32
    texts = [LONG, "good movie"]
    truncated = predictor.predict_logits(texts)
    encoded = encode_chunks(tokenizer, [LONG], 32, padding=True, return_tensors="pt")
    encoded.pop("overflow_to_sample_mapping")
    with torch.inference_mode():
        windows = predictor.model(**encoded).logits.numpy()
    predictor.long_texts = "chunks-mean"
    mean = predictor.predict_logits(texts)
    np.testing.assert_allclose(mean[0], windows.mean(axis=0), atol=1e-5)
    np.testing.assert_allclose(mean[1], truncated[1], atol=1e-5)  # a short text is one window
    np.testing.assert_allclose(truncated[0], windows[0], atol=1e-5)  # truncation reads the first only
    predictor.long_texts = "chunks-max"
    np.testing.assert_allclose(predictor.predict_logits(texts)[0], windows.max(axis=0), atol=1e-5)


def test_auto_trains_on_chunks_chooses_on_validation_and_records_the_choice(tiny_config):
    from tlstudio.core.events import StatusEvent
    from tlstudio.core.inference.predictor import Predictor
    from tlstudio.core.runs.store import RunFolder
    from tlstudio.core.settings.command import repeat_command
    from tlstudio.core.training import run_training

    tiny_config.max_length, tiny_config.long_texts = 16, "auto"
    events = []
    result = run_training(tiny_config, events.append)
    lines = [e.message for e in events if isinstance(e, StatusEvent)]
    assert any("are longer than 16 tokens" in m and "chosen on the validation split" in m for m in lines)
    assert not any("will be cut off" in m for m in lines)  # they are read in parts
    chosen = [m for m in lines if m.startswith("Long texts: ")]
    assert len(chosen) == 1 and "truncate" in chosen[0] and "chunks-max" in chosen[0]
    saved = RunFolder(result.run_dir).config()
    assert saved.long_texts in ("truncate", "chunks-mean", "chunks-max")
    scores = set(RunFolder(result.run_dir).info().verdict["long_texts"]["scores"].values())
    said = (f"so {saved.long_texts} is used." if len(scores) == 1  # a tie is not called "best"
            else f"Long texts: {saved.long_texts} scored best")
    assert said in chosen[0]
    assert f"--long-texts {saved.long_texts}" in repeat_command(saved)  # the choice, not auto again
    assert Predictor.load(result.run_dir).long_texts == saved.long_texts
    info = RunFolder(result.run_dir).info().extra
    choice = info["long_texts_choice"]
    assert choice["chosen"] == saved.long_texts and set(choice["scores"]) == {"truncate", "chunks-mean", "chunks-max"}
    assert choice["text"] == chosen[0] and chosen[0] in RunFolder(result.run_dir).info().verdict["text"]
    assert info["long_rows"]["share"] >= AUTO_SHARE


def test_auto_is_the_default_and_truncates_when_few_rows_are_long(tiny_config):
    from tlstudio.core.events import StatusEvent
    from tlstudio.core.runs.store import RunFolder
    from tlstudio.core.settings.config import RunConfig
    from tlstudio.core.training import run_training

    assert RunConfig().long_texts == "auto"
    tiny_config.max_length, tiny_config.long_texts = None, RunConfig().long_texts  # auto: covers 95%
    events = []
    result = run_training(tiny_config, events.append)
    lines = [e.message for e in events if isinstance(e, StatusEvent)]
    said = [m for m in lines if " training rows (" in m]
    assert len(said) == 1 and "too few to be worth reading in parts" in said[0]
    assert not any(m.startswith("Long texts: ") for m in lines)  # nothing to choose
    assert RunFolder(result.run_dir).config().long_texts == "truncate"
    info = RunFolder(result.run_dir).info().extra
    assert 0 < info["long_rows"]["share"] < AUTO_SHARE and "long_texts_choice" not in info


def test_a_run_config_from_before_the_setting_still_truncates():
    from tlstudio.core.settings.config import RunConfig

    old = RunConfig().to_dict()
    del old["long_texts"]
    assert RunConfig.from_dict(old).long_texts == "truncate"


QUESTION = "is the service good"
HALF = " ".join(["good"] * 15)  # with [CLS] and two [SEP]: more than half of a 32-token window


def test_a_long_pair_keeps_its_shorter_text_whole_in_every_window(tokenizer):
    question = tokenizer(QUESTION)["input_ids"][:-1]  # [CLS] question (then [SEP])
    ids = tokenizer(LONG, add_special_tokens=False)["input_ids"]
    encoded = encode_chunks(tokenizer, [QUESTION, LONG, "good"], 32, pairs=[LONG, QUESTION, "bad"])
    owners = list(encoded["overflow_to_sample_mapping"])
    windows = encoded["input_ids"]
    assert owners == sorted(owners) and owners.count(0) > 3 and owners.count(0) == owners.count(1)
    assert owners.count(2) == 1 and all(len(w) <= 32 for w in windows)
    second = [w for w, o in zip(windows, owners, strict=True) if o == 0]
    assert all(w[:len(question) + 1] == question + [tokenizer.sep_token_id] for w in second)
    assert second[-1][-2] == ids[-1]  # the long member is read to its end
    first = [w for w, o in zip(windows, owners, strict=True) if o == 1]  # the long text first: windowed too
    assert all(w[-len(question):] == tokenizer(QUESTION)["input_ids"][1:] for w in first)
    assert first[-1][-len(question) - 2] == ids[-1]  # then [SEP] and the question


def test_a_pair_whose_shorter_text_fills_half_the_window_is_cut_not_windowed(tokenizer):
    encoded = encode_chunks(tokenizer, [HALF], 32, pairs=[LONG])
    assert list(encoded["overflow_to_sample_mapping"]) == [0] and len(encoded["input_ids"][0]) == 32


def test_the_pair_window_count_matches_what_the_tokenizer_makes(tokenizer):
    texts = [QUESTION, LONG, "good", HALF, " ".join(["bad"] * 40)]
    pairs = [LONG, QUESTION, "bad", LONG, "good film"]
    count = count_long_texts(texts, tokenizer, 32, pairs=pairs)
    made = len(encode_chunks(tokenizer, texts, 32, pairs=pairs)["input_ids"])
    assert (count.long_rows, count.windows, count.cut_pairs) == (4, made, 1)


def test_long_sentence_pairs_are_read_in_parts_and_the_cut_ones_are_said(tokenizer):
    count = count_long_texts(["short", QUESTION, HALF], tokenizer, 32, pairs=["a question", LONG, LONG])
    assert (count.long_rows, count.cut_pairs) == (2, 1)
    line = long_texts_line(count, "chunks-mean")
    assert "read in overlapping parts of 32 tokens" in line and "averaged" in line
    assert line.endswith("Except 1 pair whose shorter text alone takes more than half of the 32 tokens: "
                         "only their start is read.")
    assert "Except" not in long_texts_line(count_long_texts([QUESTION], tokenizer, 32, pairs=[LONG]), "auto")
    assert "can't read them in parts" in long_texts_line(count, "auto", chunkable=False)


def test_pairs_train_on_windows_and_the_predictor_combines_them(tiny_model_dir, tokenizer):
    import torch

    from tlstudio.core.inference.predictor import Predictor
    from tlstudio.core.training.tokenize import tokenize_splits

    rows = [{"text": QUESTION, "text_pair": LONG if i % 3 == 0 else "good movie", "label": i % 2, "row": i}
            for i in range(40)]
    data = build_prepared("binary", rows, ["neg", "pos"], pair=True)
    chunked = tokenize_splits(data, tokenizer, 32, chunks=True)
    long_train = sum(1 for t in data.splits["train"]["text_pair"] if t == LONG)
    windows = len(encode_chunks(tokenizer, [QUESTION], 32, pairs=[LONG])["input_ids"])
    assert len(chunked["train"]) == len(data.splits["train"]) + long_train * (windows - 1)
    assert max(chunked["train"]["length"]) <= 32

    predictor = Predictor.load(tiny_model_dir)
    predictor.max_length = 32
    encoded = encode_chunks(tokenizer, [QUESTION], 32, pairs=[LONG], padding=True, return_tensors="pt")
    encoded.pop("overflow_to_sample_mapping")
    with torch.inference_mode():
        expected = predictor.model(**encoded).logits.numpy()
    truncated = predictor.predict_logits([QUESTION, "good"], [LONG, "bad"])
    predictor.long_texts = "chunks-mean"
    mean = predictor.predict_logits([QUESTION, "good"], [LONG, "bad"])
    np.testing.assert_allclose(mean[0], expected.mean(axis=0), atol=1e-5)
    np.testing.assert_allclose(mean[1], truncated[1], atol=1e-5)  # a short pair is one window
    predictor.long_texts = "chunks-max"
    np.testing.assert_allclose(predictor.predict_logits([QUESTION], [LONG])[0], expected.max(axis=0), atol=1e-5)


def test_auto_chooses_how_to_read_long_pairs_on_the_validation_pairs():
    from types import SimpleNamespace

    import datasets

    from tlstudio.core.training.long_texts import settle_after_training

    class Reader:  # scores each mode by what it was given: only the pairs make chunks-max win
        long_texts = "chunks-mean"
        seen: list = []

        def predict_scores(self, texts, pairs=None, calibrated=True):
            self.seen.append(pairs)
            right = pairs is not None and self.long_texts == "chunks-max"
            return np.array([[0.0, 1.0] if right else [1.0, 0.0] for _ in texts])

    validation = datasets.Dataset.from_dict({"text": [QUESTION] * 4, "text_pair": [LONG] * 4, "label": [1] * 4})
    config, reader = SimpleNamespace(long_texts="auto"), Reader()
    choice = settle_after_training(config, reader, validation, "binary")
    assert reader.seen == [[LONG] * 4] * 3 and choice["chosen"] == config.long_texts == "chunks-max"


@pytest.mark.parametrize("side", ["right", "left"])
def test_padded_pair_windows_are_the_windows_padded_on_the_tokenizers_side(tiny_model_dir, side):
    """A batch of pair windows (prediction) pads each window as the tokenizer pads: ids, mask, types."""
    from tlstudio.core.models.loading import load_tokenizer

    tokenizer = load_tokenizer(tiny_model_dir)
    tokenizer.padding_side = side
    texts, pairs = [QUESTION, "good", HALF], [LONG, "bad", LONG]
    plain = encode_chunks(tokenizer, texts, 32, pairs=pairs)
    padded = encode_chunks(tokenizer, texts, 32, pairs=pairs, padding=True)
    assert list(padded["overflow_to_sample_mapping"]) == list(plain["overflow_to_sample_mapping"])
    width = max(len(w) for w in plain["input_ids"])
    fill = {"input_ids": tokenizer.pad_token_id, "attention_mask": 0, "token_type_ids": tokenizer.pad_token_type_id}
    assert set(padded.keys()) == {*fill, "overflow_to_sample_mapping"}
    assert any(len(w) < width for w in plain["input_ids"])  # some windows are padded
    for key, value in fill.items():
        for window, got in zip(plain[key], padded[key], strict=True):
            pad = [value] * (width - len(window))
            assert got == (pad + window if side == "left" else window + pad)
