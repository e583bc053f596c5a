""""Copy as command" gives a line that rebuilds the same RunConfig, for every setting."""

from __future__ import annotations

import dataclasses
import math
import re
import shlex

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tlstudio.cli.engine import config_from_args
from tlstudio.cli.main import build_parser
from tlstudio.core.settings.command import repeat_command
from tlstudio.core.settings.config import RunConfig
from tlstudio.core.settings.schema import flag_of, settings_fields

NOT_SETTINGS = {"schema_version", "extra", "planned", "label_values"}  # the file format's own fields, never a flag


def _parse(command: str) -> RunConfig:
    argv = shlex.split(command)
    assert argv[:2] == ["tlstudio", "train"]
    return config_from_args(build_parser().parse_args(argv[1:]))


def test_repeat_command_round_trips_every_training_setting(tmp_path):
    config = RunConfig(
        data_path=str(tmp_path / "my data.csv"), text_columns=["q", "a"], label_columns=["y"],
        task="multiclass", epochs=1.5, batch_size=8, learning_rate=2e-5, max_length=96,
        optimizer="sgd", scheduler="cosine", warmup_ratio=0.2, weight_decay=0.0,
        grad_accumulation=2, class_weights=True, early_stopping_patience=4, strategy="freeze-2",
        head_dropout=0.3, seed=7, lora_rank=4, lora_alpha=32, lora_targets="query,value",
        long_texts="auto", precision="fp32", logging_steps=1, evals_per_epoch=3,
        encoding="cp1252", delimiter=";", output_dir=str(tmp_path / "run"),
        has_header=False, keep_checkpoints=True,
    )
    command = repeat_command(config)
    assert "--no-header" in command and "--keep-checkpoints" in command
    assert _parse(command).to_dict() == config.to_dict()


def test_the_repeat_command_keeps_exact_floats_and_several_label_columns():
    config = RunConfig(data_path="d.csv", learning_rate=1.2345678e-5, epochs=2.25,
                       label_columns=["toxic", "insult"], has_header=True)
    command = repeat_command(config)
    assert "--lr 1.2345678e-05" in command and "--header" in command
    assert "--label-column toxic --label-column insult" in command
    assert _parse(command) == config


_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12)


def _floats(low: float, high: float, *, low_open: bool = False, high_open: bool = False):
    return st.floats(low, high, exclude_min=low_open, exclude_max=high_open, allow_nan=False,
                     allow_infinity=False)


# One strategy per setting, covering its whole valid range; a new field fails the test below
# until it gets one here.
STRATEGIES = {
    "data_path": _text, "encoding": st.none() | _text, "delimiter": st.none() | _text,
    "has_header": st.none() | st.booleans(),
    "text_columns": st.none() | st.lists(_text, min_size=1, max_size=2),
    "class_names": st.none() | st.lists(_text, min_size=1, max_size=4),
    "label_columns": st.none() | st.lists(_text, min_size=1, max_size=4),
    "task": st.none() | st.just("multilabel"),
    "test_file": st.none() | _text, "split_column": st.none() | _text,
    "test_size": _floats(0, 1, low_open=True, high_open=True),
    "val_size": _floats(0, 1, high_open=True), "seed": st.integers(0, 2**32 - 1),
    "model": _text, "trust_remote_code": st.booleans(),
    "preset": st.none() | st.sampled_from(["quick", "balanced", "thorough"]),
    "epochs": _floats(0, 1000, low_open=True), "batch_size": st.integers(1, 4096),
    "learning_rate": _floats(0, 1, low_open=True), "max_length": st.none() | st.integers(8, 100_000),
    "optimizer": st.sampled_from(["adamw", "adam", "rmsprop", "sgd"]),
    "scheduler": st.sampled_from(["linear", "cosine", "constant"]),
    "warmup_ratio": _floats(0, 1, high_open=True), "weight_decay": _floats(0, 10),
    "grad_accumulation": st.integers(1, 512), "class_weights": st.booleans(),
    "early_stopping_patience": st.none() | st.integers(1, 1000),
    "strategy": st.sampled_from(["full", "frozen", "lora"]) | st.integers(0, 99).map(lambda n: f"freeze-{n}"),
    "lora_rank": st.integers(1, 1024), "lora_alpha": st.integers(1, 4096),
    "lora_targets": st.none() | _text,
    "long_texts": st.sampled_from(["truncate", "chunks-mean", "chunks-max", "auto"]),
    "head_dropout": st.none() | _floats(0, 1, high_open=True),
    "device": st.sampled_from(["auto", "cpu", "cuda", "mps"]),
    "precision": st.sampled_from(["auto", "fp32", "bf16", "fp16"]),
    "logging_steps": st.integers(1, 10_000), "evals_per_epoch": st.integers(1, 100),
    "keep_checkpoints": st.booleans(), "output_dir": st.none() | _text,
}


def test_every_setting_has_a_strategy_and_train_help_documents_it_with_its_default(capsys):
    names = {f.name for f in dataclasses.fields(RunConfig)}
    assert set(STRATEGIES) == names - NOT_SETTINGS
    assert {f.name for f in settings_fields("internal")} == NOT_SETTINGS
    with pytest.raises(SystemExit):
        build_parser().parse_args(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())  # unwrapped
    text = text[text.index("options:"):]  # after the usage lines
    for f in settings_fields():
        if f.name in NOT_SETTINGS or f.metadata.get("positional"):
            continue
        words = re.escape(" ".join(f.metadata["help"].split())[:30])
        # the flag, its --no- form or its metavar, then its help, then its default
        found = re.search(rf" {re.escape(flag_of(f))}(, --no-\S+)?( \S+)? {words}[^(]*(\([^)]*\)[^(]*)*?\(default: ", text)
        assert found, flag_of(f)
    options = [f for f in settings_fields() if f.name not in NOT_SETTINGS and not f.metadata.get("positional")]
    assert text.count("(default: ") == len(options)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries(STRATEGIES))
def test_any_valid_config_survives_repeat_command_and_the_real_parser(values):
    config = RunConfig(**values)
    config.validate()
    rebuilt = _parse(repeat_command(config))
    for f in dataclasses.fields(RunConfig):
        got, want = getattr(rebuilt, f.name), getattr(config, f.name)
        assert got == want and type(got) is type(want), f.name
        if isinstance(want, float):
            assert math.copysign(1, got) == math.copysign(1, want), f.name


def test_an_older_run_config_with_one_label_column_and_kept_checkpoints_in_extra_still_loads():
    old = {"data_path": "d.csv", "label_column": "sentiment", "task": "binary",
           "extra": {"keep_checkpoints": True, "label_separator": ";"}, "schema_version": 1}
    config = RunConfig.from_dict(old)
    assert config.label_columns == ["sentiment"] and config.label_column == "sentiment"
    assert config.keep_checkpoints is True and config.extra == {"label_separator": ";"}
    assert "label_column" not in config.to_dict() and RunConfig.from_json(config.to_json()) == config
