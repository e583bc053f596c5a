"""Engine vs a plain ``transformers.Trainer`` script on the same data and bundled model.

(a)/(b): identical settings in fp32 — samples/s of each, their ratio (target >= 1.0) and
achieved GFLOP/s (6 x non-embedding parameters x tokens/s).
(c): each with its own defaults — training time until both reach the same validation
accuracy; ratio engine/Trainer (target <= 0.6).

Both run on the same device (``--device``, default: the engine's choice), so a GPU machine
compares GPU with GPU; the plain Trainer used to be pinned to the CPU.

Usage: .venv/bin/python bench/train_throughput.py [--data FILE] [--rows 1200] [--epochs 1] [--device cpu|cuda]
Not a test: numbers depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT / "resources" / "samples" / "uci_sentiment_sentences.csv"


def prepared_data(path: Path, rows: int, workdir: Path):
    """PreparedData via the data layer, on the first ``rows`` rows of ``path``."""
    from tlstudio.core.data import load_prepared
    from tlstudio.core.settings.config import RunConfig

    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    sample = workdir / "sample.csv"
    sample.write_text("".join(lines[: rows + 1]), encoding="utf-8")
    config = RunConfig(data_path=str(sample))
    return config, load_prepared(config)


def non_embedding_parameters(model) -> int:
    embeddings = model.get_input_embeddings()
    base = getattr(model, model.base_model_prefix)
    emb_module = getattr(base, "embeddings", embeddings)
    return sum(p.numel() for p in model.parameters()) - sum(p.numel() for p in emb_module.parameters())


def token_count(prepared, tokenizer, max_length: int) -> int:
    texts = list(prepared.splits["train"]["text"])
    encoded = tokenizer(texts, truncation=True, max_length=max_length)["input_ids"]
    return sum(len(ids) for ids in encoded)


class EvalClock:
    """A TrainerCallback that records (training seconds, validation accuracy) at each evaluation."""

    def __init__(self):
        from transformers import TrainerCallback

        clock = self

        class _Callback(TrainerCallback):
            def on_train_begin(self, args, state, control, **kwargs):
                clock.start = time.perf_counter()

            def on_evaluate(self, args, state, control, metrics=None, **kwargs):
                clock.points.append((time.perf_counter() - clock.start, metrics.get("eval_accuracy", 0.0)))

        self.start = 0.0
        self.points: list[tuple[float, float]] = []
        self.callback = _Callback()


def plain_trainer(prepared, out: Path, *, max_length: int, defaults: bool, epochs: float, evals: int,
                  device: str = "cpu", model_path: str | None = None, precision: str = "fp32",
                  batch_size: int = 16):
    """The straightforward Trainer script a user would write; returns (train metrics, clock)."""
    import numpy as np
    from transformers import (
        AutoModelForSequenceClassification,
        AutoTokenizer,
        DataCollatorWithPadding,
        Trainer,
        TrainingArguments,
    )

    from tlstudio.core.models.catalog import bundled_model_path

    path = model_path or str(bundled_model_path())
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModelForSequenceClassification.from_pretrained(path, num_labels=len(prepared.label_names))

    def encode(batch):
        enc = tokenizer(batch["text"], truncation=True, max_length=max_length)
        enc["labels"] = batch["label"]
        return enc

    data = prepared.splits.map(encode, batched=True, remove_columns=prepared.splits["train"].column_names)
    steps_per_epoch = -(-len(data["train"]) // (8 if defaults else batch_size))
    kwargs = dict(output_dir=str(out), num_train_epochs=epochs, report_to="none", disable_tqdm=True,
                  eval_strategy="steps", eval_steps=max(1, steps_per_epoch // evals), save_strategy="no",
                  use_cpu=device == "cpu")
    if not defaults:  # identical to the engine's fp32 settings
        kwargs.update(per_device_train_batch_size=batch_size, per_device_eval_batch_size=2 * batch_size,
                      learning_rate=5e-5, warmup_steps=0.1, weight_decay=0.01, logging_steps=5, seed=42,
                      bf16=precision == "bf16", fp16=precision == "fp16")

    def accuracy(prediction):
        return {"accuracy": float((np.argmax(prediction.predictions, axis=1) == prediction.label_ids).mean())}

    clock = EvalClock()
    trainer = Trainer(model=model, args=TrainingArguments(**kwargs), train_dataset=data["train"],
                      eval_dataset=data["validation"], data_collator=DataCollatorWithPadding(tokenizer),
                      compute_metrics=accuracy, callbacks=[clock.callback])
    return trainer.train().metrics, clock


def engine(config, prepared, out: Path, *, fp32: bool, epochs: float, evals: int, max_length: int | None,
           device: str = "auto", precision: str | None = None, batch_size: int | None = None):
    """The engine; returns (run.json, [(seconds, accuracy)] at each validation)."""
    import json

    from tlstudio.core.events import EvalEvent, StatusEvent
    from tlstudio.core.training import run_training

    config.output_dir, config.epochs, config.evals_per_epoch = str(out), epochs, evals
    config.max_length, config.early_stopping_patience = max_length, None
    config.precision = precision or ("fp32" if fp32 else "auto")
    config.device = device
    if batch_size:
        config.batch_size = batch_size
    points: list[tuple[float, float]] = []
    start = [0.0]

    def observe(event):
        if isinstance(event, StatusEvent) and event.message.startswith("Training on"):
            start[0] = time.perf_counter()
        if isinstance(event, EvalEvent):
            points.append((time.perf_counter() - start[0], event.metrics.get("accuracy", 0.0)))

    run_training(config, observe)  # reads the same sample file: the same splits
    return json.loads((out / "run.json").read_text()), points


def time_to(points: list[tuple[float, float]], target: float) -> float | None:
    return next((t for t, acc in points if acc >= target), None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--rows", type=int, default=1200)
    parser.add_argument("--epochs", type=float, default=1.0, help="epochs for the throughput part")
    parser.add_argument("--max-length", type=int, default=64)
    parser.add_argument("--skip-defaults", action="store_true", help="only parts (a) and (b)")
    parser.add_argument("--skip-throughput", action="store_true", help="only part (c)")
    parser.add_argument("--defaults-epochs", type=float, default=2.0, help="epochs for part (c)")
    parser.add_argument("--device", default="auto", help="cpu, cuda, ... (default: the engine's choice)")
    args = parser.parse_args()
    from tlstudio.core.system.device import choose_device

    args.device = choose_device(args.device)
    print(f"device: {args.device}")
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from tlstudio.core.models.catalog import bundled_model_path

    work = Path(tempfile.mkdtemp(prefix="tl-bench-"))
    config, prepared = prepared_data(args.data, args.rows, work)
    tokenizer = AutoTokenizer.from_pretrained(str(bundled_model_path()))
    params = non_embedding_parameters(AutoModelForSequenceClassification.from_pretrained(str(bundled_model_path()), num_labels=2))
    tokens = token_count(prepared, tokenizer, args.max_length) * args.epochs
    print(f"data: {args.data.name}, {len(prepared.splits['train'])} training rows; {params / 1e6:.1f} M non-embedding parameters")

    if not args.skip_throughput:
        throughput(args, config, prepared, work, params, tokens)
    if args.skip_defaults:
        return
    config, prepared = prepared_data(args.data, args.rows, work)
    info, engine_points = engine(config, prepared, work / "engine-defaults", fp32=False,
                                 epochs=args.defaults_epochs, evals=4, max_length=None, device=args.device)
    print(f"engine defaults ({info['precision']}, suggested max length): "
          f"{[(round(t), round(a, 3)) for t, a in engine_points]}", flush=True)
    _, clock = plain_trainer(prepared, work / "plain-defaults", max_length=512, defaults=True,
                             epochs=args.defaults_epochs, evals=4, device=args.device)
    print(f"Trainer defaults (fp32, batch 8, max 512): {[(round(t), round(a, 3)) for t, a in clock.points]}")
    target = min(max(a for _, a in engine_points), max(a for _, a in clock.points)) - 0.005
    ours, theirs = time_to(engine_points, target), time_to(clock.points, target)
    print(f"time to validation accuracy {target:.3f} (evaluations included): engine {ours:.0f} s, "
          f"Trainer {theirs:.0f} s, ratio {ours / theirs:.2f} (target <= 0.6)")


def throughput(args, config, prepared, work: Path, params: int, tokens: int) -> None:
    """Parts (a) and (b): identical fp32 settings."""
    info, _ = engine(config, prepared, work / "engine", fp32=True, epochs=args.epochs, evals=1,
                     max_length=args.max_length, device=args.device)
    plain, _ = plain_trainer(prepared, work / "plain", max_length=args.max_length, defaults=False,
                             epochs=args.epochs, evals=1, device=args.device)
    for name, seconds, rate in (("engine (a)", info["train_seconds"], info["train_samples_per_second"]),
                                ("Trainer (b)", plain["train_runtime"], plain["train_samples_per_second"])):
        gflops = 6 * params * tokens / seconds / 1e9
        print(f"{name:<12} {rate:7.1f} samples/s  {seconds:6.1f} s  {gflops:6.1f} GFLOP/s", flush=True)
    ratio = info["train_samples_per_second"] / plain["train_samples_per_second"]
    print(f"ratio engine/Trainer samples/s: {ratio:.2f} (target >= 1.0)", flush=True)


if __name__ == "__main__":
    main()
