"""Checks on a predictions file's destination, made before any row is predicted."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from tlstudio.core.errors import DataError

_REASONS = {
    errno.EROFS: "is on a read-only disk",
    errno.EACCES: "can't be written (permission denied)",
    errno.EPERM: "can't be written (permission denied)",
    errno.ENOSPC: "is on a full disk",
    errno.EDQUOT: "is on a full disk (quota exceeded)",
}


def check_output_file(path: str | os.PathLike[str]) -> None:
    """Raise DataError unless a file can be written at ``path`` (its folders may not exist yet).

    Catches a folder given as the file, a file standing where a folder must be, and a
    read-only or full disk, so a long prediction never ends in a failed write.
    """
    target = Path(path)
    if target.is_dir():
        raise DataError(f"'{target}' is a folder: give a file name for the predictions, such as "
                        f"'{target / 'predictions.csv'}'.")
    if target.exists() and not target.is_file():
        raise DataError(f"'{target}' is not a regular file (a device or a pipe): give a file name "
                        "for the predictions.")
    folder = target.parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir():
        raise DataError(f"Can't write '{target}': '{folder}' is a file, not a folder.")
    try:
        with tempfile.TemporaryFile(dir=folder, prefix=".tlstudio-write-test-") as probe:
            probe.write(b"ok")
    except OSError as exc:
        reason = _REASONS.get(exc.errno or 0, f"can't be written ({exc.strerror or exc})")
        raise DataError(f"Can't write '{target}': the folder '{folder}' {reason}. Choose "
                        "another place for the predictions.") from None


def write_error(target: str | os.PathLike[str], exc: OSError) -> DataError:
    """The DataError for a write to ``target`` that failed part-way (e.g. the disk filled up)."""
    why = _REASONS.get(exc.errno or 0)
    message = (f"Can't write the predictions to '{target}': it {why}." if why else
               f"Writing the predictions to '{target}' failed: {exc.strerror or exc}.")
    return DataError(message + " Nothing was written.")
