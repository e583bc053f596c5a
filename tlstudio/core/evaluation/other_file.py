"""Evaluate a finished run on another labelled file (same columns as its training data)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from tlstudio.core.errors import DataError
from tlstudio.core.evaluation.metrics import detailed_report
from tlstudio.core.events import Observer, StatusEvent, null_observer
from tlstudio.core.runs.store import RunFolder
from tlstudio.core.settings.config import RunConfig

MULTILABEL_SEPARATORS = (";", "|", ",")


def _encode_labels(task: str, label_names: list[str], values: list[Any],
                   label_values: list[str] | None = None) -> list[Any]:
    """Labels as the model's encoding; None where a row's label is missing or unknown.

    A label is a class name or, for named classes, the value the training data wrote for it
    (``label_values``, in class order). A multi-label cell is split at the first separator it
    contains (``;`` when it has none).
    """
    index = {str(value): i for i, value in enumerate(label_values or [])}
    index.update({name: i for i, name in enumerate(label_names)})
    out: list[Any] = []
    for value in values:
        text = "" if value is None else str(value).strip()
        if not text:
            out.append(None)
        elif task == "regression":
            try:
                out.append(float(text))
            except ValueError:
                out.append(None)
        elif task == "multilabel":
            sep = next((s for s in MULTILABEL_SEPARATORS if s in text), ";")
            names = [n.strip() for n in text.split(sep) if n.strip()]
            vector = [0.0] * len(label_names)
            for name in names:
                if name in index:
                    vector[index[name]] = 1.0
            out.append(vector)
        else:
            key = text if text in index else text.removesuffix(".0")
            out.append(index.get(key))
    return out


def _column_labels(label_names: list[str], label_columns: list[str], header: list[str],
                   rows: list[list[Any]]) -> list[Any]:
    """Multi-label rows from one 0/1 column per label; None where a row's cell is not 0 or 1."""
    index = [header.index(name) for name in label_names if name in label_columns]
    out: list[Any] = []
    for row in rows:
        cells = [str(row[i] if row[i] is not None else "").strip() for i in index]
        out.append([float(c) for c in cells] if all(c in ("0", "1") for c in cells) else None)
    return out


def evaluate_run(
    run_dir: str | Path, data_path: str | Path, *, observer: Observer | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Metrics of the run's model on every labelled row of ``data_path`` (metrics.json's shape).

    ``progress(done, total)`` is called as rows are predicted.
    """
    from tlstudio.core.data import read_table
    from tlstudio.core.data.rownumbers import numbers_of
    from tlstudio.core.inference.inputs import rows_of
    from tlstudio.core.inference.predictor import Predictor

    emit = observer or null_observer
    run_dir = Path(run_dir)
    emit(StatusEvent(message=f"Loading the model in {run_dir.name}…"))
    predictor = Predictor.load(run_dir)
    folder = RunFolder(run_dir)
    run_config = folder.config() if folder.has_config() else None
    label_columns = (run_config.label_columns if run_config else None) or ["label"]
    written = run_config.label_values if run_config else []  # the training file's codes, if classes are named
    emit(StatusEvent(message=f"Reading {Path(data_path).name}…"))
    loaded = read_table(str(data_path))
    header, rows = rows_of(loaded)
    text_idx = predictor._input_columns(header)
    missing = [name for name in label_columns if name not in header]
    if missing:
        which = "label column" if len(missing) == 1 else "label columns"
        raise DataError(f"'{data_path}' has no {which} {', '.join(repr(m) for m in missing)} "
                        f"(it has: {', '.join(header)}).")
    if len(label_columns) > 1:
        labels = _column_labels(written or predictor.label_names, label_columns, header, rows)
    else:
        label_idx = header.index(label_columns[0])
        labels = _encode_labels(predictor.task, predictor.label_names, [r[label_idx] for r in rows], written)
    keep = [i for i, label in enumerate(labels) if label is not None and rows[i][text_idx[0]]]
    if not keep:
        raise DataError(f"No row of '{data_path}' has a text and a label the model knows ({', '.join(predictor.label_names)}).")
    texts = [rows[i][text_idx[0]] for i in keep]
    pairs = [rows[i][text_idx[1]] or "" for i in keep] if len(text_idx) > 1 else None
    emit(StatusEvent(message=f"Predicting {len(keep)} rows…"))
    scores = predictor.predict_scores(texts, pairs, batch_size=64, progress=progress)
    y_true = np.asarray([labels[i] for i in keep])
    first = numbers_of(loaded).first  # rows named as the file shows them (a spreadsheet's row 2)
    report = detailed_report(predictor.task, predictor.label_names, y_true, scores, texts,
                             [i + first for i in keep])
    report["rows_evaluated"] = len(keep)
    report["rows_skipped"] = len(rows) - len(keep)
    report["data_path"] = str(data_path)
    emit(StatusEvent(message="Running the baselines on the same rows…"))
    assessment = _assess(run_dir, run_config, folder.info().data_sha256, texts, pairs,
                         [labels[i] for i in keep], keep, scores)
    report["baselines"] = assessment.baselines if assessment else {}
    if assessment is not None:
        report["verdict"] = assessment.verdict
    return report


def _assess(run_dir: Path, run_config: RunConfig | None, recorded: dict[str, str], texts: list[str],
            pairs: list[str] | None, labels: list[Any], rows: list[int], scores: np.ndarray) -> Any:
    """Baselines trained on the run's own training split, scored on these rows, and the verdict.

    None when that split can't be rebuilt: the training file moved or its bytes changed
    (``recorded`` holds the SHA-256 taken when the run began).
    """
    import datasets

    from tlstudio.core.data import load_prepared
    from tlstudio.core.errors import TLStudioError
    from tlstudio.core.evaluation.assess import assess_run
    from tlstudio.core.runs.folder import check_data_unchanged

    if run_config is None:
        return None
    try:
        check_data_unchanged(run_dir, recorded)
        prepared = load_prepared(run_config)
    except (TLStudioError, OSError, TypeError, ValueError):
        return None  # the training file moved or changed: the model's numbers still stand
    columns: dict[str, Any] = {"text": texts, "label": labels, "row": rows}
    if pairs is not None:
        columns["text_pair"] = pairs
    train = prepared.splits["train"]
    features = datasets.Features({name: train.features[name] for name in columns})
    prepared.splits["test"] = datasets.Dataset.from_dict(columns, features=features)
    return assess_run(prepared, scores, class_weights=bool(run_config.class_weights), seed=run_config.seed)
