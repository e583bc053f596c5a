"""Predictions from a finished run folder (or any HF text-classification folder)."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tlstudio.core.atomic import atomic_open
from tlstudio.core.errors import DataError, ModelError
from tlstudio.core.metrics import MULTILABEL_THRESHOLD, scores_from_outputs
from tlstudio.core.runfolder import CONFIG_JSON, read_run_info

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Prediction:
    """One prediction: a label (labels for multi-label, a number for regression) and scores."""

    label: str | list[str] | float
    scores: dict[str, float]


def escape_cell(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        try:
            float(value)
            return value  # a plain negative number is data, not a formula
        except ValueError:
            return "'" + value
    return value


def _infer_task(config: Any) -> str:
    if config.problem_type == "regression" or config.num_labels == 1:
        return "regression"
    if config.problem_type == "multi_label_classification":
        return "multilabel"
    return "binary" if config.num_labels == 2 else "multiclass"


class Predictor:
    """A loaded model that labels texts; use :meth:`load`."""

    def __init__(self, model: Any, tokenizer: Any, task: str, max_length: int, text_columns: list[str]) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.task = task
        self.max_length = max_length
        self.text_columns = text_columns
        id2label = model.config.id2label
        self.label_names = [] if task == "regression" else [id2label[i] for i in range(len(id2label))]

    @classmethod
    def load(cls, run_dir: str | Path, device: str = "auto") -> Predictor:
        """Load the model and tokenizer saved in ``run_dir``."""
        from tlstudio.core.device import choose_device
        from tlstudio.core.fit import model_max_length
        from tlstudio.core.training.loading import (
            check_remote_code,
            load_tokenizer,
            quiet_libraries,
        )

        run_dir = Path(run_dir)
        if not (run_dir / "config.json").is_file():
            raise ModelError(f"'{run_dir}' holds no trained model (config.json is missing).")
        quiet_libraries()
        check_remote_code(run_dir, False)
        from transformers import AutoModelForSequenceClassification

        try:
            model = AutoModelForSequenceClassification.from_pretrained(str(run_dir))
        except (OSError, ValueError) as exc:
            raise ModelError(f"Can't load the model in '{run_dir}': {str(exc).splitlines()[0]}") from exc
        tokenizer = load_tokenizer(run_dir)
        run_config: dict[str, Any] = {}
        if (run_dir / CONFIG_JSON).is_file():
            run_config = json.loads((run_dir / CONFIG_JSON).read_text(encoding="utf-8"))
        task = read_run_info(run_dir).get("task") or run_config.get("task") or _infer_task(model.config)
        max_length = run_config.get("max_length") or model_max_length(tokenizer)
        model.to(choose_device(device)).eval()
        return cls(model, tokenizer, task, int(max_length), run_config.get("text_columns") or ["text"])

    def predict_scores(
        self,
        texts: list[str],
        pairs: list[str] | None = None,
        batch_size: int = 32,
        progress: Callable[[int, int], None] | None = None,
    ) -> np.ndarray:
        """Probabilities (or regression scores) in input order; batches are length-sorted."""
        import torch

        if pairs is not None and len(pairs) != len(texts):
            raise DataError("Give one second text for every text.")
        lengths = [len(t) + (len(pairs[i]) if pairs else 0) for i, t in enumerate(texts)]
        order = sorted(range(len(texts)), key=lambda i: lengths[i])
        chunks: list[np.ndarray] = []
        device = next(self.model.parameters()).device
        with torch.inference_mode():
            for start in range(0, len(order), batch_size):
                index = order[start:start + batch_size]
                batch = self.tokenizer(
                    [str(texts[i]) for i in index],
                    [str(pairs[i]) for i in index] if pairs else None,
                    truncation=True, max_length=self.max_length, padding=True, return_tensors="pt",
                ).to(device)
                logits = self.model(**batch).logits.float().cpu().numpy()
                chunks.append(scores_from_outputs(self.task, logits))
                if progress:
                    progress(min(start + batch_size, len(order)), len(order))
        width = () if self.task == "regression" else (max(1, len(self.label_names)),)
        scores = np.zeros((len(texts), *width))
        if chunks:
            scores[order] = np.concatenate(chunks)
        return scores

    def to_prediction(self, row_scores: np.ndarray) -> Prediction:
        if self.task == "regression":
            return Prediction(float(row_scores), {"score": float(row_scores)})
        scores = {name: float(row_scores[i]) for i, name in enumerate(self.label_names)}
        if self.task == "multilabel":
            chosen = [n for i, n in enumerate(self.label_names) if row_scores[i] >= MULTILABEL_THRESHOLD]
            return Prediction(chosen, scores)
        return Prediction(self.label_names[int(np.argmax(row_scores))], scores)

    def predict(self, texts: list[str], pairs: list[str] | None = None, batch_size: int = 32) -> list[Prediction]:
        """Label each text (with its pair for sentence-pair models)."""
        return [self.to_prediction(s) for s in self.predict_scores(texts, pairs, batch_size)]

    def score_columns(self) -> list[str]:
        return ["score"] if self.task == "regression" else [f"prob_{n}" for n in self.label_names]

    def format_row(self, prediction: Prediction) -> list[Any]:
        """``prediction`` plus the score columns, as written to CSV."""
        label = prediction.label
        if isinstance(label, list):
            label = ";".join(label)
        elif isinstance(label, float):
            label = round(label, 6)
        return [label] + [round(v, 6) for v in prediction.scores.values()]

    def predict_file(
        self,
        input_path: str | Path,
        output_path: str | Path,
        *,
        progress: Callable[[int, int], None] | None = None,
        escape_formulas: bool = True,
        batch_size: int = 32,
    ) -> int:
        """Write the input rows plus ``prediction`` and score columns to ``output_path``; return rows."""
        header, rows = read_rows(input_path)
        columns = self._input_columns(header)
        texts = [row[columns[0]] or "" for row in rows]
        pairs = [row[columns[1]] or "" for row in rows] if len(columns) > 1 else None
        scores = self.predict_scores(texts, pairs, batch_size, progress)
        out_header = header + ["prediction"] + self.score_columns()
        delimiter = "\t" if str(output_path).lower().endswith(".tsv") else ","
        with atomic_open(output_path, "w", newline="") as handle:
            writer = csv.writer(handle, delimiter=delimiter)
            writer.writerow(out_header)
            for row, row_scores in zip(rows, scores, strict=True):
                values = [row[c] for c in range(len(header))] + self.format_row(self.to_prediction(row_scores))
                writer.writerow([escape_cell(v) for v in values] if escape_formulas else values)
        return len(rows)

    def _input_columns(self, header: list[str]) -> list[int]:
        wanted = self.text_columns
        if all(name in header for name in wanted):
            return [header.index(name) for name in wanted]
        if len(header) == 1 and len(wanted) == 1:
            return [0]
        raise DataError(
            f"The input file needs the text column(s) {', '.join(wanted)} that the model was trained on; "
            f"it has: {', '.join(header)}."
        )


def read_rows(path: str | Path) -> tuple[list[str], list[list[Any]]]:
    """Header and rows (strings, None for missing) of a data file, via the data layer."""
    try:
        from tlstudio.core.data import read_table
    except ImportError:  # data layer not installed: plain CSV/TSV only
        return _read_csv(Path(path))
    loaded = read_table(str(path))
    table = loaded.table
    columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
    rows = [[None if c[r] is None else str(c[r]) for c in columns] for r in range(table.num_rows)]
    return list(table.column_names), rows


def _read_csv(path: Path) -> tuple[list[str], list[list[Any]]]:
    if not path.is_file():
        raise DataError(f"The file '{path}' does not exist.")
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        header = next(reader, [])
        return header, [row + [None] * (len(header) - len(row)) for row in reader]
