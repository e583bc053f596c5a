"""An exclusive lock on a run folder, so two trainings never write into the same one.

The lock is an OS file lock on ``.lock`` in the folder: the operating system drops it when
the process exits for any reason (a crash or ``kill -9`` too), so a stale lock can't exist.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tlstudio.core.errors import RunFolderError

LOCK_FILE = ".lock"


class RunLock:
    """Held while a run trains; :meth:`release` (or process exit) frees the folder."""

    def __init__(self, run_dir: Path, handle: int) -> None:
        self.run_dir = run_dir
        self._handle: int | None = handle

    def release(self) -> None:
        if self._handle is not None:
            os.close(self._handle)  # closing the descriptor drops the lock
            self._handle = None

    def __enter__(self) -> RunLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _try_lock(handle: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(handle, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _holder(path: Path) -> str:
    try:
        pid = path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""
    return f" (process {pid})" if pid.isdigit() else ""


def lock_run_folder(run_dir: Path) -> RunLock:
    """Take the folder's lock at once, or raise RunFolderError when another run holds it."""
    from tlstudio.core.runs.folder import os_error_message

    path = run_dir / LOCK_FILE
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise RunFolderError(os_error_message(exc, run_dir)) from exc
    if not _try_lock(handle):
        os.close(handle)
        raise RunFolderError(
            f"Another training run is using '{run_dir}'{_holder(path)}. Wait for it to finish, "
            "stop it, or choose another output folder."
        )
    try:  # who holds it, for the message above; the lock itself doesn't depend on this
        os.ftruncate(handle, 0)
        os.write(handle, str(os.getpid()).encode())
    except OSError:
        pass
    return RunLock(run_dir, handle)


def is_locked(run_dir: Path) -> bool:
    """Whether a live process holds the folder's lock (never takes it for long)."""
    path = run_dir / LOCK_FILE
    if not path.is_file():
        return False
    try:
        handle = os.open(path, os.O_RDWR)
    except OSError:
        return False
    try:
        if not _try_lock(handle):
            return True
    finally:
        os.close(handle)
    return False
