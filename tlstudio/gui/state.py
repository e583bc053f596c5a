"""What the pages share: the inspected data, the chosen model and the current run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from tlstudio.core.settings.config import RunConfig


class AppState(QObject):
    """The single source of truth the pages read and update; it emits a signal per change."""

    data_changed = Signal()
    model_changed = Signal()
    run_changed = Signal()
    training_changed = Signal(bool)
    tokens_counted = Signal()  # a new token survey of the data (or None: being counted again)

    def __init__(self) -> None:
        super().__init__()
        self.inspection: Any = None  # jobs.InspectResult
        self.model: Any = None  # tlstudio.core.models.catalog.ModelInfo
        self.run_dir: Path | None = None
        self.training = False
        self.training_data_path: str | None = None  # the file the running run trains on
        self.training_run_dir: str | None = None  # the run folder being resumed, if it is one
        defaults = RunConfig()
        self.test_size = defaults.test_size
        self.val_size = defaults.val_size
        self.seed = defaults.seed
        self.test_file: str | None = None  # a separate test file chosen on the Data page
        self.split_column: str | None = None  # a column saying train/validation/test per row
        self.has_header: bool | None = None  # chosen on the Data page; None: detected
        self.class_names: list[str] | None = None  # named on the Data page; None: the labels
        # the data's tokens counted with the model's tokenizer, once (a core TokenSurvey; None: not yet)
        self.token_survey: Any = None

    @property
    def report(self) -> Any:
        return None if self.inspection is None else self.inspection.report

    @property
    def has_data(self) -> bool:
        return self.report is not None

    @property
    def blocking_problem(self) -> Any:
        """The data's first problem that makes training impossible (an "error"), else None.

        The engine refuses such data too; the pages use this to say why before Start.
        """
        problems = getattr(self.report, "problems", None) or []
        return next((p for p in problems if p.severity == "error"), None)

    def set_inspection(self, inspection: Any) -> None:
        self.inspection = inspection
        self.token_survey = None  # the Data page counts this data's tokens
        self.data_changed.emit()

    def set_model(self, model: Any) -> None:
        self.model = model
        self.token_survey = None  # another tokenizer: counted again
        self.model_changed.emit()

    def set_token_survey(self, survey: Any) -> None:
        """The data's tokens, counted by the Data page's worker for the current model and split
        (emitted each time: other training rows change "auto" and the plans too)."""
        self.token_survey = survey
        self.tokens_counted.emit()

    @property
    def auto_max_length(self) -> int | None:
        """The max length a run left at "auto" picks for this data and model (None: not counted)."""
        return None if self.token_survey is None else self.token_survey.auto_max_length

    def set_run(self, run_dir: Path | str | None) -> None:
        self.run_dir = None if run_dir is None else Path(run_dir)
        self.run_changed.emit()

    def set_training(self, training: bool, data_path: str | None = None,
                     run_dir: str | None = None) -> None:
        """A run started on ``data_path`` (True) or ended (False); ``run_dir`` when resuming one.

        The run keeps the data it started with: opening another file meanwhile changes
        :attr:`inspection` (for the next run), never the running one.
        """
        self.training = training
        self.training_data_path = data_path if training else None
        self.training_run_dir = run_dir if training else None
        self.training_changed.emit(training)

    @property
    def data_path(self) -> str | None:
        """The file open on the Data page."""
        return None if self.report is None else str(self.report.loaded.path)

    def split_config(self) -> Any:
        """The ``SplitConfig`` a run started now would split the data with."""
        from tlstudio.core.data.split import SplitConfig

        return SplitConfig(test_size=self.test_size, val_size=self.val_size, seed=self.seed,
                           split_column=self.split_column, test_file=self.test_file)

    def base_config(self) -> RunConfig:
        """A RunConfig with the data, roles, split and model chosen so far."""
        report = self.report
        config = RunConfig()
        if report is not None:
            roles = report.roles
            config.data_path = str(report.loaded.path)
            config.text_columns = list(roles.text_columns)
            config.label_columns = list(roles.label_columns)
            config.has_header = self.has_header
            config.task = roles.task
            config.class_names = self.class_names
        config.test_size = self.test_size
        config.val_size = self.val_size
        config.seed = self.seed
        config.test_file = self.test_file
        config.split_column = self.split_column
        if self.model is not None:
            config.model = "default" if self.model.source == "bundled" else (
                self.model.path or self.model.name)
        return config


def file_names(path: str, other: str | None) -> tuple[str, str]:
    """Short names for two data files: file names, or whole paths when two files share a name."""
    a, b = Path(path), Path(other or "")
    if other and a.name == b.name and not same_file(path, other):
        return str(a), str(b)
    return a.name, b.name


def same_file(a: str | None, b: str | None) -> bool:
    """True when both paths name the same file."""
    if not a or not b:
        return False
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return a == b


def training_notice(running: str, current: str) -> str:
    """What a file opened while a run trains is for: the next run (the running one keeps its data)."""
    run_name, new_name = file_names(running, current)
    if same_file(running, current):
        return (f"A run is training on {run_name}. Changes made here (columns, task, "
                "split) apply to the next run, not to that one.")
    return (f"A run is training on {run_name} and keeps its own data. {new_name} is "
            "open here so you can look at it; Start uses it once that run has "
            "finished (or after you stop it on the Train page).")
