"""Count tokens as a model's tokenizer does, without importing transformers when possible.

The Data page checks text lengths as soon as a file is open; importing transformers takes
seconds, while a ``tokenizer.json`` loads with the ``tokenizers`` library in a fraction of one
and gives the same tokens (transformers' fast tokenizers wrap that very file).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tlstudio.core.data.truncation import DEFAULT_MAX


class TokenCounter:
    """Callable like a transformers tokenizer for what the length check asks of it."""

    def __init__(self, tokenizer: Any, model_max_length: int) -> None:
        tokenizer.no_truncation()  # a saved tokenizer.json may carry the truncation it was used with
        tokenizer.no_padding()
        self._tokenizer = tokenizer
        self.model_max_length = model_max_length
        # what the fit check asks to tell unknown and special tokens from the text's own
        unk = getattr(tokenizer.model, "unk_token", None)
        self.unk_token_id = tokenizer.token_to_id(unk) if unk else None
        self.all_special_ids = sorted(i for i, t in tokenizer.get_added_tokens_decoder().items() if t.special)

    def __call__(self, texts: list[str], pairs: list[str] | None = None, **_: Any) -> dict[str, Any]:
        inputs = list(zip(texts, pairs, strict=True)) if pairs is not None else list(texts)
        encoded = self._tokenizer.encode_batch(inputs, add_special_tokens=True)
        return {"input_ids": [e.ids for e in encoded]}


def _max_length(folder: Path) -> int:
    """The model's limit in tokens: tokenizer_config.json, else config.json's positions."""
    for name, key in (("tokenizer_config.json", "model_max_length"),
                      ("config.json", "max_position_embeddings")):
        try:
            value = json.loads((folder / name).read_text(encoding="utf-8")).get(key)
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(value, int | float) and 0 < value < 100_000:
            return int(value)
    return DEFAULT_MAX


def load_counter(folder: str | Path) -> Any:
    """A token counter for the model in ``folder`` (its tokenizer.json, else its tokenizer)."""
    folder = Path(folder)
    if (folder / "tokenizer.json").is_file():
        from tokenizers import Tokenizer

        try:
            return TokenCounter(Tokenizer.from_file(str(folder / "tokenizer.json")), _max_length(folder))
        except Exception:  # noqa: BLE001 - a damaged file: the full loader names the problem
            pass
    from tlstudio.core.models.loading import load_tokenizer

    return load_tokenizer(folder)
