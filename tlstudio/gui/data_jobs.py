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
    # The Train page plans its presets when the data changes; its first import of the planner
    # (and the training package behind it) would otherwise run on the GUI thread.
    import tlstudio.core.training.plan  # noqa: F401

    try:
        return jobs.inspect(path, stop=stop, **overrides)
    except RolesNotFound as exc:
        if exc.loaded is None:
            raise
        return RolesNeeded(exc.loaded, exc.role, exc.reason, overrides)
