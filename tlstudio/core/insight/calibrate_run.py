"""Calibrate a run: temperature fitted on its validation split, checked on test, and the
lookup tables the "How sure" view and ``tlstudio calibrate`` show (no model needed to read them).

The engine calls :func:`build_report` right after training; :func:`calibrate_run` does the same
for a finished run (one trained before calibration existed, or to fit again).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from tlstudio.core.errors import ModelError
from tlstudio.core.insight.calibration import (
    Calibration,
    Reliability,
    fit_temperature,
    multilabel_thresholds,
    reliability_of,
    scaled_probs,
    threshold_curve,
    unsure_threshold,
)

GRID = [round(i / 100, 2) for i in range(101)]  # thresholds the views look values up at
TARGET_ACCURACY = 0.95  # the suggested "don't know" cut-off: sure rows this accurate on validation


@dataclass
class CalibrationReport:
    """Test-split reliability before/after the temperature, the suggested thresholds (fitted on
    validation) and what each threshold on ``GRID`` would do on the test split."""

    task: str
    label_names: list[str]
    temperature: float  # the one applied (1 when the fit made test ECE worse)
    fitted_temperature: float
    note: str  # one sentence on what the fit did
    validation_rows: int
    test_rows: int
    ece_before: float | None
    ece_after: float | None
    reliability_before: Reliability | None
    reliability_after: Reliability | None
    suggested_thresholds: dict[str, float] = field(default_factory=dict)
    suggested_unsure_below: float | None = None
    target_accuracy: float = TARGET_ACCURACY
    # binary: precision/recall/F1 of the second class at each GRID threshold (None: nothing predicted)
    threshold_grid: dict[str, list[float | None]] | None = None
    # single-label: rows under each GRID cut-off, and correct rows above it ([decision threshold][cut-off]
    # for binary, one row of argmax decisions otherwise)
    unsure_counts: list[int] | None = None
    sure_correct: list[list[int]] | None = None
    # multi-label: per label, F1 at each GRID threshold and the test rows that have the label
    label_f1: dict[str, list[float]] | None = None
    label_positives: dict[str, int] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CalibrationReport:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        for key in ("reliability_before", "reliability_after"):
            if isinstance(known.get(key), dict):
                known[key] = Reliability(**known[key])
        return cls(**known)

    def at_threshold(self, threshold: float) -> dict[str, float | None]:
        """Binary: precision, recall and F1 of the second class on test at ``threshold``."""
        if not self.threshold_grid:
            return {}
        i = grid_index(threshold)
        return {name: values[i] for name, values in self.threshold_grid.items()}

    def unsure_at(self, cut_off: float, threshold: float | None = None) -> tuple[int, float | None]:
        """Test rows answered "unsure" under ``cut_off`` and the accuracy on the others (binary:
        deciding at ``threshold``, argmax without one)."""
        if self.unsure_counts is None or self.sure_correct is None:
            return 0, None
        u = grid_index(cut_off)
        row = self.sure_correct[grid_index(threshold if threshold is not None else 0.5)
                                if len(self.sure_correct) > 1 else 0]
        unsure = self.unsure_counts[u]
        sure = self.test_rows - unsure
        return unsure, (row[u] / sure if sure else None)

    def label_f1_at(self, name: str, threshold: float) -> float | None:
        """Multi-label: the test F1 of label ``name`` at ``threshold``."""
        return (self.label_f1 or {}).get(name, [None] * len(GRID))[grid_index(threshold)]

    def calibration(self, keep: Calibration | None = None) -> Calibration:
        """What ``calibration.json`` holds: this temperature, ``keep``'s thresholds and cut-off."""
        return Calibration(temperature=self.temperature,
                           thresholds=dict(keep.thresholds) if keep else {},
                           unsure_below=keep.unsure_below if keep else None,
                           fitted_on="validation", ece_before=_round(self.ece_before),
                           ece_after=_round(self.ece_after))


def grid_index(value: float) -> int:
    """The ``GRID`` position nearest ``value`` (clipped to 0-1)."""
    return int(round(min(1.0, max(0.0, float(value))) * (len(GRID) - 1)))


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 4)


def build_report(task: str, names: list[str], val_logits: np.ndarray, val_labels: np.ndarray,
                 test_logits: np.ndarray, test_labels: np.ndarray) -> CalibrationReport:
    """Fit T on validation; keep T = 1 when it makes the test split's ECE worse (and say so)."""
    if task == "regression":
        raise ModelError("Calibration is for classification runs; this run predicts numbers.")
    if len(val_labels) < 2:
        raise ModelError("The run's validation split has fewer than two rows: nothing to fit on.")
    val_labels, test_labels = np.asarray(val_labels), np.asarray(test_labels)
    fit = fit_temperature(val_logits, val_labels, task=task)
    fitted = round(fit.temperature, 4)
    before = after = None
    temperature = fitted
    if len(test_labels):
        before = reliability_of(task, scaled_probs(task, test_logits, 1.0), test_labels)
        after = reliability_of(task, scaled_probs(task, test_logits, fitted), test_labels)
        if after.ece > before.ece:
            temperature = 1.0
    note = _note(fitted, temperature, before, after)
    if temperature == 1.0 and after is not None:
        after = before  # what predictions use: the model's own probabilities
    report = CalibrationReport(task, list(names), temperature, fitted, note, len(val_labels),
                               len(test_labels), _round(before.ece if before else None),
                               _round(after.ece if after else None), before, after)
    _suggest(report, scaled_probs(task, val_logits, temperature), val_labels)
    if len(test_labels):
        _test_tables(report, scaled_probs(task, test_logits, temperature), test_labels)
    return report


def _note(fitted: float, applied: float, before: Reliability | None, after: Reliability | None) -> str:
    if before is None or after is None:
        return f"Temperature {applied:.2f} fitted on the validation split (the test split is empty)."
    if applied == 1.0 and fitted != 1.0:
        return (f"The fitted temperature ({fitted:.2f}) made the test split's calibration error worse "
                f"({before.ece:.3f} without it, {after.ece:.3f} with it), so the model's own "
                "probabilities are kept.")
    how = "was too sure of itself" if applied > 1 else "was not sure enough" if applied < 1 else "was"
    return (f"The model {how}: dividing its logits by {applied:.2f} moves the calibration error "
            f"on the test split from {before.ece:.3f} to {after.ece:.3f}.")


def _suggest(report: CalibrationReport, probs: np.ndarray, labels: np.ndarray) -> None:
    """Best-F1 decision thresholds and the "don't know" cut-off, fitted on validation (to 0.01)."""
    names = report.label_names
    if report.task == "multilabel":
        found = multilabel_thresholds(probs, labels, names)
        report.suggested_thresholds = {k: round(v, 2) for k, v in found.items()}
        return
    if report.task == "binary" and (labels == 1).any():
        report.suggested_thresholds = {names[1]: round(threshold_curve(probs[:, 1], labels == 1).best_threshold, 2)}
    # on the GRID the tables use (rounded up: the sure rows stay at least as accurate)
    cut = unsure_threshold(probs, labels, report.target_accuracy).threshold
    report.suggested_unsure_below = min(1.0, float(np.ceil(round(cut * 100, 6)) / 100))


def _at_grid(curve_thresholds: list[float], values: list[float], empty: float | None) -> list[float | None]:
    """``values`` (one per ascending threshold) looked up at each GRID threshold."""
    index = np.searchsorted(np.asarray(curve_thresholds), GRID, side="left")
    return [round(values[i], 4) if i < len(values) else empty for i in index]


def _test_tables(report: CalibrationReport, probs: np.ndarray, labels: np.ndarray) -> None:
    if report.task == "multilabel":
        report.label_f1, report.label_positives = {}, {}
        for j, name in enumerate(report.label_names):
            column = labels[:, j].astype(int)
            curve = threshold_curve(probs[:, j], column)
            report.label_f1[name] = _at_grid(curve.thresholds, curve.f1, 0.0) if column.any() else [0.0] * len(GRID)
            report.label_positives[name] = int(column.sum())
        return
    labels = labels.astype(int)
    confidence = probs.max(axis=1)
    grid = np.asarray(GRID)
    report.unsure_counts = np.searchsorted(np.sort(confidence), grid, side="left").tolist()
    if report.task == "binary":
        curve = threshold_curve(probs[:, 1], labels == 1)
        report.threshold_grid = {"precision": _at_grid(curve.thresholds, curve.precision, None),
                                 "recall": _at_grid(curve.thresholds, curve.recall, 0.0),
                                 "f1": _at_grid(curve.thresholds, curve.f1, 0.0)}
        decisions = [(probs[:, 1] >= t).astype(int) for t in GRID]
    else:
        decisions = [probs.argmax(axis=1)]
    sure = confidence[None, :] >= grid[:, None]  # [cut-off, row]
    report.sure_correct = [(sure & (d == labels)[None, :]).sum(axis=1).tolist() for d in decisions]


def _split_logits(predictor: Any, split: Any) -> tuple[np.ndarray, np.ndarray]:
    pairs = list(split["text_pair"]) if "text_pair" in split.column_names else None
    return predictor.predict_logits(list(split["text"]), pairs), np.asarray(split["label"])


def report_for(predictor: Any, prepared: Any) -> tuple[CalibrationReport, np.ndarray]:
    """The report for a loaded run model and its prepared splits; also the test split's logits."""
    val_logits, val_labels = _split_logits(predictor, prepared.splits["validation"])
    test_logits, test_labels = _split_logits(predictor, prepared.splits["test"])
    report = build_report(predictor.task, predictor.label_names, val_logits, val_labels,
                          test_logits, test_labels)
    return report, test_logits


def calibrate_run(run_dir: str | Path) -> CalibrationReport:
    """Fit again on the run's own validation split (same rows and seed as training); return the
    report without saving it (:func:`save_report` does)."""
    from tlstudio.core.data import load_prepared
    from tlstudio.core.inference.predictor import Predictor
    from tlstudio.core.runs.store import RunFolder

    folder = RunFolder(run_dir)
    if not folder.has_config():
        raise ModelError(f"'{run_dir}' has no saved run settings: calibration needs the run's own "
                         "data split.")
    predictor = Predictor.load(run_dir)
    if predictor.task == "regression":
        raise ModelError("Calibration is for classification runs; this run predicts numbers.")
    return report_for(predictor, load_prepared(folder.config()))[0]


def save_report(run_dir: str | Path, report: CalibrationReport, calibration: Calibration | None = None) -> Calibration:
    """Write ``calibration.json`` (the report's temperature; ``calibration``'s thresholds, else the
    ones already saved) and the report into ``metrics.json``; return what was saved."""
    from tlstudio.core.runs.store import RunFolder

    folder = RunFolder(run_dir)
    saved = report.calibration(calibration if calibration is not None else folder.calibration())
    folder.write_calibration(saved)
    folder.write_calibration_report(report.to_dict())
    return saved
