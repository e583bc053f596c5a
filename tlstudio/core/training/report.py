"""After training: test predictions, metrics beside baselines, and the run folder's records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from tlstudio.core.atomic import write_json, write_text
from tlstudio.core.data.prepared import PreparedData
from tlstudio.core.evaluation.baselines import run_baselines
from tlstudio.core.evaluation.metrics import detailed_report
from tlstudio.core.inference.predictor import Predictor
from tlstudio.core.runs.folder import METRICS_JSON, PREDICTIONS_CSV, write_csv
from tlstudio.core.runs.modelcard import render_model_card
from tlstudio.core.settings.config import RunConfig


def test_report(predictor: Predictor, prepared: PreparedData, split: str = "test") -> tuple[dict[str, Any], np.ndarray]:
    """Metrics on a split with the same code path as ``tlstudio predict``; also the raw scores."""
    data = prepared.splits[split]
    texts = list(data["text"])
    pairs = list(data["text_pair"]) if prepared.is_pair else None
    scores = predictor.predict_scores(texts, pairs, batch_size=64)
    y_true = np.asarray(data["label"])
    report = detailed_report(prepared.task, prepared.label_names, y_true, scores, texts, list(data["row"]))
    return report, scores


def _label_text(task: str, label_names: list[str], value: Any) -> str:
    if task == "regression":
        return f"{float(value):g}"
    if task == "multilabel":
        return ";".join(n for n, v in zip(label_names, value, strict=True) if v >= 0.5)
    return label_names[int(value)]


def write_test_predictions(run_dir: Path, predictor: Predictor, prepared: PreparedData, scores: np.ndarray) -> None:
    """``predictions_test.csv``: row, text(s), true label, prediction and scores."""
    data = prepared.splits["test"]
    pair = prepared.is_pair
    header = ["row", "text"] + (["text_pair"] if pair else []) + ["true", "prediction"] + predictor.score_columns()
    rows = []
    for i in range(len(data)):
        item = data[i]
        prefix = [item["row"], item["text"]] + ([item["text_pair"]] if pair else [])
        true = _label_text(prepared.task, prepared.label_names, item["label"])
        rows.append(prefix + [true] + predictor.format_row(predictor.to_prediction(scores[i])))
    write_csv(run_dir / PREDICTIONS_CSV, header, rows)


def write_reports(
    run_dir: Path, config: RunConfig, prepared: PreparedData, predictor: Predictor, info: dict[str, Any]
) -> dict[str, Any]:
    """Write metrics.json, predictions_test.csv and README.md; return the metrics."""
    metrics, scores = test_report(predictor, prepared)
    metrics["baselines"] = run_baselines(prepared)
    metrics["stopped"] = bool(info.get("stopped"))
    write_json(run_dir / METRICS_JSON, metrics)
    write_test_predictions(run_dir, predictor, prepared, scores)
    write_text(run_dir / "README.md", render_model_card(config, prepared.summary(), metrics, info))
    return metrics
