"""Out-of-memory recovery: recognise the error and cut a batch into smaller pieces."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import torch


def is_out_of_memory(exc: BaseException) -> bool:
    """True for CUDA, MPS, XPU and CPU allocator out-of-memory errors."""
    if isinstance(exc, torch.OutOfMemoryError):
        return True
    from accelerate.utils.memory import should_reduce_batch_size

    return isinstance(exc, RuntimeError) and should_reduce_batch_size(exc)


def free_device_memory() -> None:
    """Return cached blocks to the device after an out-of-memory error."""
    from accelerate.utils.memory import clear_device_cache

    clear_device_cache(garbage_collection=True)


def batch_rows(inputs: Mapping[str, Any]) -> int:
    """Rows in a collated batch (the first dimension of its tensors)."""
    for value in inputs.values():
        if isinstance(value, torch.Tensor) and value.dim() > 0:
            return int(value.shape[0])
    return 0


def split_batch(inputs: Mapping[str, Any], parts: int) -> list[dict[str, Any]]:
    """``inputs`` cut into at most ``parts`` consecutive pieces of near-equal size."""
    rows = batch_rows(inputs)
    size = max(1, math.ceil(rows / parts))
    pieces = []
    for start in range(0, rows, size):
        pieces.append({
            key: value[start:start + size] if isinstance(value, torch.Tensor) and value.dim() > 0 else value
            for key, value in inputs.items()
        })
    return pieces


def out_of_memory_message(rows: int, max_length: int | None) -> str:
    """What to do when even the smallest batch doesn't fit."""
    length = f" at max length {max_length}" if max_length else ""
    return (
        f"Out of memory even with {rows} example{'s' if rows != 1 else ''} per step{length}. "
        "Lower the max length, choose a smaller model, or train on the CPU."
    )
