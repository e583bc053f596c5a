"""Peak memory and time per training step for each strategy, measured against the estimate.

Each strategy runs in a fresh process (peak resident memory is per process): the bundled
model, AdamW, random token batches of ``--batch`` × ``--length``, ``--steps`` steps. Prints
measured and estimated peak RSS and seconds a step, and the ratio. The time estimate uses the
plan's default CPU throughput unless ``--samples-per-second`` gives this machine's.

    python bench/train_memory.py [--batch 16] [--length 128] [--steps 6]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

STRATEGIES = ("full", "lora", "frozen")


def measure(strategy: str, batch: int, length: int, steps: int) -> dict[str, float]:
    """In this process: train ``steps`` steps; peak RSS (bytes) and median seconds a step."""
    import torch

    from tlstudio.core.models.catalog import resolve_model
    from tlstudio.core.models.loading import load_classifier
    from tlstudio.core.settings.config import RunConfig
    from tlstudio.core.training.strategies import apply_strategy

    torch.manual_seed(0)
    info = resolve_model("default")
    model, _ = load_classifier(info.path, task="binary", label_names=["a", "b"])
    if strategy == "lora":
        from tlstudio.core.training.lora import apply_lora

        model = apply_lora(model, RunConfig(strategy="lora"))[0]
    else:
        apply_strategy(model, strategy)
    model.train()
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-5)
    vocab = model.config.vocab_size
    times = []
    for _ in range(steps):
        ids = torch.randint(1000, vocab, (batch, length))
        labels = torch.randint(0, 2, (batch,))
        started, cpu = time.perf_counter(), time.process_time()
        loss = model(input_ids=ids, attention_mask=torch.ones_like(ids), labels=labels).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        times.append((time.perf_counter() - started, time.process_time() - cpu))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: kilobytes
    wall, cpu = (sorted(t[k] for t in times[1:])[len(times[1:]) // 2] for k in (0, 1))
    return {"peak_bytes": peak, "seconds_per_step": wall, "cpu_seconds_per_step": cpu,
            "threads": torch.get_num_threads()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--length", type=int, default=128)
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--samples-per-second", type=float, default=None)
    parser.add_argument("--one", choices=STRATEGIES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.batch, args.length, args.steps)))
        return 0
    from tlstudio.core.models.catalog import resolve_model
    from tlstudio.core.training.estimate import estimate, model_shape

    info = resolve_model("default")
    shape = model_shape(info.path, info.parameters)
    for strategy in STRATEGIES:
        out = subprocess.run([sys.executable, __file__, "--one", strategy, "--batch", str(args.batch),
                              "--length", str(args.length), "--steps", str(args.steps)],
                             capture_output=True, text=True, check=True).stdout
        got = json.loads(out.strip().splitlines()[-1])
        want = estimate(shape, strategy, batch_size=args.batch, length=args.length, device="cpu",
                        samples_per_second=args.samples_per_second)
        print(f"{strategy:>7}: peak RSS {got['peak_bytes'] / 1e9:.2f} GB measured, "
              f"{want.peak_bytes / 1e9:.2f} GB estimated (x{want.peak_bytes / got['peak_bytes']:.2f}); "
              f"{got['seconds_per_step']:.2f} s a step measured, {want.seconds_per_step:.2f} s estimated "
              f"(x{want.seconds_per_step / got['seconds_per_step']:.2f}); CPU time a step "
              f"{got['cpu_seconds_per_step']:.2f} s on {got['threads']} threads", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
