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




@dataclass
class LengthCheck:
    """What counting the tokens found: the "texts will be cut" problem (or None), and the max
    length a run left at "auto" would pick (None: the data can't be split for a run yet)."""

    problem: Any  # tlstudio.core.data.finding.Problem | None
    auto_max_length: int | None


def check_lengths(report: Any, model_folder: str | None, split: Any, *,
                  stop: StopFlag | None = None) -> LengthCheck:
    """Count ``report``'s tokens with the model's tokenizer (``model_folder`` None: the bundled
    model, the one a first run uses); ``split`` is the ``SplitConfig`` the run would use."""
    from tlstudio.core.data.truncation import check_table_truncation
    from tlstudio.core.errors import DataError
    from tlstudio.core.models.fit import run_max_length

    stop = stop or StopFlag()
    stop.check()
    counter = _Stoppable(jobs.token_counter(model_folder), stop)
    stop.check()
    problem = check_table_truncation(report.loaded.table, report.roles, counter)
    try:  # the runner's own choice, on the same training rows: the presets are timed at it
        length = run_max_length(report.loaded, report.roles, split, counter)
    except (DataError, OSError):  # e.g. too few rows, an unreadable test file: the run says so
        length = None
    return LengthCheck(problem, length)


class _Stoppable:
    """A token counter that stops between batches once the job is cancelled (closing the window)."""

    BATCH = 200

    def __init__(self, counter: Any, stop: StopFlag) -> None:
        self._counter, self._stop = counter, stop
        self.model_max_length = counter.model_max_length

    def __call__(self, texts: list[str], pairs: list[str] | None = None, **kwargs: Any) -> dict[str, Any]:
        ids: list[Any] = []
        for start in range(0, len(texts), self.BATCH):
            self._stop.check()
            part = pairs[start:start + self.BATCH] if pairs is not None else None
            ids += self._counter(texts[start:start + self.BATCH], part, **kwargs)["input_ids"]
        return {"input_ids": ids}
