"""Does the model's vocabulary fit the data? Unknown-token and truncation shares, before training."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from tlstudio.core.data.script import unspaced_language
from tlstudio.core.evaluation.format import percent

UNK_WARN_SHARE = 0.05
TRUNCATED_WARN_SHARE = 0.10
SAMPLE_ROWS = 2000
MIN_SUGGESTED = 16


@dataclass
class FitReport:
    """How well a tokenizer covers a set of texts."""

    rows_checked: int
    unk_share: float
    truncated_share: float
    max_length: int | None
    suggested_max_length: int
    length_p95: int
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def model_max_length(tokenizer: Any, fallback: int = 512) -> int:
    """The model's own limit on sequence length (tokenizers report huge sentinels when unset)."""
    value = getattr(tokenizer, "model_max_length", None)
    return value if isinstance(value, int) and 0 < value < 100_000 else fallback


def suggest_max_length(lengths: Sequence[int], cap: int) -> int:
    """95th percentile of token lengths, rounded up to a multiple of 8, capped by the model."""
    if not lengths:
        return min(128, cap)
    ordered = sorted(lengths)
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    return int(min(cap, max(MIN_SUGGESTED, 8 * math.ceil(p95 / 8))))


def fit_sample(rows: int) -> list[int]:
    """The positions of ``rows`` texts the fit check counts: all, or a fixed sample of
    :data:`SAMPLE_ROWS` (the Data page's token survey takes the same rows as the runner)."""
    if rows <= SAMPLE_ROWS:
        return list(range(rows))
    return sorted(random.Random(0).sample(range(rows), SAMPLE_ROWS))


def model_fit(
    texts: Sequence[str],
    tokenizer: Any,
    max_length: int | None = None,
    pairs: Sequence[str] | None = None,
) -> FitReport:
    """Share of tokens mapped to the unknown token and of rows longer than ``max_length``."""
    indices = fit_sample(len(texts))
    sample = [str(texts[i]) for i in indices]
    sample_pairs = [str(pairs[i]) for i in indices] if pairs is not None else None
    encoded = tokenizer(sample, sample_pairs, truncation=False, add_special_tokens=True)["input_ids"]
    counts = [token_counts(ids, tokenizer) for ids in encoded]
    return fit_report([c[0] for c in counts], sum(c[1] for c in counts), sum(c[2] for c in counts),
                      model_max_length(tokenizer), max_length, unspaced_language(sample))


def token_counts(ids: Sequence[int], tokenizer: Any) -> tuple[int, int, int]:
    """(tokens, unknown tokens, content tokens: all but the special ones) of one encoded text."""
    unk_id = getattr(tokenizer, "unk_token_id", None)
    special = set(getattr(tokenizer, "all_special_ids", None) or []) - {unk_id}
    unknown = sum(1 for t in ids if t == unk_id) if unk_id is not None else 0
    return len(ids), unknown, sum(1 for t in ids if t not in special)


def fit_report(lengths: Sequence[int], unknown: int, content: int, cap: int,
               max_length: int | None, language: str | None = None) -> FitReport:
    """The report on texts of ``lengths`` tokens holding ``unknown`` of ``content`` tokens
    unknown, for a model that reads at most ``cap`` (``max_length`` None: the suggestion);
    ``language`` ("Chinese", "Japanese": :func:`script.unspaced_language`) names models for it."""
    suggested = suggest_max_length(lengths, cap)
    limit = max_length or suggested
    truncated = sum(1 for n in lengths if n > limit)
    ordered = sorted(lengths) or [0]
    report = FitReport(
        rows_checked=len(lengths),
        unk_share=unknown / content if content else 0.0,
        truncated_share=truncated / len(lengths) if lengths else 0.0,
        max_length=max_length,
        suggested_max_length=suggested,
        length_p95=ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)],
    )
    report.warnings = _warnings(report, limit, cap, language)
    return report


LANGUAGE_MODELS = {  # models that know the language, by hub id
    None: "a multilingual model (e.g. bert-base-multilingual-cased or xlm-roberta-base)",
    "Chinese": "a Chinese or multilingual model (e.g. bert-base-chinese or xlm-roberta-base)",
    "Japanese": "a Japanese or multilingual model (e.g. xlm-roberta-base or bert-base-multilingual-cased)",
}
OFFLINE_FOLDER = ("Offline mode is on, so use a local folder of one (e.g. copied from a computer that "
                  "has downloaded it).")


def _unknown_tokens(share: float, language: str | None) -> str:
    """The language warning: which models know it, or (offline) where such a model can come from."""
    from tlstudio.core.models.catalog import hub_offline

    what = LANGUAGE_MODELS.get(language, LANGUAGE_MODELS[None])
    advice = f"{what.split(' (e.g.')[0]}. {OFFLINE_FOLDER}" if hub_offline() else f"{what}."
    start = f"The text looks {language}: choose" if language else "If the text is not English, choose"
    return (f"The model does not know {percent(share)} of the tokens in this text (they become [UNK]), so it "
            f"can't learn much from them. {start} {advice}")


def _warnings(report: FitReport, limit: int, cap: int, language: str | None = None) -> list[str]:
    warnings = []
    if report.unk_share >= UNK_WARN_SHARE:
        warnings.append(_unknown_tokens(report.unk_share, language))
    if report.truncated_share >= TRUNCATED_WARN_SHARE:
        hint = (
            f"raise max length towards {min(cap, report.length_p95)}"
            if limit < cap
            else "the model can't read more; consider splitting long texts"
        )
        warnings.append(
            f"{percent(report.truncated_share)} of rows are longer than {limit} tokens and {CUT_OFF}: {hint}."
        )
    return warnings


CUT_OFF = "will be cut off"


def without_cut_off(warnings: list[str]) -> list[str]:
    """The warnings less the one about cut-off rows: for a run that reads long rows in parts."""
    return [w for w in warnings if CUT_OFF not in w]
