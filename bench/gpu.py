"""GPU use per model size: samples/s and MFU of the engine's defaults, of a plain Trainer at
identical settings, and the wall time of each phase of a whole run.

For each model (the bundled MiniLM; a BERT-base-sized model built from a config with random
weights, so no download is needed):

1. **Defaults**: ``tlstudio train`` in a fresh process with nothing but data, model and output
   (the preset plans, the batch probe sizes the batch on a GPU). Prints samples/s, model FLOP
   utilisation (MFU = 6 x non-embedding parameters x trained tokens/s / measured peak), test
   accuracy, the batch chosen, and wall time per phase (run.json ``phases``; start-up = the
   process's wall time minus the phases).
2. **Identical settings**: the engine in-process and a plain ``transformers.Trainer`` script
   with the same batch, length, precision and epochs on the same device; their ratio
   (target >= 1.0).

Targets (issue 12, on an H200 with 7,000 rows): engine/Trainer >= 1.0; MiniLM defaults
>= 4,500 samples/s (5 x the old 900) with equal or better accuracy; BERT-base MFU >= 35 %;
fixed overhead (wall time minus training steps) <= 10 s.

Usage: .venv/bin/python bench/gpu.py --data FILE.csv [--rows 7000] [--models minilm,bert-base]
       [--device cuda] [--preset balanced] [--identical-batch 128] [--train-args '--epochs 1']
Not a test: numbers depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from train_throughput import (  # noqa: E402 - the shared bench helpers
    DEFAULT_DATA,
    engine,
    non_embedding_parameters,
    plain_trainer,
    prepared_data,
)


def peak_flops(device: str) -> tuple[float, str]:
    """Measured matrix-multiply FLOP/s on ``device`` (bf16 on a GPU, fp32 on the CPU)."""
    import torch

    gpu = device.startswith("cuda")
    size, dtype = (8192, torch.bfloat16) if gpu else (1024, torch.float32)
    a = torch.randn(size, size, device=device, dtype=dtype)
    b = torch.randn(size, size, device=device, dtype=dtype)
    for _ in range(3):
        a @ b
    if gpu:
        torch.cuda.synchronize()
    repeats = 50 if gpu else 5
    started = time.perf_counter()
    for _ in range(repeats):
        a @ b
    if gpu:
        torch.cuda.synchronize()
    seconds = time.perf_counter() - started
    return 2 * size**3 * repeats / seconds, "bf16" if gpu else "fp32"


def model_folders(names: list[str], work: Path) -> dict[str, str]:
    """Model folders by name: the bundled MiniLM, and a random BERT-base with its tokenizer."""
    from tlstudio.core.models.catalog import bundled_model_path

    bundled = str(bundled_model_path())
    folders = {}
    for name in names:
        if name == "minilm":
            folders[name] = bundled
        elif name == "bert-base":
            from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

            folder = work / "bert-base-random"
            BertForSequenceClassification(BertConfig(num_labels=2)).save_pretrained(folder)
            AutoTokenizer.from_pretrained(bundled).save_pretrained(folder)  # the same BERT vocabulary
            folders[name] = str(folder)
        else:
            raise SystemExit(f"error: unknown model {name!r} (minilm, bert-base)")
    return folders


def mean_tokens(texts: list[str], folder: str, max_length: int) -> float:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(folder)
    lengths = [len(ids) for ids in tokenizer(texts, truncation=True, max_length=max_length)["input_ids"]]
    return sum(lengths) / max(1, len(lengths))


def defaults_run(sample: Path, folder: str, out: Path, device: str, preset: str,
                 extra: list[str]) -> tuple[dict, float]:
    """``tlstudio train`` with the defaults in a fresh process; (run.json, wall seconds)."""
    command = [sys.executable, "-c", "import sys; from tlstudio.cli.main import main; sys.exit(main())", "train", str(sample), "--model", folder,
               "--out", str(out), "--device", device, "--preset", preset, *extra]
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)})
    wall = time.perf_counter() - started
    return json.loads((out / "run.json").read_text()), wall


def test_accuracy(out: Path) -> float | None:
    metrics = json.loads((out / "metrics.json").read_text())
    return metrics.get("model", {}).get("accuracy")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--rows", type=int, default=7000)
    parser.add_argument("--models", default="minilm,bert-base")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--preset", default="balanced")
    parser.add_argument("--max-length", type=int, default=128, help="length for the identical-settings part")
    parser.add_argument("--identical-batch", type=int, default=16)
    parser.add_argument("--identical-epochs", type=float, default=1.0)
    parser.add_argument("--train-args", default="", help="extra 'tlstudio train' options for part 1, "
                        "e.g. '--epochs 1' for a quick check of this script")
    args = parser.parse_args()
    import torch

    from tlstudio.core.system.device import choose_device, choose_precision

    device = choose_device(args.device)
    precision = choose_precision("auto", device)
    name = torch.cuda.get_device_name(0) if device.startswith("cuda") else "CPU"
    peak, peak_dtype = peak_flops(device)
    print(f"device: {device} ({name}); measured {peak_dtype} matmul peak {peak / 1e12:.3g} TFLOP/s; "
          f"precision {precision}", flush=True)
    work = Path(tempfile.mkdtemp(prefix="tl-gpu-bench-"))
    config, prepared = prepared_data(args.data, args.rows, work)
    sample = Path(config.data_path)
    texts = list(prepared.splits["train"]["text"])
    print(f"data: {args.data.name}, {len(texts)} training rows of {args.rows}", flush=True)
    for model, folder in model_folders(args.models.split(","), work).items():
        from transformers import AutoModelForSequenceClassification

        params = non_embedding_parameters(AutoModelForSequenceClassification.from_pretrained(folder, num_labels=2))
        print(f"\n== {model}: {params / 1e6:.1f} M non-embedding parameters", flush=True)
        info, wall = defaults_run(sample, folder, work / f"{model}-defaults", device, args.preset,
                                  args.train_args.split())
        rate = info.get("train_samples_per_second") or 0.0
        length = json.loads((work / f"{model}-defaults" / "run_config.json").read_text()).get("max_length") or 128
        tokens = mean_tokens(texts, folder, length)
        mfu = 6 * params * tokens * rate / peak
        phases = info.get("phases", {})
        fixed = wall - phases.get("train", 0.0)
        probe = info.get("batch_probe") or {}
        print(f"defaults: {rate:,.1f} samples/s, MFU {mfu:.1%} ({tokens:.0f} tokens/row at max {length}), "
              f"batch {probe.get('batch_size', 'planned')}, test accuracy {test_accuracy(work / f'{model}-defaults')}",
              flush=True)
        print(f"  probe: {probe}" if probe else "  probe: none (the CPU keeps the planned batch)")
        print(f"  wall {wall:.1f} s; fixed overhead (all but training) {fixed:.1f} s; phases: "
              + ", ".join(f"{k} {v:.1f} s" for k, v in {"start-up": wall - sum(phases.values()), **phases}.items()),
              flush=True)
        same = dict(max_length=args.max_length, epochs=args.identical_epochs, evals=1, device=device)
        config, prepared = prepared_data(args.data, args.rows, work)
        config.model = folder
        ours, _ = engine(config, prepared, work / f"{model}-engine", fp32=precision == "fp32",
                         precision=precision, batch_size=args.identical_batch, **same)
        theirs, _ = plain_trainer(prepared, work / f"{model}-plain", defaults=False, model_path=folder,
                                  precision=precision, batch_size=args.identical_batch, **same)
        a, b = ours["train_samples_per_second"], theirs["train_samples_per_second"]
        print(f"identical ({precision}, batch {args.identical_batch}, max {args.max_length}): engine {a:,.1f} "
              f"samples/s, Trainer {b:,.1f}; ratio {a / b:.2f} (target >= 1.0)", flush=True)


if __name__ == "__main__":
    main()
