"""Memory and time of a training run for each strategy, before any weights are loaded.

Memory (fp32, AdamW): the weights (4 bytes a parameter), gradients and two optimizer moments
for the trained ones (4 + 8 bytes), the activations kept for the backward pass, and the
process itself (Python, torch, transformers: on the CPU about 0.5 GB of resident memory).
Activations per layer and token: ``ACTIVATION_FLOATS`` floats times the hidden size plus the
attention maps (heads × length floats, a few times over); only layers that pass gradients keep
them: all for full and LoRA (the adapters sit in every layer), the unfrozen ones for freeze-N,
none for the head only. Time per step: the plan's throughput (training/plan.py) times the
share of a full step's work the strategy does (a frozen body runs forward only; LoRA skips
the weight gradients of the frozen matrices). ``bench/train_memory.py`` measures both on this
computer; the constants below come from it (bundled MiniLM, batch 16, 128 tokens, CPU: peak RSS
full 1.73 GB, LoRA 1.56 GB, head only 0.71 GB; CPU time a step LoRA 0.79 and head only 0.36 of full).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tlstudio.core.training.plan import run_seconds, throughput

ACTIVATION_FLOATS = 28  # per token and hidden unit per layer (measured: see the module docstring)
ATTENTION_COPIES = 4  # attention scores, probabilities, dropout mask, their gradient
PROCESS_BYTES = {"cpu": 480e6, "cuda": 500e6, "mps": 500e6}  # the process before the model
WORK_SHARE = {"full": 1.0, "lora": 0.75, "frozen": 0.35}  # of a full training step's compute
LORA_TARGETS = 2  # query and value


@dataclass
class ModelShape:
    """What the estimate needs of a model, from its config.json."""

    parameters: int
    hidden: int
    layers: int
    heads: int
    intermediate: int


@dataclass
class Estimate:
    """One strategy's trained parameters, peak memory and time per step and for the run."""

    strategy: str
    trainable: int
    peak_bytes: float
    seconds_per_step: float
    seconds: float

    def text(self) -> str:
        """E.g. "lora: 0.2 M parameters trained, about 1.1 GB memory, 0.9 s a step"."""
        from tlstudio.core.training.plan import duration_text

        total = f" ({duration_text(self.seconds)} in all)" if self.seconds else ""
        return (f"{self.strategy}: {_millions(self.trainable)} parameters trained, about "
                f"{self.peak_bytes / 1e9:.1f} GB memory, {self.seconds_per_step:.2g} s a step{total}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _millions(count: int) -> str:
    return f"{count / 1e6:.1f} M" if count >= 1e5 else f"{count / 1e3:.0f} k"


def model_shape(path: str | Path | None, parameters: int | None) -> ModelShape | None:
    """The shape from ``path/config.json`` (None when it can't be read or the size is unknown)."""
    if path is None or not parameters:
        return None
    try:
        config = json.loads((Path(path) / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    hidden = config.get("hidden_size") or config.get("dim") or config.get("n_embd")
    layers = config.get("num_hidden_layers") or config.get("n_layers") or config.get("n_layer")
    if not hidden or not layers:
        return None
    heads = config.get("num_attention_heads") or config.get("n_heads") or config.get("n_head") or max(1, hidden // 64)
    intermediate = config.get("intermediate_size") or config.get("hidden_dim") or 4 * hidden
    return ModelShape(int(parameters), int(hidden), int(layers), int(heads), int(intermediate))


def trainable_parameters(shape: ModelShape, strategy: str, classes: int, lora_rank: int = 8) -> int:
    """Parameters that train under ``strategy`` (pooler and head included where they train)."""
    h = shape.hidden
    head = h * h + h + (h + 1) * max(1, classes)
    if strategy == "frozen":
        return head
    if strategy == "lora":
        return shape.layers * LORA_TARGETS * lora_rank * 2 * h + head
    if strategy.startswith("freeze-"):
        # a transformer layer: attention 4h² + 4h, feed-forward 2hI + I + h, two layer norms 4h
        per_layer = 4 * h * h + 2 * h * shape.intermediate + 9 * h + shape.intermediate
        return head + _layers_with_activations(shape, strategy) * per_layer
    return shape.parameters + (h + 1) * max(1, classes)


def _layers_with_activations(shape: ModelShape, strategy: str) -> int:
    if strategy == "frozen":
        return 0
    if strategy.startswith("freeze-"):
        return max(0, shape.layers - int(strategy.removeprefix("freeze-")))
    return shape.layers


def estimate(shape: ModelShape, strategy: str, *, batch_size: int, length: int, device: str,
             classes: int = 2, lora_rank: int = 8, updates: int = 0,
             samples_per_second: float | None = None, passes: int = 0, val_rows: int = 0,
             eval_samples_per_second: float | None = None,
             strategy_samples_per_second: float | None = None) -> Estimate:
    """Peak memory and time for ``strategy`` at ``batch_size`` × ``length`` tokens on ``device``.

    ``samples_per_second`` is a full step's speed (``strategy_samples_per_second``: this
    strategy's own, as the plan has it); the time of ``updates`` batches and ``passes``
    validation passes over ``val_rows`` is :func:`plan.run_seconds`'s, as the presets'.
    """
    kind = device.split(":")[0]
    trainable = trainable_parameters(shape, strategy, classes, lora_rank)
    tokens = batch_size * length
    per_layer = 4 * tokens * (ACTIVATION_FLOATS * shape.hidden + ATTENTION_COPIES * shape.heads * length)
    working = per_layer  # one layer's forward pass is held even without a backward pass
    memory = (4 * shape.parameters + 12 * trainable + per_layer * _layers_with_activations(shape, strategy)
              + working + PROCESS_BYTES.get(kind, PROCESS_BYTES["cpu"]))
    share = WORK_SHARE.get(strategy)
    if share is None:  # freeze-N: the frozen layers run forward only
        trained = _layers_with_activations(shape, strategy) / shape.layers
        share = WORK_SHARE["frozen"] + (1 - WORK_SHARE["frozen"]) * trained
    speed = strategy_samples_per_second or throughput(kind, shape.parameters, length, samples_per_second) / share
    seconds = run_seconds(updates, batch_size, speed, kind, passes, val_rows, eval_samples_per_second)
    return Estimate(strategy, trainable, memory, batch_size / speed, seconds if updates else 0.0)


def estimates_text(estimates: list[Estimate]) -> str:
    """The plan's line: the chosen strategy first, then the others."""
    parts = [e.text() for e in estimates]
    return f"Estimated for this run: {parts[0]}. Other strategies: {'; '.join(parts[1:])}."


def run_estimates(config: Any, model: Any, train_rows: int, classes: int, device: str,
                  speed: Any = None, val_rows: int = 0) -> list[Estimate] | None:
    """Each strategy's estimate for a run of ``config`` on ``train_rows`` rows (``val_rows`` to
    validate on) with ``model`` (a ModelInfo), ``config.strategy`` first; None when the model's
    shape is unknown.

    The memory is at the longest batch (``max_length`` tokens). The time is the whole run's, by
    the rule the presets are timed with (:func:`plan.run_seconds`): the chosen strategy at
    ``speed`` (a ``training.speed.Speed``: measured on this computer, or the default guess),
    the others at its full-step speed scaled by their share of the work.
    """
    from tlstudio.core.training.plan import training_steps, validation_passes

    shape = model_shape(getattr(model, "path", None), getattr(model, "parameters", None))
    if shape is None:
        return None
    measured = speed is not None and speed.measured
    common = {"batch_size": config.batch_size, "length": config.max_length or 128, "device": device,
              "classes": classes, "lora_rank": config.lora_rank, "val_rows": val_rows,
              "updates": training_steps(train_rows, config.batch_size, config.epochs, config.grad_accumulation),
              "passes": validation_passes(config.epochs, config.evals_per_epoch),
              "samples_per_second": speed.full_samples_per_second if measured else None,
              "eval_samples_per_second": speed.eval_samples_per_second if measured else None}
    order = [config.strategy] + [s for s in ("full", "lora", "frozen") if s != config.strategy]
    chosen = speed.samples_per_second if speed is not None else None
    return [estimate(shape, s, **common, strategy_samples_per_second=chosen if s == config.strategy else None)
            for s in order]


def run_estimates_line(config: Any, model: Any, train_rows: int, classes: int, device: str,
                       speed: Any = None, val_rows: int = 0) -> str | None:
    """:func:`run_estimates` in words, saying what the times rest on (None: the shape is unknown)."""
    estimates = run_estimates(config, model, train_rows, classes, device, speed, val_rows)
    if estimates is None:
        return None
    measured = speed is not None and speed.measured
    return estimates_text(estimates) + (" Times from training measured on this computer." if measured
                                        else " Times are a guess: no run measured on this computer yet.")
