"""Problems worth fixing before training, each with a severity and example rows."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tlstudio.core.data.finding import MAX_EXAMPLES, Problem
from tlstudio.core.data.labels import class_counts, label_mask, trimmed
from tlstudio.core.data.mojibake import check_mojibake
from tlstudio.core.data.profile import (
    NUMBER_RE,
    filled_mask,
    non_numeric_message,
    profile_columns,
)
from tlstudio.core.data.roles import Roles
from tlstudio.core.data.table import LoadedTable
from tlstudio.core.data.truncation import check_truncation
from tlstudio.core.wording import count as count_of

RARE_CLASS_ROWS = 10
IMBALANCE_WARNING = 10.0
IMBALANCE_INFO = 3.0
MIN_ROWS = 5
FEW_ROWS = 50
UNIQUE_LABELS = 0.9  # share of rows with a label of their own that makes training pointless


def _rows(mask: pa.Array | pa.ChunkedArray) -> tuple[list[int], int]:
    """Example row numbers where ``mask`` is true, and how many there are."""
    indices = pc.indices_nonzero(mask)
    return indices.slice(0, MAX_EXAMPLES).to_pylist(), len(indices)


def _plural(n: int, word: str) -> str:
    """``1 row``, ``2 rows``, ``3 classes``."""
    return count_of(n, word)


def _they(n: int) -> str:
    return "it" if n == 1 else "they"


def _subject(n: int, word: str, verb: str) -> str:
    """``1 row has``, ``2 rows have``: a counted noun with its verb (given in the plural)."""
    if n != 1:
        return f"{_plural(n, word)} {verb}"
    return f"{_plural(n, word)} {'has' if verb == 'have' else verb + 's'}"


def find_problems(table: pa.Table | LoadedTable, roles: Roles, *, tokenizer: Any = None,
                  max_length: int | None = None) -> list[Problem]:
    """Everything to check before training; errors first, then warnings, then info."""
    ragged: list[int] = []
    if isinstance(table, LoadedTable):
        ragged = table.ragged_rows
        table = table.table
    problems: list[Problem] = []
    if ragged:
        problems.append(Problem(
            "warning", "ragged_rows",
            f"{_plural(len(ragged), 'row')} had more or fewer fields than the header (usually an "
            "unquoted delimiter inside a text); they were kept, check them.",
            ragged[:MAX_EXAMPLES], len(ragged)))
    text_ok = _check_text(table, roles, problems)
    garbled = check_mojibake(table, roles.text_columns)
    if garbled:
        problems.append(garbled)
    labels_ok = label_mask(table, roles)
    _check_labels_missing(table, roles, labels_ok, problems)
    usable = pc.and_(text_ok, labels_ok)
    n_usable = pc.sum(usable.cast(pa.int64())).as_py() or 0
    if n_usable < MIN_ROWS:
        problems.append(Problem("error", "too_few_rows",
                                f"Only {_subject(n_usable, 'row', 'have')} both text and label; at "
                                f"least {MIN_ROWS} are needed (a few hundred to learn well).",
                                count=n_usable))
    elif n_usable < FEW_ROWS:
        problems.append(Problem("warning", "few_rows",
                                f"Only {_subject(n_usable, 'row', 'have')} both text and label: too few "
                                "to train and measure reliably.", count=n_usable))
    usable_table = table.filter(usable)
    row_ids = pc.indices_nonzero(usable)
    _check_duplicates(usable_table, row_ids, roles, problems)
    if roles.task == "regression":
        _check_regression(usable_table, row_ids, roles, problems)
    else:
        _check_classes(usable_table, row_ids, roles, problems)
    if tokenizer is not None and n_usable:
        found = check_truncation(usable_table, row_ids, roles, tokenizer, max_length)
        if found:
            problems.append(found)
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(problems, key=lambda p: order[p.severity])


def _check_text(table: pa.Table, roles: Roles, problems: list[Problem]) -> pa.Array:
    ok = None
    for name in roles.text_columns:
        filled = filled_mask(table.column(name))
        ok = filled if ok is None else pc.and_(ok, filled)
    rows, count = _rows(pc.invert(ok))
    if count == table.num_rows:
        problems.append(Problem("error", "no_text", f"The text column {_names(roles.text_columns)} "
                                "is empty in every row.", rows, count))
    elif count:
        problems.append(Problem("warning", "missing_text",
                                f"{_subject(count, 'row', 'have')} empty text; {_they(count)} will be left out.",
                                rows, count))
    return ok


def _check_labels_missing(table: pa.Table, roles: Roles, ok: pa.Array,
                          problems: list[Problem]) -> None:
    rows, count = _rows(pc.invert(ok))
    if count == table.num_rows:
        problems.append(Problem("error", "no_labels", f"The label column '{roles.label_column}' "
                                "is empty in every row.", rows, count))
    elif count:
        problems.append(Problem("warning", "missing_label",
                                f"{_subject(count, 'row', 'have')} no label (blank or NaN); {_they(count)} will "
                                "be left out.", rows, count))


def _names(names: list[str]) -> str:
    return " / ".join(f"'{n}'" for n in names)


def _text_key(table: pa.Table, roles: Roles) -> pa.ChunkedArray:
    key = trimmed(table.column(roles.text_columns[0]))
    if roles.is_pair:
        key = pc.binary_join_element_wise(key, trimmed(table.column(roles.text_columns[1])), "\x1f")
    return key


def _label_key(table: pa.Table, roles: Roles) -> pa.ChunkedArray:
    if roles.multi_column_labels:
        return pc.binary_join_element_wise(*[trimmed(table.column(n)) for n in roles.label_columns],
                                           "\x1f")
    return trimmed(table.column(roles.label_column))


def _codes(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Integer codes numbered in order of first appearance (Arrow's dictionary encoding)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()  # one dictionary: far cheaper than unifying chunks
    encoded = pc.dictionary_encode(column)
    return encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)


def _check_duplicates(table: pa.Table, row_ids: pa.Array, roles: Roles,
                      problems: list[Problem]) -> None:
    if table.num_rows == 0:
        return
    texts = _codes(_text_key(table, roles))
    running = np.maximum.accumulate(texts)
    first = np.ones(len(texts), dtype=bool)
    first[1:] = running[1:] > running[:-1]  # codes grow by one at each new text
    is_dup = ~first
    count = int(is_dup.sum())
    if not count:
        return
    ids = row_ids.to_numpy(zero_copy_only=False)
    severity = "warning" if count > 0.05 * table.num_rows else "info"
    problems.append(Problem(severity, "duplicate_text",
                            f"{_subject(count, 'row', 'repeat')} the text of an earlier row; duplicates "
                            "can leak between training and test data.",
                            ids[is_dup][:MAX_EXAMPLES].tolist(), count))
    labels = _codes(_label_key(table, roles))
    first_label = labels[first]  # text codes are 0..k-1 in order of first appearance
    has_conflict = np.zeros(len(first_label), dtype=bool)
    has_conflict[texts[labels != first_label[texts]]] = True
    conflicting = has_conflict[texts]
    if conflicting.any():
        n_texts = int(has_conflict.sum())
        rows = int(conflicting.sum())
        problems.append(Problem("warning", "conflicting_labels",
                                f"{_subject(n_texts, 'text', 'appear')} with different labels "
                                f"({_plural(rows, 'row')}); fix or remove them.",
                                ids[conflicting][:MAX_EXAMPLES].tolist(), rows))


def _check_classes(table: pa.Table, row_ids: pa.Array, roles: Roles,
                   problems: list[Problem]) -> None:
    counts = class_counts(table, roles)
    if not counts:
        return
    label = table.column(roles.label_column)
    if len(counts) == 1:
        problems.append(Problem("error", "single_class",
                                f"Every row has the same label ('{next(iter(counts))}'): a "
                                "classifier needs at least two classes. Add rows with another label, "
                                "or choose another label column.", count=table.num_rows))
        return
    profile = profile_columns(pa.table({"y": trimmed(label)}))[0]
    if not roles.multi_column_labels and roles.task != "multilabel" and profile.id_like:
        problems.append(Problem("error", "id_like_label",
                                f"The label column '{roles.label_column}' has a different value "
                                "in almost every row: it looks like an ID, not a label. Choose "
                                "another label column.", count=len(counts)))
        return
    if not roles.multi_column_labels and roles.task != "multilabel" \
            and len(counts) >= UNIQUE_LABELS * table.num_rows:
        problems.append(Problem("error", "unique_labels",
                                f"{len(counts):,} different labels in {table.num_rows:,} rows of "
                                f"'{roles.label_column}': almost every row has its own class, so "
                                "there is nothing to learn or to test on. Choose another label "
                                "column, or the regression task if the labels are scores.",
                                count=len(counts)))
        return
    if len(counts) > 100:
        problems.append(Problem("warning", "many_classes",
                                f"{len(counts):,} classes: is '{roles.label_column}' really the "
                                "label?", count=len(counts)))
    _check_rare_and_imbalance(table, row_ids, roles, counts, problems)
    if not roles.multi_column_labels:
        _check_label_variants(trimmed(label), row_ids, counts, problems)


def _check_rare_and_imbalance(table: pa.Table, row_ids: pa.Array, roles: Roles,
                              counts: dict[str, int], problems: list[Problem]) -> None:
    rare = {k: v for k, v in counts.items() if v < RARE_CLASS_ROWS}
    if rare and not roles.multi_column_labels and roles.task != "multilabel":
        shown = ", ".join(f"'{k}' ({v})" for k, v in list(rare.items())[:10])
        local, count = _rows(pc.is_in(trimmed(table.column(roles.label_column)),
                                      value_set=pa.array(list(rare), pa.string())))
        problems.append(Problem("warning", "rare_class",
                                f"{_subject(len(rare), 'class', 'have')} fewer than {RARE_CLASS_ROWS} "
                                f"rows: {shown}. The model can't learn them reliably.",
                                pc.take(row_ids, pa.array(local, pa.int64())).to_pylist(), count))
    most, least = max(counts.values()), min(counts.values())
    ratio = most / max(least, 1)
    if ratio >= IMBALANCE_INFO:
        severity = "warning" if ratio >= IMBALANCE_WARNING else "info"
        big = max(counts, key=counts.get)
        small = min(counts, key=counts.get)
        problems.append(Problem(severity, "imbalance",
                                f"Classes are imbalanced: '{big}' has {most:,} rows, '{small}' "
                                f"{least:,} ({ratio:.0f}:1). Consider class weights; judge the "
                                "model by F1, not accuracy.", count=len(counts)))


def _check_label_variants(labels: pa.ChunkedArray, row_ids: pa.Array, counts: dict[str, int],
                          problems: list[Problem]) -> None:
    groups: dict[str, list[str]] = {}
    for name in counts:
        groups.setdefault(" ".join(name.casefold().split()), []).append(name)
    variants = [names for names in groups.values() if len(names) > 1]
    if not variants:
        return
    flat = [n for names in variants for n in names]
    local, count = _rows(pc.is_in(labels, value_set=pa.array(flat, pa.string())))
    shown = "; ".join(" / ".join(f"'{n}'" for n in names) for names in variants[:5])
    problems.append(Problem("warning", "label_variants",
                            f"Labels that differ only by case or spacing: {shown}. They count "
                            "as different classes; merge them in the file.",
                            pc.take(row_ids, pa.array(local, pa.int64())).to_pylist(), count))


def _check_regression(table: pa.Table, row_ids: pa.Array, roles: Roles,
                      problems: list[Problem]) -> None:
    values = trimmed(table.column(roles.label_column))
    numeric = pc.match_substring_regex(values, NUMBER_RE)
    local, count = _rows(pc.invert(numeric))
    if count:
        problems.append(Problem("error", "non_numeric_target",
                                non_numeric_message(values, roles.label_column),
                                pc.take(row_ids, pa.array(local, pa.int64())).to_pylist(), count))
        return
    if pc.count_distinct(values).as_py() == 1:
        problems.append(Problem("error", "constant_target",
                                f"'{roles.label_column}' has the same value in every row: "
                                "nothing to learn.", count=table.num_rows))
