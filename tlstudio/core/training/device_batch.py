"""Batch size from the device: the largest batch that fits and still pays, and its learning rate.

A GPU trains a small model at batch 16 with most of its cores idle (measured on an H200:
MiniLM at batch 16 ran 730-900 samples/s at 15-20 % utilisation; batch 128 ran 2,884 and
batch 512 5,075, with equal accuracy at 128 when the learning rate grew with it). So on an
accelerator the planned batch is replaced by a probe:

1. Candidates double from the planned batch. Each is timed on a few training steps (forward,
   backward, no optimizer step) at the data's long-row length; one that runs out of memory
   ends the search. The OOM splitter of the Trainer stays the safety net for longer batches.
2. The probe stops where doubling the batch no longer adds ``MIN_GAIN`` of samples/s, and
   never goes above ``rows_cap(train_rows)`` (a set still gets at least ``MIN_UPDATES_PER_EPOCH``
   updates per epoch) or ``MAX_BATCH``.
3. The learning rate scales with the square root of the batch ratio (the square-root rule for
   Adam-type optimisers: Malladi et al., 2022, "On the SDEs and Scaling Rules for Adaptive
   Gradient Algorithms"), at most ``MAX_LR_SCALE`` times the planned rate.

The CPU keeps the plan's batch: there a larger batch is no faster per sample.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MIN_GAIN = 1.15  # doubling the batch must add at least 15 % samples/s to be worth it
MAX_BATCH = 512
MIN_UPDATES_PER_EPOCH = 40
MAX_LR_SCALE = 4.0
TIMED_STEPS = 3


@dataclass
class BatchProbe:
    """What the probe tried: ``rates`` maps each batch that fitted to its samples/s."""

    batch_size: int
    rates: dict[int, float] = field(default_factory=dict)
    out_of_memory_at: int | None = None
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"batch_size": self.batch_size, "rates": {str(k): round(v, 1) for k, v in self.rates.items()},
                "out_of_memory_at": self.out_of_memory_at, "reason": self.reason}


def rows_cap(train_rows: int) -> int:
    """The largest batch that still gives a set ``MIN_UPDATES_PER_EPOCH`` updates per epoch."""
    return max(1, train_rows // MIN_UPDATES_PER_EPOCH)


def probe_batch_size(
    step_seconds: Callable[[int], float],
    start: int,
    *,
    train_rows: int,
    is_out_of_memory: Callable[[BaseException], bool],
    max_batch: int = MAX_BATCH,
) -> BatchProbe:
    """The batch to train with, from ``step_seconds(batch)`` (raises when it doesn't fit).

    ``start`` is the planned batch: it is kept when the first doubling doesn't pay or the set
    is too small for a larger one.
    """
    cap = min(max_batch, max(start, rows_cap(train_rows)))
    probe = BatchProbe(batch_size=start)
    batch = start
    while batch <= cap:
        try:
            rate = batch / step_seconds(batch)
        except BaseException as exc:  # noqa: BLE001 - only memory errors end the search quietly
            if not is_out_of_memory(exc):
                raise
            probe.out_of_memory_at = batch
            probe.reason = f"{batch} examples per step ran out of memory"
            break
        probe.rates[batch] = rate
        previous = probe.rates.get(batch // 2)
        if previous is not None and rate < previous * MIN_GAIN:
            probe.reason = (f"{batch} examples per step were not {MIN_GAIN - 1:.0%} faster per example "
                            f"than {batch // 2}")
            break
        probe.batch_size = batch
        batch *= 2
    else:
        probe.reason = (f"capped at {probe.batch_size}: a larger batch would leave a {train_rows}-row set "
                        f"fewer than {MIN_UPDATES_PER_EPOCH} updates per epoch" if probe.batch_size < max_batch
                        else f"capped at {max_batch} examples per step")
    return probe  # if even ``start`` ran out of memory, the Trainer's OOM splitter handles it


def scaled_learning_rate(learning_rate: float, planned_batch: int, batch: int) -> float:
    """Square-root scaling of the learning rate with the batch, at most ``MAX_LR_SCALE`` x."""
    if batch <= planned_batch:
        return learning_rate
    return learning_rate * min(MAX_LR_SCALE, math.sqrt(batch / planned_batch))


def training_step_timer(model: Any, length: int, device: str, precision: str,
                        num_labels: int) -> Callable[[int], float]:
    """``step_seconds(batch)``: the mean time of a forward+backward pass at ``length`` tokens.

    Gradients are dropped after each pass and the model is left as it was: this runs before
    the Trainer takes the model.
    """
    import torch

    vocab = int(getattr(model.config, "vocab_size", 1000))
    dtype = {"bf16": torch.bfloat16, "fp16": torch.float16}.get(precision)
    kind = device.split(":")[0]
    model.to(device)
    was_training = model.training
    regression = getattr(model.config, "problem_type", None) == "regression" or num_labels == 1

    def one_pass(batch: int) -> None:
        ids = torch.randint(5, max(6, vocab), (batch, length), device=device)
        labels = (torch.zeros(batch, device=device) if regression
                  else torch.randint(0, max(1, num_labels), (batch,), device=device))
        with torch.autocast(kind, dtype=dtype, enabled=dtype is not None):
            loss = model(input_ids=ids, attention_mask=torch.ones_like(ids), labels=labels).loss
        loss.backward()
        model.zero_grad(set_to_none=True)

    def synchronise() -> None:
        if kind == "cuda":
            torch.cuda.synchronize(device)

    def step_seconds(batch: int) -> float:
        model.train()
        try:
            one_pass(batch)  # warm-up: allocator and kernel selection
            synchronise()
            started = time.perf_counter()
            for _ in range(TIMED_STEPS):
                one_pass(batch)
            synchronise()
            return (time.perf_counter() - started) / TIMED_STEPS
        finally:
            model.zero_grad(set_to_none=True)
            model.train(was_training)
            if kind == "cuda":
                torch.cuda.empty_cache()

    return step_seconds


def fit_batch_to_device(config: Any, train_rows: int, model: Any, device: str, precision: str,
                        num_labels: int, learning_rate_planned: bool) -> BatchProbe:
    """Probe on ``device`` and set ``config.batch_size`` (and the planned learning rate) in place.

    Probed at ``config.max_length``, which the run chose to cover 95 % of the rows: length-grouped
    batches are that long or shorter, so what fits there fits in training.
    """
    from tlstudio.core.training.memory import free_device_memory, is_out_of_memory

    planned = config.batch_size
    timer = training_step_timer(model, config.max_length or 128, device, precision, num_labels)
    try:
        probe = probe_batch_size(timer, planned, train_rows=train_rows, is_out_of_memory=is_out_of_memory)
    finally:
        free_device_memory()
    config.batch_size = probe.batch_size
    if learning_rate_planned:
        config.learning_rate = scaled_learning_rate(config.learning_rate, planned, probe.batch_size)
    return probe


def probe_line(probe: BatchProbe, learning_rate: float) -> str:
    """E.g. "Batch 128 on this GPU (examples/s: 16: 900, 32: 1,700, ...); learning rate 0.00028"."""
    rates = ", ".join(f"{b}: {r:,.0f}" for b, r in probe.rates.items())
    return (f"Batch {probe.batch_size} examples per step on this device (measured examples/s at each "
            f"batch: {rates}; stopped because {probe.reason}); learning rate {learning_rate:.2g}.")
