"""Keep a baseline: when the TF-IDF or the frozen-embeddings baseline beats the fine-tuned model,
make it the run's model, so predict, evaluate and export use it.

The embeddings baseline ships as the same kind of folder (a BERT model, see ``embedding_path``);
the TF-IDF baseline as ``tfidf_model.json`` + ``tfidf_weights.safetensors`` (no pickle), which
replace the network's files once they are written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from tlstudio.core.errors import TrainingError

BASELINES = ("tfidf", "embeddings")
TFIDF_NAMES = {"regression": "TF-IDF + ridge regression"}
TFIDF_NAME = "TF-IDF + logistic regression"


def keep_baseline(run_dir: str | Path, baseline: str | None = None) -> dict[str, Any]:
    """Make ``baseline`` ("tfidf" or "embeddings"; default: the one the verdict offers to keep,
    else the best of the two) the run's model; return the new verdict."""
    if baseline is None:
        baseline = default_baseline(run_dir)
    if baseline not in BASELINES:
        raise TrainingError(f"There is no '{baseline}' baseline to keep; choose tfidf or embeddings.")
    return keep_tfidf(run_dir) if baseline == "tfidf" else keep_embeddings(run_dir)


def default_baseline(run_dir: str | Path) -> str:
    """The baseline the verdict offers to keep, else the best-scoring of the keepable two."""
    from tlstudio.core.runs.store import RunFolder

    verdict = _complete(run_dir).info().verdict or {}
    offered = [a["id"].removeprefix("keep_") for a in verdict.get("advice") or [] if a.get("id", "").startswith("keep_")]
    if offered:
        return offered[0]
    scores = {k: v.get("value", 0.0) for k, v in (verdict.get("baselines") or {}).items() if k in BASELINES}
    if not scores:
        raise TrainingError(f"The run in '{RunFolder(run_dir).path}' has no TF-IDF or embeddings baseline "
                            "to keep.")
    return max(scores, key=lambda k: scores[k])


def _complete(run_dir: str | Path) -> Any:
    from tlstudio.core.runs.store import RunFolder

    store = RunFolder(run_dir)
    if not store.is_complete():
        raise TrainingError(f"The run in '{run_dir}' is not complete: only a finished run's model can be replaced.")
    return store


def keep_tfidf(run_dir: str | Path) -> dict[str, Any]:
    """Replace a complete run's model by its TF-IDF baseline, refitted on the run's training rows
    (same file, same seed: same split, so the same model the verdict measured)."""
    from tlstudio.core.data.split import load_prepared
    from tlstudio.core.evaluation.metrics import main_metric, task_metrics
    from tlstudio.core.evaluation.verdict import METRIC_NAMES, validation_curve
    from tlstudio.core.training.tfidf_fit import fit_tfidf_model

    store = _complete(run_dir)
    config = store.config()
    data = load_prepared(config)
    if data.task != "regression" and len(set(map(str, data.splits["train"]["label"]))) < 2:
        raise TrainingError("This run's training rows have a single label: there is no TF-IDF model to keep.")
    model = fit_tfidf_model(data, list(config.text_columns or ["text"]))
    name = main_metric(data.task)
    validation = data.splits["validation"]
    value = None
    if len(validation):
        pairs = list(validation["text_pair"]) if data.is_pair else None
        scores = model.predict_scores(list(validation["text"]), pairs, calibrated=False)
        value = task_metrics(data.task, np.asarray(validation["label"]), scores).get(name)
    curve = validation_curve(store.history(), data.task)
    tuned = max(curve) if curve else None
    metric = METRIC_NAMES.get(name, name)
    what = TFIDF_NAMES.get(data.task, TFIDF_NAME)
    scored = "no validation score" if value is None else f"{value:.2f} {metric} on validation"
    against = "no validation score" if tuned is None else f"{tuned:.2f}"
    record = {"chosen": "tfidf", "kept": True, "metric": metric,
              "validation": {"fine_tuned": tuned, "tfidf": None if value is None else round(float(value), 6)},
              "text": f"Kept as this run's model: {what}: it scored {scored} against {against} for fine-tuning."}
    store.save_tfidf_model(model)
    return _rewrite_reports(run_dir, store, config, data, record)


def _rewrite_reports(run_dir: str | Path, store: Any, config: Any, data: Any, record: dict[str, Any]) -> dict[str, Any]:
    """Calibrate the model that now ships, write metrics, predictions, card and run.json again."""
    from tlstudio.core.evaluation.metrics import main_metric
    from tlstudio.core.inference.predictor import Predictor
    from tlstudio.core.runs.store import RunStatus
    from tlstudio.core.training.report import write_reports
    from tlstudio.core.training.runner import _calibrate  # the run's own step, so both stay alike

    meta = {**store.info().to_dict(), "method": record}
    predictor = Predictor.load(run_dir, device="cpu")
    # A new temperature for the new model: the fine-tuned model's would mis-scale its probabilities.
    test_logits, calibration = _calibrate(predictor, data, store, lambda _event: None)
    metrics = write_reports(Path(run_dir), config, data, predictor, meta, store.history(),
                            test_logits=test_logits, calibration=calibration)
    name = main_metric(data.task)
    meta.pop("status", None)
    store.write_status(RunStatus.COMPLETE, **{**meta, "main_metric": name,
                                              "main_metric_value": metrics["model"].get(name)})
    return meta["verdict"]


def keep_embeddings(run_dir: str | Path) -> dict[str, Any]:
    """Replace a complete run's model by the embeddings + logistic regression model; return the new verdict.

    The baseline is the bundled sentence-embedding model's (whatever model the run fine-tuned), so
    that model and its tokenizer become the run's; the regression is fitted on the run's own
    training rows (same file, same seed: same split). The reports, the verdict and the model
    card are written again for the model that now ships.
    """
    from tlstudio.core.data.split import load_prepared
    from tlstudio.core.evaluation.baselines import MAX_EMBED_TRAIN
    from tlstudio.core.evaluation.metrics import main_metric
    from tlstudio.core.evaluation.verdict import METRIC_NAMES, validation_curve
    from tlstudio.core.models.catalog import resolve_model
    from tlstudio.core.models.loading import load_tokenizer
    from tlstudio.core.training.embedding_path import (
        can_keep_embeddings,
        fit_embedding_classifier,
        method_record,
    )

    store = _complete(run_dir)
    config = store.config()
    data = load_prepared(config)
    source = resolve_model("default")
    if source.path is None or not can_keep_embeddings(data.task, data.is_pair):
        raise TrainingError("This run's embeddings baseline can't be kept as its model: that works for "
                            "single-text classification (one label per row).")
    tokenizer = load_tokenizer(source.path)
    path = fit_embedding_classifier(source.path, tokenizer, data, config.max_length or 128,
                                    max_rows=MAX_EMBED_TRAIN)
    curve = validation_curve(store.history(), data.task)
    metric = METRIC_NAMES.get(main_metric(data.task), main_metric(data.task))
    record = method_record("embeddings", max(curve) if curve else None, path.validation, metric)
    record["kept"] = True
    record["text"] = record["text"].replace("This run ships", "Kept as this run's model:", 1)
    store.save_model(path.model, tokenizer)
    return _rewrite_reports(run_dir, store, config, data, record)
