"""Training progress as plain events, and the control object that pauses or stops a run.

No Qt here: the CLI prints events as JSON lines, the GUI forwards them as signals.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Event:
    """Base event; ``kind`` names it in JSON output."""

    kind: str = field(init=False, default="event")

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class StatusEvent(Event):
    """A phase change a user should see ("Loading model…", "Tokenizing…").

    ``level`` is ``"warning"`` for something the user must not miss (a poor model–data fit,
    a batch size reduced after running out of memory); the GUI keeps those on screen.
    ``phase`` is set when the run enters a new phase: ``"training"`` as the first step starts,
    ``"finishing"`` once training is over (saving, test evaluation: Stop can't act any more).
    """

    message: str = ""
    level: str = "info"
    phase: str = ""
    kind: str = field(init=False, default="status")


@dataclass
class StepEvent(Event):
    step: int = 0
    total_steps: int = 0
    epoch: float = 0.0
    loss: float = float("nan")
    learning_rate: float = 0.0
    samples_per_second: float = 0.0
    eta_seconds: float = 0.0
    kind: str = field(init=False, default="step")


@dataclass
class EvalEvent(Event):
    """Validation metrics; keys like ``eval_loss``, ``accuracy``, ``f1_macro``."""

    step: int = 0
    epoch: float = 0.0
    metrics: dict[str, float] = field(default_factory=dict)
    kind: str = field(init=False, default="eval")


@dataclass
class CheckpointEvent(Event):
    step: int = 0
    path: str = ""
    kind: str = field(init=False, default="checkpoint")


@dataclass
class FinishedEvent(Event):
    """The run folder is complete; ``stopped`` is true when the user stopped it early.

    ``verdict`` is run.json's: the main score with its 95 % interval beside the baselines, the
    p-value and one sentence (None when the run could not be judged).
    """

    run_dir: str = ""
    metrics: dict[str, Any] = field(default_factory=dict)
    stopped: bool = False
    verdict: dict[str, Any] | None = None
    kind: str = field(init=False, default="finished")


@dataclass
class FailedEvent(Event):
    message: str = ""
    details: str = ""
    kind: str = field(init=False, default="failed")


Observer = Callable[[Event], None]


def null_observer(event: Event) -> None:
    """An observer that ignores everything."""


class StopFlag:
    """A thread-safe request to stop a job (Orange's ``TaskState`` interruption flag).

    Set from the GUI thread; the job function checks it between rows, batches or files.
    """

    def __init__(self) -> None:
        self._event = threading.Event()

    def stop(self) -> None:
        self._event.set()

    @property
    def requested(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        """Raise :class:`JobCancelled` once a stop was requested."""
        if self._event.is_set():
            from tlstudio.core.errors import JobCancelled

            raise JobCancelled("Stopped.")


class RunControl:
    """Thread-safe pause/resume/stop requests, honoured within one optimisation step."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._running = threading.Event()
        self._running.set()

    def stop(self) -> None:
        self._stop.set()
        self._running.set()  # wake a paused run so it can stop

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def wait_while_paused(self, poll: float = 0.1) -> None:
        """Block while paused; returns at once when running or stopping."""
        while not self._running.wait(poll):
            pass
