"""Cheap checks of a model folder's files, so a broken one fails with a message naming the file.

Nothing here loads torch or transformers. The checks read what a loader would trip over:
``config.json`` (present, a JSON object), the weights that ``from_pretrained`` would pick
(present; a safetensors file's header parses and the file is as long as the header says; a
zip-format ``.bin`` has its index; a sharded checkpoint's shards exist) and the tokenizer's
vocabulary files. Bytes flipped inside the tensor data can't be seen without checksums, which
model folders don't carry, so that isn't claimed.
"""

from __future__ import annotations

import json
import struct
import zipfile
from pathlib import Path
from typing import Any

from tlstudio.core.errors import ModelError

CONFIG = "config.json"
SAFE_WEIGHTS = "model.safetensors"
SAFE_INDEX = "model.safetensors.index.json"
PICKLE_WEIGHTS = "pytorch_model.bin"
PICKLE_INDEX = "pytorch_model.bin.index.json"
WEIGHT_NAMES = (SAFE_WEIGHTS, SAFE_INDEX, PICKLE_WEIGHTS, PICKLE_INDEX)  # transformers' order
EXPECTED_WEIGHTS = (
    "model.safetensors (or model.safetensors.index.json with its shards), or pytorch_model.bin"
)
TOKENIZER_JSONS = ("tokenizer_config.json", "special_tokens_map.json", "added_tokens.json",
                   "vocab.json", "tokenizer.json")
EXPECTED_TOKENIZER = ("tokenizer.json, or vocab.txt, or vocab.json with merges.txt, "
                      "or a SentencePiece .model file")
_FOREIGN_WEIGHTS = ("tf_model.h5", "flax_model.msgpack", "model.ckpt.index", "model.onnx")
_MAX_HEADER = 100_000_000  # the safetensors format's own limit
_DTYPE_BYTES = {
    "BOOL": 1, "U8": 1, "I8": 1, "F8_E4M3": 1, "F8_E5M2": 1, "F8_E8M0": 1,
    "U16": 2, "I16": 2, "F16": 2, "BF16": 2, "U32": 4, "I32": 4, "F32": 4,
    "U64": 8, "I64": 8, "F64": 8, "C64": 8,
}
_REDOWNLOAD = "Copy or download the model again"


def read_config(folder: str | Path) -> dict[str, Any]:
    """``config.json`` as a dict; a :class:`ModelError` naming it when missing or not JSON."""
    path = Path(folder) / CONFIG
    if not path.is_file():
        raise ModelError(
            f"'{Path(folder)}' has no {CONFIG}, so it isn't a Hugging Face model folder. "
            "Pick a folder saved with save_pretrained() (or a run folder), or use --model default."
        )
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ModelError(f"'{path}' is not a text file, so the model can't be read: "
                         f"it is damaged. {_REDOWNLOAD}.") from exc
    except ValueError as exc:
        raise ModelError(f"'{path}' is not valid JSON ({exc}): it is truncated or damaged. "
                         f"{_REDOWNLOAD}.") from exc
    except OSError as exc:
        raise ModelError(f"Can't read '{path}': {exc.strerror or exc}.") from exc
    if not isinstance(config, dict):
        raise ModelError(f"'{path}' holds no model settings (it is JSON, but not an object): "
                         f"it is damaged. {_REDOWNLOAD}.")
    return config


def weight_files(folder: str | Path, config: dict[str, Any] | None = None) -> list[Path]:
    """The weights file ``from_pretrained`` reads first (an index, then its shards), unchecked.

    Raises :class:`ModelError` when there are none, naming the files that were looked for.
    """
    folder = Path(folder)
    explicit = (config or {}).get("transformers_weights")
    names = [explicit] if isinstance(explicit, str) and explicit else list(WEIGHT_NAMES)
    for name in names:
        path = folder / name
        if path.is_file():
            if name.endswith(".index.json"):
                return [path, *_shards(path)]
            return [path]
    foreign = [n for n in _FOREIGN_WEIGHTS if (folder / n).exists()]
    found = f" It has only {', '.join(foreign)}, which TL Studio can't load." if foreign else ""
    expected = f"'{explicit}' (named by {CONFIG})" if names == [explicit] else EXPECTED_WEIGHTS
    raise ModelError(
        f"The model folder '{folder}' has no weights: expected {expected}.{found} "
        "Copy the weights file that came with the model into the folder."
    )


def _shards(index: Path) -> list[Path]:
    try:
        weight_map = json.loads(index.read_text(encoding="utf-8")).get("weight_map")
    except (OSError, ValueError, AttributeError) as exc:
        raise ModelError(f"'{index}' is not a valid shard index (truncated or damaged?). "
                         f"{_REDOWNLOAD}.") from exc
    if not isinstance(weight_map, dict) or not weight_map:
        raise ModelError(f"'{index}' lists no weights (its 'weight_map' is missing or empty): "
                         f"it is damaged. {_REDOWNLOAD}.")
    shards = []
    for name in sorted(set(map(str, weight_map.values()))):
        shard = index.parent / name
        if not shard.is_file():
            raise ModelError(f"The weights shard '{shard}' is missing: {index.name} lists it. "
                             f"{_REDOWNLOAD}, with all of its shards.")
        shards.append(shard)
    return shards


def check_safetensors(path: str | Path) -> None:
    """Raise :class:`ModelError` when ``path``'s header is damaged or the file is cut short.

    The file is 8 bytes of header length (little-endian), the JSON header, then the tensor
    data, which must end exactly where the header's largest ``data_offsets`` end says.
    """
    path = Path(path)
    size = path.stat().st_size
    with open(path, "rb") as handle:
        head = handle.read(8)
        if len(head) < 8:
            raise ModelError(f"The weights file '{path}' is truncated: it has {size} bytes, not "
                             f"even a safetensors header. {_REDOWNLOAD}.")
        (length,) = struct.unpack("<Q", head)
        if length > _MAX_HEADER:
            raise ModelError(f"The weights file '{path}' is damaged: it doesn't start with a "
                             f"safetensors header. {_REDOWNLOAD}.")
        if 8 + length > size:
            raise ModelError(f"The weights file '{path}' is truncated: it ends inside its header "
                             f"({size:,} bytes). {_REDOWNLOAD}.")
        raw = handle.read(length)
    try:
        header = json.loads(raw.decode("utf-8"))
        if not isinstance(header, dict):
            raise ValueError("not a JSON object")
        end = _data_end(header)
    except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError included
        raise ModelError(f"The weights file '{path}' is damaged: its safetensors header is not "
                         f"valid ({exc}). {_REDOWNLOAD}.") from exc
    expected = 8 + length + end
    if size < expected:
        missing = 100 * (expected - size) / expected
        raise ModelError(f"The weights file '{path}' is truncated: it has {size:,} bytes but its "
                         f"header says {expected:,} ({missing:.0f}% missing). {_REDOWNLOAD}.")
    if size > expected:
        raise ModelError(f"The weights file '{path}' is damaged: it has {size - expected:,} bytes "
                         f"after its last tensor. {_REDOWNLOAD}.")


def _data_end(header: dict[str, Any]) -> int:
    """Where the tensor data ends; ``ValueError`` when an entry is malformed or overlaps."""
    spans = []
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        try:
            dtype, shape, (begin, end) = entry["dtype"], entry["shape"], entry["data_offsets"]
            count = 1
            for dim in shape:
                count *= int(dim)
            begin, end = int(begin), int(end)
        except (TypeError, KeyError, ValueError) as exc:
            raise ValueError(f"tensor '{name}' has a malformed entry") from exc
        if not 0 <= begin <= end:
            raise ValueError(f"tensor '{name}' has impossible offsets")
        itemsize = _DTYPE_BYTES.get(str(dtype))
        if itemsize is not None and end - begin != count * itemsize:
            raise ValueError(f"tensor '{name}' has offsets that don't fit its shape")
        spans.append((begin, end))
    position = 0
    for begin, end in sorted(spans):
        if begin != position:
            raise ValueError("the tensors' offsets leave gaps or overlap")
        position = end
    return position


def check_pickle_weights(path: str | Path) -> None:
    """Raise :class:`ModelError` when a ``.bin`` file is empty, cut short or plainly not torch's.

    Whether it holds only tensors is decided when it's read: transformers reads it with
    ``torch.load(weights_only=True)``, which refuses any other Python object.
    """
    path = Path(path)
    with open(path, "rb") as handle:
        magic = handle.read(4)
    if not magic:
        raise ModelError(f"The weights file '{path}' is empty. {_REDOWNLOAD}.")
    if magic.startswith(b"PK"):  # torch.save's zip format: its index sits at the end
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise ModelError(f"The weights file '{path}' is truncated or damaged: its zip index "
                             f"can't be read. {_REDOWNLOAD}.") from exc
        if not any(name.endswith("data.pkl") for name in names):
            raise ModelError(f"'{path}' is a zip file but not PyTorch weights. {_REDOWNLOAD}.")
    elif magic[0] != 0x80:  # legacy torch.save: a pickle, which starts with its protocol
        raise ModelError(f"The weights file '{path}' is not PyTorch weights (damaged?). "
                         f"{_REDOWNLOAD}, or use one saved as model.safetensors.")


def check_weights(folder: str | Path, config: dict[str, Any] | None = None) -> list[Path]:
    """The weights files (checked) that a load of ``folder`` will read."""
    files = weight_files(folder, config)
    for path in files:
        if path.name.endswith(".safetensors"):
            check_safetensors(path)
        elif not path.name.endswith(".json"):
            check_pickle_weights(path)
    return files


def tokenizer_vocab_files(folder: str | Path) -> list[str]:
    """Names of the files in ``folder`` that a tokenizer's vocabulary can come from."""
    folder = Path(folder)
    names = [n for n in ("tokenizer.json", "vocab.txt", "vocab.json") if (folder / n).is_file()]
    names += sorted(p.name for pattern in ("*.model", "*.spm", "*.tiktoken", "*merges.txt")
                    for p in folder.glob(pattern) if p.is_file())
    return names


def tokenizer_files_present(folder: str | Path) -> bool:
    """True when ``folder`` has a file a tokenizer's vocabulary can come from."""
    return bool(tokenizer_vocab_files(folder))


def check_tokenizer_files(folder: str | Path) -> None:
    """Raise :class:`ModelError` when ``folder`` has no tokenizer vocabulary file."""
    if not tokenizer_files_present(folder):
        raise ModelError(
            f"The model folder '{Path(folder)}' has no tokenizer: expected {EXPECTED_TOKENIZER}. "
            "Copy the tokenizer files that came with the model into the folder "
            "(tokenizer.save_pretrained() writes them)."
        )


def damaged_tokenizer_file(folder: str | Path) -> Path | None:
    """The first tokenizer JSON file in ``folder`` that doesn't parse, if any."""
    for name in TOKENIZER_JSONS:
        path = Path(folder) / name
        if path.is_file():
            try:
                json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return path
    return None


def config_vocab_size(config: dict[str, Any]) -> int | None:
    """The embedding table size ``config.json`` declares (None when it has no plain one)."""
    value = config.get("vocab_size")
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def folder_problem(folder: str | Path) -> str:
    """What is wrong with a model folder's files, in one sentence ("" when nothing is found)."""
    try:
        config = read_config(folder)
        check_weights(folder, config)
        if not config.get("auto_map"):  # custom-code tokenizers may keep their vocabulary elsewhere
            check_tokenizer_files(folder)
    except ModelError as exc:
        return str(exc)
    except OSError as exc:
        return f"Can't read the model folder '{folder}': {exc.strerror or exc}."
    return ""


def describe_load_error(folder: str | Path, files: list[Path], exc: BaseException) -> ModelError:
    """A :class:`ModelError` naming the file behind an exception from ``from_pretrained``."""
    text = str(exc).strip()
    first = text.splitlines()[0] if text else type(exc).__name__
    pickled = [p for p in files if p.suffix == ".bin"]
    if pickled and ("weights_only" in text.lower() or "unpickl" in text.lower()
                    or type(exc).__name__ == "UnpicklingError"):
        target = pickled[0] if len(pickled) == 1 else pickled[0].parent
        blocked = _blocked_global(text)
        if blocked:
            why = (f"besides tensors it holds a Python object ({blocked}) that would run code "
                   "when loaded")
        else:
            why = ("it holds more than plain tensors, so it is damaged or hides Python objects "
                   "that could run code when loaded")
        return ModelError(
            f"The weights file '{target}' was refused: {why}. TL Studio reads .bin weights only "
            "with PyTorch's weights_only check. Use a copy of the model saved as "
            "model.safetensors, from a source you trust."
        )
    weights = [p for p in files if not p.name.endswith(".json")]
    named = next((p for p in weights if str(p) in text or p.name in text), None)
    if named is None and len(weights) == 1:
        named = weights[0]
    if named is not None:
        return ModelError(f"Can't load the weights file '{named}': {first}. "
                          f"It may be damaged; {_REDOWNLOAD[0].lower()}{_REDOWNLOAD[1:]}.")
    return ModelError(f"Can't load the model in '{Path(folder)}': {first}")


def _blocked_global(text: str) -> str:
    marker = "unsupported GLOBAL "
    at = text.find(marker)
    if at < 0:
        return ""
    words = text[at + len(marker):].split()
    return words[0].rstrip(".,") if words else ""
