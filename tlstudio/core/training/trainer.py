"""The Trainer subclass: float32 task losses, class weights, and out-of-memory recovery."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from transformers import Trainer

from tlstudio.core.errors import TrainingError
from tlstudio.core.training.memory import (
    batch_rows,
    free_device_memory,
    is_out_of_memory,
    out_of_memory_message,
    split_batch,
)

# (examples per forward pass, gradient accumulation steps) after a batch was split
MemoryCallback = Callable[[int, int], None]


def class_weights(labels: list[int], num_classes: int) -> torch.Tensor:
    """Inverse-frequency weights ``n / (k * count)``; unseen classes get weight 1."""
    counts = torch.bincount(torch.tensor(labels, dtype=torch.long), minlength=num_classes).float()
    weights = len(labels) / (num_classes * counts.clamp(min=1))
    weights[counts == 0] = 1.0
    return weights


class TaskTrainer(Trainer):
    """Computes the loss for our task types itself, so mixed precision and class weights behave.

    When a training batch runs out of device memory, the batch is cut in half and its pieces
    are accumulated (halving the batch size, doubling gradient accumulation: each optimizer
    update still sees the same examples), and the run continues; ``on_memory_adjust`` is told.
    """

    # Our loss is a per-batch mean: let the Trainer divide it for gradient accumulation.
    loss_is_scaled_for_ga = False

    def __init__(
        self,
        *args: Any,
        task: str,
        weights: torch.Tensor | None = None,
        on_memory_adjust: MemoryCallback | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.task = task
        self.weights = weights
        self.on_memory_adjust = on_memory_adjust
        self.train_splits = 1  # pieces each training batch is cut into
        self.eval_splits = 1
        self._loss_scale = 1.0
        self._backward_started = False

    def compute_loss(
        self, model: Any, inputs: dict[str, Any], return_outputs: bool = False, num_items_in_batch: Any = None
    ) -> Any:
        labels = inputs.pop("labels")
        outputs = model(**inputs)
        logits = outputs.logits.float()
        if self.task == "regression":
            loss = torch.nn.functional.mse_loss(logits.view(-1), labels.float().view(-1))
        elif self.task == "multilabel":
            loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, labels.float())
        else:
            weight = self.weights.to(logits.device) if self.weights is not None else None
            loss = torch.nn.functional.cross_entropy(logits, labels.long().view(-1), weight=weight)
        if model.training:
            loss = loss * self._loss_scale
            self._backward_started = True  # what follows is the backward pass
        return (loss, outputs) if return_outputs else loss

    def training_step(self, model: Any, inputs: dict[str, Any], num_items_in_batch: Any = None) -> torch.Tensor:
        while True:
            self._backward_started = False
            try:
                return self._split_training_step(model, inputs, num_items_in_batch)
            except Exception as exc:  # noqa: BLE001 - only out-of-memory is handled, the rest re-raised
                if not is_out_of_memory(exc):
                    raise
                partial = self._backward_started or self.train_splits > 1
            # Outside the except block, so the failed step's tensors can be freed.
            self._recover_training_memory(model, inputs, partial)

    def _split_training_step(self, model: Any, inputs: dict[str, Any], num_items_in_batch: Any) -> torch.Tensor:
        if self.train_splits == 1:
            self._loss_scale = 1.0
            return super().training_step(model, inputs, num_items_in_batch)
        rows = batch_rows(inputs)
        total = None
        try:
            for piece in split_batch(inputs, self.train_splits):
                self._loss_scale = batch_rows(piece) / rows  # pieces add up to the whole batch's mean
                loss = super().training_step(model, piece, None)
                total = loss if total is None else total + loss
        finally:
            self._loss_scale = 1.0
        return total

    def _recover_training_memory(self, model: Any, inputs: dict[str, Any], partial: bool) -> None:
        rows = batch_rows(inputs)
        per_step = -(-rows // self.train_splits)
        if partial:
            # Part of this batch's gradient may already be accumulated: drop it and redo the batch.
            model.zero_grad(set_to_none=True)
        free_device_memory()
        if per_step <= 1 or self.args.world_size > 1:
            raise TrainingError(out_of_memory_message(per_step, None) if self.args.world_size == 1 else (
                f"Out of memory with {per_step} examples per step on one of {self.args.world_size} processes. "
                "Lower --batch-size or the max length and start again."))
        self.train_splits *= 2
        if self.on_memory_adjust:
            batch = self.args.per_device_train_batch_size
            self.on_memory_adjust(-(-batch // self.train_splits), self.args.gradient_accumulation_steps * self.train_splits)

    def prediction_step(
        self, model: Any, inputs: dict[str, Any], prediction_loss_only: bool, ignore_keys: list[str] | None = None
    ) -> tuple[Any, Any, Any]:
        while True:
            try:
                return self._split_prediction_step(model, inputs, prediction_loss_only, ignore_keys)
            except Exception as exc:  # noqa: BLE001 - only out-of-memory is handled, the rest re-raised
                if not is_out_of_memory(exc):
                    raise
            free_device_memory()
            rows = batch_rows(inputs)
            if -(-rows // self.eval_splits) <= 1:
                raise TrainingError(out_of_memory_message(1, None).replace("per step", "per evaluation batch"))
            self.eval_splits *= 2

    def _split_prediction_step(
        self, model: Any, inputs: dict[str, Any], prediction_loss_only: bool, ignore_keys: list[str] | None
    ) -> tuple[Any, Any, Any]:
        if self.eval_splits == 1:
            return super().prediction_step(model, inputs, prediction_loss_only, ignore_keys)
        rows = batch_rows(inputs)
        losses, logits, labels = [], [], []
        for piece in split_batch(inputs, self.eval_splits):
            loss, piece_logits, piece_labels = super().prediction_step(model, piece, prediction_loss_only, ignore_keys)
            if loss is not None:
                losses.append(loss * batch_rows(piece) / rows)
            logits.append(piece_logits)
            labels.append(piece_labels)
        loss = torch.stack(losses).sum() if losses else None
        if prediction_loss_only or logits[0] is None:
            return loss, None, None
        return loss, torch.cat(logits), torch.cat(labels) if labels[0] is not None else None
