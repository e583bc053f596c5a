"""The run folder's tables as typed rows: ``history.csv`` and ``predictions_test.csv``."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class PredictionRow:
    """One row of ``predictions_test.csv``, by the columns the engine writes."""

    row: int
    text: str
    true: str
    prediction: str
    scores: dict[str, float]
    text_pair: str | None = None

    @property
    def confidence(self) -> float | None:
        """The predicted class's probability (None for regression and multi-label)."""
        return self.scores.get(f"prob_{self.prediction}")


def _number(value: str) -> Any:
    if value == "":
        return None
    try:
        return float(value)
    except ValueError:
        return value


def read_history(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    with open(path, encoding="utf-8", newline="") as handle:
        return [{k: (v if k == "kind" else _number(v)) for k, v in row.items()} for row in csv.DictReader(handle)]


def _float(value: str | None) -> float | None:
    try:
        return float(value or "")
    except ValueError:
        return None


def prediction_row(record: dict[str, str], index: int) -> PredictionRow:
    """A row by its columns; many-class files hold ``topK``/``prob_topK`` pairs, not every class."""
    if "top1" in record:
        found, k = {}, 1
        while f"top{k}" in record:
            found[f"prob_{record[f'top{k}']}"] = _float(record.get(f"prob_top{k}"))
            k += 1
    else:
        found = {k: _float(v) for k, v in record.items() if k.startswith("prob_") or k == "score"}
    scores = {k: v for k, v in found.items() if v is not None}
    row = record.get("row", "")
    return PredictionRow(
        row=int(row) if row.isdigit() else index,
        text=record.get("text", ""),
        true=record.get("true", ""),
        prediction=record.get("prediction", ""),
        scores=scores,
        text_pair=record.get("text_pair"),
    )
