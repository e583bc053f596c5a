"""The model–data fit check before a run, for the GUI: the opened file's texts against a model's tokenizer."""

from __future__ import annotations

from typing import Any

from tlstudio.core.models.fit import FitReport, model_fit

OFFLINE_HINT = ("Without internet, add a local folder of a multilingual model on the Model page "
                "(e.g. one copied from a computer that has downloaded it).")


def check_fit(table: Any, text_columns: list[str], model_path: str, max_length: int | None = None,
              trust_remote_code: bool = False) -> FitReport:
    """:func:`model_fit` on the table's texts (and pairs) with the model's own tokenizer.

    ``table`` is the inspected pyarrow table; a missing column gives an empty check, not an error.
    """
    from tlstudio.core.models.loading import load_tokenizer

    present = [c for c in text_columns if c in table.column_names]
    if not present:
        return FitReport(rows_checked=0, unk_share=0.0, truncated_share=0.0, max_length=max_length,
                         suggested_max_length=max_length or 128, length_p95=0)
    texts = ["" if v is None else str(v) for v in table.column(present[0]).to_pylist()]
    pairs = ["" if v is None else str(v) for v in table.column(present[1]).to_pylist()] if len(present) > 1 else None
    tokenizer = load_tokenizer(model_path, trust_remote_code=trust_remote_code)
    return model_fit(texts, tokenizer, max_length, pairs)


def fit_messages(report: FitReport) -> list[str]:
    """The report's warnings, with the offline way to a multilingual model after a language warning."""
    from tlstudio.core.models.fit import UNK_WARN_SHARE

    messages = list(report.warnings)
    if report.unk_share >= UNK_WARN_SHARE:
        messages.append(OFFLINE_HINT)
    return messages
