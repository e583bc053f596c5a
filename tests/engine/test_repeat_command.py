""""Copy as command" gives a line that rebuilds the same RunConfig."""

from __future__ import annotations

import shlex

from tlstudio.cli.engine import config_from_args
from tlstudio.cli.main import build_parser
from tlstudio.core.runs.catalog import repeat_command
from tlstudio.core.settings.config import RunConfig


def test_repeat_command_round_trips_every_training_setting(tmp_path):
    config = RunConfig(
        data_path=str(tmp_path / "my data.csv"), text_columns=["q", "a"], label_column="y",
        task="multiclass", epochs=1.5, batch_size=8, learning_rate=2e-5, max_length=96,
        optimizer="sgd", scheduler="cosine", warmup_ratio=0.2, weight_decay=0.0,
        grad_accumulation=2, class_weights=True, early_stopping_patience=4, strategy="freeze-2",
        head_dropout=0.3, seed=7, precision="fp32", logging_steps=1, evals_per_epoch=3,
        encoding="cp1252", delimiter=";", output_dir=str(tmp_path / "run"),
    )
    argv = shlex.split(repeat_command(config))
    assert argv[:2] == ["tlstudio", "train"]
    rebuilt = config_from_args(build_parser().parse_args(argv[1:]))
    assert rebuilt.to_dict() == config.to_dict()
