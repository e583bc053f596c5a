"""``tlstudio calibrate RUN``: how sure a run's model is, and the thresholds prediction applies."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from tlstudio.core.errors import TLStudioError
from tlstudio.core.evaluation.format import percent


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "calibrate", help="how sure a run's model is: calibration error, temperature, thresholds",
        description="Show how well a run's probabilities match how often it is right (calibration "
                    "error on the test split before and after temperature scaling, fitted on the "
                    "validation split), and set the decision threshold and the \"don't know\" "
                    "threshold that predictions then use.")
    parser.add_argument("run", metavar="RUN", help="a finished run folder")
    parser.add_argument("--threshold", action="append", metavar="T",
                        help="two-class runs: the second class's probability from which it is "
                             "chosen (0-1); multi-label: LABEL=T, once per label; 'best' for the "
                             "best-F1 thresholds found on the validation split; 'off' for none")
    parser.add_argument("--unsure-below", metavar="P",
                        help="answer 'unsure' when the top probability is under P (0-1); "
                             "'suggested' for the validation split's cut-off; 'off' for never")
    parser.add_argument("--refit", action="store_true",
                        help="fit the temperature again on the run's validation split")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(func=run_calibrate)


def _report(run: str, refit: bool) -> Any:
    """The run's saved report, or a new fit (saved) when there is none or ``refit``."""
    from tlstudio.core.insight.calibrate_run import CalibrationReport, calibrate_run, save_report
    from tlstudio.core.runs.store import RunFolder

    folder = RunFolder(run)
    saved = None
    if not refit and folder.is_run():
        try:
            saved = folder.metrics().calibration
        except TLStudioError:
            saved = None
    if saved:
        return CalibrationReport.from_dict(saved)
    report = calibrate_run(run)
    save_report(run, report)
    return report


def _probability(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise TLStudioError(f"{what} must be a probability from 0 to 1, 'off' or 'best'; got '{text}'.")
    return value


def _thresholds(values: list[str], report: Any, current: dict[str, float]) -> dict[str, float]:
    if report.task not in ("binary", "multilabel"):
        raise TLStudioError("--threshold is for two-class and multi-label runs; this run picks the "
                            "likeliest of its classes (use --unsure-below to hold back unsure answers).")
    if values == ["off"]:
        return {}
    if values == ["best"]:
        return dict(report.suggested_thresholds)
    if report.task == "binary":
        if len(values) != 1 or "=" in values[0]:
            raise TLStudioError("Give one --threshold for a two-class run: the probability of "
                                f"'{report.label_names[1]}' from which it is chosen.")
        return {report.label_names[1]: _probability(values[0], "--threshold")}
    found = dict(current)
    for value in values:
        name, _, number = value.rpartition("=")
        if name not in report.label_names:
            raise TLStudioError(f"--threshold for a multi-label run is LABEL=T with a label of the run "
                                f"({', '.join(report.label_names)}); got '{value}'.")
        found[name] = _probability(number, f"The threshold for '{name}'")
    return found


def _unsure(value: str, report: Any) -> float | None:
    if report.task == "multilabel":
        raise TLStudioError("--unsure-below is for runs that choose one class per text; a "
                            "multi-label run answers each label on its own (use --threshold).")
    if value == "off":
        return None
    if value == "suggested":
        return report.suggested_unsure_below
    return _probability(value, "--unsure-below")


def run_calibrate(args: argparse.Namespace) -> int:
    """Print the report; with --threshold / --unsure-below, save them first."""
    from tlstudio.core.insight.calibrate_run import save_report
    from tlstudio.core.insight.calibration import Calibration
    from tlstudio.core.runs.store import RunFolder

    report = _report(args.run, args.refit)
    current = RunFolder(args.run).calibration() or Calibration(temperature=report.temperature)
    if args.threshold is not None or args.unsure_below is not None:
        if args.threshold is not None:
            current.thresholds = _thresholds(args.threshold, report, current.thresholds)
        if args.unsure_below is not None:
            current.unsure_below = _unsure(args.unsure_below, report)
        current = save_report(args.run, report, current)
    if args.json:
        json.dump({"report": report.to_dict(), "saved": current.to_dict()}, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    sys.stdout.write("\n".join(describe(report, current)) + "\n")
    return 0


def describe(report: Any, saved: Any) -> list[str]:
    """The report and what prediction applies, for a person."""
    out = [report.note,
           f"Calibration error (ECE, the gap between confidence and accuracy; 0 is perfect) on the "
           f"{report.test_rows:,} test rows: {_num(report.ece_before)} before, {_num(report.ece_after)} "
           f"after. Temperature applied: {report.temperature:g} (fitted on {report.validation_rows:,} "
           "validation rows).",
           "Reliability on the test split (confidence bin: rows, mean confidence, accuracy):"]
    bins = report.reliability_after
    if bins is not None:
        for i, n in enumerate(bins.counts):
            if n:
                out.append(f"  {bins.edges[i]:.1f}-{bins.edges[i + 1]:.1f}: {n:>6,} rows, "
                           f"{bins.confidence[i]:.3f} sure, {bins.accuracy[i]:.3f} right")
    out += _threshold_lines(report, saved)
    return out


def _threshold_lines(report: Any, saved: Any) -> list[str]:
    out = []
    if report.task == "binary":
        positive = report.label_names[1]
        cut = saved.thresholds.get(positive)
        shown = 0.5 if cut is None else cut
        at = report.at_threshold(shown)
        out.append(f"Decision threshold for '{positive}': {'none (the likelier class wins)' if cut is None else cut}"
                   f"; on test: precision {_num(at.get('precision'))}, recall {_num(at.get('recall'))}, "
                   f"F1 {_num(at.get('f1'))}. Best F1 on validation at "
                   f"{report.suggested_thresholds.get(positive, 0.5):g} (--threshold best).")
    if report.task == "multilabel":
        out.append("Per-label thresholds (saved; best on validation; test F1 at the saved one):")
        for name in report.label_names:
            cut = saved.thresholds.get(name, 0.5)
            out.append(f"  {name}: {cut:g} (best {report.suggested_thresholds.get(name, 0.5):g}), "
                       f"F1 {_num(report.label_f1_at(name, cut))}")
        return out
    threshold = saved.thresholds.get(report.label_names[1]) if report.task == "binary" else None
    if saved.unsure_below is None:
        out.append(f"\"Don't know\" threshold: off. Suggested: {_num(report.suggested_unsure_below)} "
                   f"(sure answers {percent(report.target_accuracy)} right on validation; --unsure-below suggested).")
    else:
        unsure, accuracy = report.unsure_at(saved.unsure_below, threshold)
        out.append(f"\"Don't know\" threshold: {saved.unsure_below:g}. On test, {unsure:,} of "
                   f"{report.test_rows:,} rows would be answered 'unsure'; accuracy on the rest: "
                   f"{_pct(accuracy)}.")
    return out


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{percent(value, 1)}"
