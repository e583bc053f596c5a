"""How a run is laid out in steps and processes: shared by the runner and the Trainer setup."""

from __future__ import annotations

import math
import os
from typing import Any

from tlstudio.core.settings.config import RunConfig

MAX_EVAL_INTERVAL = 500  # steps: long epochs still get regular checkpoints
SAVE_TOTAL_LIMIT = 2


def world() -> tuple[int, int]:
    """(rank, world size) under ``torchrun``; (0, 1) otherwise."""
    return int(os.environ.get("RANK", "0")), int(os.environ.get("WORLD_SIZE", "1"))


def steps_per_epoch(train_rows: int, config: RunConfig, world_size: int) -> int:
    """Optimisation steps in one epoch (after gradient accumulation)."""
    batches = math.ceil(train_rows / (config.batch_size * world_size))
    return max(1, math.ceil(batches / config.grad_accumulation))


def eval_interval(train_rows: int, config: RunConfig, world_size: int) -> int:
    """Steps between validation passes (and checkpoints)."""
    per_epoch = steps_per_epoch(train_rows, config, world_size)
    return max(1, min(MAX_EVAL_INTERVAL, math.ceil(per_epoch / max(1, config.evals_per_epoch))))


def disk_needed(info: Any, config: RunConfig, resume: bool) -> int:
    """Bytes a run may write: the final model plus kept checkpoints (weights and optimizer state)."""
    weights = (info.parameters or 0) * 4 or info.size_bytes or 0
    per_checkpoint = weights * (3 if config.optimizer in ("adamw", "adam") else 2)
    needed = weights + SAVE_TOTAL_LIMIT * per_checkpoint
    return int(needed * 1.1) if not resume else int(weights * 1.1)
