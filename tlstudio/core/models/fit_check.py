"""The model–data fit check's words before a run, for the GUI (the counts: ``token_survey.py``)."""

from __future__ import annotations

from tlstudio.core.models.fit import FitReport

OFFLINE_HINT = ("Without internet, add a local folder of a multilingual model on the Model page "
                "(e.g. one copied from a computer that has downloaded it).")


def fit_messages(report: FitReport) -> list[str]:
    """The report's warnings, with the offline way to a multilingual model after a language warning
    (in offline mode the warning itself says it, naming no model to download)."""
    from tlstudio.core.models.catalog import hub_offline
    from tlstudio.core.models.fit import UNK_WARN_SHARE

    messages = list(report.warnings)
    if report.unk_share >= UNK_WARN_SHARE and not hub_offline():
        messages.append(OFFLINE_HINT)
    return messages
