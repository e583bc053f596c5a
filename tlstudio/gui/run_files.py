"""Read what a finished run folder holds (metrics, test predictions) for display. No torch."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

TRUE_KEYS = ("true", "label", "true_label", "gold")
PRED_KEYS = ("predicted", "prediction", "pred", "predicted_label")


def load_metrics(run_dir: str | Path) -> dict[str, Any]:
    """The run's ``metrics.json`` (RunFolderError when missing or damaged)."""
    from tlstudio.core.runs.folder import load_json

    return load_json(Path(run_dir) / "metrics.json")


def _pick(header: list[str], keys: tuple[str, ...]) -> str | None:
    lowered = {h.lower(): h for h in header}
    return next((lowered[k] for k in keys if k in lowered), None)


def load_test_predictions(run_dir: str | Path, limit: int = 200_000) -> list[dict[str, str]]:
    """Rows of ``predictions_test.csv`` normalised to keys row/text/true/predicted/confidence."""
    path = Path(run_dir) / "predictions_test.csv"
    if not path.exists():
        return []
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    out: list[dict[str, str]] = []
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        true_key, pred_key = _pick(header, TRUE_KEYS), _pick(header, PRED_KEYS)
        text_key = _pick(header, ("text",))
        row_key = _pick(header, ("row",))
        conf_key = _pick(header, ("confidence", "score", "probability"))
        for i, record in enumerate(reader):
            if i >= limit:
                break
            out.append({
                "row": record.get(row_key, str(i)) if row_key else str(i),
                "text": record.get(text_key, "") if text_key else "",
                "true": record.get(true_key, "") if true_key else "",
                "predicted": record.get(pred_key, "") if pred_key else "",
                "confidence": record.get(conf_key, "") if conf_key else "",
            })
    return out


def load_run_info(run_dir: str | Path) -> dict[str, Any]:
    path = Path(run_dir) / "run.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def run_data_file(run_dir: str | Path) -> str | None:
    """The data file the run trained on, from its saved config (None when unreadable)."""
    from tlstudio.core.runs.folder import CONFIG_JSON

    try:
        config = json.loads((Path(run_dir) / CONFIG_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = config.get("data_path") if isinstance(config, dict) else None
    return str(value) if value else None


def describe_run(run_dir: str | Path, stopped: bool = False) -> str:
    """One line naming a run and the data it trained on, e.g. for the Evaluate page."""
    data = run_data_file(run_dir)
    parts = [Path(run_dir).name]
    if data:
        parts.append(f"trained on {Path(data).name}")
    if stopped:
        parts.append("stopped early: the best model before the stop")
    return " · ".join(parts)

