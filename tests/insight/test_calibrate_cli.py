"""``tlstudio calibrate RUN``: the report as JSON and text, thresholds set and saved, bad values refused."""

from __future__ import annotations

import json
import random
import re
import shutil

import pytest
from conftest import keyword_sentence, one_torch_thread, write_csv

from tlstudio.cli.main import main
from tlstudio.core.inference.predictor import Predictor
from tlstudio.core.runs.store import RunFolder
from tlstudio.core.settings.config import RunConfig


@pytest.fixture(scope="module")
def calibrated_run(keyword_model_dir, tmp_path_factory):
    """A finished-looking run of the keyword model, calibrated once (the CLI's first call fits)."""
    tmp = tmp_path_factory.mktemp("cal_cli")
    rng = random.Random(2)
    data = write_csv(tmp / "kw.csv", [(keyword_sentence(rng, i % 2), ("neg", "pos")[i % 2]) for i in range(120)])
    run = shutil.copytree(keyword_model_dir, tmp / "run")
    (run / "run_config.json").write_text(RunConfig(data_path=str(data), model="tiny", max_length=32,
                                                   output_dir=str(run)).to_json())
    RunFolder(run).write_metrics({"task": "binary", "label_names": ["neg", "pos"], "model": {"accuracy": 1.0}})
    with one_torch_thread():
        assert main(["calibrate", str(run), "--json"]) == 0
    return run


def test_calibrate_json_reports_ece_and_saves_the_temperature(calibrated_run, capsys):
    assert main(["calibrate", str(calibrated_run), "--json"]) == 0  # from the saved report now
    found = json.loads(capsys.readouterr().out)
    report, saved = found["report"], found["saved"]
    assert report["ece_after"] <= report["ece_before"] and report["test_rows"] == 18
    assert saved["temperature"] == report["temperature"] == RunFolder(calibrated_run).calibration().temperature
    assert len(report["reliability_after"]["counts"]) == 10 and "pos" in report["suggested_thresholds"]


def test_thresholds_set_on_the_command_line_are_what_predict_applies(calibrated_run, capsys):
    assert main(["calibrate", str(calibrated_run), "--threshold", "0", "--unsure-below", "0.99"]) == 0
    out = capsys.readouterr().out
    assert "Decision threshold for 'pos': 0.0;" in out
    assert re.search(r"On test, \d+ of 18 rows would be answered 'unsure'; accuracy on the rest", out)
    predictor = Predictor.load(calibrated_run, device="cpu")
    with one_torch_thread():
        predictions = predictor.predict(["awful movie", "this phone is so", "the food was excellent"])
    assert [p.label for p in predictions] == ["pos", "pos", "pos"]  # threshold 0: always 'pos'
    assert [p.unsure for p in predictions] == [max(p.scores.values()) < 0.99 for p in predictions]
    assert RunFolder(calibrated_run).calibration().unsure_below == 0.99
    assert main(["calibrate", str(calibrated_run), "--threshold", "off", "--unsure-below", "off"]) == 0
    saved = RunFolder(calibrated_run).calibration()
    assert saved.thresholds == {} and saved.unsure_below is None and saved.temperature > 0
    with one_torch_thread():
        assert predictor.predict(["awful movie"])[0].label == "neg"  # the same predictor, at once


@pytest.mark.parametrize("flags", [["--threshold", "1.5"], ["--unsure-below", "sure"], ["--threshold", "x=0.2"]])
def test_bad_values_are_one_error_line(calibrated_run, capsys, flags):
    assert main(["calibrate", str(calibrated_run), *flags]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err
