"""``RunFolder``: the one reader and writer of a run folder's records.

Like MLflow's ``FileStore``, every other module asks this object for a run's info, config,
metrics, history and test predictions instead of opening ``run.json``, ``run_config.json``
or ``metrics.json`` itself, so the layout and its quirks (escaped CSV cells, a dead process
still marked "running") are handled once.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from pathlib import Path
from typing import Any

from tlstudio.core.csvcells import escape_cell, unescape_cell
from tlstudio.core.errors import ModelError, RunFolderError
from tlstudio.core.runs import folder as files
from tlstudio.core.runs.calibration import Calibration
from tlstudio.core.runs.lock import LOCK_FILE, is_locked
from tlstudio.core.runs.records import Metrics, RunInfo, RunStatus
from tlstudio.core.runs.resume import ResumePoint, checkpoint_history
from tlstudio.core.runs.tables import PredictionRow, prediction_row, read_history
from tlstudio.core.runs.trash import TrashedRun
from tlstudio.core.settings.config import RunConfig


class RunFolder:
    """A run folder on disk; ``RunFolder(path).info()``, ``.config()``, ``.metrics()`` …"""

    def __init__(self, path: str | Path, *, locked: bool = False) -> None:
        self.path = Path(path)
        self.locked = locked  # this process holds the folder's lock (the run starting in it)

    @property
    def name(self) -> str:
        return self.path.name

    def __repr__(self) -> str:
        return f"RunFolder({str(self.path)!r})"

    # --- what the run is ---------------------------------------------------------------
    def is_run(self) -> bool:
        """Whether this folder holds TL Studio records (a finished or unfinished run)."""
        return (self.path / files.RUN_JSON).is_file() or (self.path / files.CONFIG_JSON).is_file()

    def info(self) -> RunInfo:
        """``run.json`` (an empty RunInfo when missing or unreadable)."""
        data = files.read_run_info(self.path)
        return RunInfo.from_dict(data if isinstance(data, dict) else {})

    def status(self) -> RunStatus:
        """The recorded status, ``interrupted`` for a dead "running" run, ``failed`` when only
        the failure marker could be written (the disk was full)."""
        info = self.info()
        if (self.path / files.FAILED_MARKER).exists() and info.status != RunStatus.COMPLETE:
            return RunStatus.FAILED
        status = files.run_status(info.to_dict())
        try:
            return RunStatus(status)
        except ValueError:
            return RunStatus.UNKNOWN

    def is_complete(self) -> bool:
        return self.info().status == RunStatus.COMPLETE

    def has_config(self) -> bool:
        return (self.path / files.CONFIG_JSON).is_file()

    def config(self) -> RunConfig:
        """``run_config.json`` as a RunConfig; RunFolderError naming the file when unreadable."""
        path = self.path / files.CONFIG_JSON
        try:
            return RunConfig.from_json(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise RunFolderError(f"'{self.path}' is not a TL Studio run folder ({path.name} is missing).") from exc
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            raise RunFolderError(f"'{path}' can't be read ({exc}): it is damaged. Repair or delete it "
                                 "(the model still loads without it).") from exc

    def data_file(self) -> str | None:
        """The data file the run trained on (None when its config can't be read)."""
        try:
            return self.config().data_path or None
        except RunFolderError:
            return None

    def describe(self, stopped: bool = False) -> str:
        """One line naming the run and its data, e.g. for the Evaluate page."""
        data = self.data_file()
        parts = [self.name]
        if data:
            parts.append(f"trained on {Path(data).name}")
        if stopped:
            parts.append("stopped early: the best model before the stop")
        return " · ".join(parts)

    def has_model(self) -> bool:
        return self.model_kind() is not None

    def model_kind(self) -> str | None:
        """What the folder ships: "tfidf" (a kept TF-IDF baseline), "transformer", or None."""
        if (self.path / files.TFIDF_FILES[0]).is_file():
            return "tfidf"
        return "transformer" if (self.path / "config.json").is_file() else None

    # --- what the run measured -----------------------------------------------------------
    def metrics(self) -> Metrics:
        """``metrics.json``; RunFolderError when missing or damaged."""
        data = files.load_json(self.path / files.METRICS_JSON)
        if not isinstance(data, dict):
            raise RunFolderError(f"'{self.path / files.METRICS_JSON}' is damaged (not a JSON object).")
        return Metrics.from_dict(data)

    def calibration(self) -> Calibration | None:
        """``calibration.json`` (None when the run has none); ModelError when it is damaged."""
        path = self.path / files.CALIBRATION_JSON
        if not path.is_file():
            return None
        try:
            return Calibration.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            raise ModelError(f"'{path}' is damaged ({exc}). Delete it to predict without "
                             "calibration.") from exc

    def calibration_stamp(self) -> tuple[int, int, int] | None:
        """Which ``calibration.json`` is there now (None: none), to notice a new one cheaply."""
        try:
            found = (self.path / files.CALIBRATION_JSON).stat()
        except OSError:
            return None
        return found.st_mtime_ns, found.st_ino, found.st_size

    def history(self) -> list[dict[str, Any]]:
        """``history.csv`` rows (``kind`` train/eval, numbers as floats); else the latest
        checkpoint's log history for an unfinished run; [] when there is neither."""
        return read_history(self.path / files.HISTORY_CSV) or checkpoint_history(self.path)

    def predictions(self, limit: int = 200_000) -> list[PredictionRow]:
        """The test split's predictions, formula escaping undone ([] when there are none)."""
        path = self.path / files.PREDICTIONS_CSV
        if not path.is_file():
            return []
        csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
        out: list[PredictionRow] = []
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = [unescape_cell(h) for h in next(reader, [])]
            for i, cells in enumerate(reader):
                if i >= limit:
                    break
                record = dict(zip(header, (unescape_cell(c) for c in cells), strict=False))
                out.append(prediction_row(record, i))
        return out

    # --- what the person called it and wrote about it ------------------------------------
    def _notes_record(self) -> dict[str, str]:
        data = files.read_json_object(self.path / files.NOTES_JSON)
        return {k: str(data.get(k) or "") for k in ("title", "notes")}

    def title(self) -> str:
        """The name the person gave the run ("" when none: the folder's name stands)."""
        return self._notes_record()["title"]

    def display_name(self) -> str:
        """What the run is called wherever it is shown (the Runs table, the comparison, its
        messages): the person's name for it, else the one it was made with, else its folder's.
        A moved or copied folder keeps the run's own name."""
        return self.title() or self.info().name or self.name

    def notes(self) -> str:
        return self._notes_record()["notes"]

    def rename(self, title: str) -> None:
        """Name the run (the folder keeps its name, so paths to it stay valid); "" clears it."""
        self._write_notes(title=" ".join(title.split()))

    def set_notes(self, notes: str) -> None:
        self._write_notes(notes=notes.strip())

    def _write_notes(self, **fields: str) -> None:
        from tlstudio.core.atomic import write_json

        if not self.is_run():
            raise RunFolderError(f"'{self.path}' is not a TL Studio run folder.")
        record = {**self._notes_record(), **fields}
        try:
            write_json(self.path / files.NOTES_JSON, record)
        except OSError as exc:
            raise RunFolderError(files.os_error_message(exc, self.path)) from exc

    def move_to_trash(self) -> TrashedRun:
        """Delete the run, undoably (see :mod:`tlstudio.core.runs.trash`); refused while it trains."""
        from tlstudio.core.runs import trash

        if self._in_use() or self.status() == RunStatus.RUNNING:
            raise RunFolderError(f"Can't delete '{self.name}': it is still training. Stop it first.")
        return trash.hold(self.path)

    # --- resuming ----------------------------------------------------------------------
    def latest_checkpoint(self) -> Path | None:
        return files.latest_checkpoint(self.path)

    def resume_refusal(self) -> str | None:
        """Why this run can't be resumed now (a sentence with the way out), or None."""
        where = f"'{self.path}'"
        if not self.has_config():
            return f"Can't resume: {where} is not a TL Studio run folder."
        if self.is_complete():
            return f"Can't resume: the run in {where} already finished."
        info = self.info()
        if self._in_use() or (self.status() == RunStatus.RUNNING and info.pid != os.getpid()):
            pid = f" (process {info.pid})" if info.pid else ""
            return (f"Can't resume: the run in {where} is still running{pid}. "
                    "Stop it first, or wait for it to finish.")
        if self.latest_checkpoint() is None:
            return (f"Can't resume: {where} has no saved checkpoint (the run stopped before its first "
                    "one). Start it again from the beginning in the same folder instead.")
        return None

    def can_resume(self) -> bool:
        return self.resume_refusal() is None

    def _in_use(self) -> bool:
        """Whether another run holds the folder's lock."""
        return not self.locked and is_locked(self.path)

    def can_restart(self) -> bool:
        """Whether "start again" may clear this folder: an unfinished run with no checkpoint,
        or a failed one, and no process training in it."""
        if not self.is_run() or self.is_complete() or self._in_use():
            return False
        status = self.status()
        if status == RunStatus.RUNNING:
            return False
        return status == RunStatus.FAILED or self.latest_checkpoint() is None

    def resume_point(self) -> ResumePoint:
        """What resuming needs (config, checkpoint step, history); RunFolderError when it can't be."""
        checkpoint = self.latest_checkpoint()
        if checkpoint is None:
            raise RunFolderError(f"Can't resume: '{self.path}' has no saved checkpoint (the run stopped "
                                 "before its first one). Start it again from the beginning instead.")
        try:
            config = self.config()
        except RunFolderError as exc:
            raise RunFolderError(f"Can't resume: {exc}") from exc
        config.output_dir = str(self.path)
        state = files.load_json(checkpoint / "trainer_state.json")
        history = [entry for entry in state.get("log_history") or [] if isinstance(entry, dict)]
        return ResumePoint(run_dir=self.path, name=self.info().name or self.name, config=config,
                           step=int(checkpoint.name.removeprefix("checkpoint-")),
                           total_steps=int(state.get("max_steps") or 0), history=history)

    # --- writing (the engine) ------------------------------------------------------------
    def write_status(self, status: RunStatus | str, **fields: Any) -> None:
        """Record ``status`` (and ``fields``) in ``run.json``."""
        files.write_status(self.path, str(RunStatus(status)), **fields)
        if status != RunStatus.FAILED:
            (self.path / files.FAILED_MARKER).unlink(missing_ok=True)

    def record_failure(self, message: str) -> None:
        """Mark the run failed; on a full disk, at least leave the zero-byte failure marker."""
        try:
            files.write_status(self.path, "failed", error=message)
        except OSError:
            try:  # an empty file needs no free blocks: the run still reads "failed"
                (self.path / files.FAILED_MARKER).touch()
            except OSError:
                pass

    def write_history(self, log_history: list[dict[str, Any]]) -> None:
        """``history.csv`` from the Trainer's log history."""
        files.write_history(self.path, log_history)

    def save_model(self, model: Any, tokenizer: Any) -> None:
        """The trained model and tokenizer, moved into place only once fully written."""
        files.save_model(model, tokenizer, self.path)

    def save_tfidf_model(self, model: Any) -> None:
        """A TF-IDF model (``TfidfModel``) as the run's model, replacing the network's files."""
        files.save_tfidf_model(model, self.path)

    def remove_checkpoints(self) -> None:
        files.remove_checkpoints(self.path)

    def discard_failed(self, keep_checkpoints: bool) -> None:
        """What a failed run can't use: half-written checkpoints, model weights, and (unless a
        resume could get past the failure) its checkpoints. Frees disk before anything is written."""
        files.remove_partial_checkpoints(self.path)
        files.remove_model_files(self.path)
        if not keep_checkpoints:
            files.remove_checkpoints(self.path)

    def write_config(self, config: RunConfig) -> None:
        from tlstudio.core.atomic import write_text

        write_text(self.path / files.CONFIG_JSON, config.to_json() + "\n")

    def write_metrics(self, metrics: dict[str, Any]) -> None:
        from tlstudio.core.atomic import write_json

        write_json(self.path / files.METRICS_JSON, metrics)

    def write_calibration(self, calibration: Calibration) -> Path:
        """``calibration.json``, written atomically (prediction reads it on its next call)."""
        from tlstudio.core.atomic import write_json

        path = self.path / files.CALIBRATION_JSON
        write_json(path, calibration.to_dict())
        return path

    def write_calibration_report(self, report: dict[str, Any]) -> None:
        """Put a new calibration report into ``metrics.json`` (the rest of it unchanged)."""
        metrics = self.metrics()
        metrics.calibration = report
        self.write_metrics(metrics.to_dict())

    def write_predictions(self, header: list[str], rows: list[list[Any]]) -> None:
        """``predictions_test.csv``; cells a spreadsheet would run as formulas are escaped."""
        files.write_csv(self.path / files.PREDICTIONS_CSV, [escape_cell(h) for h in header],
                        [[escape_cell(v) for v in row] for row in rows])

    def clear(self) -> None:
        """Empty an unfinished run's folder so a fresh run can start in it ("start again")."""
        import shutil

        if not self.can_restart():
            raise RunFolderError(f"'{self.path}' can't be started again: it is not an unfinished run "
                                 "without checkpoints, or a run is still training in it.")
        for child in self.path.iterdir():
            if child.name == LOCK_FILE:
                continue
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()


def check_target(run_dir: Path, resume: bool, restart: bool = False, *, locked: bool = False) -> None:
    """Refuse to overwrite a folder with other content; for resume, require a checkpoint.

    With ``restart``, an unfinished run that can't be resumed (no checkpoint, or failed) is
    cleared so a fresh run starts in its place.
    """
    folder = RunFolder(run_dir, locked=locked)
    if resume:
        refusal = folder.resume_refusal()
        if refusal:
            if folder.can_restart() and folder.latest_checkpoint() is None:
                refusal += " Run the same command with --restart instead of --resume to do that."
            raise RunFolderError(refusal)
        return
    if restart and folder.can_restart():
        folder.clear()
        return
    if run_dir.exists() and any(p.name != LOCK_FILE for p in run_dir.iterdir()):
        if folder.can_restart():
            hint = ("its run stopped before it could be resumed: use --restart to start it again "
                    "from the beginning (this deletes what it wrote)")
        elif folder.has_config() and not folder.is_complete():
            hint = "use --resume to continue it"
        else:
            hint = "choose an empty folder"
        raise RunFolderError(f"The output folder '{run_dir}' is not empty: {hint}, or pick another --out.")


__all__ = ["Metrics", "PredictionRow", "RunFolder", "RunInfo", "RunStatus"]
