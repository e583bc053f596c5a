"""Long texts: does reading them in overlapping parts beat cutting them? Prints both test scores.

Builds a long-text set from ``../shared/data/mr_polarity`` (8 reviews of the same label
concatenated per row, so most rows are longer than 128 tokens), trains the bundled model twice
at max length 128 — ``--long-texts truncate`` and ``--long-texts auto`` (reads in parts; the
aggregation chosen on validation) — and prints the test scores side by side.

    python bench/long_texts.py [--source ../shared/data/mr_polarity/mr_polarity.csv] [--rows 1332] [--epochs 2] [--out /tmp/long_texts]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "mr_polarity" / "mr_polarity.csv"


def build(source: Path, out: Path, rows: int, per_row: int = 8, seed: int = 0) -> Path:
    """Rows of ``per_row`` same-label reviews joined by spaces, labels balanced."""
    with open(source, encoding="utf-8", newline="") as handle:
        reviews = list(csv.DictReader(handle))
    rng = random.Random(seed)
    by_label: dict[str, list[str]] = {}
    for r in reviews:
        by_label.setdefault(r["label"], []).append(r["text"])
    joined = []
    for label, texts in by_label.items():
        rng.shuffle(texts)
        joined += [(" ".join(texts[i:i + per_row]), label) for i in range(0, len(texts) - per_row + 1, per_row)]
    rng.shuffle(joined)
    path = out / "mr_long.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows(joined[:rows])
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE, help="mr_polarity.csv (text,label)")
    parser.add_argument("--rows", type=int, default=1332)
    parser.add_argument("--epochs", type=float, default=2.0)
    parser.add_argument("--out", default="/tmp/long_texts")
    args = parser.parse_args()
    from tlstudio.core.runs.store import RunFolder
    from tlstudio.core.settings.config import RunConfig
    from tlstudio.core.training import run_training

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    data = build(args.source, out, args.rows)
    results = {}
    for mode in ("truncate", "auto"):
        config = RunConfig(data_path=str(data), max_length=128, epochs=args.epochs, batch_size=16,
                           learning_rate=1e-4, long_texts=mode, output_dir=str(out / f"run_{mode}"),
                           precision="fp32", device="cpu")
        started = time.perf_counter()
        lines = []
        result = run_training(config, lambda e, lines=lines: lines.append(getattr(e, "message", "")))
        said = [m for m in lines if "tokens:" in m or m.startswith("Long texts")]
        results[mode] = {"chosen": RunFolder(result.run_dir).config().long_texts,
                         "accuracy": result.metrics["model"]["accuracy"],
                         "f1_macro": result.metrics["model"].get("f1_macro"),
                         "seconds": round(time.perf_counter() - started), "said": said}
        print(mode, json.dumps(results[mode], indent=1), flush=True)
    gain = results["auto"]["accuracy"] - results["truncate"]["accuracy"]
    print(f"test accuracy: truncate {results['truncate']['accuracy']:.4f}, "
          f"{results['auto']['chosen']} {results['auto']['accuracy']:.4f} ({gain * 100:+.1f} points)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
