"""Predictions from a finished run folder (or any HF text-classification folder)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from tlstudio.core.atomic import atomic_open
from tlstudio.core.csvcells import escape_cell
from tlstudio.core.errors import DataError, ModelError, RunFolderError
from tlstudio.core.evaluation.metrics import scores_from_outputs
from tlstudio.core.inference.decision import UNSURE, Prediction, decide
from tlstudio.core.inference.inputs import read_rows, tokenizable
from tlstudio.core.inference.output import check_output_file, write_error

if TYPE_CHECKING:
    from tlstudio.core.insight.calibration import Calibration


def _infer_task(config: Any) -> str:
    if config.problem_type == "regression" or config.num_labels == 1:
        return "regression"
    if config.problem_type == "multi_label_classification":
        return "multilabel"
    return "binary" if config.num_labels == 2 else "multiclass"


class Predictor:
    """A loaded model that labels texts; use :meth:`load`."""

    kind = "transformer"  # what the run ships: a fine-tuned network (or "tfidf": TfidfPredictor)

    def __init__(self, model: Any, tokenizer: Any, task: str, max_length: int, text_columns: list[str],
                 run_dir: str | Path | None = None, label_names: list[str] | None = None) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.task = task
        self.max_length = max_length
        self.text_columns = text_columns
        if label_names is None:
            id2label = model.config.id2label
            label_names = [id2label[i] for i in range(len(id2label))]
        self.label_names = [] if task == "regression" else list(label_names)
        self.batch_size: int | None = None  # set when running out of memory forced a smaller one
        self.long_texts = "truncate"  # or chunks-mean / chunks-max: see core/inference/chunks.py
        self.warnings: list[str] = []  # said once, by whoever shows the predictions
        self.run_dir = Path(run_dir) if run_dir is not None else None
        self._calibration: Calibration | None = None
        self._calibration_stamp: tuple[int, int, int] | None = None

    @property
    def calibration(self) -> Calibration | None:
        """The run's ``calibration.json``, re-read when it changes (a saved threshold applies at once)."""
        if self.run_dir is None:
            return self._calibration
        from tlstudio.core.runs.store import RunFolder

        folder = RunFolder(self.run_dir)
        stamp = folder.calibration_stamp()
        if stamp != self._calibration_stamp:
            self._calibration = folder.calibration() if stamp is not None else None
            self._calibration_stamp = stamp
        return self._calibration

    @calibration.setter
    def calibration(self, value: Calibration | None) -> None:
        """Use ``value`` instead of the run's file (for a model folder that isn't a run)."""
        self.run_dir = None
        self._calibration = value

    @property
    def needs_pair(self) -> bool:
        """Whether the model was trained on pairs of texts (it reads a second text)."""
        return len(self.text_columns) > 1

    @classmethod
    def load(cls, run_dir: str | Path, device: str = "auto", *,
             trust_remote_code: bool = False) -> Predictor:
        """Load the model and tokenizer saved in ``run_dir``.

        A model with its own code is refused unless ``trust_remote_code`` (the run that just
        trained it with that permission reloads it with the same). A missing, truncated or damaged file, weights that don't fit ``config.json``, or a
        tokenizer that doesn't fit the model is a :class:`ModelError` naming the file.
        """
        from tlstudio.core.models import files as model_files
        from tlstudio.core.models.fit import model_max_length
        from tlstudio.core.models.loading import (
            check_body_loaded,
            check_remote_code,
            check_tokenizer_matches,
            load_tokenizer,
            quiet_libraries,
            weights_kwargs,
        )
        from tlstudio.core.system.device import choose_device

        run_dir = Path(run_dir)
        if not run_dir.is_dir():
            raise ModelError(f"The run folder '{run_dir}' does not exist.")
        from tlstudio.core.inference.tfidf_numpy import MODEL_JSON

        if (run_dir / MODEL_JSON).is_file():  # a kept TF-IDF baseline: numpy only, no torch
            return TfidfPredictor.load_folder(run_dir)
        if not (run_dir / "config.json").is_file():
            raise ModelError(f"'{run_dir}' holds no trained model (config.json is missing). "
                             "Pick a run folder written by a finished training run.")
        quiet_libraries()
        config = check_remote_code(run_dir, trust_remote_code)
        files = model_files.check_weights(run_dir, config)
        from transformers import AutoModelForSequenceClassification

        try:
            model, info = AutoModelForSequenceClassification.from_pretrained(
                str(run_dir), ignore_mismatched_sizes=True, output_loading_info=True,
                trust_remote_code=trust_remote_code, **weights_kwargs(files),
            )
        except Exception as exc:
            raise model_files.describe_load_error(run_dir, files, exc) from exc
        check_body_loaded(model, info, files, strict=True)
        tokenizer = load_tokenizer(run_dir, trust_remote_code=trust_remote_code)
        check_tokenizer_matches(model, tokenizer, run_dir)
        run_config = _read_run_config(run_dir)
        from tlstudio.core.runs.store import RunFolder

        task = (RunFolder(run_dir).info().task or (run_config.task if run_config else None)
                or _infer_task(model.config))
        max_length = (run_config.max_length if run_config else None) or model_max_length(tokenizer)
        text_columns = (run_config.text_columns if run_config else None) or ["text"]
        model.to(choose_device(device)).eval()
        predictor = cls(model, tokenizer, task, int(max_length), text_columns, run_dir)
        if run_config is not None and run_config.long_texts != "truncate":  # auto: not chosen yet
            predictor.long_texts = "chunks-mean" if run_config.long_texts == "auto" else run_config.long_texts
        predictor.warnings = _status_warnings(run_dir)
        _ = predictor.calibration  # a damaged calibration.json is said now, not at the first text
        return predictor

    def predict_scores(
        self,
        texts: list[str],
        pairs: list[str] | None = None,
        batch_size: int = 32,
        progress: Callable[[int, int], None] | None = None,
        calibrated: bool = True,
    ) -> np.ndarray:
        """Probabilities (or regression scores) in input order, with the run's temperature
        unless ``calibrated`` is False."""
        return self.probabilities(self.predict_logits(texts, pairs, batch_size, progress), calibrated)

    def probabilities(self, logits: np.ndarray, calibrated: bool = True) -> np.ndarray:
        """Model outputs to probabilities: ``softmax(logits / T)`` (sigmoid for multi-label)."""
        calibration = self.calibration if calibrated and self.task != "regression" else None
        temperature = calibration.temperature if calibration else 1.0
        return scores_from_outputs(self.task, np.asarray(logits, dtype=np.float64) / temperature)

    def predict_logits(
        self,
        texts: list[str],
        pairs: list[str] | None = None,
        batch_size: int = 32,
        progress: Callable[[int, int], None] | None = None,
    ) -> np.ndarray:
        """Raw model outputs (logits; regression values) in input order; batches are length-sorted.

        A batch that runs out of memory is retried at half the size, and the smaller size is
        kept (in :attr:`batch_size`, for later calls too); out of memory at one row is a
        :class:`ModelError`.
        """
        import torch

        if pairs is not None and len(pairs) != len(texts):
            raise DataError("Give one second text for every text.")
        lengths = [len(t) + (len(pairs[i]) if pairs else 0) for i, t in enumerate(texts)]
        order = sorted(range(len(texts)), key=lambda i: lengths[i])
        chunks: list[np.ndarray] = []
        device = next(self.model.parameters()).device
        size = max(1, min(int(batch_size), self.batch_size or int(batch_size)))
        start = 0
        with torch.inference_mode():
            while start < len(order):
                index = order[start:start + size]
                try:
                    chunks.append(self._scores(texts, pairs, index, device))
                except torch.OutOfMemoryError:
                    out_of_memory = True  # handled below, once the traceback's tensors are freed
                else:
                    out_of_memory = False
                if out_of_memory:
                    _free_memory(device)
                    if size == 1:
                        raise ModelError("Out of memory predicting even one row at a time; lower "
                                         "the max length or use the CPU.")
                    size = max(1, size // 2)
                    self.batch_size = size
                    continue
                start += len(index)
                if progress:
                    progress(start, len(order))
        width = max(1, len(self.label_names)) if self.task != "regression" else 1
        logits = np.zeros((len(texts), width))
        if chunks:
            logits[order] = np.concatenate(chunks).reshape(-1, width)
        return logits

    def _scores(
        self, texts: list[str], pairs: list[str] | None, index: list[int], device: Any
    ) -> np.ndarray:
        from tlstudio.core.inference.chunks import CHUNK_MODES, can_chunk, chunked_logits

        batch_texts = [tokenizable(texts[i]) for i in index]
        batch_pairs = [tokenizable(pairs[i]) for i in index] if pairs else None
        if self.long_texts in CHUNK_MODES and can_chunk(self.tokenizer):
            return chunked_logits(self.model, self.tokenizer, batch_texts, self.max_length, self.long_texts,
                                  device, batch_pairs)
        batch = self.tokenizer(batch_texts, batch_pairs, truncation=True, max_length=self.max_length,
                               padding=True, return_tensors="pt").to(device)
        return self.model(**batch).logits.float().cpu().numpy()

    def to_prediction(self, row_scores: np.ndarray) -> Prediction:
        """One row of :meth:`predict_scores` as a Prediction, with the run's saved thresholds."""
        if self.task == "regression":
            return Prediction(float(row_scores), {"score": float(row_scores)})
        scores = {name: float(row_scores[i]) for i, name in enumerate(self.label_names)}
        return decide(self.task, self.label_names, np.asarray(row_scores), self.calibration, scores)

    def predict(self, texts: list[str], pairs: list[str] | None = None, batch_size: int = 32) -> list[Prediction]:
        """Label each text (with its pair for sentence-pair models)."""
        return [self.to_prediction(s) for s in self.predict_scores(texts, pairs, batch_size)]

    def score_columns(self) -> list[str]:
        return ["score"] if self.task == "regression" else [f"prob_{n}" for n in self.label_names]

    def format_row(self, prediction: Prediction) -> list[Any]:
        """``prediction`` plus the score columns, as written to CSV."""
        label = prediction.answer
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
        """Write the input rows plus ``prediction`` and score columns to ``output_path``; return rows.

        ``output_path`` is checked before any row is predicted.
        """
        check_output_file(output_path)
        header, rows = read_rows(input_path)
        columns = self._input_columns(header)
        texts = [row[columns[0]] or "" for row in rows]
        pairs = [row[columns[1]] or "" for row in rows] if len(columns) > 1 else None
        scores = self.predict_scores(texts, pairs, batch_size, progress)
        out_header = header + ["prediction"] + self.score_columns()
        delimiter = "\t" if str(output_path).lower().endswith(".tsv") else ","
        try:
            with atomic_open(output_path, "w", newline="") as handle:
                writer = csv.writer(handle, delimiter=delimiter)
                writer.writerow([escape_cell(v) for v in out_header] if escape_formulas else out_header)
                for row, row_scores in zip(rows, scores, strict=True):
                    values = [row[c] for c in range(len(header))] + self.format_row(self.to_prediction(row_scores))
                    writer.writerow([escape_cell(v) for v in values] if escape_formulas else values)
        except OSError as exc:
            raise write_error(output_path, exc) from exc
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


class TfidfPredictor(Predictor):
    """A run that ships its TF-IDF baseline (``tfidf_model.json``): the same interface, numpy only.

    The decision values are the logits, so the run's temperature scales them as it scales a
    network's; explanations are the model's exact per-n-gram contributions.
    """

    kind = "tfidf"

    @classmethod
    def load_folder(cls, run_dir: Path) -> TfidfPredictor:
        from tlstudio.core.inference.tfidf_numpy import TfidfModel

        try:
            model = TfidfModel.load(run_dir)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"The TF-IDF model in '{run_dir}' can't be read ({exc}); keep the "
                             "baseline again or train a new run.") from exc
        predictor = cls(model, None, model.task, 0, model.text_columns, run_dir, label_names=model.label_names)
        predictor.warnings = _status_warnings(run_dir)
        _ = predictor.calibration
        return predictor

    def predict_logits(self, texts: list[str], pairs: list[str] | None = None, batch_size: int = 32,
                       progress: Callable[[int, int], None] | None = None) -> np.ndarray:
        if pairs is not None and len(pairs) != len(texts):
            raise DataError("Give one second text for every text.")
        size = max(1, int(batch_size)) * 8  # cheap per row: report progress less often
        width = max(1, len(self.label_names)) if self.task != "regression" else 1
        chunks = [np.zeros((0, width))]
        for start in range(0, len(texts), size):
            chunks.append(self.model.logits([tokenizable(t) for t in texts[start:start + size]],
                                            [tokenizable(p) for p in pairs[start:start + size]] if pairs else None))
            if progress:
                progress(min(len(texts), start + size), len(texts))
        return np.concatenate(chunks)


def _status_warnings(run_dir: Path) -> list[str]:
    """A warning when ``run.json`` says the run is not finished (its model may change or be partial)."""
    from tlstudio.core.runs.store import RunFolder

    folder = RunFolder(run_dir)
    info = folder.info()
    status = folder.status() if info.status != "unknown" else "complete"  # a plain model folder
    if status == "running":
        process = f" (process {info.pid})" if isinstance(info.pid, int) else ""
        return [f"The run in '{run_dir}' is still marked running{process}: its model may be "
                "replaced or incomplete. Predict again once it has finished."]
    if status not in ("complete", "unknown"):
        return [f"The run in '{run_dir}' did not finish (it is {status}): this model may not be "
                "the final one."]
    return []


def _read_run_config(run_dir: Path) -> Any:
    """The run's RunConfig, None for a plain model folder; ModelError when it is damaged."""
    from tlstudio.core.runs.store import RunFolder

    folder = RunFolder(run_dir)
    if not folder.has_config():
        return None
    try:
        return folder.config()
    except RunFolderError as exc:
        raise ModelError(str(exc)) from exc


def _free_memory(device: Any) -> None:
    """Give cached accelerator memory back after an out-of-memory error."""
    import gc

    import torch

    gc.collect()
    if getattr(device, "type", "") == "cuda":
        torch.cuda.empty_cache()
    elif getattr(device, "type", "") == "mps" and hasattr(torch, "mps"):
        torch.mps.empty_cache()


__all__ = ["UNSURE", "Prediction", "Predictor", "TfidfPredictor", "decide", "read_rows", "tokenizable"]
