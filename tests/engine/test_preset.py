"""Issue 11: ``--preset`` plans the settings left out; settings given explicitly win."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import prepared_for

from tlstudio.cli.engine import config_from_args
from tlstudio.cli.main import build_parser, main
from tlstudio.core.settings.command import repeat_command
from tlstudio.core.training.plan import plan_run
from tlstudio.core.training.preset import apply_plan


def _config(*flags: str):
    return config_from_args(build_parser().parse_args(["train", "d.csv", *flags]))


def test_the_plan_fills_only_what_was_left_out_and_explicit_epochs_win():
    data = prepared_for("binary")
    rows, val = len(data.splits["train"]), len(data.splits["validation"])
    planned = plan_run(rows, 2, "cpu", "quick", 4_000_000, val_rows=val, max_length=32)

    config = _config("--preset", "quick", "--max-length", "32")  # nothing given: the plan chooses
    assert set(config.planned) == {"epochs", "batch_size", "learning_rate", "evals_per_epoch",
                                   "early_stopping_patience", "warmup_ratio"}
    assert apply_plan(config, data, "cpu", 4_000_000) is not None and config.planned == []
    assert (config.epochs, config.batch_size, config.learning_rate) == (
        planned.epochs, planned.batch_size, planned.learning_rate)
    assert config.epochs != 3.0  # not the schema default: the plan really chose

    explicit = _config("--preset", "quick", "--max-length", "32", "--epochs", "1", "--lr", "0.001")
    apply_plan(explicit, data, "cpu", 4_000_000)
    assert (explicit.epochs, explicit.learning_rate) == (1.0, 0.001)
    assert (explicit.batch_size, explicit.evals_per_epoch) == (16, 1)  # the run's length is the user's
    assert explicit.early_stopping_patience == planned.early_stopping_patience

    none = _config("--preset", "none")
    assert none.preset is None and none.planned == [] and apply_plan(none, data, "cpu", None) is None
    assert _config().preset == "balanced"  # the default


def test_a_planned_run_repeats_with_the_values_the_plan_chose():
    data = prepared_for("binary")
    config = _config("--preset", "thorough")
    apply_plan(config, data, "cpu", None)
    again = config_from_args(build_parser().parse_args(repeat_command(config).split()[1:]))
    assert again.planned == [] and again.to_dict() == config.to_dict()


def test_a_real_run_under_quick_prints_its_plan_and_keeps_explicit_epochs(tiny_model_dir, tmp_path, capsys):
    data = Path(__file__).resolve().parents[1] / "data"  # not 'from conftest': several exist
    out = tmp_path / "run"
    argv = ["train", str(data / "sentiment_120.csv"), "--out", str(out), "--model", str(tiny_model_dir),
            "--preset", "quick", "--epochs", "1", "--max-length", "32", "--long-texts", "truncate", "--precision", "fp32"]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "Plan (quick): " in err and "(1 epoch), validation every" in err
    assert " on this CPU (a guess: no run measured yet)." in err  # nothing measured in this home yet
    info = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert info["plan"]["preset"] == "quick" and info["plan"]["line"] in err
    saved = json.loads((out / "run_config.json").read_text(encoding="utf-8"))
    assert saved["epochs"] == 1.0 and saved["learning_rate"] == info["plan"]["learning_rate"]
    assert saved["planned"] == [] and saved["preset"] == "quick"
