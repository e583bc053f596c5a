"""Frozen sentence embeddings (mean pooling), for the embeddings baseline and zero-shot scoring.

The bundled MiniLM is a sentence-transformers model: the mean of its last hidden states over
real tokens, L2-normalised, is the sentence vector it was trained to give.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

MAX_LENGTH = 128  # sentence embeddings were trained on short inputs; longer costs time, not quality
BATCH_SIZE = 64

_cache: dict[tuple[str, str, int], SentenceEncoder] = {}
_cache_lock = threading.Lock()


class SentenceEncoder:
    """A frozen transformer body that turns texts into unit vectors (CPU or the given device)."""

    def __init__(self, folder: str | Path, *, device: str = "cpu", max_length: int = MAX_LENGTH) -> None:
        from transformers import AutoModel, AutoTokenizer

        from tlstudio.core.models.loading import quiet_libraries

        quiet_libraries()  # a classifier folder loads into AutoModel with "unused weights" reports
        self.folder = Path(folder)
        self.tokenizer = AutoTokenizer.from_pretrained(str(folder))
        self.model = AutoModel.from_pretrained(str(folder)).to(device).eval()
        self.device = device
        self.max_length = min(max_length, int(getattr(self.tokenizer, "model_max_length", max_length)))

    def encode(self, texts: Sequence[str], batch_size: int = BATCH_SIZE) -> np.ndarray:
        """Unit-length mean-pooled vectors, shape (len(texts), hidden); input order kept."""
        import torch

        order = np.argsort([len(t) for t in texts], kind="stable")  # similar lengths pad less
        out = np.zeros((len(texts), self.model.config.hidden_size), dtype=np.float32)
        with torch.inference_mode():
            for start in range(0, len(texts), batch_size):
                idx = order[start:start + batch_size]
                batch = self.tokenizer([str(texts[i]) for i in idx], padding=True, truncation=True,
                                       max_length=self.max_length, return_tensors="pt").to(self.device)
                hidden = self.model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1)
                pooled = torch.nn.functional.normalize(pooled, dim=-1)
                out[idx] = pooled.float().cpu().numpy()
        return out


def load_encoder(model: str | Path | None = "default", **kwargs: Any) -> SentenceEncoder | None:
    """The encoder for ``model`` ('default' is the bundled MiniLM); None when it can't be loaded.

    Callers treat None as "skip what needs embeddings": a missing or broken model must not
    fail a run whose training already succeeded.
    """
    if model is None:
        return None
    from tlstudio.core.errors import TLStudioError
    from tlstudio.core.models.catalog import resolve_model

    try:
        info = resolve_model(str(model))
        if info.path is None:  # a hub id not downloaded: no network here
            return None
        return _cached(Path(info.path), **kwargs)
    except (TLStudioError, OSError, ValueError, ImportError):
        return None


def _cached(folder: Path, *, device: str = "cpu", max_length: int = MAX_LENGTH) -> SentenceEncoder:
    """One frozen encoder per folder and device for the process: loading MiniLM costs seconds,
    every run's baselines need it, and nothing ever changes its weights."""
    key = (str(folder.resolve()), device, max_length)
    with _cache_lock:
        if key not in _cache:
            _cache.clear()  # keep one model in memory, not one per folder ever used
            _cache[key] = SentenceEncoder(folder, device=device, max_length=max_length)
        return _cache[key]
