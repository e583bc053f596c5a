"""The exported folder's model card: what it is, how to run it, and how well it matches PyTorch."""

from __future__ import annotations

from typing import Any

_USAGE = """## Use it

Needs only `onnxruntime`, `tokenizers` and `numpy` (`pip install -r requirements.txt`):

```
python predict.py --text "some text"
python predict.py --input texts.csv --output predictions.csv
```
"""


_TFIDF_USAGE = """## Use it

A TF-IDF model kept as this run's model: needs only `numpy` (`pip install -r requirements.txt`):

```
python predict.py --text "some text"
python predict.py --input texts.csv --output predictions.csv
```
"""


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def graph_line(graph: dict[str, Any]) -> str:
    """One sentence on the weights' precision and what onnxruntime fused."""
    fused = graph.get("fused") or {}
    how = (f"onnxruntime's transformer optimiser fused {', '.join(f'{n} {op}' for op, n in fused.items())} "
           "operators (they need onnxruntime to run)") if fused else "no operators were fused"
    return f"Weights: {graph.get('weights', 'float32')}; {how}."


def render_card(report: dict[str, Any]) -> str:
    """Markdown for ``README.md`` (``EXPORT.md`` beside a Hugging Face folder's own card)."""
    p, s = report["parity"], report["speed"]
    change = p["accuracy_change_points"]
    tfidf = report.get("model_kind") == "tfidf"
    source = "the run's TF-IDF model" if tfidf else "the PyTorch model"
    usage = _TFIDF_USAGE if tfidf else _USAGE if report["format"] != "hf" else ""
    lines = [
        f"# Exported model ({report['format']})", "",
        f"Exported by TL Studio from the run `{report['run']}` (task: {report['task']}).", "",
        usage,
        f"## Checked against {source} on the {p['rows']} test rows", "",
        "| Check | Value |", "|---|---|",
        f"| Largest difference of a class probability | {p['max_abs_diff']:.2e} |",
        f"| Rows whose predicted label agrees | {_pct(p['label_agreement'])} |",
        f"| Test accuracy, {'run' if tfidf else 'PyTorch'} | {_pct(p['accuracy_pytorch'])} |",
        f"| Test accuracy, export | {_pct(p['accuracy_exported'])} |",
        f"| Accuracy change | {'n/a' if change is None else f'{change:+.1f} points'} |", "",
        "## Speed on the exporting machine's CPU", "",
        "| Model | ms per text (batch 1) | rows/s (batch 32) |", "|---|---|---|",
    ]
    for name in ("pytorch", "exported"):
        lines.append(f"| {'run (TF-IDF)' if tfidf and name == 'pytorch' else name} | {s[name]['latency_ms_batch1']:.1f} | {s[name]['rows_per_s_batch32']:.0f} |")
    lines += ["", f"Speed-up at batch 32: {s['speedup_batch32']:.2f}x.", ""]
    if report.get("graph"):
        lines += ["## How the graph was built", "", graph_line(report["graph"]), ""]
    if report["warnings"]:
        lines += ["## Warnings", ""] + [f"- {w}" for w in report["warnings"]] + [""]
    return "\n".join(lines)
