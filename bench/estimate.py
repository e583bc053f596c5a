"""Time estimates against measurement: the default guess, a probe and remembered runs vs the real run.

Trains the bundled model three times on ``uci_sentiment_sentences`` (``--rows`` rows, planned
by the presets) in a fresh TL Studio home, so the first run has nothing remembered:

1. balanced: timed by a probe (1 warm-up + 3 training steps before the run);
2. quick: timed by what run 1 measured (a probe is also taken, to compare the two);
3. quick, head only (``frozen``): run 1's figure carried over to another strategy.

For each run it prints the whole-run estimate from each speed figure (the default guess, the
probe, the remembered runs), the real whole-run time, and the ratio estimate / real. Issue 15
asks for estimates within 30 %.

    python bench/estimate.py [--data ../shared/data/uci_sentiment_sentences/uci_sentiment_sentences.csv]
                             [--rows 1200] [--out /tmp/estimate]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import sys
import time
from pathlib import Path

DATA = (Path(__file__).resolve().parents[1].parent / "shared" / "data" / "uci_sentiment_sentences"
        / "uci_sentiment_sentences.csv")
RUNS = (("balanced", "full"), ("quick", "full"), ("quick", "frozen"))


def sample(source: Path, out: Path, rows: int) -> Path:
    with open(source, encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    random.Random(0).shuffle(records)
    path = out / "data.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["text", "label"], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(records[:rows])
    return path


def estimates(info: dict, rows: dict) -> dict[str, float]:
    """The whole-run seconds each speed figure the run considered would have promised."""
    from tlstudio.core.training.plan import plan_run

    plan = info["plan"]
    out = {}
    for source, rate in info["speed"]["considered"].items():
        again = plan_run(rows["train"], 2, "cpu", plan["preset"], info.get("model_parameters"),
                         val_rows=rows["validation"], max_length=rows["max_length"],
                         samples_per_second=rate, speed_source=source,
                         eval_samples_per_second=info["speed"].get("eval_samples_per_second")
                         if source == "measured" else None)
        out[source] = again.seconds
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--rows", type=int, default=1200)
    parser.add_argument("--out", type=Path, default=Path("/tmp/estimate"))
    args = parser.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    os.environ["TLSTUDIO_HOME"] = str(args.out / "home")  # nothing remembered at the start
    from tlstudio.core.models.catalog import resolve_model
    from tlstudio.core.runs.store import RunFolder
    from tlstudio.core.settings.config import RunConfig
    from tlstudio.core.training import run_training
    from tlstudio.core.training import speed as sp

    sp.PROBE_MIN_SECONDS, sp.PROBE_SHARE = 0.0, 1.0  # probe even a short run, to compare with remembered
    params = resolve_model("default").parameters
    data = sample(args.data, args.out, args.rows)
    table = []
    for i, (preset, strategy) in enumerate(RUNS, 1):
        config = RunConfig(data_path=str(data), preset=preset, strategy=strategy, precision="fp32", device="cpu",
                           output_dir=str(args.out / f"run{i}"),
                           planned=["epochs", "batch_size", "learning_rate", "evals_per_epoch",
                                    "early_stopping_patience", "warmup_ratio"])
        started = time.perf_counter()
        result = run_training(config)
        whole = time.perf_counter() - started
        store = RunFolder(result.run_dir)
        info = {**store.info().to_dict(), "model_parameters": params}
        saved = store.config()
        from tlstudio.core.data import load_prepared

        splits = load_prepared(saved).splits
        rows = {"train": len(splits["train"]), "validation": len(splits["validation"]),
                "max_length": saved.max_length}
        promised = estimates(info, rows)
        row = {"run": i, "preset": preset, "strategy": strategy, "used": info["speed"]["source"],
               "samples_per_second": info["speed"]["considered"],
               "measured_samples_per_second": info["measured_speed"]["train_samples_per_second"],
               "estimates": promised, "actual_seconds": round(whole, 1),
               "train_seconds": info["train_seconds"], "updates": info["plan"]["updates"],
               "ratios": {k: round(v / whole, 2) for k, v in promised.items()}, "line": info["plan"]["line"],
               "planned_seconds": info["plan"]["seconds"]}
        table.append(row)
        print(json.dumps(row), flush=True)
    print("\n| run | preset | strategy | used | estimate: default | probe | remembered | actual | "
          "ratio default | probe | remembered |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in table:
        e, q = r["estimates"], r["ratios"]
        print(f"| {r['run']} | {r['preset']} | {r['strategy']} | {r['used']} | {e.get('default', '–')} s | "
              f"{e.get('probe', '–')} s | {e.get('measured', '–')} s | {r['actual_seconds']} s | "
              f"{q.get('default', '–')} | {q.get('probe', '–')} | {q.get('measured', '–')} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
