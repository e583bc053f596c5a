"""``tlstudio train | evaluate | predict | models``: the engine from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from tlstudio.core.errors import DataError, RunFolderError, TLStudioError
from tlstudio.core.events import (
    CheckpointEvent,
    EvalEvent,
    Event,
    FinishedEvent,
    StatusEvent,
    StepEvent,
)
from tlstudio.core.settings.config import (
    DEVICES,
    OPTIMIZERS,
    PRECISIONS,
    SCHEDULERS,
    TASKS,
    RunConfig,
)

EVAL_SHOWN = ("eval_loss", "accuracy", "f1_macro", "f1_micro", "pearson", "mse")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``train``, ``evaluate``, ``predict`` and ``models`` to the ``tlstudio`` parser."""
    _add_train(subparsers)
    evaluate = subparsers.add_parser("evaluate", help="evaluate a trained run on a labelled file")
    evaluate.add_argument("run_dir", help="a run folder written by 'tlstudio train'")
    evaluate.add_argument("data", help="a labelled file with the same columns as the training data")
    evaluate.add_argument("--json", action="store_true", help="print the full report as JSON")
    evaluate.set_defaults(func=_evaluate)
    predict = subparsers.add_parser("predict", help="label texts with a trained run")
    predict.add_argument("run_dir", help="a run folder written by 'tlstudio train'")
    source = predict.add_mutually_exclusive_group(required=True)
    source.add_argument("--text", help="one text to label")
    source.add_argument("--input", help="a file of texts to label (needs --output)")
    predict.add_argument("--pair", help="the second text, for sentence-pair models")
    predict.add_argument("--output", help="where to write the input rows plus predictions")
    predict.add_argument("--raw", action="store_true", help="don't escape cells that spreadsheets read as formulas")
    predict.add_argument("--json", action="store_true", help="print JSON")
    predict.set_defaults(func=_predict)
    models = subparsers.add_parser("models", help="list the models you can fine-tune")
    models.add_argument("--json", action="store_true", help="print JSON")
    models.set_defaults(func=_models)


def _add_train(subparsers: argparse._SubParsersAction) -> None:
    d = RunConfig()
    p = subparsers.add_parser("train", help="fine-tune a model on a data file")
    p.add_argument("data", help="a CSV/TSV/JSONL/Parquet/Excel file with a text and a label column")
    p.add_argument("--out", help="run folder (default: a new folder under the TL Studio runs folder)")
    p.add_argument("--model", default=d.model, help="'default' (bundled), a model folder, or a hub id")
    p.add_argument("--text-column", action="append", dest="text_columns", help="text column (twice for pairs)")
    p.add_argument("--label-column")
    p.add_argument("--task", choices=TASKS)
    p.add_argument("--epochs", type=float, default=d.epochs)
    p.add_argument("--batch-size", type=int, default=d.batch_size)
    p.add_argument("--lr", type=float, default=d.learning_rate, help="learning rate")
    p.add_argument("--max-length", type=int, help="tokens per text (default: 95th percentile of the data)")
    p.add_argument("--strategy", default=d.strategy, help="full, frozen (head only) or freeze-N")
    p.add_argument("--optimizer", choices=OPTIMIZERS, default=d.optimizer)
    p.add_argument("--scheduler", choices=SCHEDULERS, default=d.scheduler)
    p.add_argument("--warmup", type=float, default=d.warmup_ratio, help="warm-up share of the steps")
    p.add_argument("--weight-decay", type=float, default=d.weight_decay)
    p.add_argument("--grad-accum", type=int, default=d.grad_accumulation)
    p.add_argument("--class-weights", action="store_true", help="weight classes against imbalance")
    p.add_argument("--patience", type=int, default=d.early_stopping_patience,
                   help="evaluations without improvement before stopping (0: never stop early)")
    p.add_argument("--head-dropout", type=float)
    p.add_argument("--logging-steps", type=int, default=d.logging_steps, help="log the loss every N steps")
    p.add_argument("--evals-per-epoch", type=int, default=d.evals_per_epoch,
                   help="validation evaluations (and checkpoints) per epoch")
    p.add_argument("--encoding", help="the data file's encoding (detected when omitted)")
    p.add_argument("--delimiter", help="the data file's delimiter (detected when omitted)")
    split = p.add_mutually_exclusive_group()
    split.add_argument("--test-file", help="a separate labelled file to test on")
    split.add_argument("--test-size", type=float, default=d.test_size)
    p.add_argument("--val-size", type=float, default=d.val_size)
    p.add_argument("--split-column", help="a column saying train/validation/test per row")
    p.add_argument("--seed", type=int, default=d.seed)
    p.add_argument("--device", choices=DEVICES, default=d.device)
    p.add_argument("--precision", choices=PRECISIONS, default=d.precision)
    p.add_argument("--trust-remote-code", action="store_true", help="allow a model's own Python code")
    p.add_argument("--keep-checkpoints", action="store_true", help="keep checkpoints in the run folder")
    p.add_argument("--resume", action="store_true", help="continue the unfinished run in --out")
    p.add_argument("--json", action="store_true", help="one JSON object per event on stdout")
    p.set_defaults(func=_train)


def config_from_args(args: argparse.Namespace) -> RunConfig:
    """The RunConfig that ``tlstudio train`` arguments describe."""
    config = RunConfig(
        data_path=str(args.data), text_columns=args.text_columns, label_column=args.label_column,
        task=args.task, test_file=args.test_file, split_column=args.split_column,
        test_size=args.test_size, val_size=args.val_size, seed=args.seed, model=args.model,
        trust_remote_code=args.trust_remote_code, epochs=args.epochs, batch_size=args.batch_size,
        learning_rate=args.lr, max_length=args.max_length, optimizer=args.optimizer,
        scheduler=args.scheduler, warmup_ratio=args.warmup, weight_decay=args.weight_decay,
        grad_accumulation=args.grad_accum, class_weights=args.class_weights,
        early_stopping_patience=args.patience or None, strategy=args.strategy,
        head_dropout=args.head_dropout, device=args.device, precision=args.precision,
        logging_steps=args.logging_steps, evals_per_epoch=args.evals_per_epoch,
        encoding=args.encoding, delimiter=args.delimiter, output_dir=args.out,
    )
    if args.keep_checkpoints:
        config.extra["keep_checkpoints"] = True
    return config


def _describe(event: Event) -> str | None:
    """A human-readable progress line (None for events not worth a line)."""
    match event:
        case StatusEvent(level="warning"):
            return f"warning: {event.message}"
        case StatusEvent():
            return event.message
        case StepEvent():
            return (f"step {event.step}/{event.total_steps}  epoch {event.epoch:.2f}  "
                    f"loss {event.loss:.4f}  lr {event.learning_rate:.2e}  "
                    f"{event.samples_per_second:.1f} samples/s  eta {event.eta_seconds:.0f}s")
        case EvalEvent():
            shown = {k: v for k, v in event.metrics.items() if k in EVAL_SHOWN}
            return (f"validation at step {event.step}: "
                    + ", ".join(f"{k} {v:.4f}" for k, v in shown.items()))
        case CheckpointEvent():
            return f"checkpoint saved: {event.path}"
        case FinishedEvent():
            return f"{'stopped early' if event.stopped else 'finished'}: {event.run_dir}"
    return None


def _observer(as_json: bool) -> Any:
    def observe(event: Event) -> None:
        if as_json:
            sys.stdout.write(json.dumps(event.to_dict(), ensure_ascii=False, default=str) + "\n")
            sys.stdout.flush()
        elif (line := _describe(event)) is not None:
            sys.stderr.write(line + "\n")
            sys.stderr.flush()

    return observe


def _train(args: argparse.Namespace) -> int:
    from tlstudio.core.training import run_training

    config = config_from_args(args)
    if args.resume and not args.out:
        raise RunFolderError("--resume needs --out naming the run folder to continue.")
    config.validate()
    for path in (config.data_path, config.test_file):
        if path and not args.resume and not Path(path).is_file():
            raise DataError(f"The data file '{path}' does not exist.")
    result = run_training(config, _observer(args.json), resume=args.resume)
    if not args.json and result.metrics:  # only the main process of a torchrun has them
        _print_summary(result.metrics)
    return 0


def _print_summary(metrics: dict[str, Any]) -> None:
    model = metrics.get("model", {})
    baselines = metrics.get("baselines", {})
    names = [k for k in model if model[k] is not None][:6]
    sys.stdout.write(f"{'metric':<20}{'model':>10}{'tf-idf':>10}{'majority':>10}\n")
    for name in names:
        row = [model.get(name), baselines.get("tfidf", {}).get(name), baselines.get("majority", {}).get(name)]
        sys.stdout.write(f"{name:<20}" + "".join(f"{'–' if v is None else f'{v:.4f}':>10}" for v in row) + "\n")


def _evaluate(args: argparse.Namespace) -> int:
    from tlstudio.core.evaluation.other_file import evaluate_run

    report = evaluate_run(args.run_dir, args.data, observer=_observer(False))
    if args.json:
        sys.stdout.write(json.dumps(report, ensure_ascii=False, default=str) + "\n")
    else:
        sys.stdout.write(f"{report['rows_evaluated']} rows evaluated ({report['rows_skipped']} skipped)\n")
        _print_summary(report)
    return 0


def _predict(args: argparse.Namespace) -> int:
    from tlstudio.core.inference.predictor import Predictor

    if args.input and not args.output:
        raise TLStudioError("--input needs --output: the file to write the predictions to.")
    if args.output and Path(args.output).resolve() == Path(args.input or "").resolve():
        raise TLStudioError("--output must differ from --input: TL Studio never overwrites your data.")
    predictor = Predictor.load(args.run_dir)
    if args.text is not None:
        prediction = predictor.predict([args.text], [args.pair] if args.pair is not None else None)[0]
        if args.json:
            sys.stdout.write(json.dumps({"label": prediction.label, "scores": prediction.scores}, ensure_ascii=False) + "\n")
        else:
            label = ";".join(prediction.label) if isinstance(prediction.label, list) else prediction.label
            scores = "  ".join(f"{k} {v:.4f}" for k, v in prediction.scores.items())
            sys.stdout.write(f"{label}\t{scores}\n")
        return 0
    count = predictor.predict_file(args.input, args.output, escape_formulas=not args.raw)
    message = {"rows": count, "output": str(args.output)}
    sys.stdout.write((json.dumps(message) if args.json else f"{count} rows written to {args.output}") + "\n")
    return 0


def _models(args: argparse.Namespace) -> int:
    from tlstudio.core.models.catalog import list_models

    models = list_models()
    if args.json:
        sys.stdout.write(json.dumps([m.to_dict() for m in models], ensure_ascii=False) + "\n")
        return 0
    sys.stdout.write(f"{'name':<36}{'source':<9}{'architecture':<24}{'params':>9}{'size':>9}{'max len':>8}\n")
    for m in models:
        params = f"{m.parameters / 1e6:.1f}M" if m.parameters else "?"
        size = f"{m.size_bytes / 1e6:.0f}MB" if m.size_bytes else "?"
        sys.stdout.write(f"{m.name:<36}{m.source:<9}{m.architecture[:23]:<24}{params:>9}{size:>9}{m.max_length or '?':>8}\n")
        if m.problem:
            sys.stdout.write(f"    can't be used: {m.problem}\n")
    return 0
