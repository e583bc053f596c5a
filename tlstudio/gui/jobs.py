"""Plain functions the workers run: they call ``tlstudio.core`` and shape results for display.

Everything heavy is imported inside the functions, so importing this module is cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tlstudio.core.events import StopFlag

if TYPE_CHECKING:
    from tlstudio.core.data.summary import DataSummary as InspectResult


def inspect(path: str, *, text_columns: list[str] | None = None, label_column: str | None = None,
            task: str | None = None, label_columns: list[str] | None = None,
            has_header: bool | None = None, stop: StopFlag | None = None) -> InspectResult:
    """Read and inspect ``path`` with the given role and reading overrides; compute chart data.

    ``stop`` is checked before the file is read and once it has been inspected.
    """
    from tlstudio.core.data.summary import inspect_summary

    stop = stop or StopFlag()
    stop.check()
    summary = inspect_summary(path, text_columns=text_columns, label_column=label_column,
                              task=task, label_columns=label_columns, has_header=has_header)
    stop.check()
    return summary


def list_models(extra_folders: list[str]) -> list[Any]:
    from tlstudio.core.models.catalog import list_models as core_list_models

    return core_list_models(extra_folders)


def detect_devices() -> tuple[list[Any], str]:
    """Detected devices and the torch build note (imports torch: worker only)."""
    from tlstudio.core.system.device import detect_devices as core_detect
    from tlstudio.core.system.device import torch_build_note

    return core_detect(), torch_build_note()


def warm_up() -> None:
    """Import the heavy libraries so the first training starts without a stall."""
    import torch  # noqa: F401
    import transformers  # noqa: F401
