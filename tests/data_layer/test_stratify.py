"""The stratified split picks scikit-learn's rows, in its order, without holding the GIL for long."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tlstudio.core.data.stratify import stratified_split


@settings(max_examples=150, deadline=None)
@given(counts=st.lists(st.integers(2, 40), min_size=1, max_size=6), held_share=st.floats(0, 1),
       seed=st.integers(0, 2**32 - 1), order_seed=st.integers(0, 1000))
def test_the_split_is_scikit_learns_row_for_row(counts, held_share, seed, order_seed):
    """Same seed, same rows: runs split before keep their rows when resumed or repeated."""
    from sklearn.model_selection import train_test_split

    key = np.repeat(np.arange(len(counts)), counts)
    np.random.default_rng(order_seed).shuffle(key)
    n, classes = len(key), len(counts)
    held = classes + round(held_share * (n - 2 * classes))  # each side has a row of every class
    expected = train_test_split(np.arange(n), test_size=held, random_state=seed, stratify=key)
    got = stratified_split(n, held, key, seed)
    for ours, theirs in zip(got, expected, strict=True):
        assert ours.dtype == theirs.dtype
        np.testing.assert_array_equal(ours, theirs)


def _longest_gil_wait_ms(work) -> float:
    """The longest a thread that wants the GIL every 0.5 ms waits for it while ``work`` runs
    (its waits for a CPU, which a loaded machine adds, taken out)."""
    waits, done = [], threading.Event()

    def tick() -> None:
        stat = Path(f"/proc/self/task/{threading.get_native_id()}/schedstat")
        cpu_wait = (lambda: int(stat.read_text().split()[1]) / 1e9) if stat.exists() else (lambda: 0.0)
        last, waited = time.perf_counter(), cpu_wait()
        while not done.is_set():
            time.sleep(0.0005)
            now, now_waited = time.perf_counter(), cpu_wait()
            waits.append(now - last - (now_waited - waited) - 0.0005)
            last, waited = now, now_waited

    ticker = threading.Thread(target=tick)
    ticker.start()
    time.sleep(0.01)
    work()
    done.set()
    ticker.join()
    return max(waits) * 1000


def test_splitting_200k_rows_never_holds_the_gil_long():
    """Issue 13 item 12: scikit-learn's stratified split of a 100k-row file held the GIL 10-40 ms
    at a time (Python lists of numpy scalars) while the window's thread waited: 60-80 ms gaps
    as the Data page counted the training rows' tokens. The window sets a 1 ms switch interval."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.001)
    try:
        key = np.arange(200_000) % 3
        longest = min(_longest_gil_wait_ms(lambda: stratified_split(len(key), 30_000, key, 1))
                      for _ in range(3))
    finally:
        sys.setswitchinterval(before)
    assert longest < 10, f"a thread waited {longest:.0f} ms for the GIL"
