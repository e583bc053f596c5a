"""Load a tokenizer and a classification model safely and quietly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tlstudio.core.errors import ModelError

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


def check_remote_code(folder: str | Path, trust_remote_code: bool) -> None:
    """Refuse a model whose config needs custom Python code unless explicitly allowed."""
    config_path = Path(folder) / "config.json"
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"Can't read the model configuration '{config_path}': {exc}.") from exc
    if config.get("auto_map") and not trust_remote_code:
        raise ModelError(
            f"The model in '{folder}' needs to run its own Python code (its config has 'auto_map'). "
            "Only allow that for a model you trust: pass --trust-remote-code "
            "(or tick 'Trust remote code')."
        )


def _weights_kwargs(folder: Path) -> dict[str, Any]:
    """Prefer safetensors; pickled weights are only read with ``weights_only`` (the default)."""
    has_safetensors = any(folder.glob("*.safetensors")) or (folder / "model.safetensors.index.json").exists()
    return {"use_safetensors": True} if has_safetensors else {}


def load_tokenizer(folder: str | Path, *, trust_remote_code: bool = False) -> Any:
    """The model's tokenizer (a fast one when available)."""
    from transformers import AutoTokenizer

    quiet_libraries()
    check_remote_code(folder, trust_remote_code)
    try:
        return AutoTokenizer.from_pretrained(str(folder), trust_remote_code=trust_remote_code)
    except (OSError, ValueError) as exc:
        raise ModelError(f"Can't load the tokenizer from '{folder}': {exc}") from exc


def load_classifier(
    folder: str | Path,
    *,
    task: str,
    label_names: list[str],
    head_dropout: float | None = None,
    trust_remote_code: bool = False,
) -> tuple[Any, list[str]]:
    """Load a sequence-classification model for ``task``; return it and the newly created weights."""
    from transformers import AutoConfig, AutoModelForSequenceClassification

    quiet_libraries()
    folder = Path(folder)
    check_remote_code(folder, trust_remote_code)
    num_labels = 1 if task == "regression" else len(label_names)
    config = AutoConfig.from_pretrained(str(folder), trust_remote_code=trust_remote_code)
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
            **_weights_kwargs(folder),
        )
    except (OSError, ValueError, RuntimeError) as exc:
        raise ModelError(f"Can't load '{folder}' as a text classifier: {str(exc).splitlines()[0]}") from exc
    new_weights = sorted(set(info.get("missing_keys", [])) | {k[0] if isinstance(k, tuple) else k
                                                             for k in info.get("mismatched_keys", [])})
    return model, new_weights


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
