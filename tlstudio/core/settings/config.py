"""Run configuration: one dataclass that is also the settings schema, JSON round-trip, versioned.

Each field declares once, in its ``metadata`` (as transformers' ``HfArgumentParser`` reads
``TrainingArguments``), its CLI flag, help text, group and how the GUI shows it. The CLI
options, the repeat command, the model card, the resume summary and the GUI's training
widgets are all derived from it (see :mod:`tlstudio.core.settings.schema` and
:mod:`tlstudio.core.settings.command`).
"""

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
LONG_TEXTS = ("truncate", "chunks-mean", "chunks-max", "auto")

# Groups: "data" (chosen on the Data page), "model" (Model page), "basic" and "advanced"
# (the Train page's settings), "output" (where the run goes), "internal" (never a flag).
GROUPS = ("data", "model", "plan", "basic", "advanced", "output", "internal")
PLAN_PRESETS = ("quick", "balanced", "thorough")
# The settings a preset's plan chooses (core/training/plan.py) when the user leaves them out.
PLANNED_SETTINGS = ("epochs", "batch_size", "learning_rate", "evals_per_epoch", "early_stopping_patience",
                    "warmup_ratio")


def setting(default: Any = None, *, help: str, group: str, label: str = "",  # noqa: A002
            flag: str | None = None, factory: Any = None, **hints: Any) -> Any:
    """A ``dataclasses.field`` carrying the setting's declaration in its metadata.

    ``hints`` describe how the setting is shown: ``kind`` (``int``, ``float``, ``rate``,
    ``ratio``, ``bool``, ``tristate``, ``choice``, ``text``, ``list``), ``choices``,
    ``range`` (low, high), ``step``, ``decimals``, ``none_text`` (what ``None`` means, e.g.
    "auto"), ``none_flag`` (the CLI value that stands for ``None``, e.g. 0), ``metavar``,
    ``widget`` (the GUI widget's objectName) and ``positional``.
    """
    if group not in GROUPS:
        raise ValueError(f"unknown settings group {group!r}")
    metadata = {"help": help, "group": group, "label": label, "flag": flag, **hints}
    if factory is not None:
        return field(default_factory=factory, metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass
class RunConfig:
    """Everything that defines a training run; saved as ``run_config.json`` in the run folder.

    ``strategy`` is ``"full"`` (fine-tune everything), ``"frozen"`` (train the head
    only), ``"freeze-N"`` (freeze the embeddings and the lowest N layers) or ``"lora"``.
    ``None`` for ``max_length``, ``text_columns``, ``label_columns``, ``task``, ``encoding``,
    ``delimiter`` or ``has_header`` means "infer from the data".
    """

    data_path: str = setting(
        "", group="data", label="Data", kind="text", positional=True, metavar="DATA",
        help="the data file: CSV, TSV, JSONL, Parquet or Excel, with a text and a label column "
             "(may be left out with --resume: the run folder records its data)")
    encoding: str | None = setting(
        group="data", label="Encoding", kind="text", none_text="detected", metavar="E",
        help="the data file's text encoding")
    delimiter: str | None = setting(
        group="data", label="Delimiter", kind="text", none_text="detected", metavar="D",
        help="the data file's field delimiter")
    has_header: bool | None = setting(
        group="data", label="Header row", flag="--header", kind="tristate", none_text="detected",
        help="whether the first line of the data file holds the column names")
    text_columns: list[str] | None = setting(
        group="data", label="Text column(s)", flag="--text-column", kind="list", none_text="inferred",
        metavar="C", help="the text column; give it twice for sentence pairs")
    label_columns: list[str] | None = setting(
        group="data", label="Label column(s)", flag="--label-column", kind="list",
        none_text="inferred", metavar="C",
        help="the label column; give it once per column for multi-label data with one 0/1 "
             "column per label")
    class_names: list[str] | None = setting(
        group="data", label="Class names", flag="--class-name", kind="list",
        none_text="the labels as written (or a classes.txt beside the data file)", metavar="NAME",
        help="a name for each class, given once per class in label order (numbers in numeric order), "
             "for labels written as codes such as 0/1; the model and its reports show these names")
    task: str | None = setting(
        group="data", label="Task", kind="choice", choices=TASKS, none_text="inferred",
        help="what kind of answer the label is")
    test_file: str | None = setting(
        group="data", label="Test file", kind="text", none_text="none", metavar="FILE",
        help="a separate labelled file to test on (then the test share is not used)")
    split_column: str | None = setting(
        group="data", label="Split column", kind="text", none_text="none", metavar="C",
        help="a column saying train, validation or test for each row")
    test_size: float = setting(
        0.15, group="data", label="Test share", kind="ratio", range=(0.05, 0.5), step=0.05,
        decimals=2, widget="testSizeSpin",
        help="share of rows kept aside to measure the final model")
    val_size: float = setting(
        0.15, group="data", label="Validation share", kind="ratio", range=(0.05, 0.5), step=0.05,
        decimals=2, widget="valSizeSpin",
        help="share of rows used to watch progress during training")
    seed: int = setting(
        42, group="data", label="Seed", kind="int", range=(0, 2**31 - 1), widget="seedSpin",
        help="same seed, same split and same start: makes runs comparable")

    model: str = setting(
        "default", group="model", label="Model", kind="text", metavar="M",
        help="'default' (the bundled model), a model folder, or a downloaded hub id")
    trust_remote_code: bool = setting(
        False, group="advanced", label="Allow the model's own code", kind="bool",
        widget="trustRemoteCodeCheck",
        help="only for a model from a source you trust: its own Python code runs on this "
             "computer (needed only by models whose config has 'auto_map')")

    preset: str | None = setting(
        group="plan", label="Preset", kind="choice", choices=(*PLAN_PRESETS, "none"), none_flag="none",
        none_text="none", cli_default="balanced", metavar="{quick,balanced,thorough,none}",
        help="plan epochs, batch size, learning rate, validation and patience from the data and this "
             "computer: quick (minutes), balanced or thorough; settings given explicitly win; none: "
             "the defaults shown")
    epochs: float = setting(
        3.0, group="basic", label="Epochs", kind="float", range=(0.0001, 100.0), step=1.0,
        decimals=4, widget="epochsSpin",  # a plan gives a 200,000-row set 0.0241 epochs
        help="how many times the model reads the whole training set; more can help, but takes "
             "longer and may over-fit")
    batch_size: int = setting(
        16, group="basic", label="Batch size", kind="int", range=(1, 1024), widget="batchSizeSpin",
        help="rows per training step; larger is faster on a GPU but needs more memory")
    learning_rate: float = setting(
        5e-5, group="basic", label="Learning rate", flag="--lr", kind="rate", range=(1e-7, 1.0),
        widget="learningRateSpin",
        help="how big each learning step is: too high and training is unstable, too low and it "
             "learns slowly (2e-5 to 1e-4 is typical)")
    max_length: int | None = setting(
        group="basic", label="Max length (tokens)", kind="int", range=(8, 8192), step=32,
        none_text="auto", widget="maxLengthSpin", metavar="N",
        help="longest text, in tokens, the model reads; longer texts are cut (auto: a length "
             "that covers 95% of the training rows)")
    long_texts: str = setting(
        "auto", group="advanced", label="Texts longer than the max length", kind="choice",
        choices=LONG_TEXTS, widget="longTextsCombo",
        help="truncate (read only the start), chunks-mean (read every part in overlapping windows "
             "and average what they say), chunks-max (a label wins when any part says so) or auto, "
             "the default (chunks when 10% or more of the training rows are long, then whichever of "
             "the three scores best on validation)")
    optimizer: str = setting(
        "adamw", group="advanced", label="Optimizer", kind="choice", choices=OPTIMIZERS,
        widget="optimizerCombo", help="the update rule; AdamW is the standard for transformers")
    scheduler: str = setting(
        "linear", group="advanced", label="Schedule", kind="choice", choices=SCHEDULERS,
        widget="schedulerCombo", help="how the learning rate changes over the run")
    warmup_ratio: float = setting(
        0.1, group="advanced", label="Warm-up share", flag="--warmup", kind="ratio",
        range=(0.0, 0.5), step=0.05, decimals=2, widget="warmupSpin",
        help="share of the steps in which the learning rate ramps up from zero")
    weight_decay: float = setting(
        0.01, group="advanced", label="Weight decay", kind="float", range=(0.0, 1.0), step=0.01,
        decimals=3, widget="weightDecaySpin",
        help="a small pull of the weights towards zero that reduces over-fitting")
    grad_accumulation: int = setting(
        1, group="advanced", label="Gradient accumulation", flag="--grad-accum", kind="int",
        range=(1, 256), widget="gradAccumulationSpin",
        help="add up gradients over this many batches before a step: a bigger effective batch "
             "without more memory")
    class_weights: bool = setting(
        False, group="advanced", label="Weight rare classes", kind="bool", widget="classWeightsCheck",
        help="count rare classes more so the model does not ignore them")
    early_stopping_patience: int | None = setting(
        2, group="advanced", label="Early-stopping patience", flag="--patience", kind="int",
        range=(0, 50), none_text="never", none_flag=0, widget="patienceSpin",
        help="stop when the validation score has not improved for this many evaluations "
             "(0: never stop early); the best model is kept")
    strategy: str = setting(
        "full", group="advanced", label="Transfer strategy", kind="text", widget="strategyCombo",
        help="full (train every layer, best results), frozen (train only the classifier head, "
             "fastest), freeze-N (freeze the embeddings and the lowest N layers) or lora (train small "
             "low-rank adapters and the head: far less memory for large models; merged into the "
             "model when saved)")
    lora_rank: int = setting(
        8, group="advanced", label="LoRA rank", kind="int", range=(1, 256), widget="loraRankSpin",
        help="LoRA only: the size of each adapter; larger learns more and trains more parameters")
    lora_alpha: int = setting(
        16, group="advanced", label="LoRA alpha", kind="int", range=(1, 1024), widget="loraAlphaSpin",
        help="LoRA only: how strongly the adapters change the model (alpha / rank scales them; "
             "twice the rank is usual)")
    lora_targets: str | None = setting(
        group="advanced", label="LoRA target layers", kind="text", none_text="by architecture",
        widget="loraTargetsEdit", metavar="NAMES",
        help="LoRA only: comma-separated names of the layers to adapt (by architecture: query,value "
             "for BERT-like models)")
    head_dropout: float | None = setting(
        group="advanced", label="Head dropout", kind="ratio", range=(0.0, 0.9), step=0.05,
        decimals=2, none_text="model default", widget="headDropoutSpin",
        help="randomly drop this share of the classifier head's inputs while training")
    device: str = setting(
        "auto", group="basic", label="Device", kind="choice", choices=DEVICES, widget="deviceCombo",
        help="where training runs (auto: the best available); a GPU is much faster than the CPU")
    precision: str = setting(
        "auto", group="advanced", label="Precision", kind="choice", choices=PRECISIONS,
        widget="precisionCombo",
        help="number format for training; bf16 and fp16 are faster on supported hardware")
    logging_steps: int = setting(
        5, group="advanced", label="Log every (steps)", kind="int", range=(1, 1000),
        widget="loggingStepsSpin",
        help="record the training loss every this many steps (1 draws the live plot step by step)")
    evals_per_epoch: int = setting(
        1, group="advanced", label="Evaluations per epoch", kind="int", range=(1, 10_000),  # a plan's
        # validation passes spread over a fraction of an epoch of a large set are many per epoch
        widget="evalsPerEpochSpin",
        help="how often per epoch to measure the validation set (each one also saves a checkpoint)")
    keep_checkpoints: bool = setting(
        False, group="advanced", label="Keep checkpoints", kind="bool", widget="keepCheckpointsCheck",
        help="keep the training checkpoints in the run folder once the run is complete "
             "(they take several times the model's size)")

    output_dir: str | None = setting(
        group="output", label="Run folder", flag="--out", kind="text",
        none_text="a new folder under the TL Studio runs folder", metavar="DIR",
        help="the run folder to write")
    schema_version: int = setting(SCHEMA_VERSION, group="internal", help="the settings format's version")
    planned: list[str] = setting(group="internal", factory=list,
                                 help="settings the preset's plan fills in before training (those not given)")
    label_values: list[str] = setting(group="internal", factory=list,
                                      help="the labels as the data file writes them, in class order, "
                                           "when class names stand for them")
    extra: dict[str, Any] = setting(group="internal", factory=dict,
                                    help="settings from newer versions, kept as read")

    def validate(self) -> None:
        """Raise :class:`TrainingError` with a clear message for an invalid setting."""
        checks = [
            (self.task is None or self.task in TASKS, f"task must be one of {', '.join(TASKS)}"),
            (self.preset is None or self.preset in PLAN_PRESETS,
             f"preset must be one of {', '.join(PLAN_PRESETS)}"),
            (self.optimizer in OPTIMIZERS, f"optimizer must be one of {', '.join(OPTIMIZERS)}"),
            (self.scheduler in SCHEDULERS, f"scheduler must be one of {', '.join(SCHEDULERS)}"),
            (self.long_texts in LONG_TEXTS, f"long texts must be one of {', '.join(LONG_TEXTS)}"),
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
            (self.early_stopping_patience is None or self.early_stopping_patience >= 1,
             "early-stopping patience must be at least 1 (or none)"),
            (self.logging_steps >= 1, "logging steps must be at least 1"),
            (self.evals_per_epoch >= 1, "evaluations per epoch must be at least 1"),
            (self.strategy_layers() is not None or self.strategy in ("full", "frozen", "lora"),
             "strategy must be full, frozen, freeze-N (N a whole number) or lora"),
            (self.lora_rank >= 1 and self.lora_alpha >= 1, "LoRA rank and alpha must be at least 1"),
            (self.text_columns is None or 1 <= len(self.text_columns) <= 2,
             "choose one text column, or two for sentence pairs"),
            (self.class_names is None or len(self.class_names) >= 1,
             "give at least one class name (or none to use the labels)"),
            (self.label_columns is None or len(self.label_columns) >= 1,
             "name at least one label column (or none to infer it)"),
            (not self.label_columns or len(self.label_columns) == 1 or self.task in (None, "multilabel"),
             "several label columns make a multi-label task"),
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

    @property
    def label_column(self) -> str | None:
        """The first label column (the only one unless the labels are one 0/1 column each)."""
        return self.label_columns[0] if self.label_columns else None

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
        data = _upgrade(dict(data))
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


def _upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """Older files: ``label_column`` (one name), ``extra.keep_checkpoints``, no ``long_texts``."""
    data.setdefault("long_texts", "truncate")  # runs from before the setting read only the start
    old = data.pop("label_column", None)
    if old and not data.get("label_columns"):
        data["label_columns"] = [old]
    extra = dict(data.get("extra") or {})
    if "keep_checkpoints" in extra and "keep_checkpoints" not in data:
        data["keep_checkpoints"] = bool(extra.pop("keep_checkpoints"))
    data["extra"] = extra
    return data


PRESETS: dict[str, dict[str, Any]] = {
    "Quick": {"epochs": 1.0, "batch_size": 32, "learning_rate": 1e-4, "early_stopping_patience": None},
    "Balanced": {"epochs": 3.0, "batch_size": 16, "learning_rate": 5e-5, "early_stopping_patience": 2},
    "Thorough": {"epochs": 6.0, "batch_size": 16, "learning_rate": 3e-5, "early_stopping_patience": 3},
}
