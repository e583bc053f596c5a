"""Synthetic labelled files for the insight tests: the label follows the words, so flips are findable."""

from __future__ import annotations

import csv
import random
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
