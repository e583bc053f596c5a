"""Map the user's optimizer choice onto the Trainer's own optimizers."""

from __future__ import annotations

from typing import Any


def fused_adamw_available(device: str) -> bool:
    """Fused AdamW kernels exist for CUDA and (torch >= 2.4) CPU."""
    import torch

    major, minor = (int(x) for x in torch.__version__.split(".")[:2])
    return device.startswith("cuda") or (device == "cpu" and (major, minor) >= (2, 4))


def optimizer_arguments(name: str, device: str, learning_rate: float) -> tuple[dict[str, Any], Any]:
    """``TrainingArguments`` keywords and, for Adam, the Trainer's ``optimizer_cls_and_kwargs``."""
    if name == "adamw":
        return {"optim": "adamw_torch_fused" if fused_adamw_available(device) else "adamw_torch"}, None
    if name == "rmsprop":
        return {"optim": "rmsprop"}, None
    if name == "sgd":
        return {"optim": "sgd", "optim_args": "momentum=0.9"}, None
    if name == "adam":
        import torch

        # The Trainer has no plain-Adam name; weight decay here is classic L2, as in torch.optim.Adam.
        return {}, (torch.optim.Adam, {"lr": learning_rate, "betas": (0.9, 0.999), "eps": 1e-8})
    raise ValueError(f"unknown optimizer {name!r}")
