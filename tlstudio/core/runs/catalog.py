"""Finished and unfinished runs on disk: listing, history and export."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tlstudio.core.atomic import write_json, write_text
from tlstudio.core.errors import RunFolderError
from tlstudio.core.events import StopFlag
from tlstudio.core.runs.folder import (
    CHECKPOINTS,
    CONFIG_JSON,
    METRICS_JSON,
    PREDICTIONS_CSV,
    RUN_JSON,
    load_json,
    model_short_name,
)
from tlstudio.core.runs.lock import LOCK_FILE
from tlstudio.core.runs.store import RunFolder
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
    resumable: bool = False  # RunFolder.can_resume(): unfinished, not running, has a checkpoint
    title: str = ""  # the name the person gave it ("" when none)
    notes: str = ""
    data: str = ""  # the data file's name
    data_path: str = ""  # the data file's path as the run recorded it (the Runs page's tooltip)
    model_short: str = ""  # e.g. MiniLM-L6, for the table and names
    ci_low: float | None = None  # the verdict's 95 % interval of the main metric
    ci_high: float | None = None
    baselines: dict[str, float] = field(default_factory=dict)  # baseline key: its main-metric score
    seconds: float | None = None  # training time

    @property
    def label(self) -> str:
        """What the run is called: the same as :meth:`RunFolder.display_name`, from what was read."""
        return self.title or self.name

    @property
    def best_baseline(self) -> tuple[str, float] | None:
        return max(self.baselines.items(), key=lambda kv: kv[1]) if self.baselines else None


def list_runs(root: Path | None = None) -> list[RunSummary]:
    """Run folders under ``root`` (default: the TL Studio runs folder), newest first."""
    root = runs_dir() if root is None else Path(root)
    runs = []
    for path in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []:
        folder = RunFolder(path)
        if not folder.is_run():
            continue
        info, status = folder.info(), folder.status()
        verdict = info.verdict or {}
        score = verdict.get("score") or {}
        data = folder.data_file()
        runs.append(
            RunSummary(
                run_dir=path,
                name=info.name or path.name,
                created=info.created,
                model=info.model,
                task=info.task,
                main_metric=info.main_metric,
                main_metric_value=info.main_metric_value,
                complete=status == "complete",
                status=str(status),
                stopped=info.stopped,
                resumable=folder.can_resume(),
                title=folder.title(),
                notes=folder.notes(),
                data=Path(data).name if data else "",
                data_path=data or "",
                model_short=model_short_name(info.model) if info.model else "",
                ci_low=score.get("ci_low"),
                ci_high=score.get("ci_high"),
                baselines={k: b["value"] for k, b in (verdict.get("baselines") or {}).items()
                           if isinstance(b, dict) and b.get("value") is not None},
                seconds=info.train_seconds,
            )
        )
    return sorted(runs, key=lambda r: r.created, reverse=True)


def load_history(run_dir: str | Path) -> list[dict[str, Any]]:
    """The run's history (see :meth:`RunFolder.history`)."""
    return RunFolder(run_dir).history()


def export_run(run_dir: str | Path, dest: str | Path, stop: StopFlag | None = None, *,
               include_data_path: bool = False, include_predictions: bool = False) -> Path:
    """Copy a run folder to ``dest`` without its checkpoints; return the copy's path.

    A copy is made to be shared, so by default it names the data file only by its name (not
    where it lies on this computer) and leaves out the test rows' texts
    (``predictions_test.csv`` and the misclassified examples); the two flags keep them.
    ``stop`` is checked between files; a stopped export leaves no partial folder behind.
    """
    source, target = Path(run_dir), Path(dest)
    kind = RunFolder(source).model_kind()
    if kind is None:
        raise RunFolderError(f"'{source}' holds no trained model to export.")
    if target.exists() and any(target.iterdir()):
        raise RunFolderError(f"'{target}' is not empty; choose a new folder to export to.")
    partial = target.with_name(f".{target.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)

    def copy(src: str, dst: str) -> Any:
        if stop is not None:
            stop.check()
        return shutil.copy2(src, dst)

    skipped = [CHECKPOINTS, ".*.tmp", LOCK_FILE] + ([] if include_predictions else [PREDICTIONS_CSV])
    try:
        shutil.copytree(source, partial, ignore=shutil.ignore_patterns(*skipped), copy_function=copy)
        if not include_data_path:
            _forget_data_paths(partial, _data_paths(source))
        if not include_predictions:
            _forget_test_texts(partial)
        if kind == "tfidf":
            add_tfidf_predictor(partial)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    if target.exists():
        target.rmdir()
    partial.rename(target)
    return target


def add_tfidf_predictor(folder: Path) -> None:
    """``predict.py`` (the exports' standalone predictor), ``tfidf_model.py`` (the numpy model) and
    the run's calibration beside a TF-IDF model, so the folder labels texts with only numpy."""
    core = Path(__file__).resolve().parents[1]
    shutil.copyfile(core / "export" / "standalone.py", folder / "predict.py")
    shutil.copyfile(core / "inference" / "tfidf_numpy.py", folder / "tfidf_model.py")
    write_text(folder / "requirements.txt", "numpy\n")
    calibration = RunFolder(folder).calibration()
    if calibration is not None:  # what predict.py applies, as an ONNX export's settings say it
        write_json(folder / "export_config.json", {"temperature": calibration.temperature,
                                                   "thresholds": calibration.thresholds,
                                                   "unsure_below": calibration.unsure_below})


def _data_paths(run_dir: Path) -> list[str]:
    """The data files' paths as the run recorded them (absolute and as given)."""
    try:
        config = RunFolder(run_dir).config()
    except RunFolderError:
        return []
    paths = [p for p in (config.data_path, config.test_file) if p]
    paths += [str(Path(p).resolve()) for p in paths]
    return sorted(set(paths), key=len, reverse=True)  # the longest first: no partial replacement


def _forget_data_paths(folder: Path, paths: list[str]) -> None:
    """Name each data file by its name only in the copy's records and model card."""
    for name in (RUN_JSON, CONFIG_JSON, "README.md"):
        record = folder / name
        if not record.is_file():
            continue
        text = original = record.read_text(encoding="utf-8")
        for path in paths:
            for form in (path, json.dumps(path)[1:-1]):  # as written, and as JSON escapes it
                text = text.replace(form, Path(path).name)
        if text != original:
            write_text(record, text)


def _forget_test_texts(folder: Path) -> None:
    """Drop the misclassified test rows (their texts) from the copy's test report."""
    record = folder / METRICS_JSON
    if record.is_file():
        report = load_json(record)
        if isinstance(report, dict) and report.pop("misclassified", None) is not None:
            write_json(record, report)
