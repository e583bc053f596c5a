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


def _metrics_table(metrics: dict[str, Any]) -> list[str]:
    model = metrics.get("model", {})
    baselines = metrics.get("baselines", {})
    names = [k for k in model if k != "seconds"]
    titles = [BASELINE_TITLES.get(key, f"{key} baseline") for key in baselines]
    lines = ["| metric | fine-tuned model | " + " | ".join(titles) + " |", "|---|---|" + "---|" * len(titles)]
    for name in names:
        cells = [_fmt(b.get(name)) for b in baselines.values()]
        lines.append(f"| {name} | {_fmt(model.get(name))} | " + " | ".join(cells) + " |")
    return lines


def _verdict_lines(verdict: dict[str, Any] | None) -> list[str]:
    """The verdict's sentence, the score's 95 % interval and the advice, as the card's summary."""
    if not verdict:
        return []
    main = verdict["score"]
    lines = [f"**Verdict:** {verdict['text']}", "",
             f"{main['name']} {main['value']:.4f}, 95 % interval {main['ci_low']:.4f} to {main['ci_high']:.4f} "
             f"over {main['rows']} test rows.", ""]
    lines += [f"- {a['text']}" for a in verdict.get("advice", [])]
    return lines + ([""] if verdict.get("advice") else [])


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
    lines = [
        "---",
        "library_name: transformers",
        "pipeline_tag: text-classification",
        "tags: [tlstudio]",
        "---",
        "",
        f"# {info.get('name', 'TL Studio run')}",
        "",
        f"A `{task}` text classifier fine-tuned with TL Studio from **{info.get('model', config.model)}**.{stopped}",
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
              *_metrics_table(metrics), ""]
    lines += ["## Hyperparameters", "", "| setting | value |", "|---|---|"]
    lines += [f"| {label} | {value} |" for label, value in settings_rows(config, "basic", "advanced")]
    lines += [f"| Device / precision | {info.get('device', '')} / {info.get('precision', '')} |", ""]
    lines += [
        "## Intended use",
        "",
        "Classifying texts like the training data, in the same language and domain. "
        "Load it with `transformers.pipeline(\"text-classification\", model=\"<this folder>\")` "
        "or `tlstudio predict <this folder> --text \"...\"`.",
        "",
        "## Limitations",
        "",
        f"- Trained on {sizes.get('train', 0)} examples; expect lower accuracy on text unlike them.",
        "- Inherits the biases of the pretrained model and of the training data.",
        f"- Texts longer than {config.max_length} tokens {_long_texts_words(config.long_texts)}.",
    ]
    for warning in info.get("fit_warnings", []):
        lines.append(f"- {warning}")
    lines += ["", f"Repeat this run: `{info.get('repeat_command', '')}`", ""]
    return "\n".join(lines)


def _long_texts_words(mode: str) -> str:
    """How the shipped model reads a text longer than its max length."""
    return {"chunks-mean": "are read in overlapping parts and the parts' scores averaged",
            "chunks-max": "are read in overlapping parts, and a label wins when any part says so"}.get(
                mode, "are cut off")
