"""The embedding path: frozen sentence embeddings + logistic regression, shipped as a normal classifier.

With a few hundred rows, logistic regression on the bundled sentence-embedding model's frozen
vectors often beats fine-tuning (measured, 200 rows of UCI sentiment: 0.90 against 0.80
macro F1; see bench/results). To ship that model so predict, export and ONNX work unchanged,
it is built as an ordinary ``BertForSequenceClassification``:

* one extra encoder layer whose [CLS] output is the layer-normalised *mean of the last hidden
  states over real tokens* (the pooling the embedding model was trained for): zero query and
  key weights give every real token the same attention weight (padding is masked as usual),
  identity values average them, and the output projection scales the average by
  ``RESIDUAL_SCALE`` so the residual [CLS] vector it is added to is negligible before the layer
  norm; the feed-forward part adds zero;
* a pooler that is ``tanh`` of ``1/sqrt(hidden)`` times that vector: near-linear, at the scale of
  a unit-length embedding;
* the classifier layer holds the logistic regression's coefficients.

The regression is fitted on what the classifier layer actually receives (read with a hook),
so the shipped model gives exactly the regression's probabilities.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tlstudio.core.data.prepared import PreparedData

SMALL_DATA_ROWS = 2000  # training rows below which the embedding path is tried beside fine-tuning
TASKS = ("binary", "multiclass")
MODEL_TYPES = ("bert",)  # architectures whose layers and pooler are built as described above
RESIDUAL_SCALE = 100.0  # large enough to drown the residual, small enough for fp16 (values < 1e4)
LR_C = 10.0  # as the embeddings baseline
ABSENT_CLASS_BIAS = -30.0  # a class with no training rows is never predicted
BATCH_SIZE = 64
# Above this share of [UNK] tokens (fit check) the path is not tried: on waimai_10k (Chinese, 66 %
# unknown to the English model) it won on 30 validation rows (0.79) and scored 0.45 on test.
MAX_UNKNOWN_SHARE = 0.10


def fine_tuning_wins(tuned: float | None, path: float) -> bool:
    """Whether fine-tuning ships: its best validation score is higher than the path's; a tie
    ships the path, the model that varies less.

    Measured on 1,000 held-out rows (bench/results, docs/training-plan.md "Which small-data
    model ships"): where the two tied on validation (UCI sentiment, 200 rows: both 0.93 on 30
    rows) the path scored 0.90 on test, fine-tuning 0.83; where fine-tuning led by less than a
    standard error (ag_news 200: 0.90 vs 0.87; mr_polarity 500: 0.72 vs 0.67), the path that a
    one-standard-error margin shipped scored 2.5 and 5.9 points under fine-tuning at the same
    learning rate for 300 updates.
    """
    return tuned is not None and tuned > path


@dataclass
class EmbeddingClassifier:
    """The shipped-ready model and its validation main metric (and per-row validation scores)."""

    model: Any
    validation: float
    validation_scores: np.ndarray


def applies(data: PreparedData, model_type: str | None, unk_share: float | None = None) -> bool:
    """Whether the embedding path can be tried: small single-text classification on a BERT body
    whose tokenizer knows the language (``unk_share``: the fit check's share of unknown tokens)."""
    return (data.task in TASKS and not data.is_pair and model_type in MODEL_TYPES
            and len(data.splits["train"]) < SMALL_DATA_ROWS and len(data.splits["validation"]) > 0
            and (unk_share or 0.0) < MAX_UNKNOWN_SHARE)


def can_keep_embeddings(task: str, is_pair: bool) -> bool:
    """Whether a run's embeddings baseline can become its model (``keep_baseline``)."""
    return task in TASKS and not is_pair


def add_mean_pooling(model: Any) -> None:
    """Append the averaging layer and the near-linear pooler described in the module docstring."""
    import torch

    config = model.config
    body = model.base_model
    size = config.hidden_size
    layer = type(body.encoder.layer[0])(config, layer_idx=len(body.encoder.layer))
    eye = torch.eye(size)
    with torch.no_grad():
        attention = layer.attention
        for linear in (attention.self.query, attention.self.key):
            linear.weight.zero_()
            linear.bias.zero_()
        attention.self.value.weight.copy_(eye)
        attention.self.value.bias.zero_()
        attention.output.dense.weight.copy_(eye * RESIDUAL_SCALE)
        attention.output.dense.bias.zero_()
        for norm in (attention.output.LayerNorm, layer.output.LayerNorm):
            norm.weight.fill_(1.0)
            norm.bias.zero_()
        for linear in (layer.intermediate.dense, layer.output.dense):
            linear.weight.zero_()
            linear.bias.zero_()
        body.pooler.dense.weight.copy_(eye / math.sqrt(size))
        body.pooler.dense.bias.zero_()
    body.encoder.layer.append(layer.to(next(model.parameters()).device))
    config.num_hidden_layers = len(body.encoder.layer)


def classifier_inputs(model: Any, tokenizer: Any, texts: list[str], max_length: int) -> np.ndarray:
    """What the classification layer receives for each text (eval mode, as at prediction)."""
    import torch

    from tlstudio.core.inference.predictor import tokenizable

    seen: list[np.ndarray] = []
    hook = model.classifier.register_forward_hook(lambda _m, inputs, _o: seen.append(inputs[0].float().cpu().numpy()))
    device = next(model.parameters()).device
    model.eval()
    try:
        with torch.inference_mode():
            for start in range(0, len(texts), BATCH_SIZE):
                batch = tokenizer([tokenizable(t) for t in texts[start:start + BATCH_SIZE]], padding=True,
                                  truncation=True, max_length=max_length, return_tensors="pt").to(device)
                model(**batch)
    finally:
        hook.remove()
    return np.vstack(seen) if seen else np.zeros((0, model.config.hidden_size), dtype=np.float32)


def set_head(model: Any, coef: np.ndarray, intercept: np.ndarray, classes: np.ndarray) -> None:
    """Copy a fitted logistic regression into the classification layer (softmax of the logits
    equals its probabilities: binary as logits [0, w.x + b], multinomial row by row)."""
    import torch

    n = model.config.num_labels
    weight = np.zeros((n, coef.shape[1]), dtype=np.float32)
    bias = np.full(n, ABSENT_CLASS_BIAS, dtype=np.float32)
    if len(classes) == 2 and coef.shape[0] == 1:
        weight[classes[1]], bias[classes[1]] = coef[0], intercept[0]
        bias[classes[0]] = 0.0
    else:
        weight[classes], bias[classes] = coef, intercept
    with torch.no_grad():
        model.classifier.weight.copy_(torch.from_numpy(weight))
        model.classifier.bias.copy_(torch.from_numpy(bias))


def fit_embedding_classifier(
    folder: str | Path, tokenizer: Any, data: PreparedData, max_length: int, *, trust_remote_code: bool = False,
    max_rows: int | None = None,
) -> EmbeddingClassifier:
    """Build the embedding-path model from the pretrained ``folder`` and score it on validation.

    ``max_rows`` caps the training rows (the same sample the embeddings baseline draws).
    """
    from sklearn.linear_model import LogisticRegression

    from tlstudio.core.evaluation.metrics import main_metric, task_metrics
    from tlstudio.core.models.loading import load_classifier

    model, _ = load_classifier(folder, task=data.task, label_names=data.label_names,
                               trust_remote_code=trust_remote_code)
    add_mean_pooling(model)
    train, val = data.splits["train"], data.splits["validation"]
    if max_rows is not None and len(train) > max_rows:
        keep = np.random.default_rng(0).choice(len(train), max_rows, replace=False)
        train = train.select(sorted(keep.tolist()))
    x_train = classifier_inputs(model, tokenizer, list(train["text"]), max_length)
    y_train = np.asarray(train["label"]).astype(int)
    clf = LogisticRegression(max_iter=2000, C=LR_C).fit(x_train, y_train)
    set_head(model, clf.coef_, clf.intercept_, clf.classes_)
    x_val = classifier_inputs(model, tokenizer, list(val["text"]), max_length)
    scores = np.zeros((len(x_val), len(data.label_names)))
    scores[:, clf.classes_] = clf.predict_proba(x_val)
    value = task_metrics(data.task, np.asarray(val["label"]), scores)[main_metric(data.task)]
    return EmbeddingClassifier(model, float(value), scores)


def method_record(chosen: str, fine_tuned: float | None, embeddings: float, metric: str) -> dict[str, Any]:
    """run.json's ``method``: which path ships, both validation scores, and the sentence why."""
    names = {"fine_tuned": "fine-tuning", "embeddings": "frozen sentence embeddings + logistic regression"}
    tuned = "no validation score" if fine_tuned is None else f"{fine_tuned:.3f}"
    if chosen == "embeddings" and fine_tuned is not None and round(fine_tuned, 3) == round(embeddings, 3):
        text = (f"This run ships {names['embeddings']}: it tied with fine-tuning on validation "
                f"({embeddings:.3f} {metric} each), and the simpler model varies less.")
    elif chosen == "embeddings":
        text = (f"This run ships {names['embeddings']}: it scored {embeddings:.3f} {metric} on validation "
                f"against {tuned} for fine-tuning.")
    else:
        text = (f"Fine-tuning scored {tuned} {metric} on validation against {embeddings:.3f} for "
                f"{names['embeddings']}, so this run ships the fine-tuned model.")
    return {"chosen": chosen, "validation": {"fine_tuned": fine_tuned, "embeddings": round(embeddings, 6)},
            "metric": metric, "text": text}


def choose_small_data_model(
    folder: str | Path, tokenizer: Any, data: PreparedData, max_length: int, log_history: list[dict[str, Any]],
    *, model_type: str | None, trust_remote_code: bool = False,
) -> tuple[Any | None, dict[str, Any] | None]:
    """On small data, the embedding-path model when it beats fine-tuning on validation.

    Returns (model to ship instead of the fine-tuned one, or None; the ``method`` record for
    run.json, or None when the path does not apply). Fine-tuning ships only when its best
    validation score beats the path's (:func:`fine_tuning_wins`).
    """
    from tlstudio.core.evaluation.metrics import main_metric
    from tlstudio.core.evaluation.verdict import METRIC_NAMES, validation_curve

    if not applies(data, model_type):
        return None, None
    curve = validation_curve(log_history, data.task)
    tuned = max(curve) if curve else None
    path = fit_embedding_classifier(folder, tokenizer, data, max_length, trust_remote_code=trust_remote_code)
    wins = not fine_tuning_wins(tuned, path.validation)
    metric = METRIC_NAMES.get(main_metric(data.task), main_metric(data.task))
    record = method_record("embeddings" if wins else "fine_tuned", tuned, path.validation, metric)
    return (path.model if wins else None), record


def small_data_choice(
    config: Any, data: PreparedData, folder: str | Path, tokenizer: Any, trained: Any,
    log_history: list[dict[str, Any]], meta: dict[str, Any], emit: Any, unk_share: float | None = None,
) -> Any | None:
    """The runner's step after fine-tuning: try the embedding path, record ``meta["method"]``,
    and return the model to ship instead of ``trained`` (None: ship the fine-tuned one)."""
    from tlstudio.core.events import StatusEvent

    model_type = getattr(getattr(trained, "config", None), "model_type", None)
    if not applies(data, model_type, unk_share):
        return None
    emit(StatusEvent(message="Small data set: trying frozen sentence embeddings + logistic regression "
                             "beside fine-tuning…"))
    model, record = choose_small_data_model(folder, tokenizer, data, config.max_length or 128, log_history,
                                            model_type=model_type, trust_remote_code=config.trust_remote_code)
    if record is not None:
        meta["method"] = record
        emit(StatusEvent(message=record["text"]))
    return model
