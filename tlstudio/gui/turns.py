"""A long GUI-thread update run as steps, one per event-loop turn.

Filling a page with a big result (a 100k-row file's table, its charts, and every page that
follows the data) in one slot froze the window for the sum of the parts; between steps the
window repaints and answers input, so the longest freeze is the longest step.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, QTimer


class Turns(QObject):
    """Runs queued steps, one per event-loop turn; :meth:`start` drops steps not yet run."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._steps: deque[Callable[[], object]] = deque()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._on_timer_timeout)

    @property
    def pending(self) -> bool:
        """True while steps are left to run."""
        return bool(self._steps)

    def start(self, steps: Iterable[Callable[[], object]]) -> None:
        """Run ``steps`` in order, the first in the next turn (a newer update replaces an older one)."""
        self._steps = deque(steps)
        self._timer.start()

    def cancel(self) -> None:
        self._steps.clear()
        self._timer.stop()

    def _on_timer_timeout(self) -> None:
        if not self._steps:
            return
        step = self._steps.popleft()
        if self._steps:
            self._timer.start()  # queued first: a step that raises does not strand the rest
        step()
