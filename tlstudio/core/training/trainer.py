"""The Trainer subclass: task losses computed in float32, with optional class weights."""

from __future__ import annotations

from typing import Any

import torch
from transformers import Trainer


def class_weights(labels: list[int], num_classes: int) -> torch.Tensor:
    """Inverse-frequency weights ``n / (k * count)``; unseen classes get weight 1."""
    counts = torch.bincount(torch.tensor(labels, dtype=torch.long), minlength=num_classes).float()
    weights = len(labels) / (num_classes * counts.clamp(min=1))
    weights[counts == 0] = 1.0
    return weights


class TaskTrainer(Trainer):
    """Computes the loss for our task types itself, so mixed precision and class weights behave."""

    # Our loss is a per-batch mean: let the Trainer divide it for gradient accumulation.
    loss_is_scaled_for_ga = False

    def __init__(self, *args: Any, task: str, weights: torch.Tensor | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.task = task
        self.weights = weights

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
        return (loss, outputs) if return_outputs else loss
