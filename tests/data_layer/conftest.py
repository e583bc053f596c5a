"""Fixtures for the data-layer tests: write small files, checksum them."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

EXCERPTS = Path(__file__).parents[1] / "data" / "raw_excerpts"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """``write(name, content, encoding="utf-8")`` writes text or bytes under tmp_path."""

    def _write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content if isinstance(content, bytes) else content.encode(encoding)
        path.write_bytes(data)
        return path

    return _write


def sentiment_rows(n: int = 40, *, sep: str = ",") -> str:
    """A small header+rows table with text and a balanced binary label."""
    words = ["great", "awful", "fine", "boring", "lovely", "terrible", "superb", "poor"]
    lines = [f"text{sep}label"]
    for i in range(n):
        label = "pos" if i % 2 == 0 else "neg"
        lines.append(f"review number {i} was {words[i % len(words)]} overall{sep}{label}")
    return "\n".join(lines) + "\n"
