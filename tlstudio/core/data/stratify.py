"""A stratified split in numpy arrays: scikit-learn's rows, in its order, without its Python lists.

``train_test_split(..., stratify=key)`` gathers each class's rows into Python lists of numpy
scalars and shuffles them back into arrays: for 100,000 rows, C calls that hold the GIL for
10-40 ms each, 60-90 ms in all, while the window's thread waits for it (the Data page counts a
file's training rows' tokens in a worker). This is the same algorithm
(``StratifiedShuffleSplit._iter_indices`` with ``extmath._approximate_mode``, scikit-learn
1.4-1.9) on arrays, drawing the same random numbers, so a seed picks the same rows as before: a
run resumed or repeated keeps its split. ``tests/data_layer/test_stratify.py`` checks it
against the installed scikit-learn.
"""

from __future__ import annotations

import numpy as np


def stratified_split(n: int, held: int, key: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(rest, held-out) row indices of ``range(n)``, as ``train_test_split(np.arange(n),
    test_size=held, random_state=seed, stratify=key)`` returns them.

    Every class of ``key`` (a 1-D array) needs two rows, and ``held`` and ``n - held`` at least
    one row per class (the caller checks; scikit-learn raises).
    """
    rng = np.random.RandomState(seed)
    _classes, y_indices, class_counts = np.unique(key, return_inverse=True, return_counts=True)
    class_indices = np.split(np.argsort(y_indices, kind="stable"), np.cumsum(class_counts)[:-1])
    n_i = _approximate_mode(class_counts, n - held, rng)
    t_i = _approximate_mode(class_counts - n_i, held, rng)
    train, test = [], []
    for i, count in enumerate(class_counts):
        rows = class_indices[i].take(rng.permutation(count), mode="clip")
        train.append(rows[: n_i[i]])
        test.append(rows[n_i[i]: n_i[i] + t_i[i]])
    return rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(test))


def _approximate_mode(class_counts: np.ndarray, n_draws: int, rng: np.random.RandomState) -> np.ndarray:
    """How many of ``n_draws`` rows each class gets: its share rounded down, the rows left over
    to the largest remainders (ties broken at random)."""
    continuous = class_counts / class_counts.sum() * n_draws
    floored = np.floor(continuous)
    need_to_add = int(n_draws - floored.sum())
    if need_to_add > 0:
        remainder = continuous - floored
        for value in np.sort(np.unique(remainder))[::-1]:
            (inds,) = np.where(remainder == value)
            add_now = min(len(inds), need_to_add)
            floored[rng.choice(inds, size=add_now, replace=False)] += 1
            need_to_add -= add_now
            if need_to_add == 0:
                break
    return floored.astype(int)
