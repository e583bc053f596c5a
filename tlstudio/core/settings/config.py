"""Run configuration: one dataclass, JSON round-trip, versioned."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tlstudio.core.errors import TrainingError

SCHEMA_VERSION = 1

TASKS = ("binary", "multiclass", "multilabel", "regression")
OPTIMIZERS = ("adamw", "adam", "rmsprop", "sgd")
SCHEDULERS = ("linear", "cosine", "constant")
DEVICES = ("auto", "cpu", "cuda", "mps")
PRECISIONS = ("auto", "fp32", "bf16", "fp16")


@dataclass
class RunConfig:
    """Everything that defines a training run; saved as ``config.json`` in the run folder.

    ``strategy`` is ``"full"`` (fine-tune everything), ``"frozen"`` (train the head
    only) or ``"freeze-N"`` (freeze the embeddings and the lowest N layers).
    ``None`` for ``max_length``, ``text_columns``, ``label_column``, ``task``, ``encoding``,
    ``delimiter`` or ``has_header`` means "infer from the data".
    """

    data_path: str = ""
    encoding: str | None = None
    delimiter: str | None = None
    has_header: bool | None = None
    text_columns: list[str] | None = None
    label_column: str | None = None
    task: str | None = None
    test_file: str | None = None
    split_column: str | None = None
    test_size: float = 0.15
    val_size: float = 0.15
    seed: int = 42

    model: str = "default"
    trust_remote_code: bool = False

    epochs: float = 3.0
    batch_size: int = 16
    learning_rate: float = 5e-5
    max_length: int | None = None
    optimizer: str = "adamw"
    scheduler: str = "linear"
    warmup_ratio: float = 0.1
    weight_decay: float = 0.01
    grad_accumulation: int = 1
    class_weights: bool = False
    early_stopping_patience: int | None = 2
    strategy: str = "full"
    head_dropout: float | None = None
    device: str = "auto"
    precision: str = "auto"
    logging_steps: int = 5
    evals_per_epoch: int = 1

    output_dir: str | None = None
    schema_version: int = SCHEMA_VERSION
    extra: dict[str, Any] = field(default_factory=dict)

    def validate(self) -> None:
        """Raise :class:`TrainingError` with a clear message for an invalid setting."""
        checks = [
            (self.task is None or self.task in TASKS, f"task must be one of {', '.join(TASKS)}"),
            (self.optimizer in OPTIMIZERS, f"optimizer must be one of {', '.join(OPTIMIZERS)}"),
            (self.scheduler in SCHEDULERS, f"scheduler must be one of {', '.join(SCHEDULERS)}"),
            (self.device in DEVICES, f"device must be one of {', '.join(DEVICES)}"),
            (self.precision in PRECISIONS, f"precision must be one of {', '.join(PRECISIONS)}"),
            (self.epochs > 0, "epochs must be positive"),
            (self.batch_size >= 1, "batch size must be at least 1"),
            (self.learning_rate > 0, "learning rate must be positive"),
            (self.max_length is None or self.max_length >= 8, "max length must be at least 8"),
            (0 <= self.warmup_ratio < 1, "warmup ratio must be in [0, 1)"),
            (self.weight_decay >= 0, "weight decay must be non-negative"),
            (self.grad_accumulation >= 1, "gradient accumulation must be at least 1"),
            (0 < self.test_size < 1 or self.test_file is not None or self.split_column is not None,
             "test size must be between 0 and 1"),
            (0 <= self.val_size < 1, "validation size must be between 0 and 1"),
            (self.head_dropout is None or 0 <= self.head_dropout < 1, "head dropout must be in [0, 1)"),
            (self.strategy_layers() is not None or self.strategy in ("full", "frozen"),
             "strategy must be full, frozen or freeze-N (N a whole number)"),
        ]
        for ok, message in checks:
            if not ok:
                raise TrainingError(f"Invalid setting: {message}.")

    def strategy_layers(self) -> int | None:
        """N for a ``freeze-N`` strategy, else ``None``."""
        if self.strategy.startswith("freeze-"):
            tail = self.strategy.removeprefix("freeze-")
            if tail.isdigit():
                return int(tail)
        return None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunConfig:
        """Build from a dict; unknown keys go to ``extra`` so newer files still load."""
        version = data.get("schema_version", SCHEMA_VERSION)
        if version > SCHEMA_VERSION:
            raise TrainingError(
                f"This run configuration was written by a newer TL Studio (schema {version}); "
                "please update TL Studio."
            )
        known = {f.name for f in dataclasses.fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in known}
        extra = {k: v for k, v in data.items() if k not in known}
        config = cls(**kwargs)
        config.extra.update(extra)
        config.schema_version = SCHEMA_VERSION
        return config

    @classmethod
    def from_json(cls, text: str) -> RunConfig:
        return cls.from_dict(json.loads(text))

    @classmethod
    def load(cls, path: str | Path) -> RunConfig:
        return cls.from_json(Path(path).read_text(encoding="utf-8"))


PRESETS: dict[str, dict[str, Any]] = {
    "Quick": {"epochs": 1.0, "batch_size": 32, "learning_rate": 1e-4, "early_stopping_patience": None},
    "Balanced": {"epochs": 3.0, "batch_size": 16, "learning_rate": 5e-5, "early_stopping_patience": 2},
    "Thorough": {"epochs": 6.0, "batch_size": 16, "learning_rate": 3e-5, "early_stopping_patience": 3},
}
