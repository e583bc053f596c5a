"""How long the window stops answering: a 10 ms timer on the GUI thread records its ticks.

    with EventLoopProbe() as probe:
        ...  # drive the window; wait with qtbot.waitUntil so the loop runs
    assert probe.longest_gap_ms() <= 250, probe.report()

A gap between two ticks is time the event loop could not run: a stall a person sees as a
frozen window. Work done directly inside the ``with`` block (not in the event loop) counts
as a stall too, which is the point: call the slot the button calls, then wait.

On Linux the report also says how much of the longest gap the GUI thread spent runnable but
waiting for a CPU (the scheduler's ``run_delay``): a loaded machine, or the app's own
compute threads, rather than work or a lock in the GUI thread.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import QTimer

MAX_GAP_MS = 250.0  # issue 13: no gap over 250 ms, ever
P99_MS = 50.0  # and 99 % of ticks within 50 ms


class EventLoopProbe:
    """Ticks of a 10 ms ``QTimer``; gaps between them are stalls."""

    def __init__(self, interval_ms: int = 10) -> None:
        self._timer = QTimer()
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.ticks: list[float] = []
        self.waits: list[float] = []  # the GUI thread's total wait for a CPU at each tick, in s
        stat = Path(f"/proc/self/task/{threading.get_native_id()}/schedstat")
        self._schedstat = stat if stat.exists() else None

    def _cpu_wait(self) -> float:
        return int(self._schedstat.read_text().split()[1]) / 1e9 if self._schedstat else 0.0

    def _on_timer_timeout(self) -> None:
        self.ticks.append(time.perf_counter())
        self.waits.append(self._cpu_wait())

    def __enter__(self) -> EventLoopProbe:
        self.ticks, self.waits = [time.perf_counter()], [self._cpu_wait()]
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.stop()
        self._on_timer_timeout()

    def gaps_ms(self) -> np.ndarray:
        return np.diff(np.asarray(self.ticks)) * 1000.0

    def longest_gap_ms(self) -> float:
        gaps = self.gaps_ms()
        return float(gaps.max()) if gaps.size else 0.0

    def p99_ms(self) -> float:
        gaps = self.gaps_ms()
        return float(np.percentile(gaps, 99)) if gaps.size else 0.0

    def report(self) -> str:
        gaps = self.gaps_ms()
        worst = np.sort(gaps)[-5:][::-1] if gaps.size else gaps
        waited = ""
        if gaps.size and self._schedstat:
            worst_at = int(np.argmax(gaps))
            waited = (f" (the longest one {(self.waits[worst_at + 1] - self.waits[worst_at]) * 1000:.0f} ms "
                      "waiting for a CPU)")
        return (f"{gaps.size} ticks over {sum(gaps) / 1000:.1f} s; longest gap {self.longest_gap_ms():.0f} ms, "
                f"p99 {self.p99_ms():.0f} ms; worst: {', '.join(f'{g:.0f}' for g in worst)} ms{waited}")

    def check(self) -> None:
        """Fail when the window froze longer than the goal allows."""
        assert self.longest_gap_ms() <= MAX_GAP_MS and self.p99_ms() <= P99_MS, self.report()
