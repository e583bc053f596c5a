"""Which validation pass should a run keep? Every pass of a Balanced run scored on held-out rows.

A run early-stops on its validation score and keeps the pass with the best one; on a few hundred
rows the validation split is 30-75 rows, so that choice is partly luck (ag_news 500: the kept
pass scored 0.92 on validation and 0.87 on 1,000 other rows). This bench trains Balanced runs as
the app does and, at every validation pass, also scores the model on ``--holdout`` other rows of
the set (a callback the bench adds to the run's Trainer; the run itself is unchanged). From the
same runs it then compares rules for choosing the pass, each with the small-data choice
(fine-tuning against frozen embeddings + LR) applied as the run applies it:

- ``best``: the pass with the best validation score, earliest of ties (the Trainer's rule);
- ``best_late``: the same, latest of ties;
- ``loss``: the pass with the lowest validation loss;
- ``last``: the last pass;
- ``last_unless``: the last pass unless the best one beats it by more than the noise of the
  validation score (``embedding_path.noise_margin``);
- ``smooth``: the best mean over a pass and its neighbours.

Usage: .venv/bin/python bench/checkpoint_rule.py --points ag_news:500,mr_polarity:500 --seeds 1,2,3
       --holdout 1000 --out bench/results/checkpoint-rule.jsonl   (``--table-from FILE`` re-prints)
Not a test: it reads the shared data sets and takes about ten minutes per run on a CPU.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quality import base_config, embedding_path_scores, subsample  # noqa: E402

RULES = ("best", "best_late", "loss", "last", "last_unless", "smooth")


def holdout_probe(prepared: Any, max_length: int) -> Any:
    """A TrainerCallback that scores the model on the test split (the held-out rows) at each pass."""
    import numpy as np
    import torch
    from transformers import TrainerCallback

    from tlstudio.core.evaluation.metrics import main_metric, task_metrics

    test = prepared.splits["test"]
    texts, labels = list(test["text"]), np.asarray(test["label"])

    class HoldoutProbe(TrainerCallback):
        def __init__(self) -> None:
            self.passes: list[dict[str, Any]] = []

        def on_evaluate(self, args, state, control, metrics=None, model=None, processing_class=None, **kwargs):
            was_training = model.training
            model.eval()
            probs = []
            with torch.inference_mode():
                for start in range(0, len(texts), 64):
                    batch = processing_class(texts[start:start + 64], padding=True, truncation=True,
                                             max_length=max_length, return_tensors="pt").to(model.device)
                    probs.append(torch.softmax(model(**batch).logits.float(), -1).cpu().numpy())
            model.train(was_training)
            value = task_metrics(prepared.task, labels, np.vstack(probs))[main_metric(prepared.task)]
            key = f"eval_{main_metric(prepared.task)}"
            self.passes.append({"step": state.global_step, "validation": metrics.get(key),
                                "loss": metrics.get("eval_loss"), "holdout": round(float(value), 6)})
            print(f"    pass at step {state.global_step}: validation {metrics.get(key):.3f}, "
                  f"loss {metrics.get('eval_loss'):.3f}, held-out {value:.3f}", flush=True)

    return HoldoutProbe()


def probed_run(config: Any, prepared: Any) -> tuple[list[dict[str, Any]], Path, float]:
    """Train ``config`` as the app does, with the probe added to its Trainer; the passes, folder, minutes."""
    from tlstudio.core.training import run_training, setup

    probe = holdout_probe(prepared, config.max_length or 128)
    original = setup.build_trainer

    def with_probe(*args: Any, **kwargs: Any) -> Any:
        trainer, bridge = original(*args, **kwargs)
        trainer.add_callback(probe)
        return trainer, bridge

    setup.build_trainer = with_probe
    started = time.perf_counter()
    try:
        run_dir = run_training(config).run_dir
    finally:
        setup.build_trainer = original
    return list(probe.passes), run_dir, (time.perf_counter() - started) / 60


def choose(rule: str, passes: list[dict[str, Any]], val_rows: int) -> dict[str, Any]:
    """The pass ``rule`` keeps."""
    from tlstudio.core.training.embedding_path import noise_margin

    scores = [p["validation"] for p in passes]
    best = max(scores)
    if rule == "best":
        return passes[scores.index(best)]
    if rule == "best_late":
        return passes[len(scores) - 1 - scores[::-1].index(best)]
    if rule == "loss":
        return min(passes, key=lambda p: p["loss"])
    if rule == "last":
        return passes[-1]
    if rule == "last_unless":
        last = passes[-1]
        return last if best - last["validation"] <= noise_margin(best, val_rows) else passes[scores.index(best)]
    if rule == "smooth":
        means = [statistics.mean(scores[max(0, i - 1):i + 2]) for i in range(len(scores))]
        return passes[means.index(max(means))]
    raise ValueError(rule)


def shipped(rule: str, result: dict[str, Any]) -> float:
    """Held-out score of what a run with ``rule`` would ship: the kept pass, or the embedding path
    when fine-tuning's kept validation score does not beat the path's by more than the noise."""
    from tlstudio.core.training.embedding_path import noise_margin

    kept = choose(rule, result["passes"], result["val_rows"])
    path = result.get("path")
    if path and kept["validation"] - path["validation"] <= noise_margin(path["validation"], result["val_rows"]):
        return path["test"]
    return kept["holdout"]


def one(name: str, size: str, seed: int, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    from tlstudio.core.data import load_prepared
    from tlstudio.core.runs.store import RunFolder
    from tlstudio.core.settings.config import PLANNED_SETTINGS

    path, rows, test_file = subsample(name, size, workdir, holdout=args.holdout)
    config = dataclasses.replace(base_config(name, path, workdir / f"run_{name}_{size}_{seed}", "default", test_file),
                                 seed=seed, preset="balanced", planned=list(PLANNED_SETTINGS))
    prepared = load_prepared(config)
    passes, run_dir, minutes = probed_run(config, prepared)
    info = RunFolder(run_dir).info()
    path_scores = embedding_path_scores(prepared)
    result = {"set": name, "size": size, "seed": seed, "rows": rows, "val_rows": len(prepared.splits["validation"]),
              "test_rows": len(prepared.splits["test"]), "minutes": round(minutes, 2), "precision": info.precision, "passes": passes,
              "path": path_scores, "method": (info.verdict or {}).get("method"),
              "run_score": (info.verdict or {}).get("score", {}).get("value")}
    result["rules"] = {rule: shipped(rule, result) for rule in RULES}
    print(f"{name} {size} seed {seed}: " + ", ".join(f"{k} {v:.3f}" for k, v in result["rules"].items())
          + f" (run shipped {result['run_score']}; {minutes:.1f} min)", flush=True)
    return result


def table(results: list[dict[str, Any]]) -> str:
    """Markdown: per point and seed, each rule's held-out score and the best any pass scored (an
    oracle: chosen by its held-out score); then the means over seeds."""
    lines = ["| set | rows | seed | passes | " + " | ".join(RULES) + " | best pass (oracle) |",
             "|---|---|---|---|" + "---|" * (len(RULES) + 1)]
    for r in results:
        lines.append(f"| {r['set']} | {r['rows']} | {r['seed']} | {len(r['passes'])} | "
                     + " | ".join(f"{r['rules'][k]:.3f}" for k in RULES)
                     + f" | {max(p['holdout'] for p in r['passes']):.3f} |")
    points = sorted({(r["set"], r["rows"]) for r in results})
    for name, rows in points:
        mine = [r for r in results if (r["set"], r["rows"]) == (name, rows)]
        lines.append(f"| {name} | {rows} | mean of {len(mine)} | | "
                     + " | ".join(f"**{statistics.mean(r['rules'][k] for r in mine):.3f}**" for k in RULES)
                     + f" | {statistics.mean(max(p['holdout'] for p in r['passes']) for r in mine):.3f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", default="ag_news:500,mr_polarity:500", help="set:size pairs")
    parser.add_argument("--seeds", default="1,2,3", help="run seeds (split and start)")
    parser.add_argument("--holdout", type=int, default=1000, help="held-out rows every pass is scored on")
    parser.add_argument("--out", type=Path, help="append every result as a JSON line here")
    parser.add_argument("--table-from", type=Path, help="print the table of an --out file and stop")
    args = parser.parse_args()
    if args.table_from:
        with open(args.table_from, encoding="utf-8") as handle:
            print(table([json.loads(line) for line in handle if line.strip()]))
        return
    from tlstudio.core.models.loading import quiet_libraries

    quiet_libraries()
    results = []
    with tempfile.TemporaryDirectory(prefix="tlstudio-checkpoint-") as tmp:
        for point in args.points.split(","):
            name, size = point.split(":")
            for seed in (int(s) for s in args.seeds.split(",")):
                result = one(name, size, seed, args, Path(tmp))
                results.append(result)
                if args.out:
                    with open(args.out, "a", encoding="utf-8") as handle:
                        handle.write(json.dumps(result, default=str) + "\n")
    print(table(results))


if __name__ == "__main__":
    main()
