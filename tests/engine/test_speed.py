"""Issues 11 and 15: the time estimate comes from this computer's measured training speed."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tlstudio.core.training import speed as sp

DATA = Path(__file__).resolve().parents[1] / "data"


def _stored() -> list[dict]:
    return json.loads(sp.store_path().read_text(encoding="utf-8"))["records"]


def test_a_remembered_speed_is_the_median_of_this_models_runs_and_a_guess_without_any():
    guess = sp.speed_for("cpu", "m", 22_700_000, "full", 128)
    assert guess.source == "default" and guess.note() == " (a guess: no run measured yet)"
    for rate in (10.0, 50.0, 12.0):  # one run under heavy load must not set the figure
        sp.remember("cpu", "m", 22_700_000, "full", 100, rate, 40.0)
    found = sp.speed_for("cpu", "m", 22_700_000, "full", 128)  # 100 and 128 share the bucket
    assert (found.source, found.samples_per_second, found.match) == ("measured", 12.0, 0)
    assert found.eval_samples_per_second == 40.0 and found.note() == ", measured"
    assert sp.speed_for("cuda", "m", 22_700_000, "full", 128).source == "default"  # another device


def test_only_the_newest_runs_per_key_are_kept():
    for rate in range(1, sp.KEEP + 4):
        sp.remember("cpu", "m", 1000, "full", 64, float(rate))
    sp.remember("cpu", "other", 1000, "full", 64, 99.0)
    records = _stored()
    assert [r["samples_per_second"] for r in records if r["model"] == "m"] == list(range(4, sp.KEEP + 4))
    assert len(records) == sp.KEEP + 1


def test_a_measurement_carries_over_to_other_lengths_strategies_and_models_with_the_default_scaling():
    sp.remember("cpu", "m", 22_700_000, "full", 128, 20.0)
    half = sp.speed_for("cpu", "m", 22_700_000, "full", 256)
    assert half.match == 1 and half.samples_per_second == pytest.approx(10.0, rel=0.01)
    frozen = sp.speed_for("cpu", "m", 22_700_000, "frozen", 128)
    assert frozen.match == 2 and frozen.samples_per_second == pytest.approx(20.0 / sp.WORK_SHARE["frozen"], rel=0.01)
    assert frozen.full_samples_per_second == pytest.approx(20.0, rel=0.01)
    larger = sp.speed_for("cpu", "big", 4 * 22_700_000, "full", 128)
    assert larger.match == 3 and larger.samples_per_second == pytest.approx(5.0, rel=0.01)


def test_other_hosts_old_runs_and_a_broken_file_are_not_used():
    sp.remember("cpu", "m", 1000, "full", 64, 30.0)
    records = _stored()
    old = (datetime.now(UTC) - timedelta(days=sp.MAX_AGE_DAYS + 1)).isoformat()
    records = [{**records[0], "host": socket.gethostname() + "-other"}, {**records[0], "when": old}]
    sp.store_path().write_text(json.dumps({"version": 1, "records": records}), encoding="utf-8")
    assert sp.speed_for("cpu", "m", 1000, "full", 64).source == "default"
    sp.store_path().write_text("{not json", encoding="utf-8")
    assert sp.speed_for("cpu", "m", 1000, "full", 64).source == "default"
    sp.remember("cpu", "m", 1000, "full", 64, 30.0)  # a broken file is replaced, not a failure
    assert sp.speed_for("cpu", "m", 1000, "full", 64).samples_per_second == 30.0


def test_a_runs_speed_leaves_out_its_validation_passes():
    history = [{"loss": 0.5}, {"eval_runtime": 4.0, "eval_samples_per_second": 50.0},
               {"eval_runtime": 6.0, "eval_samples_per_second": 30.0}]
    assert sp.measured_run_speed(history, 30.0, 400) == (20.0, 40.0)
    assert sp.measured_run_speed([], 0.0, 400) == (None, None)


def test_a_probe_is_run_only_when_the_run_is_long_and_the_probe_cheap():
    assert sp.worth_probing(600, 10) and not sp.worth_probing(600, 40) and not sp.worth_probing(30, 0.1)


def test_the_probe_times_real_steps_and_leaves_the_model_and_random_state_as_they_were(tiny_model_dir):
    import torch

    from tlstudio.core.models.loading import load_classifier, load_tokenizer

    model, _ = load_classifier(tiny_model_dir, task="binary", label_names=["a", "b"])
    model.eval()
    tokenizer = load_tokenizer(tiny_model_dir)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    torch.manual_seed(3)
    expected = torch.rand(3)
    torch.manual_seed(3)
    texts = [" ".join(["good movie"] * (i % 9 + 1)) for i in range(40)]
    rate = sp.probe(model, tokenizer, texts, None, 8, 32, "cpu")
    assert rate > 0
    assert torch.equal(torch.rand(3), expected)  # the run's shuffling and dropout are unchanged
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert all(p.grad is None for p in model.parameters()) and not model.training


class _Rows:
    """A training split of ``n`` same rows: what run_speed reads of the prepared data."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, column: str) -> list[str]:
        return ["a good movie"] * self.n


def test_a_probe_worth_running_wins_over_remembered_runs_and_their_median_is_used_otherwise(monkeypatch):
    from types import SimpleNamespace

    for rate in (10.0, 50.0, 12.0):
        sp.remember("cpu", "m", 22_700_000, "full", 128, rate, 40.0)
    probes = []
    monkeypatch.setattr(sp, "_probe_strategy", lambda *a: probes.append(a) or 20.0)
    config = SimpleNamespace(strategy="full", max_length=128, preset="balanced", planned=["batch_size"], batch_size=32)
    data = SimpleNamespace(splits={"train": _Rows(4000)}, label_names=["a", "b"], is_pair=False)
    info = SimpleNamespace(name="m", parameters=22_700_000)
    speed, considered = sp.run_speed(config, data, info, None, None, "cpu", "fp32")
    assert (speed.source, speed.samples_per_second, speed.eval_samples_per_second) == ("probe", 20.0, 40.0)
    assert considered["measured"] == 12.0 and considered["probe"] == 20.0 and "default" in considered
    monkeypatch.setattr(sp, "PROBE_MIN_SECONDS", 1e9)  # a run too short to be worth a probe
    speed, considered = sp.run_speed(config, data, info, None, None, "cpu", "fp32")
    assert (speed.source, speed.samples_per_second) == ("measured", 12.0) and "probe" not in considered
    assert len(probes) == 1


def _train(tiny_model_dir, out: Path) -> dict:
    from tlstudio.cli.main import main

    argv = ["train", str(DATA / "sentiment_120.csv"), "--out", str(out), "--model", str(tiny_model_dir),
            "--preset", "quick", "--epochs", "3", "--batch-size", "8", "--max-length", "32", "--long-texts", "truncate",
            "--precision", "fp32"]
    assert main(argv) == 0
    return json.loads((out / "run.json").read_text(encoding="utf-8"))


def test_a_first_run_is_timed_by_a_probe_and_a_short_second_one_by_what_the_first_measured(
        tiny_model_dir, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sp, "PROBE_MIN_SECONDS", 0.0)  # the tiny run is far too short to probe
    monkeypatch.setattr(sp, "PROBE_SHARE", 1.0)
    first = _train(tiny_model_dir, tmp_path / "first")
    assert first["plan"]["speed_source"] == "probe" and first["speed"]["source"] == "probe"
    probed = first["speed"]["considered"]["probe"]
    assert probed > 0 and first["plan"]["samples_per_second"] == pytest.approx(probed, abs=0.01)
    assert set(first["speed"]["considered"]) == {"default", "probe"}
    assert first["plan"]["line"].endswith(", measured.")
    measured = first["measured_speed"]["train_samples_per_second"]
    assert measured > 0 and _stored()[0]["samples_per_second"] == pytest.approx(measured, abs=0.01)
    capsys.readouterr()
    monkeypatch.setattr(sp, "PROBE_MIN_SECONDS", 1e9)  # not worth a probe: what was measured is used
    second = _train(tiny_model_dir, tmp_path / "second")
    assert second["plan"]["speed_source"] == "measured" and second["speed"]["match"] == 0
    assert second["plan"]["samples_per_second"] == pytest.approx(measured, abs=0.01)
    assert second["plan"]["line"].endswith(", measured.") and second["plan"]["line"] in capsys.readouterr().err
