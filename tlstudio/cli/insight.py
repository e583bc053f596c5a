"""``tlstudio audit`` / ``learning-curve`` / ``explain`` / ``compare``: look into the data and trained models."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from tlstudio.cli.calibrate import register as register_calibrate
from tlstudio.core.evaluation.format import percent

COMMANDS = ("audit", "learning-curve", "explain", "compare", "calibrate")
TEXT_WIDTH = 90


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the insight subcommands to the ``tlstudio`` parser."""
    audit = subparsers.add_parser(
        "audit", help="list rows whose label looks wrong, conflicting duplicates and outliers",
        description="Cross-check every row's label against a quick model trained on the other "
                    "rows, and list the likely label errors, near-duplicate texts with different "
                    "labels, and outliers. The file is only read.")
    _data_arguments(audit)
    audit.add_argument("--limit", type=int, default=20, metavar="N",
                       help="suspects to print (default 20; --json prints all)")
    audit.set_defaults(func=run_audit)
    curve = subparsers.add_parser(
        "learning-curve", help="would more labelled rows help? (a quick model at 10-100%% of the rows)",
        description="Train a quick model (logistic regression on TF-IDF) on 10, 25, 50 and 100%% of "
                    "the training rows, score each on the same held-out rows, fit a curve and say "
                    "what doubling the rows would add, overall and per class.")
    _data_arguments(curve)
    curve.set_defaults(func=run_learning_curve)
    explain = subparsers.add_parser(
        "explain", help="which words pushed a trained model's decision on a text",
        description="Show how much each word of a text pushed a trained model towards a class "
                    "(by default the class it predicts).")
    explain.add_argument("run", help="a finished run folder (or any text-classification model folder)")
    explain.add_argument("--text", required=True, help="the text to explain")
    explain.add_argument("--pair", help="the second text, for sentence-pair models")
    explain.add_argument("--class", dest="target", metavar="C",
                         help="the class to explain (default: the predicted one)")
    explain.add_argument("--method", choices=("occlusion", "integrated-gradients"), default="occlusion",
                         help="occlusion masks one word at a time (fast); integrated-gradients "
                              "follows gradients from an empty text (default: occlusion)")
    explain.add_argument("--json", action="store_true", help="print the result as JSON")
    explain.set_defaults(func=run_explain)
    compare = subparsers.add_parser(
        "compare", help="is one run really better than another? (same test rows, a paired test)",
        description="Score two finished runs on the same test rows with 95% intervals, test "
                    "whether the difference could be chance (McNemar's test; a paired bootstrap "
                    "for regression and multi-label), and list the settings that differ and the "
                    "rows where the runs disagree.")
    compare.add_argument("run_a", metavar="RUN_A", help="a finished run folder")
    compare.add_argument("run_b", metavar="RUN_B", help="another finished run folder, tested on the same rows")
    compare.add_argument("--limit", type=int, default=20, metavar="N",
                         help="disagreeing rows to print (default 20; --json prints all)")
    compare.add_argument("--json", action="store_true", help="print the result as JSON")
    compare.set_defaults(func=run_compare)
    register_calibrate(subparsers)


def _data_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="the data file (binary or multiclass)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--text-column", action="append", dest="text_columns", metavar="C",
                        help="the text column (twice for sentence pairs)")
    parser.add_argument("--label-column", metavar="C", help="the label column")
    parser.add_argument("--embeddings", action="store_true",
                        help="use the bundled sentence model's embeddings instead of TF-IDF "
                             "(slower on a CPU, often closer to what a fine-tuned model learns)")


def _load(args: argparse.Namespace) -> tuple[Any, Any]:
    """The file's labelled rows, and sentence embeddings when asked for."""
    from tlstudio.core.insight.rows import embedding_features, load_rows

    rows = load_rows(args.file, text_columns=args.text_columns, label_column=args.label_column)
    return rows, embedding_features(rows.texts) if args.embeddings else None


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def _short(text: str, width: int = TEXT_WIDTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def run_audit(args: argparse.Namespace) -> int:
    """Print the suspects, most certain label errors first."""
    from tlstudio.core.insight.audit import DUPLICATE, LABEL, OUTLIER, audit

    rows, features = _load(args)
    report = audit(rows, features=features)
    if args.json:
        _print_json(report.to_dict())
        return 0
    out = [f"{report.rows:,} rows checked with {report.method}. {report.agreement_sentence}",
           f"{report.count(LABEL):,} likely label errors, {report.count(DUPLICATE):,} rows in "
           f"near-duplicate pairs with different labels, {report.count(OUTLIER):,} outliers.",
           "Row numbers count the header as row 1, as a spreadsheet does. Score: how plausible "
           "the given label is (0 = surely wrong, 1 = fine)."]
    for s in report.suspects[: max(0, args.limit)]:
        out.append(f"row {s.row}: given '{s.given}', suggested '{s.suggested}', score {s.score:.2f} "
                   f"({', '.join(s.kinds)})")
        out.append(f"    \"{_short(s.text)}\"")
        out += [f"    {why}" for why in s.why]
    if len(report.suspects) > args.limit:
        out.append(f"... and {len(report.suspects) - args.limit:,} more (--limit, or --json for all).")
    sys.stdout.write("\n".join(out) + "\n")
    return 0


def run_learning_curve(args: argparse.Namespace) -> int:
    """Print the curve, the projected gain from doubling the rows, and the classes that gain most."""
    from tlstudio.core.insight.learning_curve import learning_curve

    rows, features = _load(args)
    curve = learning_curve(rows, features=features)
    if args.json:
        _print_json(curve.to_dict())
        return 0
    out = [f"Quick model ({curve.method}), scored on the same {curve.test_rows:,} held-out rows:"]
    out += [f"  {p.rows:>8,} training rows ({percent(p.fraction)}): accuracy {percent(p.accuracy, 1)}"
            + (f" (± {percent(p.spread, 1)} over repeats)" if p.spread else "") for p in curve.points]
    out += [curve.sentence, curve.class_sentence]
    sys.stdout.write("\n".join(out) + "\n")
    return 0


def run_explain(args: argparse.Namespace) -> int:
    """Print each word with its push towards the class, strongest first."""
    from tlstudio.core.inference.predictor import Predictor
    from tlstudio.core.insight.explain import explain

    predictor = Predictor.load(args.run)
    found = explain(predictor, args.text, pair=args.pair, target=args.target, method=args.method)
    if args.json:
        _print_json(found.to_dict())
        return 0
    out = [f"Predicted '{found.predicted}'. Explaining '{found.target}' "
           f"(probability {percent(found.target_probability, 1)}) with {found.method}, "
           f"{found.seconds:.2f} s.",
           "Words by how much they pushed towards it (negative: away from it):"]
    width = max((len(w.word) for w in found.words), default=0)
    out += [f"  {w.word:<{width}}  {w.score:+.4f}" for w in sorted(found.words, key=lambda w: -abs(w.score))]
    sys.stdout.write("\n".join(out) + "\n")
    return 0


def run_compare(args: argparse.Namespace) -> int:
    """Print both scores with intervals, the test, the settings that differ and the disagreements."""
    from tlstudio.core.evaluation.compare import compare_runs
    from tlstudio.core.evaluation.verdict import METRIC_NAMES

    result = compare_runs(args.run_a, args.run_b)
    if args.json:
        _print_json(result.to_dict())
        return 0
    metric = METRIC_NAMES.get(result.metric, result.metric)
    out = [f"On the same {result.rows:,} test rows, {metric} with its 95% interval:"]
    out += [f"  {tag}  {s.name}: {s.value:.3f} ({s.ci_low:.3f} to {s.ci_high:.3f})"
            for tag, s in (("A", result.a), ("B", result.b))]
    out.append(result.sentence)
    if result.settings:
        out.append("Settings that differ (A → B):")
        out += [f"  {d.label}: {d.values[0]} → {d.values[1]}" for d in result.settings]
    else:
        out.append("The settings are the same (a different seed or data file would show here).")
    out.append(f"Rows where they disagree: {result.disagreeing_rows:,} (row numbers as a spreadsheet "
               "shows the file, the header being row 1).")
    for d in result.disagreements[: max(0, args.limit)]:
        out.append(f"  row {d.row}: true '{d.true}', A '{d.a}', B '{d.b}'")
        out.append(f"    \"{_short(d.text)}\"")
    if result.disagreeing_rows > args.limit:
        out.append(f"  ... and {result.disagreeing_rows - args.limit:,} more (--limit, or --json for all).")
    sys.stdout.write("\n".join(out) + "\n")
    return 0
