"""Synthetic labelled files for the insight tests: the label follows the words, so flips are findable."""

from __future__ import annotations

import csv
import random
from contextlib import contextmanager
from pathlib import Path

import pytest

POSITIVE = "good great excellent love nice best wonderful superb fine happy".split()
NEGATIVE = "bad terrible awful hate poor worst horrible dreadful sad broken".split()
FILLER = "the food service phone movie place was really very it this and so".split()


def sentence(rng: random.Random, label: int) -> str:
    words = rng.sample(POSITIVE if label else NEGATIVE, 2) + rng.sample(FILLER, 4)
    rng.shuffle(words)
    return " ".join(words)


def synthetic_rows(n: int = 200, seed: int = 0) -> list[tuple[str, str]]:
    """``n`` (text, label) rows, labels 'neg'/'pos' in equal shares, decided by the sentiment words."""
    rng = random.Random(seed)
    labels = [i % 2 for i in range(n)]
    return [(sentence(rng, y), "pos" if y else "neg") for y in labels]


def write_csv(path: Path, rows: list[tuple[str, str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows(rows)
    return path


@pytest.fixture
def flipped_file(tmp_path):
    """(path, 0-based rows whose label was flipped): 200 rows, 5 % flipped on purpose."""
    rows = synthetic_rows()
    flipped = sorted(random.Random(1).sample(range(len(rows)), 10))
    for i in flipped:
        text, label = rows[i]
        rows[i] = (text, "neg" if label == "pos" else "pos")
    return write_csv(tmp_path / "flipped.csv", rows), flipped


KEYWORDS = {0: "awful", 1: "excellent"}
KEYWORD_FILLER = "the a movie phone food service place it this was is very really so my of".split()


def keyword_sentence(rng: random.Random, label: int) -> str:
    words = rng.sample(KEYWORD_FILLER, rng.randint(4, 7))
    words.insert(rng.randint(0, len(words)), KEYWORDS[label])
    return " ".join(words)


def train_keyword_model(folder: Path, steps: int = 150, seed: int = 0) -> Path:
    """The tiny BERT trained briefly so that one keyword decides the label; saved like a run's model."""
    import torch
    from tiny_model import make_tiny_model
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    torch.manual_seed(seed)
    rng = random.Random(seed)
    make_tiny_model(folder)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForSequenceClassification.from_pretrained(folder)
    model.config.id2label, model.config.label2id = {0: "neg", 1: "pos"}, {"neg": 0, "pos": 1}
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    for _ in range(steps):
        labels = [rng.randint(0, 1) for _ in range(32)]
        batch = tokenizer([keyword_sentence(rng, y) for y in labels], padding=True, return_tensors="pt")
        loss = model(**batch, labels=torch.tensor(labels)).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    model.eval()
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@contextmanager
def one_torch_thread():
    """Tiny models run 10-30x faster on one thread when the CPU is shared (no thread contention)."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@pytest.fixture(scope="session")
def keyword_model_dir(tmp_path_factory):
    """A model folder where 'excellent' means pos and nothing else matters (read-only use)."""
    with one_torch_thread():
        return train_keyword_model(tmp_path_factory.mktemp("keyword_bert"))


@pytest.fixture(scope="session")
def keyword_predictor(keyword_model_dir):
    from tlstudio.core.inference.predictor import Predictor

    return Predictor.load(keyword_model_dir, device="cpu")
