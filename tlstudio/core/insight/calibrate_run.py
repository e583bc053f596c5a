"""Calibrate a finished run: temperature and thresholds fitted on its validation split, checked on test."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tlstudio.core.errors import ModelError
from tlstudio.core.insight.calibration import (
    Calibration,
    Reliability,
    fit_temperature,
    logits_from_scores,
    multilabel_thresholds,
    reliability,
    scaled_probs,
    threshold_curve,
    unsure_threshold,
)


@dataclass
class RunCalibration:
    """What :func:`calibrate_run` found: the file content plus the test split's before/after."""

    calibration: Calibration
    validation_rows: int
    test_rows: int
    test_ece_before: float | None
    test_ece_after: float | None
    test_reliability_after: Reliability | None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["calibration"] = self.calibration.to_dict()
        return data


def _split_scores(predictor: Any, split: Any) -> tuple[np.ndarray, np.ndarray]:
    pairs = list(split["text_pair"]) if "text_pair" in split.column_names else None
    return predictor.predict_scores(list(split["text"]), pairs, calibrated=False), np.asarray(split["label"])


def calibrate_run(run_dir: str | Path, *, target_accuracy: float = 0.95) -> RunCalibration:
    """Fit T on the run's validation split (same rows and seed as training), report test ECE.

    Binary runs also get the best-F1 threshold for the second class, multi-label runs one per
    label; single-label runs get the "unsure" cut-off for ``target_accuracy``.
    """
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
    prepared = load_prepared(folder.config())
    val_scores, val_labels = _split_scores(predictor, prepared.splits["validation"])
    if len(val_labels) < 2:
        raise ModelError("The run's validation split has fewer than two rows: nothing to fit on.")
    task = predictor.task
    fit = fit_temperature(logits_from_scores(task, val_scores), val_labels, task=task)
    val_probs = scaled_probs(task, logits_from_scores(task, val_scores), fit.temperature)
    calibration = Calibration(temperature=round(fit.temperature, 4), ece_before=round(fit.ece_before, 4),
                              ece_after=round(fit.ece_after, 4))
    names = predictor.label_names
    if task == "multilabel":
        calibration.thresholds = multilabel_thresholds(val_probs, val_labels, names)
    else:
        if task == "binary":
            curve = threshold_curve(val_probs[:, 1], val_labels == 1)
            calibration.thresholds = {names[1]: round(curve.best_threshold, 4)}
        calibration.unsure_below = round(unsure_threshold(val_probs, val_labels, target_accuracy).threshold, 4)
    test_scores, test_labels = _split_scores(predictor, prepared.splits["test"])
    before = after = after_bins = None
    if task != "multilabel" and len(test_labels):
        before = reliability(test_scores, test_labels).ece
        after_bins = reliability(scaled_probs(task, logits_from_scores(task, test_scores), fit.temperature),
                                 test_labels)
        after = after_bins.ece
    return RunCalibration(calibration, len(val_labels), len(test_labels), before, after, after_bins)
