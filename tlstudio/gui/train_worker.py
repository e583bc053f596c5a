"""The training worker: runs ``run_training`` in a QThread and forwards events as signals."""

from __future__ import annotations

import math

from PySide6.QtCore import QObject, Signal, Slot

from tlstudio.core.events import (
    CheckpointEvent,
    EvalEvent,
    Event,
    RunControl,
    StatusEvent,
    StepEvent,
)
from tlstudio.core.settings.config import RunConfig
from tlstudio.gui.workers import describe_error


def event_phase(event: Event, current: str) -> str:
    """The run's phase after ``event``: the engine announces "training" and "finishing".

    A run starts in "preparing" (the page's own state until the engine's first phase change).
    """
    if isinstance(event, StatusEvent) and event.phase in ("training", "finishing"):
        return event.phase
    return current


class TrainWorker(QObject):
    """One training run. Pause/stop go through the shared :class:`RunControl`, never a kill.

    With ``resume``, ``config.output_dir`` names an unfinished run folder that continues from
    its latest checkpoint (the engine reads the run's own saved config).
    """

    status_changed = Signal(str)
    warned = Signal(str)  # a StatusEvent with level "warning": the page keeps it on screen
    phase_changed = Signal(str)  # "training" at the first step, "finishing" after training
    stepped = Signal(object)  # StepEvent
    evaluated = Signal(object)  # EvalEvent
    checkpointed = Signal(object)  # CheckpointEvent
    finished_run = Signal(object)  # RunResult
    failed = Signal(str, str)
    done = Signal()

    def __init__(self, config: RunConfig, control: RunControl, *, resume: bool = False) -> None:
        super().__init__()
        self._config = config
        self._control = control
        self._resume = resume
        self._phase = "preparing"

    def cancel(self) -> None:
        """Stop after the current step (closing the window); the run folder stays complete."""
        self._control.stop()

    def _observe(self, event: Event) -> None:
        phase = event_phase(event, self._phase)
        if phase != self._phase:
            self._phase = phase
            self.phase_changed.emit(phase)
        match event:
            case StepEvent():
                self.stepped.emit(event)
            case EvalEvent():
                self.evaluated.emit(event)
            case StatusEvent(level="warning"):
                self.warned.emit(event.message)
            case StatusEvent():
                self.status_changed.emit(event.message)
            case CheckpointEvent():
                self.checkpointed.emit(event)
            # FinishedEvent arrives as the return value, FailedEvent as the raised error.

    @Slot()
    def run(self) -> None:
        try:
            self.status_changed.emit("Loading PyTorch and the model…")
            from tlstudio.core.training import run_training

            result = run_training(self._config, self._observe, self._control, resume=self._resume)
        except BaseException as exc:  # noqa: BLE001 - every failure must reach the UI
            self.failed.emit(*describe_error(exc))
        else:
            self.finished_run.emit(result)
        finally:
            self.done.emit()


def duration(seconds: float) -> str:
    """A run's elapsed time or ETA for the Train page: "42 s", "3 min 05 s", "1 h 02 min"."""
    if not math.isfinite(seconds) or seconds < 0:
        return "–"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"
