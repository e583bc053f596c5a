"""A kept TF-IDF model without pickle: JSON settings and vocabulary, safetensors weights, numpy maths.

The TF-IDF baseline (scikit-learn's ``TfidfVectorizer`` + a linear model) can become a run's
model. Pickling scikit-learn objects would tie the run to one scikit-learn version and run
code on load, so the fitted numbers are saved as data and scored here with numpy alone,
reproducing ``predict_proba`` (and Ridge's ``predict``) to float64 rounding.

This file must stay standalone (numpy and the standard library only): exports copy it as
``tfidf_model.py`` beside ``predict.py``, which then needs only numpy. For the same reason its
answering methods (scores, label, is_unsure, row_values) repeat ``ExportedModel``'s in
export/standalone.py; tests/export/test_standalone_agrees.py checks they answer alike.
"""

from __future__ import annotations

import json
import re
import struct
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np

MODEL_JSON = "tfidf_model.json"
WEIGHTS = "tfidf_weights.safetensors"
EXPORT_CONFIG = "export_config.json"  # in an export: temperature, thresholds, unsure_below
FORMAT = "tlstudio-tfidf"
FORMAT_VERSION = 1
PAIR_SEPARATOR = " [SEP] "  # how the baseline joins a sentence pair into one text
ABSENT_GAP = 100.0  # a class with no training rows: this far below the row's lowest logit
PRIOR_CLIP = 1e-13  # a multi-label column with one value in training: its logit is about ±30
_WHITE_SPACES = re.compile(r"\s\s+")  # scikit-learn's, for character n-grams
LINKS = ("softmax", "binary", "sigmoid", "identity")


def _strip_accents(text: str, how: str | None) -> str:
    if how == "ascii":
        return unicodedata.normalize("NFKD", text).encode("ASCII", "ignore").decode("ASCII")
    if how == "unicode":
        if text.isascii():
            return text
        return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return text


class TfidfModel:
    """A fitted TF-IDF vectorizer and linear model, as numbers (see :meth:`load`, :meth:`save`).

    ``settings`` are the vectorizer's (analyzer, ngram_range, lowercase, strip_accents,
    token_pattern, stop_words, binary, sublinear_tf, use_idf, norm); ``link`` says how the
    linear outputs become logits: ``softmax`` (multinomial), ``binary`` (one output, logits
    ``[0, z]``), ``sigmoid`` (one-vs-rest multi-label) or ``identity`` (regression).
    ``columns`` are the label columns the outputs belong to; the other columns get
    ``priors`` (multi-label) or a logit far below the rest (classes absent from training).
    """

    def __init__(self, info: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        self.info = info
        self.settings: dict[str, Any] = info["settings"]
        self.task: str = info["task"]
        self.label_names: list[str] = list(info["label_names"])
        self.text_columns: list[str] = list(info.get("text_columns") or ["text"])
        self.link: str = info["link"]
        self.columns: list[int] = [int(c) for c in info["columns"]]
        self.vocabulary: dict[str, int] = info["vocabulary"]
        self.idf = np.asarray(arrays["idf"], dtype=np.float64) if "idf" in arrays else None
        self.coef = np.asarray(arrays["coef"], dtype=np.float64)
        self.intercept = np.asarray(arrays["intercept"], dtype=np.float64)
        self.priors = np.asarray(arrays["priors"], dtype=np.float64) if "priors" in arrays else None
        calibration = info.get("calibration") or {}
        self.temperature = float(calibration.get("temperature") or 1.0)
        self.thresholds: dict[str, float] = calibration.get("thresholds") or {}
        self.unsure_below: float | None = calibration.get("unsure_below")
        self.stride = None  # what predict.py's --stride sets on a transformer export: not used here
        self.config = {"max_length": 0}
        stop = self.settings.get("stop_words")
        self._stop = set(stop) if stop else None
        self._pattern = re.compile(self.settings.get("token_pattern") or r"(?u)\b\w\w+\b")
        if self.link not in LINKS:
            raise ValueError(f"unknown link '{self.link}'")

    # --- files -------------------------------------------------------------------------
    @classmethod
    def load(cls, folder: str | Path) -> TfidfModel:
        """Read ``tfidf_model.json`` and the weights, and in an export the run's temperature,
        thresholds and "don't know" cut-off (``export_config.json``, as ONNX exports have)."""
        folder = Path(folder)
        info = json.loads((folder / MODEL_JSON).read_text(encoding="utf-8"))
        if info.get("format") != FORMAT:
            raise ValueError(f"{folder / MODEL_JSON} is not a TF-IDF model file")
        settings = folder / EXPORT_CONFIG
        if settings.is_file():
            info["calibration"] = json.loads(settings.read_text(encoding="utf-8"))
        return cls(info, read_safetensors(folder / WEIGHTS))

    def save(self, folder: str | Path) -> None:
        """Write ``tfidf_model.json`` and ``tfidf_weights.safetensors`` into ``folder``."""
        folder = Path(folder)
        info = {k: v for k, v in self.info.items() if k != "calibration"}
        (folder / MODEL_JSON).write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")
        arrays = {"coef": self.coef, "intercept": self.intercept}
        arrays.update({k: v for k, v in (("idf", self.idf), ("priors", self.priors)) if v is not None})
        write_safetensors(folder / WEIGHTS, arrays)

    # --- text to features --------------------------------------------------------------
    def preprocess(self, text: str) -> str:
        if self.settings.get("lowercase", True):
            text = text.lower()
        return _strip_accents(text, self.settings.get("strip_accents"))

    def grams(self, text: str) -> list[str]:
        """The n-grams scikit-learn's analyzer gives for ``text`` (word or character n-grams)."""
        low, high = self.settings["ngram_range"]
        text = self.preprocess(text)
        if self.settings["analyzer"] == "char":
            text = _WHITE_SPACES.sub(" ", text)
            units: list[str] = list(text)
            joiner = ""
        else:
            units = self._pattern.findall(text)
            if self._stop is not None:
                units = [u for u in units if u not in self._stop]
            joiner = " "
        out: list[str] = list(units) if low == 1 else []
        for n in range(max(2, low), min(high, len(units)) + 1):
            out.extend(joiner.join(units[i:i + n]) for i in range(len(units) - n + 1))
        return out

    def features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Column indices and TF-IDF weights of one text (normalised as the vectorizer does)."""
        counts: dict[int, int] = {}
        for gram in self.grams(text):
            index = self.vocabulary.get(gram)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        index = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        values = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        if self.settings.get("binary"):
            values = np.ones_like(values)
        elif self.settings.get("sublinear_tf"):
            values = np.log(values) + 1.0
        if self.idf is not None:
            values = values * self.idf[index]
        norm = self.settings.get("norm")
        size = np.sqrt(np.sum(values * values)) if norm == "l2" else np.sum(np.abs(values)) if norm == "l1" else 0
        if size > 0:
            values = values / size
        return index, values

    def join(self, text: Any, pair: Any = None) -> str:
        text = "" if text is None else str(text)
        return text if pair is None else f"{text}{PAIR_SEPARATOR}{pair}"

    # --- features to outputs -----------------------------------------------------------
    def outputs(self, texts: list[str], pairs: list[str] | None = None) -> np.ndarray:
        """The linear model's raw outputs, one column per fitted output."""
        out = np.zeros((len(texts), self.coef.shape[0]))
        for row, text in enumerate(texts):
            index, values = self.features(self.join(text, pairs[row] if pairs is not None else None))
            out[row] = self.coef[:, index] @ values if len(index) else 0.0
        return out + self.intercept

    def logits(self, texts: list[str], pairs: list[str] | None = None) -> np.ndarray:
        """Logits over every label column (softmax / sigmoid of them give the probabilities)."""
        z = self.outputs(texts, pairs)
        if self.link == "identity":
            return z[:, :1]
        width = len(self.label_names)
        if self.link == "sigmoid":
            logits = np.tile(_prior_logits(self.priors, width), (len(z), 1))
            logits[:, self.columns] = z
            return logits
        present = np.hstack([np.zeros((len(z), 1)), z]) if self.link == "binary" else z
        logits = np.zeros((len(z), width))
        if len(z):
            logits[:] = (present.min(axis=1) - ABSENT_GAP)[:, None]
        logits[:, self.columns] = present
        return logits

    def direction(self, target: int | None) -> np.ndarray:
        """Per feature: how much one unit of it moves the target's logit (centred over the classes
        for softmax, which only differences of logits change; the score for regression)."""
        if self.link == "identity" or target is None:
            return self.coef[0]
        if target not in self.columns:
            return np.zeros(self.coef.shape[1])
        position = self.columns.index(target)
        if self.link == "binary":
            return self.coef[0] if position == 1 else -self.coef[0]
        if self.link == "sigmoid":
            return self.coef[position]
        return self.coef[position] - self.coef.mean(axis=0)

    # --- the exported predictor's interface (see export/standalone.py) -------------------
    def predict_scores(self, texts: list[str], pairs: list[str] | None = None,
                       batch_size: int = 32, calibrated: bool = True) -> np.ndarray:
        """Probabilities (or regression values) in input order."""
        return self.scores(self.logits(list(texts), pairs), calibrated)

    def scores(self, logits: np.ndarray, calibrated: bool = True) -> np.ndarray:
        logits = np.asarray(logits, dtype=np.float64)
        if self.task == "regression":
            return logits.reshape(len(logits), -1)[:, 0]
        if calibrated:
            logits = logits / self.temperature
        if self.task == "multilabel":
            return 1.0 / (1.0 + np.exp(-logits))
        shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
        return shifted / shifted.sum(axis=1, keepdims=True)

    def label(self, row: np.ndarray) -> str | list[str] | float:
        """The prediction for one row of scores, with the saved thresholds."""
        if self.task == "regression":
            return float(row)
        if self.task == "multilabel":
            return [n for i, n in enumerate(self.label_names) if row[i] >= self.thresholds.get(n, 0.5)]
        if self.task == "binary" and self.thresholds:
            name, cut = next(iter(self.thresholds.items()))
            if name in self.label_names:
                positive = self.label_names.index(name)
                return name if row[positive] >= cut else self.label_names[1 - positive]
        return self.label_names[int(np.argmax(row))]

    def score_columns(self) -> list[str]:
        return ["score"] if self.task == "regression" else [f"prob_{n}" for n in self.label_names]

    def is_unsure(self, row: np.ndarray) -> bool:
        return (self.unsure_below is not None and self.task in ("binary", "multiclass")
                and float(np.max(row)) < float(self.unsure_below))

    def row_values(self, row: np.ndarray) -> list:
        label = "unsure" if self.is_unsure(row) else self.label(row)
        if isinstance(label, list):
            label = ";".join(label)
        elif isinstance(label, float):
            label = round(label, 6)
        values = [float(row)] if self.task == "regression" else [float(v) for v in row]
        return [label] + [round(v, 6) for v in values]


def _prior_logits(priors: np.ndarray | None, width: int) -> np.ndarray:
    if priors is None:
        return np.zeros(width)
    p = np.clip(priors, PRIOR_CLIP, 1 - PRIOR_CLIP)
    return np.log(p) - np.log1p(-p)


# --- safetensors, read and written with numpy (the format is a JSON header + raw bytes) -----
_DTYPES = {"F64": "<f8", "F32": "<f4", "I64": "<i8"}


def read_safetensors(path: str | Path) -> dict[str, np.ndarray]:
    data = Path(path).read_bytes()
    (size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + size].decode("utf-8"))
    body = memoryview(data)[8 + size:]
    arrays = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        start, end = entry["data_offsets"]
        flat = np.frombuffer(body[start:end], dtype=_DTYPES[entry["dtype"]])
        arrays[name] = flat.reshape(entry["shape"]).copy()
    return arrays


def write_safetensors(path: str | Path, arrays: dict[str, np.ndarray]) -> None:
    header: dict[str, Any] = {}
    blobs, offset = [], 0
    for name, array in arrays.items():
        blob = np.ascontiguousarray(array, dtype="<f8").tobytes()
        header[name] = {"dtype": "F64", "shape": list(np.shape(array)), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header).encode("utf-8")
    text += b" " * (-len(text) % 8)  # the format aligns the data on 8 bytes
    with open(path, "wb") as handle:
        handle.write(struct.pack("<Q", len(text)) + text)
        for blob in blobs:
            handle.write(blob)

