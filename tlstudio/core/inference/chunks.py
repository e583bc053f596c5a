"""Long texts read in overlapping windows: encode them into chunks, and combine the chunks' logits.

A text longer than the model's max length is cut into windows of ``max_length`` tokens that
overlap by a quarter (so a phrase cut at one window's edge is whole in the next). Each window
is scored on its own; a row's logits are the mean over its windows (``chunks-mean``) or the
per-class maximum (``chunks-max``: a label wins when any part says so).

A pair of texts is read as question answering reads a question and a long context: the
shorter member is kept whole in every window and the longer one is windowed (the tokenizer's
``only_first``/``only_second`` truncation with a stride). When the shorter member alone takes
more than half the window there is too little room left to window over, so the pair is cut
(``longest_first``), as it is without chunks. The exported ``predict.py`` makes the same
choice (its ``_pair_strategy`` must stay equal to :func:`pair_strategy`:
tests/export/test_standalone_agrees.py checks it).
"""

from __future__ import annotations

from typing import Any

import numpy as np

CHUNK_MODES = ("chunks-mean", "chunks-max")
OVERLAP = 0.25  # share of a window repeated from the previous one


def stride_for(max_length: int) -> int:
    """Tokens each window repeats from the one before."""
    return int(max_length * OVERLAP)


def can_chunk(tokenizer: Any) -> bool:
    """Chunking needs a fast tokenizer (it maps windows back to rows)."""
    return bool(getattr(tokenizer, "is_fast", False))


def pair_strategy(first: int, second: int, max_length: int, specials: int) -> str:
    """How a pair of ``first`` and ``second`` tokens (specials apart) is read at ``max_length``.

    ``only_first``/``only_second``: that (longer) member is windowed, the other kept whole;
    ``longest_first``: one cut window, because the pair fits or its shorter member alone takes
    more than half the window.
    """
    if first + second + specials <= max_length or min(first, second) + specials > max_length // 2:
        return "longest_first"
    return "only_first" if first >= second else "only_second"


def encode_chunks(tokenizer: Any, texts: list[str], max_length: int, pairs: list[str] | None = None,
                  **kwargs: Any) -> Any:
    """Tokenizer output with one entry per window and ``overflow_to_sample_mapping`` (window -> row)."""
    if pairs is not None:
        return _encode_pair_chunks(tokenizer, texts, pairs, max_length, **kwargs)
    return tokenizer(texts, truncation=True, max_length=max_length, stride=stride_for(max_length),
                     return_overflowing_tokens=True, **kwargs)


def pair_lengths(tokenizer: Any, texts: list[str], pairs: list[str]) -> tuple[list[int], list[int], int]:
    """Each member's tokens (specials apart), and the special tokens a pair adds."""
    firsts = [len(ids) for ids in tokenizer(list(texts), add_special_tokens=False)["input_ids"]]
    seconds = [len(ids) for ids in tokenizer(list(pairs), add_special_tokens=False)["input_ids"]]
    return firsts, seconds, tokenizer.num_special_tokens_to_add(pair=True)


def pair_strategies(tokenizer: Any, texts: list[str], pairs: list[str], max_length: int) -> list[str]:
    """:func:`pair_strategy` of each pair, from its members' token counts."""
    firsts, seconds, specials = pair_lengths(tokenizer, texts, pairs)
    return [pair_strategy(a, b, max_length, specials) for a, b in zip(firsts, seconds, strict=True)]


def _encode_pair_chunks(tokenizer: Any, texts: list[str], pairs: list[str], max_length: int,
                        padding: bool = False, return_tensors: str | None = None) -> Any:
    """Pairs' windows (grouped by strategy, since truncation is one per call), in row order."""
    from transformers import BatchEncoding

    strategies = pair_strategies(tokenizer, texts, pairs, max_length)
    windows: list[tuple[int, dict[str, list[int]]]] = []
    for strategy in sorted(set(strategies)):
        rows = [i for i, s in enumerate(strategies) if s == strategy]
        windowed = strategy != "longest_first"
        encoded = tokenizer([texts[i] for i in rows], [pairs[i] for i in rows], truncation=strategy,
                            max_length=max_length, stride=stride_for(max_length) if windowed else 0,
                            return_overflowing_tokens=windowed)
        owners = encoded.pop("overflow_to_sample_mapping", None) or range(len(rows))
        keys = [k for k in encoded if k != "offset_mapping"]
        windows += [(rows[owner], {k: encoded[k][j] for k in keys}) for j, owner in enumerate(owners)]
    windows.sort(key=lambda w: w[0])  # stable: a row's windows stay in reading order
    data = {k: [w[k] for _, w in windows] for k in (windows[0][1] if windows else ())}
    if padding and data:  # the tokenizer's own padding: its side, pad id and token types
        data = dict(tokenizer.pad(data, padding=True))
    data["overflow_to_sample_mapping"] = [row for row, _ in windows]
    return BatchEncoding(data, tensor_type=return_tensors)


def aggregate(logits: np.ndarray, owners: np.ndarray, rows: int, mode: str) -> np.ndarray:
    """Per-row logits from per-window ``logits`` (``owners[i]`` is window i's row)."""
    out = np.full((rows, logits.shape[1]), -np.inf if mode == "chunks-max" else 0.0)
    if mode == "chunks-max":
        np.maximum.at(out, owners, logits)
        return out
    np.add.at(out, owners, logits)
    return out / np.bincount(owners, minlength=rows)[:, None]


def chunked_logits(model: Any, tokenizer: Any, texts: list[str], max_length: int, mode: str,
                   device: Any, pairs: list[str] | None = None) -> np.ndarray:
    """Logits of each text (or pair) from all its windows, run ``len(texts)`` windows at a time."""
    encoded = encode_chunks(tokenizer, texts, max_length, pairs, padding=True, return_tensors="pt")
    owners = encoded.pop("overflow_to_sample_mapping").numpy()
    encoded.pop("offset_mapping", None)
    step = max(1, len(texts))
    parts = []
    for start in range(0, len(owners), step):
        batch = {k: v[start:start + step].to(device) for k, v in encoded.items()}
        parts.append(model(**batch).logits.float().cpu().numpy())
    return aggregate(np.concatenate(parts), owners, len(texts), mode)
