"""Deleting a run with Undo: the folder waits in a hidden ``.trash`` beside the runs, then goes
to the system trash (``send2trash``), so a deleted run can always be got back.

A rename within one folder is instant and can't half-fail, which is what Undo needs; the move
to the system trash (a copy when it is on another disk) happens once Undo is no longer offered.
Where there is no system trash the run stays in ``.trash``, TL Studio's own trash folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tlstudio.core.errors import RunFolderError

TRASH = ".trash"


@dataclass(frozen=True)
class TrashedRun:
    """A deleted run folder waiting for Undo: where it was and where it is now."""

    original: Path
    held: Path


def hold(run_dir: Path) -> TrashedRun:
    """Move ``run_dir`` into the ``.trash`` folder beside it (undone by :func:`restore`)."""
    trash = run_dir.parent / TRASH
    held = trash / f"{datetime.now():%Y%m%d-%H%M%S}-{run_dir.name}"
    n = 1
    while held.exists():
        n += 1
        held = trash / f"{datetime.now():%Y%m%d-%H%M%S}-{run_dir.name}-{n}"
    try:
        trash.mkdir(exist_ok=True)
        os.replace(run_dir, held)
    except OSError as exc:
        raise RunFolderError(f"Can't delete '{run_dir}': {exc.strerror or exc}.") from exc
    return TrashedRun(run_dir, held)


def restore(trashed: TrashedRun) -> Path:
    """Put a deleted run back where it was (RunFolderError when that name is taken meanwhile)."""
    if trashed.original.exists():
        raise RunFolderError(f"Can't undo: '{trashed.original}' exists again. Rename it first.")
    if not trashed.held.exists():
        raise RunFolderError(f"Can't undo: the deleted run is no longer in '{trashed.held.parent}' "
                             "(look in the system trash).")
    try:
        os.replace(trashed.held, trashed.original)
    except OSError as exc:
        raise RunFolderError(f"Can't undo the deletion of '{trashed.original}': {exc.strerror or exc}.") from exc
    return trashed.original


def to_system_trash(path: Path) -> bool:
    """Send ``path`` to the system trash; False (and it stays where it is) when there is none."""
    try:
        from send2trash import send2trash
    except ImportError:
        return False
    try:
        send2trash(str(path))
    except Exception:  # no trash on this disk, no permission: keep it in TL Studio's trash
        return False
    return True


def release(trashed: TrashedRun) -> bool:
    """Undo is no longer offered: send the held folder to the system trash (False: it stays)."""
    return trashed.held.exists() and to_system_trash(trashed.held)


def release_leftovers(root: Path) -> int:
    """Runs held for Undo when the app last ended: send them to the system trash; how many went."""
    trash = root / TRASH
    if not trash.is_dir():
        return 0
    return sum(to_system_trash(path) for path in sorted(trash.iterdir()))
