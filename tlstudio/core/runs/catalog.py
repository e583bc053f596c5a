"""Finished and unfinished runs on disk: listing, history and export."""

from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tlstudio.core.errors import JobCancelled, RunFolderError
from tlstudio.core.events import StopFlag
from tlstudio.core.runs.folder import (
    CHECKPOINTS,
    CONFIG_JSON,
    HISTORY_CSV,
    latest_checkpoint,
    read_run_info,
    run_status,
)
from tlstudio.core.system.paths import runs_dir


@dataclass
class RunSummary:
    """One run folder as the run list shows it; ``complete`` is false for running/failed/killed runs."""

    run_dir: Path
    name: str
    created: str
    model: str
    task: str
    main_metric: str
    main_metric_value: float | None
    complete: bool
    status: str = ""  # running, complete, failed, or interrupted (its process is gone)
    stopped: bool = False
    resumable: bool = False  # unfinished, with a checkpoint to continue from


def list_runs(root: Path | None = None) -> list[RunSummary]:
    """Run folders under ``root`` (default: the TL Studio runs folder), newest first."""
    root = runs_dir() if root is None else Path(root)
    runs = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []:
        info = read_run_info(folder)
        if not info and not (folder / CONFIG_JSON).is_file():
            continue
        runs.append(
            RunSummary(
                run_dir=folder,
                name=info.get("name", folder.name),
                created=info.get("created", ""),
                model=info.get("model", ""),
                task=info.get("task", ""),
                main_metric=info.get("main_metric", ""),
                main_metric_value=info.get("main_metric_value"),
                complete=info.get("status") == "complete",
                status=run_status(info),
                stopped=bool(info.get("stopped", False)),
                resumable=info.get("status") != "complete" and latest_checkpoint(folder) is not None,
            )
        )
    return sorted(runs, key=lambda r: r.created, reverse=True)


def _number(value: str) -> Any:
    if value == "":
        return None
    try:
        return float(value)
    except ValueError:
        return value


def load_history(run_dir: str | Path) -> list[dict[str, Any]]:
    """Rows of ``history.csv`` (``kind`` is ``train`` or ``eval``; numbers as floats, blanks as None)."""
    path = Path(run_dir) / HISTORY_CSV
    if not path.is_file():
        return []
    with open(path, encoding="utf-8", newline="") as handle:
        return [{k: (v if k == "kind" else _number(v)) for k, v in row.items()} for row in csv.DictReader(handle)]


def export_run(run_dir: str | Path, dest: str | Path, stop: StopFlag | None = None) -> Path:
    """Copy a run folder to ``dest`` without its checkpoints; return the copy's path.

    ``stop`` is checked between files; a stopped export leaves no partial folder behind.
    """
    source, target = Path(run_dir), Path(dest)
    if not (source / "config.json").is_file():
        raise RunFolderError(f"'{source}' holds no trained model to export.")
    if target.exists() and any(target.iterdir()):
        raise RunFolderError(f"'{target}' is not empty; choose a new folder to export to.")
    partial = target.with_name(f".{target.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)

    def copy(src: str, dst: str) -> Any:
        if stop is not None:
            stop.check()
        return shutil.copy2(src, dst)

    try:
        shutil.copytree(source, partial, ignore=shutil.ignore_patterns(CHECKPOINTS, ".*.tmp"),
                        copy_function=copy)
    except JobCancelled:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    if target.exists():
        target.rmdir()
    partial.rename(target)
    return target
