"""The training worker: runs ``run_training`` in a QThread and forwards events as signals."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from tlstudio.core.config import RunConfig
from tlstudio.core.events import Event, RunControl
from tlstudio.gui.workers import describe_error


class TrainWorker(QObject):
    """One training run. Pause/stop go through the shared :class:`RunControl`, never a kill."""

    status_changed = Signal(str)
    stepped = Signal(object)  # StepEvent
    evaluated = Signal(object)  # EvalEvent
    checkpointed = Signal(object)  # CheckpointEvent
    finished_run = Signal(object)  # RunResult
    failed = Signal(str, str)
    done = Signal()

    def __init__(self, config: RunConfig, control: RunControl) -> None:
        super().__init__()
        self._config = config
        self._control = control

    def _observe(self, event: Event) -> None:
        kind = event.kind
        if kind == "step":
            self.stepped.emit(event)
        elif kind == "eval":
            self.evaluated.emit(event)
        elif kind == "status":
            self.status_changed.emit(getattr(event, "message", ""))
        elif kind == "checkpoint":
            self.checkpointed.emit(event)
        # "finished" arrives as the return value, "failed" as the raised error.

    @Slot()
    def run(self) -> None:
        try:
            self.status_changed.emit("Loading PyTorch and the model…")
            from tlstudio.core.training import run_training

            result = run_training(self._config, self._observe, self._control)
        except BaseException as exc:  # noqa: BLE001 - every failure must reach the UI
            self.failed.emit(*describe_error(exc))
        else:
            self.finished_run.emit(result)
        finally:
            self.done.emit()


def main_metric(metrics: dict[str, Any]) -> str | None:
    """The metric to headline: accuracy/F1 for classification, a correlation for regression."""
    for name in ("accuracy", "f1_macro", "f1", "f1_micro", "pearson", "spearman", "r2", "mae"):
        for key in (name, f"eval_{name}"):
            if key in metrics:
                return key
    others = [k for k in metrics if "loss" not in k and isinstance(metrics[k], (int, float))]
    return others[0] if others else None
