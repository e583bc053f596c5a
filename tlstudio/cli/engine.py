"""``tlstudio train | evaluate | predict | models``: the engine from the command line."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from pathlib import Path
from typing import Any

from tlstudio.core.errors import DataError, RunFolderError, TLStudioError
from tlstudio.core.evaluation import format as fmt
from tlstudio.core.events import (
    CheckpointEvent,
    EvalEvent,
    Event,
    FinishedEvent,
    StatusEvent,
    StepEvent,
)
from tlstudio.core.settings.command import add_train_options, changed_flags, config_from_args

__all__ = ["register", "config_from_args"]

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
    keep = subparsers.add_parser("keep-baseline", help="make a run's TF-IDF or embeddings baseline its model, "
                                 "when the verdict offers it")
    keep.add_argument("run_dir", help="a complete run folder written by 'tlstudio train'")
    keep.add_argument("--baseline", choices=("tfidf", "embeddings"),
                      help="which baseline to keep (default: the one the verdict offers, else the better one)")
    keep.set_defaults(func=_keep_baseline)


def _add_train(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "train", help="fine-tune a model on a data file",
        description="Fine-tune a model on a data file and write a run folder (model, metrics, "
                    "predictions, model card). Every setting is optional; what is left out is "
                    "inferred from the data or takes the default shown.")
    add_train_options(p)
    again = p.add_mutually_exclusive_group()
    again.add_argument("--resume", action="store_true",
                       help="continue the unfinished run in --out with its own data and settings "
                            "(the data file may then be left out)")
    again.add_argument("--restart", action="store_true",
                       help="start the unfinished run in --out again from the beginning, when it "
                            "can't be resumed (no checkpoint, or it failed); deletes what it wrote")
    p.add_argument("--json", action="store_true", help="print one JSON object per event on stdout")
    p.set_defaults(func=_train)


def _describe(event: Event) -> str | None:
    """A human-readable progress line (None for events not worth a line)."""
    match event:
        case StatusEvent(level="warning"):
            return f"warning: {event.message}"
        case StatusEvent():
            return event.message
        case StepEvent():
            return (f"step {event.step}/{event.total_steps}  epoch {event.epoch:.2f}  "
                    f"loss {event.loss:.4f}  lr {fmt.learning_rate(event.learning_rate, 3)}  "
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


def _write(stream: Any, text: str) -> None:
    """Write and flush; a closed pipe (``… | head``) silences the stream instead of failing.

    The run goes on and finishes its folder: only the reader went away. The stream's file
    descriptor is pointed at the null device so the interpreter's final flush can't fail either.
    """
    if getattr(stream, "_tlstudio_closed", False):
        return
    try:
        stream.write(text)
        stream.flush()
    except (BrokenPipeError, ValueError):  # ValueError: the stream object itself was closed
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
        except (OSError, ValueError):
            pass
        try:
            stream._tlstudio_closed = True
        except AttributeError:
            pass


def _observer(as_json: bool) -> Any:
    def observe(event: Event) -> None:
        if as_json:
            _write(sys.stdout, json.dumps(event.to_dict(), ensure_ascii=False, default=str) + "\n")
        elif (line := _describe(event)) is not None:
            _write(sys.stderr, line + "\n")

    return observe


def _train(args: argparse.Namespace) -> int:
    from tlstudio.core.training import run_training

    config = config_from_args(args)
    if args.resume and not config.output_dir:
        raise RunFolderError("--resume needs --out naming the run folder to continue.")
    if args.restart and not config.output_dir:
        raise RunFolderError("--restart needs --out naming the run folder to start again.")
    if not args.resume and not config.data_path:
        raise DataError("train needs a data file (or --resume --out DIR to continue a run).")
    if args.resume and (ignored := changed_flags(config, ignore=("output_dir",))):
        sys.stderr.write(f"warning: --resume continues the run with the settings it started with; "
                         f"ignoring {', '.join(ignored)}\n")
    config.validate()
    from tlstudio.core.data.reader import check_data_path

    for path in (config.data_path, config.test_file):
        if path and not args.resume:
            check_data_path(path)
    result = run_training(config, _observer(args.json), resume=args.resume, restart=args.restart)
    if not args.json and result.metrics:  # only the main process of a torchrun has them
        from tlstudio.core.runs.store import RunFolder

        _print_summary(result.metrics, RunFolder(result.run_dir).info().verdict, run_dir=str(result.run_dir))
    return 0


def _keep_baseline(args: argparse.Namespace) -> int:
    from tlstudio.core.training.keep_baseline import keep_baseline

    verdict = keep_baseline(args.run_dir, args.baseline)
    sys.stdout.write(f"verdict: {verdict['text']}\n")
    return 0


def _print_summary(metrics: dict[str, Any], verdict: dict[str, Any] | None = None, run_dir: str | None = None) -> None:
    """Every scalar metric of the model beside each baseline (– where one has none), then the verdict."""
    model = metrics.get("model", {})
    baselines = metrics.get("baselines", {})
    names = [k for k, v in model.items() if isinstance(v, int | float) and not isinstance(v, bool)]
    columns = list(dict.fromkeys(["tfidf", "majority", *baselines]))  # the two every run has, then the rest
    sys.stdout.write(f"{'metric':<20}{'model':>10}" + "".join(f"{c:>12}" for c in columns) + "\n")
    for name in names:
        row = [f"{_cell(model.get(name)):>10}"] + [f"{_cell(baselines.get(c, {}).get(name)):>12}" for c in columns]
        sys.stdout.write(f"{name:<20}" + "".join(row) + "\n")
    if verdict:
        sys.stdout.write(_verdict_text(verdict, run_dir))


def _cell(value: Any) -> str:
    return "–" if value is None else f"{value:.4f}"


def _verdict_text(verdict: dict[str, Any], run_dir: str | None = None) -> str:
    """The main score with its 95% interval, each baseline with the p-value against it, the sentence;
    advice one command can act on names that command."""
    main = verdict["score"]
    lines = [f"\n{main['name']} {main['value']:.4f} (95% interval {main['ci_low']:.4f} to "
             f"{main['ci_high']:.4f}, {main['rows']} test rows)"]
    for b in verdict.get("baselines", {}).values():
        lines.append(f"  vs {b['name']}: {b['value']:.4f} (95% interval {b['ci_low']:.4f} to "
                     f"{b['ci_high']:.4f}), p = {b['p_value']:.2g}")
    lines.append(f"verdict: {verdict['text']}")
    for advice in verdict.get("advice", []):
        keep = advice["id"].removeprefix("keep_")
        command = (f" Run: tlstudio keep-baseline {shlex.quote(run_dir)} --baseline {keep}"
                   if advice["id"] in ("keep_embeddings", "keep_tfidf") and run_dir else "")
        lines.append(f"advice: {advice['text']}{command}")
    return "\n".join(lines) + "\n"


def _evaluate(args: argparse.Namespace) -> int:
    from tlstudio.core.evaluation.other_file import evaluate_run

    report = evaluate_run(args.run_dir, args.data, observer=_observer(False))
    if args.json:
        sys.stdout.write(json.dumps(report, ensure_ascii=False, default=str) + "\n")
    else:
        sys.stdout.write(f"{report['rows_evaluated']} rows evaluated ({report['rows_skipped']} skipped)\n")
        _print_summary(report, report.get("verdict"))
    return 0


def _predict(args: argparse.Namespace) -> int:
    from tlstudio.core.inference.output import check_output_file
    from tlstudio.core.inference.predictor import Predictor

    if args.input and not args.output:
        raise TLStudioError("--input needs --output: the file to write the predictions to.")
    if args.output and Path(args.output).resolve() == Path(args.input or "").resolve():
        raise TLStudioError("--output must differ from --input: TL Studio never overwrites your data.")
    if args.output:
        check_output_file(args.output)  # before loading the model and predicting every row
    predictor = Predictor.load(args.run_dir)
    for warning in predictor.warnings:
        sys.stderr.write(f"warning: {warning}\n")
    if args.text is not None:
        if predictor.needs_pair and args.pair is None:
            sys.stderr.write(
                f"warning: this model compares two texts ({', '.join(predictor.text_columns)}); "
                "without --pair the second text is empty, so the prediction means little.\n")
        elif not predictor.needs_pair and args.pair is not None:
            sys.stderr.write("warning: this model was trained on single texts; --pair adds a "
                             "second text it never saw in training.\n")
        prediction = predictor.predict([args.text], [args.pair] if args.pair is not None else None)[0]
        if args.json:
            sys.stdout.write(json.dumps({"label": prediction.label, "unsure": prediction.unsure,
                                         "scores": prediction.scores}, ensure_ascii=False) + "\n")
        else:
            calibration = predictor.calibration
            sys.stdout.write(_describe_prediction(predictor.task, prediction,
                                                  calibration.thresholds if calibration else None))
        return 0
    count = predictor.predict_file(args.input, args.output, escape_formulas=not args.raw)
    message = {"rows": count, "output": str(args.output)}
    sys.stdout.write((json.dumps(message) if args.json else f"{count} rows written to {args.output}") + "\n")
    return 0


def _describe_prediction(task: str, prediction: Any, thresholds: dict[str, float] | None = None) -> str:
    """Labelled lines for a person (``--json`` is the format for scripts)."""
    if task == "regression":
        return f"predicted value: {prediction.label:.4f}\n"
    ranked = sorted(prediction.scores.items(), key=lambda kv: -kv[1])
    width = max(len(name) for name, _ in ranked)
    rows = "".join(f"  {name:<{width}}  {p:.4f}\n" for name, p in ranked)
    if task == "multilabel":
        from tlstudio.core.evaluation.metrics import MULTILABEL_THRESHOLD

        chosen = ", ".join(prediction.label) or "none"
        at = "their saved thresholds" if thresholds else f"{MULTILABEL_THRESHOLD:.2f}"
        return f"labels: {chosen}\nprobability of each label (chosen at {at} or more):\n{rows}"
    if prediction.unsure:
        return (f"label: unsure (best guess {prediction.label}, under the run's \"don't know\" "
                f"threshold)\nprobabilities:\n{rows}")
    return f"label: {prediction.label}\nprobabilities:\n{rows}"


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
