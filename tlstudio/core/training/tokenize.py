"""Tokenize prepared splits for the Trainer."""

from __future__ import annotations

from typing import Any

from tlstudio.core.data.prepared import PreparedData

MAX_TRAIN_WINDOWS = 16  # a huge cell must not swamp the training set
KEEP = ("input_ids", "attention_mask", "token_type_ids", "labels", "length")


def tokenize_splits(prepared: PreparedData, tokenizer: Any, max_length: int, chunks: bool = False) -> Any:
    """A ``DatasetDict`` with model inputs, ``labels`` and ``length`` (for length-grouped batches).

    With ``chunks``, a long text (or pair: see core/inference/chunks.py) becomes several examples
    (overlapping windows, each with the row's label; at most :data:`MAX_TRAIN_WINDOWS` per row)
    instead of being cut.
    """
    if chunks:
        return _tokenize_chunks(prepared, tokenizer, max_length)
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


def _tokenize_chunks(prepared: PreparedData, tokenizer: Any, max_length: int) -> Any:
    from tlstudio.core.inference.chunks import encode_chunks

    pair = prepared.is_pair

    def encode(batch: dict[str, list[Any]]) -> dict[str, Any]:
        encoded = encode_chunks(tokenizer, batch["text"], max_length, batch["text_pair"] if pair else None)
        owners = encoded.pop("overflow_to_sample_mapping")
        seen: dict[int, int] = {}
        keep = []
        for i, owner in enumerate(owners):
            seen[owner] = seen.get(owner, 0) + 1
            if seen[owner] <= MAX_TRAIN_WINDOWS:
                keep.append(i)
        out = {k: [v[i] for i in keep] for k, v in encoded.items() if k in KEEP}
        out["labels"] = [batch["label"][owners[i]] for i in keep]
        out["length"] = [len(ids) for ids in out["input_ids"]]
        return out

    columns = prepared.splits["train"].column_names
    return prepared.splits.map(encode, batched=True, remove_columns=columns, desc=None)
