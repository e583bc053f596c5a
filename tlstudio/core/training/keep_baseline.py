"""Keep the embeddings baseline: when frozen embeddings + logistic regression beat the fine-tuned
model, make that baseline the run's model (the same kind of folder, so predict and export work)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tlstudio.core.errors import TrainingError


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
    from tlstudio.core.inference.predictor import Predictor
    from tlstudio.core.models.catalog import resolve_model
    from tlstudio.core.models.loading import load_tokenizer
    from tlstudio.core.runs.store import RunFolder, RunStatus
    from tlstudio.core.training.embedding_path import (
        can_keep_embeddings,
        fit_embedding_classifier,
        method_record,
    )
    from tlstudio.core.training.report import write_reports
    from tlstudio.core.training.runner import _calibrate  # the run's own step, so both stay alike

    store = RunFolder(run_dir)
    if not store.is_complete():
        raise TrainingError(f"The run in '{run_dir}' is not complete: only a finished run's model can be replaced.")
    config, info = store.config(), store.info()
    data = load_prepared(config)
    source = resolve_model("default")
    if source.path is None or not can_keep_embeddings(data.task, data.is_pair):
        raise TrainingError("This run's embeddings baseline can't be kept as its model: that works for "
                            "single-text classification (one label per row).")
    tokenizer = load_tokenizer(source.path)
    path = fit_embedding_classifier(source.path, tokenizer, data, config.max_length or 128,
                                    max_rows=MAX_EMBED_TRAIN)
    history = store.history()
    curve = validation_curve(history, data.task)
    metric = METRIC_NAMES.get(main_metric(data.task), main_metric(data.task))
    record = method_record("embeddings", max(curve) if curve else None, path.validation, metric)
    record["kept"] = True
    record["text"] = record["text"].replace("This run ships", "Kept as this run's model:", 1)
    store.save_model(path.model, tokenizer)
    meta = {**info.to_dict(), "method": record}
    predictor = Predictor.load(run_dir, device="cpu")
    # A new temperature for the new model: the fine-tuned model's would mis-scale its probabilities.
    test_logits, calibration = _calibrate(predictor, data, store, lambda _event: None)
    metrics = write_reports(Path(run_dir), config, data, predictor, meta, history,
                            test_logits=test_logits, calibration=calibration)
    name = main_metric(data.task)
    meta.pop("status", None)
    store.write_status(RunStatus.COMPLETE, **{**meta, "main_metric": name,
                                              "main_metric_value": metrics["model"].get(name)})
    return meta["verdict"]
