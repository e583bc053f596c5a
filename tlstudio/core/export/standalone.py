"""Label texts with an exported TL Studio model; needs only onnxruntime, tokenizers and numpy.

This file is copied into every ONNX export as ``predict.py`` and must stay standalone: it
imports nothing from TL Studio, torch or transformers. Beside a kept TF-IDF model
(``tfidf_model.json``) it uses ``tfidf_model.py`` instead of ONNX and needs only numpy. What it
repeats of TL Studio (the TF-IDF model's answering methods, the pair-windowing rule of
core/inference/chunks.py) is checked equal by tests/export/test_standalone_agrees.py.

    python predict.py --text "great phone"            # one text
    python predict.py --text "a" --pair "b"           # sentence-pair models
    python predict.py --input in.csv --output out.csv # a CSV: its rows plus prediction columns
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportedModel:
    """The ONNX model, its tokenizer and the settings saved beside them in ``folder``."""

    def __init__(self, folder: str | Path = HERE, model_file: str | None = None) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        folder = Path(folder)
        self.config = json.loads((folder / "export_config.json").read_text(encoding="utf-8"))
        self.task = self.config["task"]
        self.label_names = self.config["label_names"]
        self.text_columns = self.config["text_columns"]
        self.temperature = float(self.config.get("temperature") or 1.0)
        self.thresholds = self.config.get("thresholds") or {}
        self.unsure_below = self.config.get("unsure_below")  # "don't know" under this top probability
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(int(self.config["max_length"]))
        self.tokenizer.enable_padding(pad_id=int(self.config["pad_token_id"]),
                                      pad_token=self.config["pad_token"],
                                      direction=self.config.get("padding_side", "right"))
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(
            str(folder / (model_file or self.config["model_file"])), options,
            providers=["CPUExecutionProvider"])
        self.inputs = [i.name for i in self.session.get_inputs()]
        # set: long texts are read in windows (see window_logits), as the run that was exported did
        self.stride: int | None = self.config.get("stride")
        self.aggregate = self.config.get("aggregate", "mean")
        self.windowed_rows = 0  # rows the last call read in more than one window

    def logits(self, texts: list[str], pairs: list[str] | None = None) -> np.ndarray:
        """Raw model outputs for one batch."""
        items = list(zip(texts, pairs, strict=True)) if pairs is not None else list(texts)
        encodings = self.tokenizer.encode_batch(items)
        arrays = {"input_ids": [e.ids for e in encodings],
                  "attention_mask": [e.attention_mask for e in encodings],
                  "token_type_ids": [e.type_ids for e in encodings]}
        feed = {name: np.asarray(arrays[name], dtype=np.int64) for name in self.inputs}
        return self.session.run(None, feed)[0]

    def window_logits(self, texts: list[str], stride: int, aggregate: str = "mean",
                      batch_size: int = 32, pairs: list[str] | None = None) -> tuple[np.ndarray, int]:
        """Logits of texts read in overlapping windows (``stride`` tokens shared); rows windowed.

        A text longer than the max length is cut into windows of at most max length tokens
        that overlap by ``stride``; its windows' logits are averaged (or their maximum taken).
        In a pair the shorter text is kept whole in every window and the longer one windowed.
        """
        texts = [_clean(t) for t in texts]
        if pairs is None:
            windows = self._windows(texts, ["longest_first"] * len(texts), stride, paired=False)
        else:
            pairs = [_clean(p) for p in pairs]
            strategies = self._strategies(texts, pairs)
            windows = self._windows(list(zip(texts, pairs, strict=True)), strategies, stride, paired=True)
        flat = [w for row in windows for w in row]
        logits = []
        for start in range(0, len(flat), batch_size):
            logits.append(self._run(flat[start:start + batch_size]))
        logits = np.concatenate(logits) if logits else np.zeros((0, max(1, len(self.label_names))))
        combine = np.max if aggregate == "max" else np.mean
        out, start = [], 0
        for row in windows:
            out.append(combine(logits[start:start + len(row)], axis=0))
            start += len(row)
        return np.asarray(out), sum(len(row) > 1 for row in windows)

    def _strategies(self, texts: list[str], pairs: list[str]) -> list[str]:
        """Which member of each pair is windowed (the same rule as TL Studio's training)."""
        self.tokenizer.no_truncation()
        try:
            firsts = self.tokenizer.encode_batch(texts, add_special_tokens=False)
            seconds = self.tokenizer.encode_batch(pairs, add_special_tokens=False)
        finally:
            self.tokenizer.enable_truncation(int(self.config["max_length"]))
        specials = self.tokenizer.post_processor.num_special_tokens_to_add(True) if self.tokenizer.post_processor else 0
        return [_pair_strategy(sum(a.attention_mask), sum(b.attention_mask), int(self.config["max_length"]), specials)
                for a, b in zip(firsts, seconds, strict=True)]

    def _windows(self, items: list, strategies: list[str], stride: int, paired: bool) -> list[list]:
        """Each item's encodings under its strategy (a pair under longest_first: one cut window)."""
        windows: list[list] = [[] for _ in items]
        try:
            for strategy in sorted(set(strategies)):
                rows = [i for i, s in enumerate(strategies) if s == strategy]
                windowed = not paired or strategy != "longest_first"
                self.tokenizer.enable_truncation(int(self.config["max_length"]), strategy=strategy,
                                                 stride=stride if windowed else 0)
                for row, encoding in zip(rows, self.tokenizer.encode_batch([items[i] for i in rows]), strict=True):
                    windows[row] = [encoding, *encoding.overflowing] if windowed else [encoding]
        finally:
            self.tokenizer.enable_truncation(int(self.config["max_length"]))
        return windows

    def _run(self, encodings: list) -> np.ndarray:
        """Logits for encodings of any lengths (padded here to the longest)."""
        width = max(len(e.ids) for e in encodings)
        pad = int(self.config["pad_token_id"])
        arrays = {"input_ids": [e.ids + [pad] * (width - len(e.ids)) for e in encodings],
                  "attention_mask": [e.attention_mask + [0] * (width - len(e.ids)) for e in encodings],
                  "token_type_ids": [e.type_ids + [0] * (width - len(e.ids)) for e in encodings]}
        feed = {name: np.asarray(arrays[name], dtype=np.int64) for name in self.inputs}
        return self.session.run(None, feed)[0]

    def predict_scores(self, texts: list[str], pairs: list[str] | None = None,
                       batch_size: int = 32, calibrated: bool = True) -> np.ndarray:
        """Probabilities (or regression values) in input order; batches are length-sorted."""
        if self.stride is not None:
            logits, self.windowed_rows = self.window_logits(texts, self.stride, self.aggregate, batch_size, pairs)
            return self.scores(logits, calibrated)
        texts = [_clean(t) for t in texts]
        pairs = [_clean(p) for p in pairs] if pairs is not None else None
        lengths = [len(t) + (len(pairs[i]) if pairs else 0) for i, t in enumerate(texts)]
        order = sorted(range(len(texts)), key=lambda i: lengths[i])
        width = () if self.task == "regression" else (max(1, len(self.label_names)),)
        scores = np.zeros((len(texts), *width))
        for start in range(0, len(order), batch_size):
            index = order[start:start + batch_size]
            logits = self.logits([texts[i] for i in index], [pairs[i] for i in index] if pairs else None)
            scores[index] = self.scores(logits, calibrated)
        return scores

    def scores(self, logits: np.ndarray, calibrated: bool = True) -> np.ndarray:
        """Logits to probabilities (softmax, or sigmoid for multi-label) with the temperature."""
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
        """Whether a single-label row's top probability is under the saved "don't know" threshold."""
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


def _pair_strategy(first: int, second: int, max_length: int, specials: int) -> str:
    """Which member of a pair is windowed; equal to tlstudio.core.inference.chunks.pair_strategy."""
    if first + second + specials <= max_length or min(first, second) + specials > max_length // 2:
        return "longest_first"
    return "only_first" if first >= second else "only_second"


def _clean(text: object) -> str:
    """Text the tokenizer accepts (undecodable bytes become U+FFFD)."""
    text = "" if text is None else str(text)
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace") if not text.isascii() else text


def _escape(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        try:
            float(value)
        except ValueError:
            return "'" + value
    return value


def predict_csv(model: ExportedModel, source: Path, target: Path, raw: bool = False) -> int:
    """Write ``source``'s rows plus ``prediction`` and score columns to ``target``; return rows."""
    with open(source, encoding="utf-8-sig", newline="") as handle:
        sample = handle.read(65536)
        handle.seek(0)
        delimiter = "\t" if source.suffix.lower() == ".tsv" or sample.count("\t") > sample.count(",") else ","
        rows = list(csv.reader(handle, delimiter=delimiter))
    header, rows = rows[0], [r for r in rows[1:] if r]
    wanted = model.text_columns
    if all(name in header for name in wanted):
        columns = [header.index(name) for name in wanted]
    elif len(header) == 1 and len(wanted) == 1:
        columns = [0]
    else:
        raise SystemExit(f"error: the file needs the text column(s) {', '.join(wanted)}; "
                         f"it has: {', '.join(header)}")
    cell = lambda r, c: r[c] if c < len(r) else ""  # noqa: E731
    texts = [cell(r, columns[0]) for r in rows]
    pairs = [cell(r, columns[1]) for r in rows] if len(columns) > 1 else None
    scores = model.predict_scores(texts, pairs)
    out_delimiter = "\t" if target.suffix.lower() == ".tsv" else ","
    with open(target, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=out_delimiter)
        writer.writerow(header + ["prediction"] + model.score_columns())
        for row, row_scores in zip(rows, scores, strict=True):
            values = [cell(row, c) for c in range(len(header))] + model.row_values(row_scores)
            writer.writerow(values if raw else [_escape(v) for v in values])
    return len(rows)


def describe(model: ExportedModel, row: np.ndarray) -> str:
    """Labelled lines for a person, as ``tlstudio predict`` prints them."""
    label = model.label(row)
    if model.task == "regression":
        return f"predicted value: {label:.4f}\n"
    ranked = sorted(zip(model.label_names, (float(v) for v in row), strict=True), key=lambda kv: -kv[1])
    width = max(len(name) for name, _ in ranked)
    lines = "".join(f"  {name:<{width}}  {p:.4f}\n" for name, p in ranked)
    if model.task == "multilabel":
        return f"labels: {', '.join(label) or 'none'}\nprobability of each label:\n{lines}"
    if model.is_unsure(row):
        return f"label: unsure (best guess {label}, under the \"don't know\" threshold)\nprobabilities:\n{lines}"
    return f"label: {label}\nprobabilities:\n{lines}"


def load_model(folder: Path = HERE, model_file: str | None = None):  # noqa: ANN201 - either kind
    """The exported model: ONNX, or a kept TF-IDF model scored by ``tfidf_model.py`` (numpy only)."""
    if (Path(folder) / "tfidf_model.json").is_file():
        sys.path.insert(0, str(folder))
        from tfidf_model import TfidfModel

        return TfidfModel.load(folder)
    return ExportedModel(folder, model_file)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Label texts with this exported model.")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--text", help="one text to label")
    source.add_argument("--input", help="a CSV of texts to label (needs --output)")
    parser.add_argument("--pair", help="the second text, for sentence-pair models")
    parser.add_argument("--output", help="where to write the input rows plus predictions")
    parser.add_argument("--model", help="the .onnx file to use (default: the exported one)")
    parser.add_argument("--raw", action="store_true", help="don't escape cells spreadsheets run as formulas")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--stride", type=int, help="read texts longer than the model's max length in "
                        "overlapping windows sharing this many tokens (default: cut them off)")
    parser.add_argument("--aggregate", choices=("mean", "max"), default="mean",
                        help="how the windows' scores combine (default: mean of their logits)")
    args = parser.parse_args(argv)
    if args.input and not args.output:
        parser.error("--input needs --output")
    model = load_model(HERE, args.model)
    if args.stride is not None and not model.config.get("max_length"):
        parser.error("--stride is for transformer models; this TF-IDF model reads whole texts")
    if args.stride is not None:
        if not 0 <= args.stride < int(model.config["max_length"]) // 2:
            parser.error("--stride must be below half the max length "
                         f"({model.config['max_length']} tokens)")
        model.stride, model.aggregate = args.stride, args.aggregate
    if args.text is not None:
        pairs = [args.pair or ""] if len(model.text_columns) > 1 or args.pair is not None else None
        row = model.predict_scores([args.text], pairs)[0]
        if args.json:
            names = ["score"] if model.task == "regression" else model.label_names
            values = [float(row)] if model.task == "regression" else [float(v) for v in row]
            print(json.dumps({"label": model.label(row), "scores": dict(zip(names, values, strict=True))}))
        else:
            sys.stdout.write(describe(model, row))
        return 0
    count = predict_csv(model, Path(args.input), Path(args.output), raw=args.raw)
    if model.stride is not None:
        sys.stderr.write(f"{model.windowed_rows} of {count} rows were longer than "
                         f"{model.config['max_length']} tokens and were read in windows\n")
    print(json.dumps({"rows": count, "output": args.output}) if args.json
          else f"{count} rows written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
