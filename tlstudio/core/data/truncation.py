"""How many texts a tokenizer would cut at a given maximum length."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from tlstudio.core.data.finding import MAX_EXAMPLES, Problem
from tlstudio.core.data.profile import sample_table
from tlstudio.core.data.roles import Roles

SAMPLE = 2000
DEFAULT_MAX = 512


def effective_max_length(tokenizer: Any, max_length: int | None) -> int:
    """``max_length``, else the tokenizer's own limit (capped: some report 1e30)."""
    if max_length:
        return int(max_length)
    limit = getattr(tokenizer, "model_max_length", None) or DEFAULT_MAX
    return int(limit) if limit < 100_000 else DEFAULT_MAX


def token_lengths(table: pa.Table, roles: Roles, tokenizer: Any) -> list[int]:
    """Tokens per row (special tokens included) for ``table``'s text column(s)."""
    texts = [t or "" for t in table.column(roles.text_columns[0]).to_pylist()]
    pairs = ([t or "" for t in table.column(roles.text_columns[1]).to_pylist()]
             if roles.is_pair else None)
    encoded = tokenizer(texts, pairs, truncation=False, add_special_tokens=True,
                        return_attention_mask=False, return_token_type_ids=False)
    return [len(ids) for ids in encoded["input_ids"]]


def check_truncation(table: pa.Table, row_ids: pa.Array, roles: Roles, tokenizer: Any,
                     max_length: int | None) -> Problem | None:
    """A problem when texts are longer than the model reads (measured on a sample)."""
    limit = effective_max_length(tokenizer, max_length)
    indexed = table.append_column("__row", row_ids)
    sample = sample_table(indexed, SAMPLE)
    lengths = token_lengths(sample, roles, tokenizer)
    rows = sample.column("__row").to_pylist()
    cut = [r for r, n in zip(rows, lengths, strict=True) if n > limit]
    if not cut:
        return None
    share = len(cut) / len(lengths)
    severity = "warning" if share > 0.05 else "info"
    longest = max(lengths)
    return Problem(severity, "truncated",
                   f"{share:.0%} of texts are longer than {limit} tokens (the longest has "
                   f"{longest}) and will be cut; raise the maximum length or accept the loss.",
                   cut[:MAX_EXAMPLES], round(share * table.num_rows))
