"""The run folder: an HF model folder plus our records; ``run.json`` is written last."""

from __future__ import annotations

import csv
import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tlstudio.core.atomic import atomic_open, write_json
from tlstudio.core.errors import RunFolderError

RUN_JSON = "run.json"
CONFIG_JSON = "run_config.json"
METRICS_JSON = "metrics.json"
HISTORY_CSV = "history.csv"
PREDICTIONS_CSV = "predictions_test.csv"
CHECKPOINTS = "checkpoints"
FINISHED = ("complete",)


def now_iso() -> str:
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")[:40] or "run"


def default_run_dir(root: Path, data_path: str, model_name: str) -> Path:
    """A fresh, readable folder name: ``20260129-101500-reviews-MiniLM``."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    model = _slug(Path(model_name).name.split(" ")[0])
    base = f"{stamp}-{_slug(Path(data_path).stem)}-{model}"
    candidate, n = root / base, 1
    while candidate.exists():
        n += 1
        candidate = root / f"{base}-{n}"
    return candidate


def read_run_info(run_dir: str | Path) -> dict[str, Any]:
    """``run.json`` as a dict ({} when missing or unreadable)."""
    try:
        return json.loads((Path(run_dir) / RUN_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def is_complete(run_dir: str | Path) -> bool:
    return read_run_info(run_dir).get("status") in FINISHED


def latest_checkpoint(run_dir: str | Path) -> Path | None:
    """The newest ``checkpoints/checkpoint-N`` folder that finished saving."""
    folder = Path(run_dir) / CHECKPOINTS
    found = []
    for path in folder.glob("checkpoint-*"):
        suffix = path.name.removeprefix("checkpoint-")
        if suffix.isdigit() and (path / "trainer_state.json").is_file():
            found.append((int(suffix), path))
    return max(found)[1] if found else None


def check_target(run_dir: Path, resume: bool) -> None:
    """Refuse to overwrite a folder with other content; for resume, require a checkpoint."""
    if resume:
        if not (run_dir / CONFIG_JSON).is_file():
            raise RunFolderError(f"Can't resume: '{run_dir}' is not a TL Studio run folder.")
        if is_complete(run_dir):
            raise RunFolderError(f"Can't resume: the run in '{run_dir}' already finished.")
        if latest_checkpoint(run_dir) is None:
            raise RunFolderError(
                f"Can't resume: '{run_dir}' has no saved checkpoint (the run stopped before its first one)."
            )
        return
    if run_dir.exists() and any(run_dir.iterdir()):
        hint = "use --resume to continue it" if (run_dir / CONFIG_JSON).is_file() else "choose an empty folder"
        raise RunFolderError(f"The output folder '{run_dir}' is not empty: {hint}, or pick another --out.")


def write_status(run_dir: Path, status: str, **fields: Any) -> None:
    """Write ``run.json``; called with ``running`` first and ``complete``/``failed`` at the end."""
    info = read_run_info(run_dir)
    info.setdefault("created", now_iso())
    info.update(fields)
    info["status"] = status
    info["updated"] = now_iso()
    write_json(run_dir / RUN_JSON, info)


def write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    with atomic_open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def write_history(run_dir: Path, log_history: list[dict[str, Any]]) -> None:
    """The Trainer's log history as CSV: one row per training log or evaluation."""
    skip = {"total_flos", "train_runtime", "train_samples_per_second", "train_steps_per_second"}
    rows = [entry for entry in log_history if not skip & entry.keys()]
    columns = ["kind", "step", "epoch"]
    for entry in rows:
        columns += [k for k in entry if k not in columns]
    out = []
    for entry in rows:
        kind = "eval" if any(k.startswith("eval_") for k in entry) else "train"
        out.append([kind] + [entry.get(c, "") for c in columns[1:]])
    write_csv(run_dir / HISTORY_CSV, columns, out)


def remove_checkpoints(run_dir: Path) -> None:
    shutil.rmtree(run_dir / CHECKPOINTS, ignore_errors=True)


def remove_model_files(run_dir: Path) -> None:
    """Drop model weights left by a failed run so the folder can't be mistaken for a model."""
    for name in ("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin"):
        (run_dir / name).unlink(missing_ok=True)


def load_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RunFolderError(f"'{path.parent}' is not a complete run folder ({path.name} is missing).") from exc
    except ValueError as exc:
        raise RunFolderError(f"'{path}' is damaged: {exc}.") from exc
