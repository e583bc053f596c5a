"""Issue 13 item 18: classes named by a classes.txt reach the model, the reports and other files."""

from __future__ import annotations

import csv
import json
import shutil

from tlstudio.cli.main import main


def test_a_classes_txt_names_the_model_s_classes_everywhere(tiny_model_dir, tmp_path, data_dir, capsys):
    data = tmp_path / "reviews.csv"
    shutil.copy(data_dir / "sentiment_120.csv", data)  # labels 0 and 1
    (tmp_path / "classes.txt").write_text("negative\npositive\n", encoding="utf-8")
    out = tmp_path / "run"
    argv = ["train", str(data), "--out", str(out), "--model", str(tiny_model_dir), "--epochs", "1",
            "--max-length", "16", "--precision", "fp32", "--lr", "1e-3", "--preset", "none"]
    assert main(argv) == 0
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    assert config["id2label"] == {"0": "negative", "1": "positive"}
    run_config = json.loads((out / "run_config.json").read_text(encoding="utf-8"))
    assert run_config["class_names"] == ["negative", "positive"] and run_config["label_values"] == ["0", "1"]
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["label_names"] == ["negative", "positive"]
    with open(out / "predictions_test.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["true"] for r in rows} == {"negative", "positive"}
    assert {r["prediction"] for r in rows} <= {"negative", "positive"} and "prob_positive" in rows[0]
    # Another file written with the same codes is still scored (0/1 read as the named classes).
    from tlstudio.core.evaluation.other_file import evaluate_run

    assert evaluate_run(out, data)["rows_evaluated"] == 120
