"""What the Data page's workers run: inspect a file (or say which role to pick), check lengths.

Heavy imports stay inside the functions, so importing this module is cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tlstudio.core.errors import RolesNotFound
from tlstudio.core.events import StopFlag
from tlstudio.gui import jobs


@dataclass
class RolesNeeded:
    """The file was read, but no column looks like the text or the label: the user picks it."""

    loaded: Any  # tlstudio.core.data.table.LoadedTable
    role: str  # "text" | "label"
    reason: str
    overrides: dict[str, Any]


def inspect(path: str, *, stop: StopFlag | None = None, **overrides: Any) -> Any:
    """:func:`jobs.inspect`, or :class:`RolesNeeded` with the file as read when a role is missing."""
    # The Train page plans its presets when the data changes; its first import of the planner,
    # the speeds remembered and the estimate line would otherwise run on the GUI thread.
    import tlstudio.core.training.estimate
    import tlstudio.core.training.plan
    import tlstudio.core.training.speed  # noqa: F401

    try:
        return jobs.inspect(path, stop=stop, **overrides)
    except RolesNotFound as exc:
        if exc.loaded is None:
            raise
        return RolesNeeded(exc.loaded, exc.role, exc.reason, overrides)


ZERO_SHOT_MODEL = "default"  # the bundled sentence model: the one a run's zero-shot baseline uses


def zero_shot(report: Any, labels: list[str], names: list[str] | None, *, stop: StopFlag | None = None) -> Any:
    """The class names' zero-shot score on a sample of ``report``'s rows (a ``ZeroShotPreview``),
    or None where it does not apply (names that are codes, pairs, regression, no model)."""
    from tlstudio.core.evaluation.zero_shot import preview_zero_shot

    return preview_zero_shot(report.loaded, report.roles, labels, names, model=ZERO_SHOT_MODEL, stop=stop)


def check_lengths(report: Any, model_folder: str | None, split: Any, previous: Any = None, *,
                  stop: StopFlag | None = None) -> Any:
    """Count ``report``'s tokens with the model's tokenizer (``model_folder`` None: the bundled
    model, the one a first run uses) for the split a run would use (a ``SplitConfig``): a
    ``TokenSurvey`` that the length check, "auto" and the Train page's fit note all read.
    ``previous``: this file's survey with this model for another split (its rows stay counted)."""
    from tlstudio.core.models.token_survey import survey_tokens

    stop = stop or StopFlag()
    stop.check()
    counter = _Stoppable(jobs.token_counter(model_folder), stop)
    stop.check()
    return survey_tokens(report.loaded, report.roles, split, counter, previous)


class _Stoppable:
    """A token counter that stops between batches once the job is cancelled (closing the window)."""

    BATCH = 200

    def __init__(self, counter: Any, stop: StopFlag) -> None:
        self._counter, self._stop = counter, stop
        self.model_max_length = counter.model_max_length
        self.unk_token_id = getattr(counter, "unk_token_id", None)
        self.all_special_ids = getattr(counter, "all_special_ids", None)

    def __call__(self, texts: list[str], pairs: list[str] | None = None, **kwargs: Any) -> dict[str, Any]:
        ids: list[Any] = []
        for start in range(0, len(texts), self.BATCH):
            self._stop.check()
            part = pairs[start:start + self.BATCH] if pairs is not None else None
            ids += self._counter(texts[start:start + self.BATCH], part, **kwargs)["input_ids"]
        return {"input_ids": ids}
