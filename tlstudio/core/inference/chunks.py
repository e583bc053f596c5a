"""Long texts read in overlapping windows: encode them into chunks, and combine the chunks' logits.

A text longer than the model's max length is cut into windows of ``max_length`` tokens that
overlap by a quarter (so a phrase cut at one window's edge is whole in the next). Each window
is scored on its own; a row's logits are the mean over its windows (``chunks-mean``) or the
per-class maximum (``chunks-max``: a label wins when any part says so).
"""

from __future__ import annotations

from typing import Any

import numpy as np

CHUNK_MODES = ("chunks-mean", "chunks-max")
OVERLAP = 0.25  # share of a window repeated from the previous one


def stride_for(max_length: int) -> int:
    """Tokens each window repeats from the one before."""
    return int(max_length * OVERLAP)


def can_chunk(tokenizer: Any, pairs: Any) -> bool:
    """Chunking needs a fast tokenizer (it maps windows back to rows) and single texts."""
    return bool(getattr(tokenizer, "is_fast", False)) and pairs is None


def encode_chunks(tokenizer: Any, texts: list[str], max_length: int, **kwargs: Any) -> Any:
    """Tokenizer output with one entry per window and ``overflow_to_sample_mapping`` (window -> row)."""
    return tokenizer(texts, truncation=True, max_length=max_length, stride=stride_for(max_length),
                     return_overflowing_tokens=True, **kwargs)


def aggregate(logits: np.ndarray, owners: np.ndarray, rows: int, mode: str) -> np.ndarray:
    """Per-row logits from per-window ``logits`` (``owners[i]`` is window i's row)."""
    out = np.full((rows, logits.shape[1]), -np.inf if mode == "chunks-max" else 0.0)
    if mode == "chunks-max":
        np.maximum.at(out, owners, logits)
        return out
    np.add.at(out, owners, logits)
    return out / np.bincount(owners, minlength=rows)[:, None]


def chunked_logits(model: Any, tokenizer: Any, texts: list[str], max_length: int, mode: str,
                   device: Any) -> np.ndarray:
    """Logits of each text from all its windows, run ``len(texts)`` windows at a time."""
    encoded = encode_chunks(tokenizer, texts, max_length, padding=True, return_tensors="pt")
    owners = encoded.pop("overflow_to_sample_mapping").numpy()
    encoded.pop("offset_mapping", None)
    step = max(1, len(texts))
    parts = []
    for start in range(0, len(owners), step):
        batch = {k: v[start:start + step].to(device) for k, v in encoded.items()}
        parts.append(model(**batch).logits.float().cpu().numpy())
    return aggregate(np.concatenate(parts), owners, len(texts), mode)
