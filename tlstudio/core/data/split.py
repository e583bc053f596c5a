"""Train/validation/test splits as a :class:`PreparedData` for the engine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tlstudio.core.data.labels import label_mask, label_names, sort_label_names, trimmed
from tlstudio.core.data.prepared import PreparedData
from tlstudio.core.data.profile import filled_mask
from tlstudio.core.data.roles import Roles
from tlstudio.core.data.stratify import stratified_split
from tlstudio.core.data.table import LoadedTable
from tlstudio.core.errors import DataError
from tlstudio.core.evaluation.format import percent

if TYPE_CHECKING:
    from tlstudio.core.settings.config import RunConfig

SPLIT_VALUES = {
    "train": "train", "training": "train",
    "validation": "validation", "valid": "validation", "val": "validation", "dev": "validation",
    "eval": "validation",
    "test": "test", "testing": "test",
}


@dataclass
class SplitConfig:
    """How to split: fractions and seed, or the user's split column, or a separate test file."""

    test_size: float = 0.15
    val_size: float = 0.15
    seed: int = 42
    split_column: str | None = None
    test_file: str | None = None


def _usable(table: pa.Table, roles: Roles) -> pa.Array:
    ok = label_mask(table, roles)
    for name in roles.text_columns:
        ok = pc.and_(ok, filled_mask(table.column(name)))
    return ok


def _columns(table: pa.Table, roles: Roles, rows: pa.Array, names: list[str]) -> pa.Table:
    """The fixed hand-off columns: text, text_pair, label (encoded), row."""
    data = {"text": trimmed(table.column(roles.text_columns[0])).cast(pa.string())}
    if roles.is_pair:
        data["text_pair"] = trimmed(table.column(roles.text_columns[1])).cast(pa.string())
    data["label"] = _encode_labels(table, roles, names)
    data["row"] = rows
    return pa.table(data)


def _encode_labels(table: pa.Table, roles: Roles, names: list[str]) -> pa.Array:
    if roles.task == "regression":
        values = trimmed(table.column(roles.label_column))
        try:
            return pc.cast(values, pa.float32())
        except pa.ArrowInvalid:
            raise DataError(f"Regression needs numbers in '{roles.label_column}'; some rows hold "
                            "text. Run inspect to see which.") from None
    if roles.multi_column_labels:
        matrix = np.stack([np.asarray(pc.equal(trimmed(table.column(n)), "1").to_numpy(
            zero_copy_only=False), dtype=np.float32) for n in roles.label_columns], axis=1)
        return pa.array(list(matrix), pa.list_(pa.float32()))
    values = trimmed(table.column(roles.label_column))
    if roles.task == "multilabel":
        index = {name: i for i, name in enumerate(names)}
        rows = []
        for cell in values.to_pylist():
            vector = [0.0] * len(names)
            parts = cell.split(roles.label_separator) if roles.label_separator else [cell]
            for part in parts:
                if part.strip() in index:
                    vector[index[part.strip()]] = 1.0
            rows.append(vector)
        return pa.array(rows, pa.list_(pa.float32()))
    codes = pc.index_in(values, value_set=pa.array(names, pa.string()))
    return pc.cast(codes, pa.int64())


def _stratify_key(table: pa.Table, roles: Roles) -> np.ndarray | None:
    """Each row's class as its rank among the sorted labels.

    The same split as the labels themselves (stratifying only sorts and counts the classes),
    but sorting 100,000 integers takes milliseconds where as many strings held the GIL ~0.5 s,
    the window waiting while the Data page counted the training rows' tokens.
    """
    if roles.task not in ("binary", "multiclass"):
        return None
    labels = trimmed(table.column(roles.label_column)).cast(pa.string())
    ranked = pa.array(sorted(pc.unique(labels).to_pylist()), pa.string())
    return np.asarray(pc.index_in(labels, value_set=ranked).to_numpy(zero_copy_only=False), dtype=np.int64)


def _split_indices(n: int, fraction: float, key: np.ndarray | None, seed: int,
                   notes: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(rest, held-out) indices; stratified by ``key`` when every class has two rows."""
    from sklearn.model_selection import train_test_split

    indices = np.arange(n)
    if fraction <= 0:
        return indices, indices[:0]
    held = max(1, round(n * fraction))
    if held >= n:
        raise DataError(f"Too few rows ({n}) to hold out {percent(fraction)} for evaluation.")
    if key is not None:
        _, counts = np.unique(key, return_counts=True)
        if counts.min() >= 2 and held >= len(counts) and n - held >= len(counts):
            return stratified_split(n, held, key, seed)  # train_test_split's rows, GIL-friendly
        notes.append("Some classes are too small to stratify; the split is random instead.")
    return tuple(train_test_split(indices, test_size=held, random_state=seed))


def prepare_splits(loaded: LoadedTable, roles: Roles, split: SplitConfig) -> PreparedData:
    """Drop unusable rows, encode labels, split (seeded, stratified for classification)."""
    import datasets

    parts, names, notes = split_tables(loaded, roles, split)
    splits = datasets.DatasetDict({
        name: datasets.Dataset(datasets.table.InMemoryTable(parts[name]))
        for name in ("train", "validation", "test")
    })
    sizes = ", ".join(f"{k} {len(v):,}" for k, v in splits.items())
    notes.append(f"Split: {sizes}.")
    return PreparedData(task=roles.task, splits=splits, label_names=names,
                        text_columns=list(roles.text_columns),
                        label_column=roles.label_column, label_columns=list(roles.label_columns),
                        source=loaded.path,
                        notes=list(dict.fromkeys(notes)))


def train_split_texts(loaded: LoadedTable, roles: Roles,
                      split: SplitConfig) -> tuple[list[str], list[str] | None]:
    """The training split's texts (and pairs) as a run would have them, without building datasets.

    For the GUI, which times a run before it starts: the same rows as :func:`prepare_splits`.
    """
    train = split_tables(loaded, roles, split)[0]["train"]
    pairs = train.column("text_pair").to_pylist() if "text_pair" in train.column_names else None
    return train.column("text").to_pylist(), pairs


def split_tables(loaded: LoadedTable, roles: Roles,
                 split: SplitConfig) -> tuple[dict[str, pa.Table], list[str], list[str]]:
    """(train/validation/test tables of the hand-off columns, label names, notes)."""
    table = loaded.table
    notes: list[str] = []
    usable = _usable(table, roles)
    dropped = table.num_rows - (pc.sum(usable.cast(pa.int64())).as_py() or 0)
    if dropped:
        notes.append(f"Left out {dropped:,} rows with missing text or label.")
    rows = pc.indices_nonzero(usable).cast(pa.int64())
    table = table.filter(usable)
    if table.num_rows < 3:
        raise DataError(f"Only {table.num_rows} rows have both text and label: too few to train.")
    test_table = _load_test_file(split.test_file, roles) if split.test_file else None
    names = label_names(table, roles)
    if test_table is not None and roles.task in ("binary", "multiclass"):
        names = _with_test_labels(names, test_table[0], roles, notes)
    full = _columns(table, roles, rows, names)
    parts = _assign(full, table, roles, split, test_table is not None, notes)
    if test_table is not None:
        parts["test"] = _columns(test_table[0], roles, test_table[1], names)
    return parts, names, notes


def _with_test_labels(names: list[str], test: pa.Table, roles: Roles, notes: list[str]) -> list[str]:
    extra = set(label_names(test, roles)) - set(names)
    if extra:
        notes.append(f"The test file has labels missing from training: {sorted(extra)}.")
        return sort_label_names(names + sorted(extra))
    return names


def _load_test_file(path: str, roles: Roles) -> tuple[pa.Table, pa.Array]:
    from tlstudio.core.data.reader import read_table

    test = read_table(path).table
    missing = [c for c in roles.text_columns + roles.label_columns if c not in test.column_names]
    if missing:
        raise DataError(f"The test file {path} lacks the column(s) {missing}; it needs the same "
                        "columns as the training file.")
    usable = _usable(test, roles)
    return test.filter(usable), pc.indices_nonzero(usable).cast(pa.int64())


def _assign(full: pa.Table, source: pa.Table, roles: Roles, split: SplitConfig,
            has_test_file: bool, notes: list[str]) -> dict[str, pa.Table]:
    if split.split_column:
        return _by_column(full, source, roles, split, notes)
    key = _stratify_key(source, roles)
    test_size = 0.0 if has_test_file else split.test_size
    rest, test = _split_indices(full.num_rows, test_size, key, split.seed, notes)
    rest_key = key[rest] if key is not None else None
    val_fraction = split.val_size / (1 - test_size) if split.val_size else 0.0
    train_local, val_local = _split_indices(len(rest), val_fraction, rest_key, split.seed, notes)
    return {"train": full.take(np.sort(rest[train_local])),
            "validation": full.take(np.sort(rest[val_local])),
            "test": full.take(np.sort(test))}


def _by_column(full: pa.Table, source: pa.Table, roles: Roles, split: SplitConfig,
               notes: list[str]) -> dict[str, pa.Table]:
    if split.split_column not in source.column_names:
        raise DataError(f"There is no split column named '{split.split_column}'.")
    raw = pc.utf8_lower(trimmed(source.column(split.split_column))).to_pylist()
    mapped = np.array([SPLIT_VALUES.get(v, "") for v in raw])
    unknown = sorted({v for v, m in zip(raw, mapped, strict=True) if not m})
    if unknown:
        notes.append(f"Left out rows whose split value is not train/validation/test: {unknown[:5]}.")
    parts = {name: np.flatnonzero(mapped == name) for name in ("train", "validation", "test")}
    if len(parts["train"]) == 0:
        raise DataError(f"The split column '{split.split_column}' marks no rows as 'train'.")
    key = _stratify_key(source, roles)
    for missing, size in (("test", split.test_size), ("validation", split.val_size)):
        if len(parts[missing]) == 0 and size > 0:
            train = parts["train"]
            sub_key = key[train] if key is not None else None
            keep, held = _split_indices(len(train), size, sub_key, split.seed, notes)
            parts["train"], parts[missing] = train[keep], train[held]
            notes.append(f"No '{missing}' rows in '{split.split_column}': held out "
                         f"{percent(size)} of the training rows.")
    return {name: full.take(np.sort(idx)) for name, idx in parts.items()}


def load_prepared(config: RunConfig) -> PreparedData:
    """Read, infer roles (config overrides win) and split the data a run config names."""
    from tlstudio.core.data.reader import read_table
    from tlstudio.core.data.roles import infer_roles

    if not config.data_path:
        raise DataError("No data file is set: choose a CSV, TSV or JSONL file.")
    loaded = read_table(config.data_path, encoding=config.encoding,
                        delimiter=config.delimiter, has_header=config.has_header)
    roles = infer_roles(loaded, text_columns=config.text_columns,
                        label_columns=config.label_columns, task=config.task)
    check_trainable(loaded, roles)
    split = SplitConfig(test_size=config.test_size, val_size=config.val_size, seed=config.seed,
                        split_column=config.split_column, test_file=config.test_file)
    from tlstudio.core.data.class_names import name_classes

    return name_classes(prepare_splits(loaded, roles, split), config.class_names, config.data_path)


def check_trainable(loaded: LoadedTable, roles: Roles) -> None:
    """DataError for problems no training can get past (one class, a label that looks like an
    ID, no usable rows): said before any model is loaded, not after epochs of training."""
    from tlstudio.core.data.problems import find_problems

    errors = [p.message for p in find_problems(loaded, roles) if p.severity == "error"]
    if errors:
        raise DataError(f"This data can't be trained on: {' '.join(errors)}")
