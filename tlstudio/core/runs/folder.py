"""The run folder's files: an HF model folder plus our records; ``run.json`` is written last.

Low-level helpers for :class:`tlstudio.core.runs.store.RunFolder`, the API everything else uses.
"""

from __future__ import annotations

import csv
import errno
import json
import os
import re
import shutil
import socket
import sys
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
NOTES_JSON = "run_notes.json"  # the person's name and notes for the run (never the engine's)
CALIBRATION_JSON = "calibration.json"  # what prediction applies: temperature, thresholds, "unsure"
CHECKPOINTS = "checkpoints"
PARTIAL_MODEL = ".model-partial"
FAILED_MARKER = ".failed"  # an empty file: "failed" even when the disk was too full for run.json
FINISHED = ("complete",)


def now_iso() -> str:
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")[:40] or "run"


BUNDLED_SHORT_NAME = "MiniLM-L6"  # what the bundled model ("default") is called in names


def model_short_name(spec: str) -> str:
    """A model as a short name: ``MiniLM-L6`` for the bundled one, else a folder or hub id's last part."""
    if not spec or spec == "default":
        return BUNDLED_SHORT_NAME
    return Path(spec.rstrip("/\\")).name.split(" ")[0] or spec


def default_run_dir(root: Path, data_path: str, model_name: str) -> Path:
    """A fresh, readable folder name: ``20260129-101500-reviews-MiniLM-L6``."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    model = _slug(model_short_name(model_name))
    base = f"{stamp}-{_slug(Path(data_path).stem)}-{model}"
    candidate, n = root / base, 1
    while candidate.exists():
        n += 1
        candidate = root / f"{base}-{n}"
    return candidate


def data_fingerprints(paths: list[str | None]) -> dict[str, str]:
    """SHA-256 of each existing data file, keyed by its path (what a resume must find unchanged)."""
    import hashlib

    found = {}
    for path in paths:
        if path and Path(path).is_file():
            digest = hashlib.sha256()
            with open(path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            found[str(path)] = digest.hexdigest()
    return found


def check_data_unchanged(run_dir: Path, recorded: dict[str, str]) -> None:
    """Refuse to resume when a training file is gone or its bytes changed since the run began."""
    for path, digest in recorded.items():
        if not Path(path).is_file():
            raise RunFolderError(
                f"Can't resume '{run_dir.name}': its data file '{path}' is gone. "
                "Put it back where it was, or start a new run."
            )
        if data_fingerprints([path]).get(path) != digest:
            raise RunFolderError(
                f"Can't resume '{run_dir.name}': its data file '{path}' changed since the run began, "
                "so the rest of the run would train on different rows. Restore the file, or start a new run."
            )


def read_run_info(run_dir: str | Path) -> dict[str, Any]:
    """``run.json`` as a dict ({} when missing or unreadable)."""
    try:
        return json.loads((Path(run_dir) / RUN_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def read_json_object(path: Path) -> dict[str, Any]:
    """A JSON object from ``path`` ({} when missing, unreadable or not an object)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def run_status(info: dict[str, Any]) -> str:
    """``run.json``'s status, but ``interrupted`` for a "running" run whose process has died."""
    status = info.get("status", "unknown")
    if status == "running" and info.get("host") == socket.gethostname():
        pid = info.get("pid")
        if isinstance(pid, int) and not process_alive(pid):
            return "interrupted"
    return status


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (never signals it)."""
    if sys.platform == "win32":
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # QUERY_LIMITED_INFORMATION
        if handle:
            ctypes.windll.kernel32.CloseHandle(handle)
        return bool(handle)
    try:
        os.kill(pid, 0)  # signal 0: only checks that the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


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


_DISK_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_NOT_ALLOWED = {errno.EACCES, errno.EPERM, errno.EROFS}


def os_error_message(exc: OSError, run_dir: Path | None = None) -> str:
    """A user-facing sentence for a failed write: disk full, read-only, or another OS error."""
    where = f"'{run_dir}'" if run_dir else f"'{exc.filename}'" if exc.filename else "the run folder"
    if exc.errno in _DISK_FULL:
        return f"The disk is full: can't write {where}. Free some space or choose another output folder."
    if exc.errno in _NOT_ALLOWED:
        reason = "is read-only" if exc.errno == errno.EROFS else "can't be written (permission denied)"
        return f"The output folder {where} {reason}. Choose another output folder."
    if isinstance(exc, NotADirectoryError | FileExistsError):
        return f"Can't create the output folder {where}: a file is in the way. Choose another output folder."
    named = f" ({exc.filename})" if exc.filename else ""
    return f"Training failed: {exc.strerror or exc}{named}."


def check_writable(run_dir: Path) -> None:
    """Create ``run_dir`` and prove a file can be written there, before any training starts."""
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
        probe = run_dir / f".write-test-{os.getpid()}"
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        raise RunFolderError(os_error_message(exc, run_dir)) from exc


def check_free_space(run_dir: Path, needed: int) -> None:
    """Refuse to start when the disk holding ``run_dir`` has less than ``needed`` bytes free."""
    free = shutil.disk_usage(run_dir).free
    if free < needed:
        raise RunFolderError(
            f"Not enough disk space for '{run_dir}': this run needs about {needed / 1e6:,.0f} MB "
            f"(model and checkpoints) and {free / 1e6:,.0f} MB are free. "
            "Free some space or choose another output folder."
        )


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


def remove_partial_checkpoints(run_dir: Path) -> None:
    """Drop checkpoint folders that never finished saving (no ``trainer_state.json``: a crash or
    a full disk part-way), and temporary files of atomic writes."""
    for path in (run_dir / CHECKPOINTS).glob("*"):
        if path.is_dir() and not (path / "trainer_state.json").is_file():
            shutil.rmtree(path, ignore_errors=True)
    for path in run_dir.glob(".*.tmp"):
        path.unlink(missing_ok=True)


def remove_model_files(run_dir: Path) -> None:
    """Drop model weights left by a failed run so the folder can't be mistaken for a model."""
    for name in ("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin"):
        (run_dir / name).unlink(missing_ok=True)
    shutil.rmtree(run_dir / PARTIAL_MODEL, ignore_errors=True)


def save_model(model: Any, tokenizer: Any, run_dir: Path) -> None:
    """Save model and tokenizer to a hidden folder, then move each file into ``run_dir``.

    A crash or a full disk part-way leaves no half-written weights under their real names.
    """
    partial = run_dir / PARTIAL_MODEL
    shutil.rmtree(partial, ignore_errors=True)
    model.save_pretrained(partial)
    tokenizer.save_pretrained(partial)
    for path in sorted(partial.iterdir()):
        os.replace(path, run_dir / path.name)
    partial.rmdir()
    remove_tfidf_model(run_dir)  # a kept TF-IDF model would be loaded before this one


# What save_pretrained writes for a model and its tokenizer: a kept TF-IDF model replaces them.
HF_MODEL_FILES = ("config.json", "generation_config.json", "model.safetensors", "model.safetensors.index.json",
                  "pytorch_model.bin", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
                  "added_tokens.json", "vocab.txt", "vocab.json", "merges.txt", "spiece.model",
                  "sentencepiece.bpe.model", "tokenizer.model", "chat_template.jinja")
TFIDF_FILES = ("tfidf_model.json", "tfidf_weights.safetensors")


def save_tfidf_model(model: Any, run_dir: Path) -> None:
    """Write a TF-IDF model beside the run's records, then drop the network it replaces.

    Its files are written to a hidden folder and moved into place first, so a crash leaves the
    old model or the new one, never neither.
    """
    partial = run_dir / PARTIAL_MODEL
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    model.save(partial)
    for name in TFIDF_FILES:
        os.replace(partial / name, run_dir / name)
    shutil.rmtree(partial, ignore_errors=True)
    for name in HF_MODEL_FILES:
        (run_dir / name).unlink(missing_ok=True)
    for shard in run_dir.glob("model-*-of-*.safetensors"):
        shard.unlink()


def remove_tfidf_model(run_dir: Path) -> None:
    for name in TFIDF_FILES:
        (run_dir / name).unlink(missing_ok=True)


def load_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RunFolderError(f"'{path.parent}' is not a complete run folder ({path.name} is missing).") from exc
    except ValueError as exc:
        raise RunFolderError(f"'{path}' is damaged: {exc}.") from exc
