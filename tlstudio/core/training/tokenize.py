"""Tokenize prepared splits for the Trainer."""

from __future__ import annotations

from typing import Any

from tlstudio.core.data.prepared import PreparedData

KEEP = ("input_ids", "attention_mask", "token_type_ids", "labels", "length")


def tokenize_splits(prepared: PreparedData, tokenizer: Any, max_length: int) -> Any:
    """A ``DatasetDict`` with model inputs, ``labels`` and ``length`` (for length-grouped batches)."""
    pair = prepared.is_pair

    def encode(batch: dict[str, list[Any]]) -> dict[str, Any]:
        encoded = tokenizer(
            batch["text"], batch["text_pair"] if pair else None, truncation=True, max_length=max_length
        )
        encoded["labels"] = batch["label"]
        encoded["length"] = [len(ids) for ids in encoded["input_ids"]]
        return dict(encoded)

    tokenized = prepared.splits.map(encode, batched=True, desc=None)
    drop = {name: [c for c in split.column_names if c not in KEEP] for name, split in tokenized.items()}
    return type(tokenized)({name: split.remove_columns(drop[name]) for name, split in tokenized.items()})


def training_texts(prepared: PreparedData) -> tuple[list[str], list[str] | None]:
    """Texts (and pairs) of the training split, for the fit check and length suggestion."""
    train = prepared.splits["train"]
    return list(train["text"]), (list(train["text_pair"]) if prepared.is_pair else None)
