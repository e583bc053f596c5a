"""After training: test predictions, metrics beside baselines, and the run folder's records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from tlstudio.core.atomic import write_text
from tlstudio.core.data.prepared import PreparedData
from tlstudio.core.evaluation.metrics import TOP_K_SCORES, detailed_report
from tlstudio.core.inference.predictor import Predictor
from tlstudio.core.runs.modelcard import render_model_card
from tlstudio.core.runs.store import RunFolder
from tlstudio.core.settings.config import RunConfig


def test_report(predictor: Predictor, prepared: PreparedData, split: str = "test",
                logits: np.ndarray | None = None) -> tuple[dict[str, Any], np.ndarray]:
    """Metrics on a split with the same code path as ``tlstudio predict``; also the scores.

    ``logits``: the split's raw outputs when already computed (turned into probabilities exactly
    as ``predict_scores`` does, with the run's calibration).
    """
    data = prepared.splits[split]
    texts = list(data["text"])
    pairs = list(data["text_pair"]) if prepared.is_pair else None
    if logits is None:
        logits = predictor.predict_logits(texts, pairs, batch_size=64)
    scores = predictor.probabilities(logits)
    y_true = np.asarray(data["label"])
    report = detailed_report(prepared.task, prepared.label_names, y_true, scores, texts, list(data["row"]))
    return report, scores


def _label_text(task: str, label_names: list[str], value: Any) -> str:
    if task == "regression":
        return f"{float(value):g}"
    if task == "multilabel":
        return ";".join(n for n, v in zip(label_names, value, strict=True) if v >= 0.5)
    return label_names[int(value)]


def _top_k(predictor: Predictor, row_scores: np.ndarray) -> list[Any]:
    """The prediction and the ``TOP_K_SCORES`` likeliest classes with their probabilities."""
    order = np.argsort(-row_scores)[:TOP_K_SCORES]
    names = predictor.label_names
    cells: list[Any] = [names[int(order[0])]]
    for index in order:
        cells += [names[int(index)], round(float(row_scores[index]), 6)]
    return cells


def write_test_predictions(run_dir: Path, predictor: Predictor, prepared: PreparedData, scores: np.ndarray) -> None:
    """``predictions_test.csv``: row, text(s), true label, prediction and scores.

    With many classes (more than ``TOP_K_SCORES`` score columns would be) each row keeps only its
    likeliest classes, as ``top1``/``top1_prob`` … columns, so the file grows with the rows only.
    """
    data = prepared.splits["test"]
    pair = prepared.is_pair
    top_k = prepared.task == "multiclass" and len(predictor.label_names) > TOP_K_SCORES
    scores_header = ([f"{name}{k}" for k in range(1, TOP_K_SCORES + 1) for name in ("top", "prob_top")]
                     if top_k else predictor.score_columns())
    header = ["row", "text"] + (["text_pair"] if pair else []) + ["true", "prediction"] + scores_header
    rows = []
    for i in range(len(data)):
        item = data[i]
        prefix = [item["row"], item["text"]] + ([item["text_pair"]] if pair else [])
        true = _label_text(prepared.task, prepared.label_names, item["label"])
        predicted = (_top_k(predictor, scores[i]) if top_k
                     else predictor.format_row(predictor.to_prediction(scores[i])))
        rows.append(prefix + [true] + predicted)
    RunFolder(run_dir).write_predictions(header, rows)


def write_reports(
    run_dir: Path, config: RunConfig, prepared: PreparedData, predictor: Predictor, info: dict[str, Any],
    log_history: list[dict[str, Any]] | None = None, unk_share: float | None = None,
    test_logits: np.ndarray | None = None, calibration: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Write metrics.json, predictions_test.csv and README.md; return the metrics.

    The verdict (score with its interval beside the baselines fitted on the same test rows)
    goes into ``info["verdict"]`` for run.json; the same baselines go into metrics.json.
    """
    from tlstudio.core.evaluation.assess import assess_run

    metrics, scores = test_report(predictor, prepared, logits=test_logits)
    if calibration is not None:
        metrics["calibration"] = calibration
    from tlstudio.core.training.embedding_path import can_keep_embeddings

    shipped = (info.get("method") or {}).get("chosen")  # the verdict leaves that baseline out itself
    assessment = assess_run(prepared, scores, log_history=log_history or [],
                            class_weights=bool(config.class_weights), unk_share=unk_share, seed=config.seed,
                            can_keep_embeddings=can_keep_embeddings(prepared.task, prepared.is_pair),
                            can_keep_tfidf=True, shipped=shipped)
    metrics["baselines"] = assessment.baselines
    if assessment.zero_shot is not None:
        metrics["zero_shot"] = assessment.zero_shot
    metrics["stopped"] = bool(info.get("stopped"))
    if info.get("method"):  # the small-data choice: which model ships and why
        assessment.verdict["method"] = info["method"]
        assessment.verdict["text"] = f"{assessment.verdict['text']} {info['method']['text']}"
    if info.get("long_texts_choice"):  # auto: how long texts are read, chosen on validation
        assessment.verdict["long_texts"] = info["long_texts_choice"]
        assessment.verdict["text"] = f"{assessment.verdict['text']} {info['long_texts_choice']['text']}"
    info["verdict"] = assessment.verdict
    RunFolder(run_dir).write_metrics(metrics)
    write_test_predictions(run_dir, predictor, prepared, scores)
    write_text(run_dir / "README.md", render_model_card(config, prepared.summary(), metrics, info))
    return metrics
