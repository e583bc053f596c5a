"""int8 ONNX against PyTorch on this CPU: rows/s at batch 32, the ratio, and the accuracy change.

Exports a finished run (train the bundled model first, e.g. ``tlstudio train DATA --out RUN``)
as fp32 and int8 ONNX into a temporary folder, with the parity check every export runs. Then,
because one timing on a shared machine says little, it times PyTorch and each export in turn
``--rounds`` times (batch 32, the same 256 texts) and keeps each one's best round: the ratio of
best rounds is what the machine can do when nothing else runs. With ``--extra CSV`` (labelled
rows of the same set; rows whose text is in the run's data file are dropped) it also reports the
accuracy change on up to ``--extra-rows`` more rows than the run's test split holds.

    python bench/export_speed.py RUN [--extra data.csv]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path


def _extra_rows(run: Path, extra: Path, limit: int) -> tuple[list[str], list[str]]:
    config = json.loads((run / "run_config.json").read_text(encoding="utf-8"))
    text_col, label_col = config["text_columns"][0], config["label_columns"][0]
    with open(config["data_path"], encoding="utf-8", newline="") as handle:
        seen = {row[text_col] for row in csv.DictReader(handle)}
    with open(extra, encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r[text_col] not in seen]
    rows = random.Random(0).sample(rows, min(limit, len(rows)))  # files are often sorted by label
    return [r[text_col] for r in rows], [r[label_col] for r in rows]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="a finished run folder")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per model (best kept)")
    parser.add_argument("--extra", type=Path, help="more labelled rows of the run's data set (CSV)")
    parser.add_argument("--extra-rows", type=int, default=1000)
    args = parser.parse_args()
    import numpy as np

    from tlstudio.core.export import export_model
    from tlstudio.core.export.parity import read_test_split
    from tlstudio.core.export.standalone import ExportedModel
    from tlstudio.core.inference.predictor import Predictor

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    predictor = Predictor.load(args.run, device="cpu")
    split = read_test_split(args.run)
    texts = (split.texts * (256 // len(split.texts) + 1))[:256]
    extra = _extra_rows(args.run, args.extra, args.extra_rows) if args.extra else None
    with tempfile.TemporaryDirectory() as tmp:
        scorers = {"pytorch": lambda b: predictor.predict_scores(b, None, 32, calibrated=False)}
        for fmt in ("onnx", "onnx-int8"):
            report = export_model(args.run, fmt, Path(tmp) / fmt)
            parity = report["parity"]
            print(f"{fmt:>9}: max prob. difference {parity['max_abs_diff']:.2e}, labels agree "
                  f"{parity['label_agreement']:.1%}, accuracy change {parity['accuracy_change_points']:+.1f} "
                  f"points on {parity['rows']} test rows; {report.get('graph', {})}", flush=True)
            model = ExportedModel(Path(tmp) / fmt)
            scorers[fmt] = (lambda m: lambda b: m.predict_scores(b, None, 32, calibrated=False))(model)
            if extra:
                names = predictor.label_names
                ref = predictor.predict_scores(extra[0], None, 32, calibrated=False).argmax(1)
                new = model.predict_scores(extra[0], None, 32, calibrated=False).argmax(1)
                acc = [np.mean([names[i] == t for i, t in zip(p, extra[1], strict=True)]) for p in (ref, new)]
                print(f"{fmt:>9}: on {len(extra[0])} more rows accuracy {acc[0]:.4f} -> {acc[1]:.4f} "
                      f"({100 * (acc[1] - acc[0]):+.1f} points), labels agree {np.mean(ref == new):.1%}", flush=True)
        best = dict.fromkeys(scorers, float("inf"))
        for score in scorers.values():
            score(texts[:32])  # warm-up
        for _ in range(args.rounds):
            for name, score in scorers.items():
                start = time.perf_counter()
                score(texts)
                best[name] = min(best[name], time.perf_counter() - start)
    rates = {name: len(texts) / seconds for name, seconds in best.items()}
    for name, rate in rates.items():
        print(f"{name:>9}: {rate:.1f} rows/s at batch 32 (best of {args.rounds} rounds), "
              f"{rate / rates['pytorch']:.2f}x PyTorch", flush=True)
    print(f"load average {os.getloadavg()[0]:.1f} after", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
