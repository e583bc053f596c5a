"""Quality with the defaults: the model beside each baseline and the verdict, per data set and size.

For every labelled set in /work/shared/data (or --sets), subsampled to --sizes rows ("full" for
all), one run with the defaults (``--settings plan`` applies ``plan_run``; ``config`` keeps
RunConfig's defaults), then the baselines (majority, TF-IDF, frozen embeddings + LR, zero-shot
where label names are words) on the same test rows and the verdict. With ``--grid`` it also
trains a small grid (learning rate x updates) and reports the best grid point by *test* score:
an oracle upper bound on what tuning could buy over the defaults. ``--holdout N`` tests every
model on N other rows of the set instead of 15 % of the sample, so that bound is not mostly noise.

Usage: .venv/bin/python bench/quality.py --sizes 200,500 --sets uci_sentiment_sentences --no-grid
Not a test: it reads the shared data sets and takes minutes per run on a CPU.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import math
import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from tlstudio.core.settings.config import PLANNED_SETTINGS

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
DATA = Path("/work/shared/data")
# name: (file, text columns, label column, task)
SETS: dict[str, tuple[str, list[str], str, str]] = {
    "uci_sentiment_sentences": ("uci_sentiment_sentences/uci_sentiment_sentences.csv", ["text"], "label", "binary"),
    "sms_spam": ("sms_spam/sms_spam.csv", ["text"], "label", "binary"),
    "mr_polarity": ("mr_polarity/mr_polarity.csv", ["text"], "label", "binary"),
    "ag_news": ("ag_news/test.csv", ["text"], "label", "multiclass"),
    "stsb": ("stsb/train.csv", ["sentence1", "sentence2"], "score", "regression"),
    "waimai_10k": ("waimai_10k/waimai_10k.csv", ["text"], "label", "binary"),
}
GRID_LR = (2e-5, 5e-5, 1e-4)
GRID_UPDATES = (100, 300)


def subsample(name: str, size: str, workdir: Path, seed: int = 0,
              holdout: int = 0) -> tuple[Path, int, Path | None]:
    """The set's CSV, or a random ``size``-row sample of it written under ``workdir``; with
    ``holdout``, also that many other rows of the set as a test file (None when it has no rows to spare)."""
    source = DATA / SETS[name][0]
    with open(source, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    rest: list[list[str]] = []
    if size != "full" and int(size) < len(body):
        shuffled = random.Random(seed).sample(body, len(body))
        body, rest = shuffled[:int(size)], shuffled[int(size):]
    target = workdir / f"{name}_{size}.csv"
    with open(target, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *body])
    test_file = None
    if holdout and rest:
        test_file = workdir / f"{name}_{size}_holdout.csv"
        with open(test_file, "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([header, *rest[:holdout]])
    return target, len(body), test_file


def base_config(name: str, path: Path, out: Path, model: str, test_file: Path | None = None) -> Any:
    from tlstudio.core.settings.config import RunConfig

    _, text_columns, label, task = SETS[name]
    return RunConfig(data_path=str(path), text_columns=text_columns, label_columns=[label], task=task,
                     output_dir=str(out), model=model, test_file=str(test_file) if test_file else None)


def planned(config: Any, prepared: Any, preset: str = "balanced") -> tuple[Any, dict[str, Any]]:
    """The config with ``plan_run``'s settings for this data on this machine."""
    from tlstudio.core.models.catalog import resolve_model
    from tlstudio.core.system.device import choose_device
    from tlstudio.core.training.plan import plan_run

    info = resolve_model(config.model)
    plan = plan_run(len(prepared.splits["train"]), max(1, len(prepared.label_names)),
                    choose_device(config.device), preset, info.parameters,
                    val_rows=len(prepared.splits["validation"]), max_length=config.max_length or 128)
    return dataclasses.replace(config, **plan.settings()), plan.to_dict()


def validation_curve(run_dir: Path, task: str) -> list[float]:
    """Main metric per validation pass from history.csv (bench only; the app reads it via the run API)."""
    from tlstudio.core.evaluation.metrics import main_metric

    key = f"eval_{main_metric(task)}"
    with open(run_dir / "history.csv", encoding="utf-8", newline="") as handle:
        return [float(r[key]) for r in csv.DictReader(handle) if r.get(key)]


def train_and_score(config: Any, prepared: Any) -> tuple[Any, float, Path]:
    """Train, then the model's test scores (same code path as the run's own report) and minutes."""
    from tlstudio.core.inference.predictor import Predictor
    from tlstudio.core.training import run_training
    from tlstudio.core.training.report import test_report

    started = time.perf_counter()
    run_dir = run_training(config).run_dir  # loads the same file and seed: the same splits
    _, scores = test_report(Predictor.load(run_dir), prepared)
    return scores, (time.perf_counter() - started) / 60, run_dir


def one(name: str, size: str, args: argparse.Namespace, encoder: Any, workdir: Path,
        seed: int = 42) -> dict[str, Any]:
    """One set at one size and run seed (split and start; the sample stays the same): a run per
    preset (and per extra learning rate), baselines, the verdict, and the grid when asked."""
    import numpy as np

    from tlstudio.core.data import load_prepared
    from tlstudio.core.evaluation.baselines import fit_baselines
    from tlstudio.core.evaluation.metrics import main_metric
    from tlstudio.core.evaluation.verdict import build_verdict
    from tlstudio.core.evaluation.zero_shot import zero_shot
    from tlstudio.core.runs.store import RunFolder

    path, rows, test_file = subsample(name, size, workdir, holdout=args.holdout)
    base = dataclasses.replace(base_config(name, path, workdir / f"run_{name}_{size}", args.model, test_file),
                               seed=seed, precision=args.precision)
    prepared = load_prepared(base)
    baselines = {k: b.scores for k, b in fit_baselines(prepared, embedding_model=encoder).items()}
    shot = zero_shot(prepared, model=encoder) if encoder is not None else None
    if shot is not None:
        baselines["zero_shot"] = shot["scores"]
    y = np.asarray(prepared.splits["test"]["label"])
    result: dict[str, Any] = {"set": name, "size": size, "seed": seed, "rows": rows, "test_rows": len(y),
                              "holdout": test_file is not None, "task": prepared.task,
                              "metric": main_metric(prepared.task), "presets": {}}
    if args.embedding_path:
        result["embedding_path"] = embedding_path_scores(prepared)
        print(f"{name} {size}: embedding path {result['embedding_path']}", flush=True)
    rates = [*([] if args.only_lrs else [None]), *(float(x) for x in args.lrs.split(",") if x)]
    for preset, rate in [(p, r) for p in args.presets.split(",") if p for r in rates]:
        key = preset if rate is None else f"{preset}@lr={rate:g}"
        config = dataclasses.replace(base, output_dir=str(workdir / f"run_{name}_{size}_{seed}_{key}"))
        if args.settings == "plan":  # the run plans itself, timed with this computer's speed (probe or
            # remembered), as the app does: its promise is the one the user sees; an extra rate stands
            config = dataclasses.replace(config, preset=preset, planned=[
                k for k in PLANNED_SETTINGS if rate is None or k != "learning_rate"])
        if rate is not None:
            config = dataclasses.replace(config, learning_rate=rate)
        if args.patience is not None:  # a candidate early-stopping rule against the plan's (0: none)
            config = dataclasses.replace(config, early_stopping_patience=args.patience or None, planned=[
                k for k in config.planned if k != "early_stopping_patience"])
        scores, minutes, run_dir = train_and_score(config, prepared)
        info = RunFolder(run_dir).info()
        plan = info.plan  # None with --settings config: nothing was planned
        context = {"validation": validation_curve(run_dir, prepared.task)}
        if prepared.task in ("binary", "multiclass"):
            context["train_counts"] = class_counts_from(prepared)
        # The run's own verdict (run.json) is the one the user reads; rebuilt only for old runs without one.
        verdict = info.verdict or build_verdict(prepared.task, y, scores, baselines,
                                                label_names=prepared.label_names, context=context)
        method = (info.verdict or {}).get("method")
        result["presets"][key] = {"minutes": round(minutes, 2), "plan": plan, "verdict": verdict,
                                     "precision": info.precision,
                                     "best_validation": max(context["validation"], default=None),
                                     "method": method}
        if method:
            print(f"    method: {method['text']}", flush=True)
        print(f"{name} {size} seed {seed} {key}: {verdict['text']} ({minutes:.1f} min; promised "
              f"{(plan or {}).get('seconds', 0) / 60:.1f})", flush=True)
        for advice in verdict["advice"]:
            print(f"    advice {advice['id']}: {advice['text']}", flush=True)
    if result["presets"]:
        first = next(iter(result["presets"].values()))
        result.update(minutes=first["minutes"], plan=first["plan"], verdict=first["verdict"])
    else:
        result["verdict"] = build_verdict(prepared.task, y, baselines["majority"], baselines,
                                          label_names=prepared.label_names)
    if args.grid and (not args.grid_at or f"{name}:{size}" in args.grid_at.split(",")):
        config, _ = planned(base, prepared, "balanced") if args.settings == "plan" else (base, None)
        result["grid"] = grid(config, prepared, workdir / f"grid_{name}_{size}_{seed}",
                              [float(x) for x in args.grid_lr.split(",")], [int(x) for x in args.grid_updates.split(",")])
        print(f"    grid: {result['grid']}", flush=True)
    return result


def embedding_path_scores(prepared: Any) -> dict[str, Any] | None:
    """The small-data path's model (as a run would ship it): validation and test main metric."""
    import numpy as np
    import torch

    from tlstudio.core.evaluation.metrics import main_metric, task_metrics
    from tlstudio.core.models.catalog import resolve_model
    from tlstudio.core.models.loading import load_tokenizer
    from tlstudio.core.training.embedding_path import TASKS, fit_embedding_classifier

    if prepared.task not in TASKS or prepared.is_pair:
        return None
    folder = resolve_model("default").path
    tokenizer = load_tokenizer(folder)
    started = time.perf_counter()
    path = fit_embedding_classifier(folder, tokenizer, prepared, 128)
    test = prepared.splits["test"]
    probs = []
    with torch.inference_mode():
        for start in range(0, len(test), 64):
            batch = tokenizer(list(test["text"][start:start + 64]), padding=True, truncation=True, max_length=128,
                              return_tensors="pt")
            probs.append(torch.softmax(path.model(**batch).logits, -1).numpy())
    value = task_metrics(prepared.task, np.asarray(test["label"]), np.vstack(probs))[main_metric(prepared.task)]
    return {"validation": round(path.validation, 4), "test": round(float(value), 4),
            "seconds": round(time.perf_counter() - started, 1)}


def class_counts_from(prepared: Any) -> dict[str, int]:
    from collections import Counter

    counts = Counter(int(v) for v in prepared.splits["train"]["label"])
    return {name: counts.get(i, 0) for i, name in enumerate(prepared.label_names)}


def grid(config: Any, prepared: Any, out: Path, rates: list[float], counts: list[int]) -> list[dict[str, Any]]:
    """Learning rate x updates; each point's test main metric and minutes."""
    from tlstudio.core.evaluation.metrics import main_metric, task_metrics
    from tlstudio.core.runs.store import RunFolder

    per_epoch = math.ceil(len(prepared.splits["train"]) / config.batch_size)
    points = []
    for lr in rates:
        for updates in counts:
            point = dataclasses.replace(config, learning_rate=lr, epochs=round(updates / per_epoch, 3),
                                        early_stopping_patience=None, output_dir=str(out / f"lr{lr}_u{updates}"))
            scores, minutes, run_dir = train_and_score(point, prepared)
            value = task_metrics(prepared.task, prepared.splits["test"]["label"], scores)[main_metric(prepared.task)]
            points.append({"lr": lr, "updates": updates, "value": value, "minutes": round(minutes, 2),
                           "precision": RunFolder(run_dir).info().precision,
                           "validation": max(validation_curve(run_dir, prepared.task), default=None)})
    return points


def table(results: list[dict[str, Any]]) -> str:
    """Markdown: each preset's score (Balanced with its 95 % CI) beside each baseline, verdict, minutes."""
    lines = ["| set | rows | metric | balanced [95% CI] | quick | majority | TF-IDF | embeddings | zero-shot | "
             "embedding path val / test | verdict (balanced) | verdict (quick) | min bal. (promised) | "
             "min quick (promised) | best grid |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        presets = r.get("presets") or {}
        bal, quick = presets.get("balanced"), presets.get("quick")
        v = r["verdict"]
        cell = {k: f"{b['value']:.3f}" for k, b in v["baselines"].items()}

        def score(p: dict[str, Any] | None, ci: bool = False) -> str:
            if not p:
                return "-"
            s = p["verdict"]["score"]
            return f"{s['value']:.3f}" + (f" [{s['ci_low']:.3f}, {s['ci_high']:.3f}]" if ci else "")

        def minutes(p: dict[str, Any] | None) -> str:
            return f"{p['minutes']:.1f} ({(p.get('plan') or {}).get('seconds', 0) / 60:.1f})" if p else "-"

        path = r.get("embedding_path")
        path_text = f"{path['validation']:.3f} / {path['test']:.3f}" if path else "-"
        best = max(r.get("grid") or [], key=lambda p: p["value"] or -1, default=None)
        best_text = f"{best['value']:.3f} (lr {best['lr']:g}, {best['updates']} upd)" if best else "-"
        lines.append(f"| {r['set']} | {r['rows']} | {r['metric']} | {score(bal, True)} | {score(quick)} | "
                     f"{cell.get('majority', '-')} | {cell.get('tfidf', '-')} | {cell.get('embeddings', '-')} | "
                     f"{cell.get('zero_shot', '-')} | {path_text} | {(bal or {}).get('verdict', {}).get('kind', '-')} | "
                     f"{(quick or {}).get('verdict', {}).get('kind', '-')} | {minutes(bal)} | {minutes(quick)} | "
                     f"{best_text} |")
    return "\n".join(lines)


def seed_summary(results: list[dict[str, Any]]) -> str:
    """Markdown: per set, size and trained variant (and grid point), the test score's mean, spread
    and minimum over the run seeds, so a rule is compared with another on more than one draw."""
    import statistics

    scores: dict[tuple[str, str, str], list[float]] = {}
    for r in results:
        point = (r["set"], str(r["size"]))
        for key, p in (r.get("presets") or {}).items():
            scores.setdefault((*point, key), []).append(p["verdict"]["score"]["value"])
        for g in r.get("grid") or []:
            if g.get("value") is not None:
                scores.setdefault((*point, f"grid lr {g['lr']:g} x {g['updates']}"), []).append(g["value"])
        judged = [g for g in r.get("grid") or [] if g.get("validation") is not None]
        if judged:  # the point an expert would keep: best on validation, not on the test rows
            chosen = max(judged, key=lambda g: g["validation"])
            scores.setdefault((*point, "grid, chosen by validation"), []).append(chosen["value"])
    lines = ["| set | rows | trained | seeds | mean | sd | min | scores |", "|---|---|---|---|---|---|---|---|"]
    for (name, size, key), values in scores.items():
        sd = statistics.stdev(values) if len(values) > 1 else 0.0
        lines.append(f"| {name} | {size} | {key} | {len(values)} | {statistics.mean(values):.3f} | {sd:.3f} | "
                     f"{min(values):.3f} | {', '.join(f'{v:.3f}' for v in values)} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated set names")
    parser.add_argument("--sizes", default="200,500,1000,full", help="rows per sample; 'full' for all")
    parser.add_argument("--settings", choices=("plan", "config"), default="plan",
                        help="plan: plan_run's settings; config: RunConfig's fixed defaults")
    parser.add_argument("--grid", action=argparse.BooleanOptionalAction, default=False,
                        help="also train a learning rate x updates grid (slow)")
    parser.add_argument("--grid-lr", default=",".join(map(str, GRID_LR)), help="grid learning rates")
    parser.add_argument("--grid-updates", default=",".join(map(str, GRID_UPDATES)), help="grid update counts")
    parser.add_argument("--out", type=Path, help="write every result as JSON lines here")
    parser.add_argument("--model", default="default", help="model to fine-tune (default: the bundled one)")
    parser.add_argument("--no-embeddings", action="store_true", help="skip the embeddings/zero-shot baselines")
    parser.add_argument("--presets", default="balanced,quick", help="comma-separated presets to train with")
    parser.add_argument("--grid-at", default="", help="only these set:size points get the grid (default: all)")
    parser.add_argument("--embedding-path", action="store_true",
                        help="also score the small-data path's model (frozen embeddings + LR as a classifier)")
    parser.add_argument("--points", default="", help="set:size pairs to run instead of --sets x --sizes")
    parser.add_argument("--holdout", type=int, default=0,
                        help="test on this many other rows of the set (a test file) instead of 15 %% of "
                             "the sample: a grid's best on 75 test rows is mostly noise (1 row = 1.3 points)")
    parser.add_argument("--seeds", default="42",
                        help="run seeds (split and start) to repeat every point with: fine-tuning a few "
                             "hundred rows moves by points between seeds")
    parser.add_argument("--lrs", default="",
                        help="also train each preset at these learning rates (a candidate rule against the plan's)")
    parser.add_argument("--patience", type=int, default=None,
                        help="every preset run's early-stopping patience instead of the plan's (0: none)")
    parser.add_argument("--only-lrs", action="store_true",
                        help="train the presets only at the --lrs rates, not also at the plan's")
    parser.add_argument("--precision", default="auto", choices=("auto", "fp32", "bf16", "fp16"),
                        help="every run's precision (auto: the app's choice for this device)")
    parser.add_argument("--table-from", type=Path, help="print the table of a JSON-lines --out file and stop")
    args = parser.parse_args()
    if args.table_from:
        with open(args.table_from, encoding="utf-8") as handle:
            loaded = [json.loads(line) for line in handle if line.strip()]
        print(table(loaded))
        print(seed_summary(loaded))
        return
    from tlstudio.core.evaluation.embeddings import load_encoder
    from tlstudio.core.models.loading import quiet_libraries

    quiet_libraries()
    encoder = None if args.no_embeddings else load_encoder("default")
    results = []
    with tempfile.TemporaryDirectory(prefix="tlstudio-quality-") as tmp:
        points = ([tuple(p.split(":")) for p in args.points.split(",")] if args.points else
                  [(n, s) for s in args.sizes.split(",") for n in args.sets.split(",")])  # small sizes first
        seeds = [int(x) for x in args.seeds.split(",")]
        for (name, size), seed in [(point, seed) for point in points for seed in seeds]:
            result = one(name, size, args, encoder, Path(tmp), seed)
            results.append(result)
            if args.out:
                with open(args.out, "a", encoding="utf-8") as handle:
                    handle.write(json.dumps(result, default=str) + "\n")
    print(table(results))
    print(seed_summary(results))


if __name__ == "__main__":
    main()
