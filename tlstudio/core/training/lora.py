"""LoRA through ``peft``: low-rank adapters on the attention projections, merged back on save.

Only the adapters and the classifier head train (a few % of the parameters), so the optimizer
state is small and a model too large to fine-tune fully still fits. The saved model is the
base model with the adapters merged in: predictor, ONNX export and ``pipeline(...)`` read it
like any fully fine-tuned one.
"""

from __future__ import annotations

from typing import Any

from tlstudio.core.errors import TrainingError
from tlstudio.core.settings.config import RunConfig

# The attention projections the LoRA paper adapts (query and value), by model_type.
TARGETS_BY_ARCHITECTURE: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("bert", "roberta", "xlm-roberta", "camembert", "electra", "albert", "ernie",
                     "megatron-bert", "roformer", "xmod", "data2vec-text"),
                    ("query", "value")),
    "distilbert": ("q_lin", "v_lin"),
    "deberta": ("in_proj",),
    "deberta-v2": ("query_proj", "value_proj"),
    "mpnet": ("q", "v"),
    "modernbert": ("Wqkv",),
    "gpt2": ("c_attn",),
    **dict.fromkeys(("llama", "mistral", "qwen2", "qwen3", "gemma", "gemma2", "phi3"),
                    ("q_proj", "v_proj")),
}
# Heads that must train in full next to the adapters: they start untrained.
HEAD_NAMES = ("classifier", "score", "pooler")
_FALLBACK_PAIRS = (("query", "value"), ("q_proj", "v_proj"), ("q_lin", "v_lin"), ("q", "v"))


def _linear_names(model: Any) -> set[str]:
    """Last name parts of the model's linear layers (``query`` for ``...attention.self.query``)."""
    import torch.nn as nn
    from transformers.pytorch_utils import Conv1D

    return {name.rsplit(".", 1)[-1] for name, module in model.named_modules()
            if isinstance(module, nn.Linear | Conv1D)}


def lora_targets(model: Any, chosen: str | None = None) -> tuple[list[str], str]:
    """The layer names to adapt and why: ``chosen`` (comma-separated), else the architecture's.

    Raises :class:`TrainingError` when a name matches no linear layer of the model.
    """
    present = _linear_names(model)
    if chosen:
        names = [n.strip() for n in chosen.split(",") if n.strip()]
        missing = [n for n in names if n not in present]
        if missing or not names:
            raise TrainingError(f"LoRA target layer(s) {', '.join(missing) or '(none)'} not found in this "
                                f"model; its linear layers are: {', '.join(sorted(present))}.")
        return names, "as chosen"
    model_type = getattr(model.config, "model_type", "") or ""
    known = TARGETS_BY_ARCHITECTURE.get(model_type)
    if known and set(known) <= present:
        return list(known), f"the usual choice for {model_type} models"
    for pair in _FALLBACK_PAIRS:
        if set(pair) <= present:
            return list(pair), "the model's attention query and value layers"
    raise TrainingError(
        f"TL Studio doesn't know which layers of a '{model_type}' model LoRA should adapt. Name them "
        f"in 'LoRA target layers' (its linear layers are: {', '.join(sorted(present))}).")


def apply_lora(model: Any, config: RunConfig) -> tuple[Any, int, int, str]:
    """Wrap ``model`` in LoRA adapters; return it, trainable and total parameters, and what was chosen."""
    from peft import LoraConfig, TaskType, get_peft_model

    targets, why = lora_targets(model, config.lora_targets)
    heads = sorted({name.rsplit(".", 1)[-1] for name, _ in model.named_children()} & set(HEAD_NAMES)
                   | _base_heads(model))
    lora = LoraConfig(task_type=TaskType.SEQ_CLS, r=config.lora_rank, lora_alpha=config.lora_alpha,
                      lora_dropout=0.1, target_modules=targets, modules_to_save=heads)
    total = sum(p.numel() for p in model.parameters())
    wrapped = get_peft_model(model, lora)
    trainable = sum(p.numel() for p in wrapped.parameters() if p.requires_grad)
    text = (f"LoRA rank {config.lora_rank}, alpha {config.lora_alpha} on {', '.join(targets)} ({why}); "
            f"trained in full: {', '.join(heads)}")
    return wrapped, trainable, total, text


def _base_heads(model: Any) -> set[str]:
    """A pooler inside the encoder (BERT): the classifier reads its output, so it trains too."""
    base = getattr(model, getattr(model, "base_model_prefix", ""), None)
    return {"pooler"} if base is not None and getattr(base, "pooler", None) is not None else set()


def merged(model: Any) -> Any:
    """The plain model with LoRA adapters merged into its weights (``model`` itself when it has none)."""
    if hasattr(model, "merge_and_unload") and hasattr(model, "peft_config"):
        return model.merge_and_unload()
    return model
