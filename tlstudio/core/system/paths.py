"""Where TL Studio keeps its files: ``TLSTUDIO_HOME`` or the per-user data directory."""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    """The TL Studio home folder (created on demand)."""
    env = os.environ.get("TLSTUDIO_HOME")
    if env:
        path = Path(env).expanduser()
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir("tlstudio", "tlstudio"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def runs_dir() -> Path:
    """Folder that holds one sub-folder per training run."""
    path = home() / "runs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def models_dir() -> Path:
    """Folder where downloaded or user-added model references are kept."""
    path = home() / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path
