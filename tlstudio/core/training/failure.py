"""The run folder a training run claims, and what a failed run leaves in it and is told.

The folder is locked before anything is written; when the run fails, its disk space is freed
(checkpoints kept only where resuming could get past the failure), the run is marked failed,
and the failure is put in words a person can act on.
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

from tlstudio.core.errors import RunFolderError, TLStudioError
from tlstudio.core.runs.store import RunFolder, check_target


def claim(run_dir: Path, resume: bool, restart: bool) -> Any:
    """Lock the run folder at once (a second run into it is refused), then check it may be used.

    A folder holding someone else's files is refused before anything is written into it.
    """
    from tlstudio.core.runs.lock import lock_run_folder

    if not resume and not RunFolder(run_dir).is_run():
        check_target(run_dir, resume=False)
    created = not run_dir.exists()
    lock = lock_run_folder(run_dir)
    try:
        check_target(run_dir, resume, restart, locked=True)
    except BaseException:
        drop_if_only_lock(run_dir, created)
        lock.release()
        raise
    return lock


def drop_if_only_lock(run_dir: Path, created: bool) -> None:
    """Remove a folder this run created when nothing but its lock file ended up in it."""
    from tlstudio.core.runs.lock import LOCK_FILE

    if created and [p.name for p in run_dir.iterdir()] == [LOCK_FILE]:
        (run_dir / LOCK_FILE).unlink(missing_ok=True)
        run_dir.rmdir()


def _keeps_checkpoints(exc: BaseException, message: str) -> bool:
    """Whether resuming could get past this failure: a full disk, a refused folder, Ctrl-C.

    Other failures (the data, the model, an error inside training) would fail the same way
    again, so their checkpoints are only disk space.
    """
    if isinstance(exc, OSError | KeyboardInterrupt | RunFolderError):
        return True
    return message.startswith(("The disk is full", "Couldn't finish writing a checkpoint",
                               "Out of memory loading"))


def record_failure(run_dir: Path, exc: BaseException, message: str, created: bool) -> None:
    """Free the disk first (partial checkpoints, weights), then mark the run failed.

    A run that failed before it wrote anything leaves no folder behind when it made the folder.
    """

    folder = RunFolder(run_dir)
    if not folder.is_run():
        drop_if_only_lock(run_dir, created)
        return
    folder.discard_failed(keep_checkpoints=_keeps_checkpoints(exc, message))
    folder.record_failure(message)


_DISK_FULL_TEXT = ("No space left on device", "StorageFull", "Disk quota exceeded", "File too large")
_TORCH_WRITE_FAILED = ("PytorchStreamWriter failed", "inline_container.cc")  # torch.save's words


def failure_message(exc: BaseException, run_dir: Path | None) -> str:
    from tlstudio.core.runs.folder import os_error_message

    if isinstance(exc, TLStudioError):
        return str(exc)
    if isinstance(exc, KeyboardInterrupt):
        return "Training was interrupted."
    if isinstance(exc, OSError) and exc.errno is not None:
        return os_error_message(exc, run_dir)
    from tlstudio.core.training.memory import is_out_of_memory

    if is_out_of_memory(exc):  # outside a training step: a smaller batch can't help
        return ("Out of memory loading the model or its optimizer state: the device has too little "
                "memory for this model. Choose a smaller model, train the head only "
                "(strategy 'frozen'), or train on the CPU.")
    # safetensors and torch.save report a full disk in their own words
    if any(text in str(exc) for text in _DISK_FULL_TEXT):
        return os_error_message(OSError(errno.ENOSPC, "No space left on device"), run_dir)
    if any(text in str(exc) for text in _TORCH_WRITE_FAILED):
        return (f"Couldn't finish writing a checkpoint in '{run_dir}': the disk may be full or a file "
                "size limit was reached. Free some space or choose another output folder.")
    return f"Training failed: {type(exc).__name__}: {exc}"
