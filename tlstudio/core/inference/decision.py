"""From a row of probabilities to the answer a person is told, under the run's saved thresholds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from tlstudio.core.evaluation.metrics import MULTILABEL_THRESHOLD

if TYPE_CHECKING:
    from tlstudio.core.insight.calibration import Calibration


UNSURE = "unsure"  # what the prediction column says under the run's "don't know" threshold


@dataclass
class Prediction:
    """One prediction: a label (labels for multi-label, a number for regression) and scores.

    ``unsure`` is True when the top probability is under the run's "don't know" threshold;
    ``label`` is then still the best guess, but the answer shown and written is "unsure".
    """

    label: str | list[str] | float
    scores: dict[str, float]
    unsure: bool = False

    @property
    def answer(self) -> str | list[str] | float:
        """What a person is told: the label, or "unsure"."""
        return UNSURE if self.unsure else self.label


def decide(task: str, names: list[str], row: np.ndarray, calibration: Calibration | None,
           scores: dict[str, float]) -> Prediction:
    """The label(s) for one row of probabilities under ``calibration``'s thresholds.

    Binary: the named class wins at or above its threshold (argmax without one). Multi-label:
    each label at or above its own threshold (0.5 without one). Single-label rows whose top
    probability is under ``unsure_below`` are marked unsure.
    """
    thresholds = calibration.thresholds if calibration else {}
    if task == "multilabel":
        chosen = [n for i, n in enumerate(names) if row[i] >= thresholds.get(n, MULTILABEL_THRESHOLD)]
        return Prediction(chosen, scores)
    label = names[int(np.argmax(row))]
    if task == "binary" and thresholds:
        name, cut = next(iter(thresholds.items()))
        if name in names:
            positive = names.index(name)
            label = name if row[positive] >= cut else names[1 - positive]
    unsure_below = calibration.unsure_below if calibration else None
    return Prediction(label, scores, unsure=unsure_below is not None and float(row.max()) < unsure_below)
