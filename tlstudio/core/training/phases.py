"""Wall time of each phase of a run, from process start to a complete run folder.

On a GPU the fixed cost of a run (start-up, reading, tokenising, evaluating, baselines,
saving) can outweigh the training itself (measured on an H200: 16.8 s of training in 43 s
of wall time), so run.json keeps where the time went (``phases``) and ``bench/gpu.py`` reports
it; process start-up (imports) is the wall time the bench sees minus these.
"""

from __future__ import annotations

import time


class PhaseClock:
    """``mark(name)`` ends the phase called ``name`` at the current time.

    Marks instead of nested blocks, so timing a phase never re-indents the code it times.
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def mark(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = round(self.seconds.get(name, 0.0) + now - self._last, 2)
        self._last = now

    def to_dict(self) -> dict[str, float]:
        return dict(self.seconds)
