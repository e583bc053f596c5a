"""Transfer strategies: which parameters train."""

from __future__ import annotations

from typing import Any

from tlstudio.core.errors import TrainingError


def _base(model: Any) -> Any:
    return getattr(model, model.base_model_prefix, None) or model.base_model


def _encoder_layers(base: Any, num_layers: int | None) -> list[Any]:
    """The transformer blocks: the first ModuleList as long as the configured layer count."""
    import torch.nn as nn

    for module in base.modules():
        if isinstance(module, nn.ModuleList) and (num_layers is None or len(module) == num_layers):
            return list(module)
    return []


def _embeddings(base: Any) -> Any:
    embeddings = getattr(base, "embeddings", None)
    return embeddings if embeddings is not None else base.get_input_embeddings()


def apply_strategy(model: Any, strategy: str) -> tuple[int, int]:
    """Set ``requires_grad`` for ``full``, ``frozen`` or ``freeze-N``; return (trainable, total).

    ``frozen`` trains the classification head (and the pooler, where the model has one,
    since the head reads its output); ``freeze-N`` freezes the embeddings and the lowest N
    transformer layers.
    """
    for param in model.parameters():
        param.requires_grad = True
    base = _base(model)
    if strategy == "frozen":
        for name, param in base.named_parameters():
            param.requires_grad = name.startswith("pooler.")
    elif strategy.startswith("freeze-"):
        count = int(strategy.removeprefix("freeze-"))
        layers = _encoder_layers(base, getattr(model.config, "num_hidden_layers", None))
        if count > len(layers):
            raise TrainingError(
                f"Strategy {strategy} asks to freeze {count} layers but the model has {len(layers)}."
            )
        for module in [_embeddings(base), *layers[:count]]:
            for param in module.parameters():
                param.requires_grad = False
    elif strategy != "full":
        raise TrainingError(f"Unknown strategy '{strategy}': use full, frozen or freeze-N.")
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in model.parameters())
    return trainable, total
