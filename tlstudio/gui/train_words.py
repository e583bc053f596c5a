"""What the Train page says: which file a run trains on, how it ended, its test score."""

from __future__ import annotations

from typing import Any

from tlstudio.core.evaluation import format as fmt
from tlstudio.gui.state import file_names, same_file

# Headlines the live ETA may replace while steps arrive (never a pause, stop or warning line).
LIVE_HEADLINES = ("Training…", "Training on ", "Training will take about", "Training: about")
STOPPING_NOTE = ("Stopping after the current step (a validation pass under way finishes first)…"
                 " The best model so far is kept and tested.")
STOPPING_EARLY_NOTE = ("Stopping as soon as training starts (after its first step)… The model "
                       "is still tested, so the run has results.")
FINISHING_NOTE = ("Finishing evaluation… Training had already ended and the model is saved; "
                  "the test evaluation completes so the run has results.")


def data_note(current: str | None, run_data: str | None, running: bool, resuming: Any = None) -> str:
    """Which file the run trains on, and which one the next Start would use."""
    if running and resuming is not None:
        return resuming.note()
    if running and run_data:
        run_name, current_name = file_names(run_data, current)
        text = f"This run trains on {run_name}."
        if current and not same_file(current, run_data):
            text += (f" {current_name}, open on the Data page, is for the next run: this "
                     "one keeps its own data.")
        return text
    if current:
        text = f"Start trains on {file_names(current, None)[0]}."
        if run_data and not same_file(current, run_data):
            text += f" The last run trained on {file_names(run_data, current)[0]}."
        return text
    return ""


def score_headline(result: Any) -> str:
    """`` Test macro F1: 0.833 (95% interval 0.79 to 0.87).`` and the verdict in words (the
    score beside the baselines, with the p-value against the best)."""
    from tlstudio.core.evaluation.metrics import headline_metric
    from tlstudio.core.runs.store import RunFolder

    metrics = dict(getattr(result, "metrics", {}) or {})
    flat = metrics.get("model", metrics) if isinstance(metrics.get("model"), dict) else metrics
    info = RunFolder(result.run_dir).info()
    key = headline_metric(flat, info.task or metrics.get("task"))
    main = (info.verdict or {}).get("score") or {}
    interval = (f" (95% interval {fmt.score(main['ci_low'])} to {fmt.score(main['ci_high'])})"
                if main.get("name") == key and "ci_low" in main and "ci_high" in main else "")
    headline = (f" Test {fmt.metric_name(key)}: {fmt.score(flat[key])}{interval}."
                if key and isinstance(flat.get(key), (int, float)) else "")
    if info.verdict and info.verdict.get("text"):
        headline += f" {info.verdict['text']}"
    return headline


def ending(stopped: bool, stop_pressed: bool, last_step: int, total_steps: int) -> tuple[str, str, int]:
    """How a run ended: (the sentence, the progress bar's words, the steps it ran)."""
    if stopped:
        of = f" of {total_steps}" if total_steps else ""
        return (f"Stopped early after step {last_step}{of}; the best model so far was kept and "
                "tested.", f"Stopped after step {last_step}{of}", last_step)
    outcome = ("Training had already finished when you pressed Stop, so the test evaluation "
               "was completed." if stop_pressed else "Done.")
    return outcome, "Finished", total_steps or last_step
