"""How many texts a tokenizer would cut at a given maximum length."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from tlstudio.core.data.finding import MAX_EXAMPLES, Problem
from tlstudio.core.data.profile import sample_table
from tlstudio.core.data.roles import Roles
from tlstudio.core.evaluation.format import percent
from tlstudio.core.wording import count

SAMPLE = 2000
DEFAULT_MAX = 512
CHARS_PER_TOKEN = 16  # texts are cut to limit x this many characters before counting


def effective_max_length(tokenizer: Any, max_length: int | None) -> int:
    """``max_length``, else the tokenizer's own limit (capped: some report 1e30)."""
    if max_length:
        return int(max_length)
    limit = getattr(tokenizer, "model_max_length", None) or DEFAULT_MAX
    return int(limit) if limit < 100_000 else DEFAULT_MAX


def token_lengths(table: pa.Table, roles: Roles, tokenizer: Any,
                  max_chars: int | None = None) -> list[int]:
    """Tokens per row (special tokens included) for ``table``'s text column(s).

    With ``max_chars`` each text is cut to that many characters first: a 5-million-character
    cell takes a tokenizer many seconds, and its first characters already tell it is too long.
    """
    texts = [(t or "")[:max_chars] for t in table.column(roles.text_columns[0]).to_pylist()]
    pairs = ([(t or "")[:max_chars] for t in table.column(roles.text_columns[1]).to_pylist()]
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
    max_chars = limit * CHARS_PER_TOKEN
    lengths = token_lengths(sample, roles, tokenizer, max_chars)
    chars = max(pc.max(pc.utf8_length(sample.column(c).cast(pa.string()))).as_py() or 0
                for c in roles.text_columns)
    return truncation_problem(sample.column("__row").to_pylist(), lengths, limit, table.num_rows, chars)


def truncation_problem(rows: list[int], lengths: list[int], limit: int, total_rows: int,
                       longest_chars: int) -> Problem | None:
    """The "texts will be cut" problem from counted tokens, or None when no text is too long.

    ``rows`` are the file rows of a sample of ``total_rows`` usable rows, ``lengths`` their
    tokens (texts cut to ``limit`` x :data:`CHARS_PER_TOKEN` characters first), ``longest_chars``
    the most characters in one of them.
    """
    cut = [r for r, n in zip(rows, lengths, strict=True) if n > limit]
    if not cut:
        return None
    share = len(cut) / len(lengths)
    severity = "warning" if share > 0.05 else "info"
    longest = max(lengths)
    longest_text = (f"{longest:,} tokens" if longest_chars <= limit * CHARS_PER_TOKEN
                    else f"{longest_chars:,} characters, far more than {limit} tokens")
    if len(lengths) == total_rows:  # every row counted
        n_cut = len(cut)
        who = f"{count(n_cut, 'text')} {'is' if n_cut == 1 else 'are'}"
    else:
        n_cut = round(share * total_rows)
        who = f"About {percent(share)} of texts (≈ {count(n_cut, 'row')}) are"
    return Problem(severity, "truncated",
                   f"{who} longer than the {limit} tokens the model reads (the longest has "
                   f"{longest_text}) and will be cut; raise the maximum length or accept the loss.",
                   cut[:MAX_EXAMPLES], n_cut)
