"""The run folder's README.md: what was trained on what, how well, and against which baselines."""

from __future__ import annotations

from typing import Any

from tlstudio.core.settings.config import RunConfig
from tlstudio.core.settings.schema import settings_rows


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.4f}"  # a metric: four decimals line the table up
    return str(value)


BASELINE_TITLES = {"tfidf": "TF-IDF baseline", "majority": "majority baseline", "embeddings": "embeddings baseline"}


def _metrics_table(metrics: dict[str, Any], title: str = "fine-tuned model") -> list[str]:
    model = metrics.get("model", {})
    baselines = metrics.get("baselines", {})
    names = [k for k in model if k != "seconds"]
    titles = [BASELINE_TITLES.get(key, f"{key} baseline") for key in baselines]
    lines = [f"| metric | {title} | " + " | ".join(titles) + " |", "|---|---|" + "---|" * len(titles)]
    for name in names:
        cells = [_fmt(b.get(name)) for b in baselines.values()]
        lines.append(f"| {name} | {_fmt(model.get(name))} | " + " | ".join(cells) + " |")
    return lines


def _verdict_lines(verdict: dict[str, Any] | None) -> list[str]:
    """The verdict's sentence, the score's 95% interval beside each baseline's with the p-value of
    the difference, and the advice, as the card's summary."""
    if not verdict:
        return []
    from tlstudio.core.evaluation.format import p_value

    main = verdict["score"]
    lines = [f"**Verdict:** {verdict['text']}", "",
             f"{main['name']} {main['value']:.4f}, 95% interval {main['ci_low']:.4f} to {main['ci_high']:.4f} "
             f"over {main['rows']} test rows, beside each baseline on the same rows:", ""]
    lines += [f"- {b['name']}: {b['value']:.4f} (95% interval {b['ci_low']:.4f} to {b['ci_high']:.4f}); "
              f"the model against it: {p_value(b['p_value'])}, {b['test']}"
              for b in (verdict.get("baselines") or {}).values()]
    advice = verdict.get("advice") or []
    return lines + (["", "**Advice:**", ""] + [f"- {a['text']}" for a in advice] if advice else []) + [""]


def render_model_card(
    config: RunConfig,
    data_summary: dict[str, Any],
    metrics: dict[str, Any],
    info: dict[str, Any],
) -> str:
    """Markdown for README.md in the run folder."""
    task = data_summary.get("task", config.task)
    sizes = data_summary.get("sizes", {})
    labels = data_summary.get("label_names") or []
    stopped = " It was **stopped early by the user**; the best checkpoint so far was kept." if info.get("stopped") else ""
    tfidf = ((info.get("verdict") or {}).get("method") or info.get("method") or {}).get("chosen") == "tfidf"
    lines = [
        "---",
        "library_name: transformers" if not tfidf else "library_name: tlstudio",
        "pipeline_tag: text-classification",
        "tags: [tlstudio]",
        "---",
        "",
        f"# {info.get('name', 'TL Studio run')}",
        "",
        f"A `{task}` text classifier fine-tuned with TL Studio from **{info.get('model', config.model)}**.{stopped}"
        if not tfidf else f"A `{task}` text classifier: the run's TF-IDF baseline (a linear model on TF-IDF "
        f"n-grams, saved as JSON and safetensors), kept instead of the model fine-tuned from "
        f"**{info.get('model', config.model)}** because it scored higher.",
        "",
        "## Data",
        "",
        f"- Source: `{data_summary.get('source') or config.data_path}`",
        f"- Text column(s): {', '.join(data_summary.get('text_columns') or [])}; "
        f"label column(s): {', '.join(data_summary.get('label_columns') or [data_summary.get('label_column', '')])}",
        f"- Rows: train {sizes.get('train', 0)}, validation {sizes.get('validation', 0)}, test {sizes.get('test', 0)}",
    ]
    if labels:
        lines.append(f"- Labels: {', '.join(map(str, labels))}")
    lines += ["", "## Test results (beside baselines on the same split)", "", *_verdict_lines(info.get("verdict")),
              *_metrics_table(metrics, "kept TF-IDF model" if tfidf else "fine-tuned model"), ""]
    lines += ["## Hyperparameters", "", "| setting | value |", "|---|---|"]
    lines += [f"| {label} | {value} |" for label, value in settings_rows(config, "basic", "advanced")]
    lines += [f"| Device / precision | {info.get('device', '')} / {info.get('precision', '')} |", ""]
    load = ("Load it with `tlstudio predict <this folder> --text \"...\"`, or export it as a model folder "
            "whose `predict.py` needs only numpy." if tfidf else
            "Load it with `transformers.pipeline(\"text-classification\", model=\"<this folder>\")` "
            "or `tlstudio predict <this folder> --text \"...\"`.")
    lines += [
        "## Intended use",
        "",
        f"Classifying texts like the training data, in the same language and domain. {load}",
        "",
        "## Limitations",
        "",
        f"- Trained on {sizes.get('train', 0)} examples; expect lower accuracy on text unlike them.",
        "- Inherits the biases of the training data; words never seen in training carry no weight."
        if tfidf else "- Inherits the biases of the pretrained model and of the training data.",
    ]
    if not tfidf:
        lines.append(f"- Texts longer than {config.max_length} tokens {_long_texts_words(config.long_texts)}.")
    for warning in info.get("fit_warnings", []):
        lines.append(f"- {warning}")
    lines += ["", f"Repeat this run: `{info.get('repeat_command', '')}`", ""]
    return "\n".join(lines)


def _long_texts_words(mode: str) -> str:
    """How the shipped model reads a text longer than its max length."""
    return {"chunks-mean": "are read in overlapping parts and the parts' scores averaged",
            "chunks-max": "are read in overlapping parts, and a label wins when any part says so"}.get(
                mode, "are cut off")
