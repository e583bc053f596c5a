"""Load a tokenizer and a classification model safely and quietly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tlstudio.core.errors import ModelError
from tlstudio.core.models import files as model_files

_DROPOUT_KEYS = ("classifier_dropout", "seq_classif_dropout", "summary_last_dropout")


def quiet_libraries() -> None:
    """Silence the libraries' own progress bars and load reports; we emit our own events."""
    import datasets
    import transformers
    from huggingface_hub.utils import disable_progress_bars

    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    datasets.utils.logging.set_verbosity_error()
    datasets.disable_progress_bars()
    disable_progress_bars()


def check_remote_code(folder: str | Path, trust_remote_code: bool) -> dict[str, Any]:
    """Refuse a model whose config needs custom Python code unless explicitly allowed.

    Returns ``config.json`` as a dict; a missing or damaged one is a :class:`ModelError`.
    """
    config = model_files.read_config(folder)
    if trust_remote_code:
        return config
    custom = [name for name, settings in (("config.json", config),
                                          ("tokenizer_config.json", _tokenizer_config(folder)))
              if settings.get("auto_map")]
    if custom:
        raise ModelError(
            f"The model in '{folder}' needs to run its own Python code ({custom[0]} has 'auto_map'). "
            "That code would run on this computer with your permissions, so it is refused. "
            "Only if you trust where the model comes from: pass --trust-remote-code "
            "(or tick 'Allow the model's own code' in the advanced training settings)."
        )
    return config


def _tokenizer_config(folder: str | Path) -> dict[str, Any]:
    try:
        settings = json.loads((Path(folder) / "tokenizer_config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # missing or damaged: the tokenizer loader reports that, naming the file
    return settings if isinstance(settings, dict) else {}


def weights_kwargs(files: list[Path]) -> dict[str, Any]:
    """``from_pretrained`` arguments for the checked ``files``: safetensors when it has them.

    Pickled ``.bin`` weights are read by transformers with ``torch.load(weights_only=True)``
    (its default, which nothing here changes), so a pickle holding anything but tensors is
    refused before any of its code can run.
    """
    safe = files[0].name.endswith((".safetensors", ".safetensors.index.json"))
    return {"use_safetensors": True} if safe else {}


def load_tokenizer(folder: str | Path, *, trust_remote_code: bool = False) -> Any:
    """The model's tokenizer (a fast one when available), checked against ``config.json``.

    Missing or damaged tokenizer files, a tokenizer without a vocabulary, or one with more
    tokens than the model's embedding table are a :class:`ModelError` naming the file.
    """
    from transformers import AutoTokenizer

    quiet_libraries()
    folder = Path(folder)
    config = check_remote_code(folder, trust_remote_code)
    if not config.get("auto_map"):  # custom-code tokenizers may keep their vocabulary elsewhere
        model_files.check_tokenizer_files(folder)
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(folder), trust_remote_code=trust_remote_code)
    except Exception as exc:  # tokenizers raises plain Exceptions for a bad tokenizer.json
        damaged = model_files.damaged_tokenizer_file(folder)
        if damaged is not None:
            raise ModelError(
                f"The tokenizer file '{damaged}' is not valid JSON: it is truncated or damaged. "
                "Copy or download the model again."
            ) from exc
        raise ModelError(f"Can't load the tokenizer from '{folder}': {_first_line(exc)}") from exc
    specials = len(set(getattr(tokenizer, "all_special_tokens", [])))
    if len(tokenizer) <= specials:
        files = " and ".join(model_files.tokenizer_vocab_files(folder)) or "its vocabulary file"
        raise ModelError(
            f"The tokenizer in '{folder}' has no vocabulary (only {len(tokenizer)} special tokens): "
            f"{files} holds no words. Copy the tokenizer files that came with the model into "
            "the folder."
        )
    declared = model_files.config_vocab_size(config)
    if declared is not None:
        _check_sizes(tokenizer, declared, folder, "the model's embedding table in config.json")
    _ensure_pad_token(tokenizer, folder)
    return tokenizer


def _ensure_pad_token(tokenizer: Any, folder: Path) -> None:
    """Batches need a padding token; GPT-style BPE tokenizers have none, so reuse EOS (or UNK).

    Padding positions are masked out by the attention mask, so which token fills them doesn't
    change what the model computes.
    """
    if getattr(tokenizer, "pad_token", None) is not None:
        return
    for name in ("eos_token", "unk_token", "bos_token"):
        token = getattr(tokenizer, name, None)
        if token is not None:
            tokenizer.pad_token = token
            return
    raise ModelError(
        f"The tokenizer in '{folder}' has no padding token, and no end-of-text or unknown token "
        "to pad with, so texts of different lengths can't be batched. Add \"pad_token\" to "
        f"'{folder / 'tokenizer_config.json'}' or use another model."
    )


def tokenizer_size(tokenizer: Any) -> int:
    """How many rows of an embedding table the tokenizer's ids need (its largest id + 1)."""
    try:
        return max(max(tokenizer.get_vocab().values(), default=-1) + 1, len(tokenizer))
    except (AttributeError, NotImplementedError, TypeError):
        return len(tokenizer)


def _check_sizes(tokenizer: Any, rows: int, folder: str | Path, table: str) -> None:
    size = tokenizer_size(tokenizer)
    if size > rows:
        raise ModelError(
            f"The tokenizer in '{folder}' has {size:,} tokens but {table} has {rows:,}: they come "
            "from different models, and token ids past the table would fail the first step. "
            "Use the tokenizer files that were saved with this model."
        )


def check_tokenizer_matches(model: Any, tokenizer: Any, folder: str | Path) -> None:
    """Raise :class:`ModelError` when ``tokenizer`` makes ids past ``model``'s embedding table.

    A model without a pad id gets the tokenizer's: GPT-style heads find each text's last
    token by it, and refuse batches without one.
    """
    embeddings = model.get_input_embeddings() if hasattr(model, "get_input_embeddings") else None
    rows = getattr(embeddings, "num_embeddings", None) or getattr(model.config, "vocab_size", None)
    if isinstance(rows, int) and rows > 0:
        _check_sizes(tokenizer, rows, folder, "the model's embedding table")
    if getattr(model.config, "pad_token_id", None) is None:
        model.config.pad_token_id = getattr(tokenizer, "pad_token_id", None)


def load_classifier(
    folder: str | Path,
    *,
    task: str,
    label_names: list[str],
    head_dropout: float | None = None,
    trust_remote_code: bool = False,
) -> tuple[Any, list[str]]:
    """Load a sequence-classification model for ``task``; return it and the newly created weights.

    The folder's files are checked first (:mod:`tlstudio.core.models.files`); weights that don't
    fit ``config.json`` outside the classification head are a :class:`ModelError`, not a
    silent re-initialisation.
    """
    from transformers import AutoConfig, AutoModelForSequenceClassification

    quiet_libraries()
    folder = Path(folder)
    raw_config = check_remote_code(folder, trust_remote_code)
    files = model_files.check_weights(folder, raw_config)
    num_labels = 1 if task == "regression" else len(label_names)
    try:
        config = AutoConfig.from_pretrained(str(folder), trust_remote_code=trust_remote_code)
    except Exception as exc:
        raise ModelError(
            f"'{folder / model_files.CONFIG}' doesn't describe a model transformers knows: "
            f"{_first_line(exc)}"
        ) from exc
    config.num_labels = num_labels
    if task == "regression":
        config.id2label, config.label2id = {0: "score"}, {"score": 0}
        config.problem_type = "regression"
    else:
        config.id2label = dict(enumerate(label_names))
        config.label2id = {name: i for i, name in enumerate(label_names)}
        config.problem_type = (
            "multi_label_classification" if task == "multilabel" else "single_label_classification"
        )
    if head_dropout is not None:
        for key in _DROPOUT_KEYS:
            if hasattr(config, key):
                setattr(config, key, head_dropout)
    try:
        model, info = AutoModelForSequenceClassification.from_pretrained(
            str(folder),
            config=config,
            ignore_mismatched_sizes=True,
            trust_remote_code=trust_remote_code,
            output_loading_info=True,
            **weights_kwargs(files),
        )
    except ModelError:
        raise
    except Exception as exc:
        raise model_files.describe_load_error(folder, files, exc) from exc
    check_body_loaded(model, info, files, strict=False)
    new_weights = sorted(set(info.get("missing_keys", [])) | {k[0] if isinstance(k, tuple) else k
                                                             for k in info.get("mismatched_keys", [])})
    return model, new_weights


def check_body_loaded(model: Any, info: dict[str, Any], files: list[Path], *, strict: bool) -> None:
    """Raise :class:`ModelError` when the weights files don't fit the model ``config.json`` builds.

    Any shape mismatch in the pretrained body (outside the classification head) is refused;
    so are missing weights: more than half the body's when ``strict`` is false (a fresh head
    and an absent pooler are normal), any at all when it's true (a trained run folder).
    """
    named = files[0]  # the weights file, or a sharded checkpoint's index
    mismatched = [k for k in info.get("mismatched_keys", []) if isinstance(k, tuple) and len(k) == 3]
    missing = sorted(info.get("missing_keys", []))
    prefix = getattr(model, "base_model_prefix", "") or ""
    body = [k for k in model.state_dict() if prefix and k.startswith(prefix + ".")]
    bad_shapes = [k for k in mismatched if strict or (body and k[0].startswith(prefix + "."))]
    if bad_shapes:
        key, in_file, in_model = bad_shapes[0]
        raise ModelError(
            f"The weights in '{named}' don't fit its config.json: {key} is "
            f"{list(in_file)} in the file but {list(in_model)} in config.json"
            f"{f' (and {len(bad_shapes) - 1} more)' if len(bad_shapes) > 1 else ''}. "
            "The two come from different models; copy the model's own files again."
        )
    if strict:
        lacking = missing
    else:
        lacking = [k for k in missing if k.startswith(prefix + ".")] if body else []
        if len(lacking) * 2 <= len(body):
            return
    if lacking:
        shown = ", ".join(lacking[:3]) + (", …" if len(lacking) > 3 else "")
        raise ModelError(
            f"The weights in '{named}' lack {len(lacking)} of the tensors its config.json "
            f"describes ({shown}): they belong to a different model or are damaged. "
            "Copy or download the model again."
        )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def init_regression_head(model: Any, target_mean: float) -> bool:
    """Start a regression head at the training mean, so early steps learn the signal, not the offset."""
    import torch
    from torch import nn

    for module in reversed(list(model.modules())):
        if isinstance(module, nn.Linear) and module.out_features == 1 and module.bias is not None:
            with torch.no_grad():
                module.bias.fill_(float(target_mean))
            return True
    return False


# Files of a Trainer checkpoint that resuming reads with torch.load (training_args.bin is not read).
_CHECKPOINT_PICKLES = ("*.pt", "*.pth", "*.bin")


def check_checkpoint(checkpoint: str | Path) -> None:
    """Refuse a checkpoint whose pickled state isn't plain tensors, before the Trainer loads it.

    Each file is read with ``weights_only=True`` (memory-mapped when it is a zip archive, so
    large optimizer states cost little). A refusal is one :class:`ModelError` sentence naming
    the file, instead of PyTorch's page of advice.
    """
    import warnings
    import zipfile

    import torch
    from transformers.trainer_pt_utils import safe_globals

    folder = Path(checkpoint)
    for pattern in _CHECKPOINT_PICKLES:
        for path in sorted(folder.glob(pattern)):
            if path.name == "training_args.bin":
                continue
            try:
                # the numpy RNG state in rng_state.pth is allowed, as the Trainer allows it
                with warnings.catch_warnings(), safe_globals():
                    warnings.simplefilter("ignore")  # e.g. "Detected pickle protocol 4"
                    torch.load(path, map_location="cpu", weights_only=True,
                               mmap=zipfile.is_zipfile(path))
            except Exception as exc:  # noqa: BLE001 - any failure: the file can't be trusted
                raise ModelError(
                    f"The checkpoint file '{path}' was refused: it is damaged or holds Python "
                    "objects besides tensors, which could run code when loaded. Delete the folder "
                    f"'{folder.name}' to resume from an earlier checkpoint, or start a new run."
                ) from exc
