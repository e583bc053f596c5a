"""Build the Trainer for a run: arguments, collator, callbacks."""

from __future__ import annotations

from typing import Any

from tlstudio.core.data.prepared import PreparedData
from tlstudio.core.events import Observer, RunControl
from tlstudio.core.settings.config import RunConfig
from tlstudio.core.training.schedule import SAVE_TOTAL_LIMIT, eval_interval, world


class _Collator:
    """Dynamic padding; drops the ``length`` column the length-grouped sampler reads."""

    def __init__(self, tokenizer: Any, pad_to_multiple_of: int | None) -> None:
        from transformers import DataCollatorWithPadding

        self.inner = DataCollatorWithPadding(tokenizer, pad_to_multiple_of=pad_to_multiple_of)

    def __call__(self, features: list[dict[str, Any]]) -> dict[str, Any]:
        return self.inner([{k: v for k, v in f.items() if k != "length"} for f in features])


def _scheduler(config: RunConfig) -> str:
    if config.scheduler == "constant":
        return "constant_with_warmup" if config.warmup_ratio > 0 else "constant"
    return config.scheduler


def training_arguments(
    config: RunConfig, data: PreparedData, device: str, precision: str, run_dir: str
) -> tuple[Any, Any]:
    """``TrainingArguments`` for ``config``, and the optimizer override (for plain Adam)."""
    from transformers import TrainingArguments

    from tlstudio.core.evaluation.metrics import main_metric
    from tlstudio.core.training.optim import optimizer_arguments

    _, size = world()
    has_val = len(data.splits["validation"]) > 0
    interval = eval_interval(len(data.splits["train"]), config, size)
    optim_kwargs, optimizer_override = optimizer_arguments(config.optimizer, device, config.learning_rate)
    args = TrainingArguments(
        output_dir=f"{run_dir}/checkpoints",
        per_device_train_batch_size=config.batch_size,
        # No gradients to keep: a GPU evaluates 4x the training batch at once (2x elsewhere).
        per_device_eval_batch_size=config.batch_size * (4 if device.startswith("cuda") else 2),
        num_train_epochs=config.epochs,
        learning_rate=config.learning_rate,
        lr_scheduler_type=_scheduler(config),
        warmup_steps=config.warmup_ratio,
        weight_decay=config.weight_decay,
        gradient_accumulation_steps=config.grad_accumulation,
        eval_strategy="steps" if has_val else "no",
        eval_steps=interval,
        save_strategy="steps",
        save_steps=interval,
        save_total_limit=SAVE_TOTAL_LIMIT,
        load_best_model_at_end=has_val,
        metric_for_best_model=main_metric(data.task) if has_val else None,
        greater_is_better=True if has_val else None,
        logging_strategy="steps",
        logging_steps=config.logging_steps,
        seed=config.seed,
        bf16=precision == "bf16",
        fp16=precision == "fp16",
        use_cpu=device == "cpu",
        report_to="none",
        disable_tqdm=True,
        log_level="error",
        log_level_replica="error",
        train_sampling_strategy="group_by_length",
        dataloader_num_workers=0,
        ddp_backend="gloo" if size > 1 and device == "cpu" else None,
        ddp_find_unused_parameters=False if size > 1 else None,
        **optim_kwargs,
    )
    return args, optimizer_override


def build_trainer(
    config: RunConfig,
    data: PreparedData,
    model: Any,
    tokenizer: Any,
    device: str,
    precision: str,
    emit: Observer,
    control: RunControl,
    on_memory_adjust: Any = None,
) -> tuple[Any, Any]:
    """The Trainer and its control bridge (whose ``stopped`` says whether the user stopped).

    ``on_memory_adjust(per_step, accumulation)`` is called when a batch ran out of memory and was split.
    """
    from transformers import EarlyStoppingCallback, PrinterCallback, ProgressCallback

    from tlstudio.core.evaluation.metrics import trainer_metrics
    from tlstudio.core.events import StatusEvent
    from tlstudio.core.training.callbacks import ControlBridge, EventBridge
    from tlstudio.core.training.strategies import apply_strategy
    from tlstudio.core.training.tokenize import tokenize_splits
    from tlstudio.core.training.trainer import TaskTrainer, class_weights

    if config.strategy == "lora":
        from tlstudio.core.training.lora import apply_lora

        model, trainable, total, chosen = apply_lora(model, config)
        emit(StatusEvent(message=chosen + "."))
    else:
        trainable, total = apply_strategy(model, config.strategy)
    emit(StatusEvent(message=f"Training {trainable / 1e6:.2f} M of {total / 1e6:.1f} M parameters ({config.strategy})."))
    emit(StatusEvent(message="Tokenizing…"))
    from tlstudio.core.inference.chunks import can_chunk

    chunks = config.long_texts != "truncate" and can_chunk(tokenizer)
    tokenized = tokenize_splits(data, tokenizer, config.max_length, chunks)
    args, optimizer_override = training_arguments(config, data, device, precision, config.output_dir or ".")
    weights = None
    if config.class_weights and data.task in ("binary", "multiclass"):
        weights = class_weights(list(data.splits["train"]["label"]), len(data.label_names))
    _, size = world()
    bridge = ControlBridge(control)
    callbacks = [EventBridge(emit, config.batch_size * config.grad_accumulation * size), bridge]
    if args.load_best_model_at_end and config.early_stopping_patience:
        callbacks.append(EarlyStoppingCallback(early_stopping_patience=config.early_stopping_patience))
    trainer = TaskTrainer(
        model=model,
        args=args,
        data_collator=_Collator(tokenizer, 8 if precision != "fp32" else None),
        train_dataset=tokenized["train"],
        eval_dataset=tokenized["validation"] if len(tokenized["validation"]) else None,
        processing_class=tokenizer,
        compute_metrics=trainer_metrics(data.task),
        callbacks=callbacks,
        optimizer_cls_and_kwargs=optimizer_override,
        task=data.task,
        weights=weights,
        on_memory_adjust=on_memory_adjust,
    )
    # Our events replace the Trainer's own console output.
    trainer.remove_callback(PrinterCallback)
    trainer.remove_callback(ProgressCallback)
    return trainer, bridge
