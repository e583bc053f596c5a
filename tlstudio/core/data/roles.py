"""Which columns are the text and the label, and what task they make."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from tlstudio.core.data.profile import (
    ColumnProfile,
    label_present_mask,
    non_numeric_message,
    profile_columns,
    sample_table,
)
from tlstudio.core.data.table import LoadedTable
from tlstudio.core.errors import DataError, RolesNotFound
from tlstudio.core.settings.config import TASKS

PAIR_NAMES = [("sentence1", "sentence2"), ("text_a", "text_b"), ("text1", "text2"),
              ("question1", "question2"), ("premise", "hypothesis"), ("sentence_a", "sentence_b"),
              ("query", "passage"), ("question", "answer")]
TEXT_NAMES = ["text", "sentence", "review", "reviews", "content", "message", "comment",
              "comment_text", "document", "body", "tweet", "utterance", "sms", "post",
              "description", "abstract", "headline", "question", "title", "input", "prompt"]
LABEL_NAMES = ["label", "labels", "target", "class", "category", "score", "sentiment", "y",
               "output", "rating", "tag", "tags", "topic", "intent", "emotion", "polarity",
               "stance", "gold_label", "is_spam", "spam", "v1", "categories", "genre_label"]
SEPARATORS = (";", "|", ",")
MAX_CLASSES_FOR_INTEGERS = 20


@dataclass
class Roles:
    """Column roles and task; ``label_columns`` lists several 0/1 columns (multi-label)."""

    text_columns: list[str]
    label_column: str
    task: str
    label_separator: str | None = None
    label_columns: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.label_columns:
            self.label_columns = [self.label_column]

    @property
    def is_pair(self) -> bool:
        return len(self.text_columns) == 2

    @property
    def multi_column_labels(self) -> bool:
        return len(self.label_columns) > 1


def infer_roles(table: pa.Table | LoadedTable, *, text_columns: list[str] | None = None,
                label_column: str | None = None, task: str | None = None,
                label_columns: list[str] | None = None) -> Roles:
    """Infer text column(s), label column(s) and task; every argument given overrides inference.

    ``label_columns`` names one label column, or several 0/1 columns (one per label) for a
    multi-label task.
    """
    if isinstance(table, LoadedTable):
        table = table.table
    if label_columns and len(label_columns) == 1:
        label_column, label_columns = label_columns[0], None
    names = table.column_names
    for name in (text_columns or []) + ([label_column] if label_column else []) + (label_columns or []):
        if name not in names:
            raise DataError(f"There is no column named '{name}'. The columns are: {_list(names)}.")
    if task is not None and task not in TASKS:
        raise DataError(f"Unknown task '{task}': choose one of {', '.join(TASKS)}.")
    if text_columns is not None and not 1 <= len(text_columns) <= 2:
        raise DataError("Choose one text column, or two for sentence pairs.")
    if len(names) == 1 and label_column is None and task is None:
        raise DataError(
            "The file has a single column, so there are no labels to learn from. Add a label "
            "column (for example 'text,label'); if each class is in its own file, join them "
            "into one file with a label column."
        )
    profiles = {p.name: p for p in profile_columns(table)}
    reasons: list[str] = []
    if label_columns:
        return _label_columns_roles(table, profiles, text_columns, label_columns, task, reasons)
    texts = list(text_columns) if text_columns else _infer_text(profiles, label_column, reasons)
    if label_column is None:
        zero_one = _zero_one_columns(profiles, texts) if task in (None, "multilabel") else []
        if zero_one and not _named(profiles, LABEL_NAMES, exclude=texts):
            reasons.append(f"Several 0/1 columns ({_list(zero_one)}): one label each (multi-label).")
            return Roles(texts, zero_one[0], "multilabel", None, zero_one, reasons)
        label = _infer_label(profiles, texts, reasons)
    else:
        label = label_column
    if label in texts:
        raise DataError(f"'{label}' can't be both the text and the label column.")
    column = table.column(label)
    chosen_task, separator = _infer_task(column, task, label, reasons)
    return Roles(texts, label, chosen_task, separator, [], reasons)


def _label_columns_roles(table: pa.Table, profiles: dict[str, ColumnProfile],
                         text_columns: list[str] | None, label_columns: list[str], task: str | None,
                         reasons: list[str]) -> Roles:
    """Roles for several label columns chosen by hand: one 0/1 column per label (multi-label)."""
    if task not in (None, "multilabel"):
        raise DataError(f"Several label columns ({_list(label_columns)}) make a multi-label task, "
                        f"not {task}.")
    if len(set(label_columns)) < len(label_columns):
        raise DataError(f"A label column is named twice: {_list(label_columns)}.")
    texts = list(text_columns) if text_columns else _infer_text(profiles, label_columns[0], reasons)
    both = [name for name in label_columns if name in texts]
    if both:
        raise DataError(f"'{both[0]}' can't be both the text and a label column.")
    for name in label_columns:
        values = pc.filter(table.column(name), label_present_mask(table.column(name)))
        found = {str(v).strip() for v in pc.unique(values).to_pylist()}
        if not found <= {"0", "1"}:
            shown = ", ".join(sorted(found)[:5])
            raise DataError(f"Each label column of a multi-label task holds 0 or 1 per row, but "
                            f"'{name}' holds {shown}.")
    reasons.append(f"Label columns chosen: {_list(label_columns)} (one 0/1 column per label).")
    return Roles(texts, label_columns[0], "multilabel", None, list(label_columns), reasons)


def _list(names: list[str]) -> str:
    shown = ", ".join(f"'{n}'" for n in names[:12])
    return shown + (f" and {len(names) - 12} more" if len(names) > 12 else "")


def _named(profiles: dict[str, ColumnProfile], wanted: list[str],
           exclude: list[str] | None = None) -> str | None:
    lowered = {name.strip().lower(): name for name in profiles if name not in (exclude or [])}
    for want in wanted:
        if want in lowered and profiles[lowered[want]].filled:
            return lowered[want]
    return None


def _infer_text(profiles: dict[str, ColumnProfile], label: str | None,
                reasons: list[str]) -> list[str]:
    lowered = {name.strip().lower(): name for name in profiles if name != label}
    for first, second in PAIR_NAMES:
        if first in lowered and second in lowered:
            pair = [lowered[first], lowered[second]]
            if all(profiles[n].text_like for n in pair):
                reasons.append(f"Sentence pair by name: {pair[0]}, {pair[1]}.")
                return pair
    named = _named(profiles, TEXT_NAMES, exclude=[label] if label else [])
    if named and not profiles[named].numeric:
        reasons.append(f"Text column by name: {named}.")
        return [named]
    candidates = sorted((p for p in profiles.values() if p.text_like and p.name != label),
                        key=lambda p: p.mean_length, reverse=True)
    if not candidates:
        raise RolesNotFound("text", "No column looks like free text (several words per row, "
                            "mostly different rows).", "--text-column")
    first = candidates[0]
    if len(candidates) > 1:
        second = candidates[1]
        similar = first.mean_length < 2.5 * second.mean_length
        if similar and second.unique_ratio > 0.5 and abs(first.index - second.index) == 1:
            pair = sorted([first, second], key=lambda p: p.index)
            reasons.append(f"Two adjacent free-text columns of similar length: a sentence pair "
                           f"({pair[0].name}, {pair[1].name}).")
            return [p.name for p in pair]
    reasons.append(f"Text column: {first.name} (the longest free text).")
    return [first.name]


def _zero_one_columns(profiles: dict[str, ColumnProfile], texts: list[str]) -> list[str]:
    found = [p.name for p in profiles.values()
             if p.name not in texts and p.integer and p.distinct <= 2 and p.filled
             and p.name.lower() not in ("id", "index")]
    return found if len(found) >= 2 else []


def _label_score(p: ColumnProfile, texts: list[str], n_columns: int,
                 text_index: int) -> float | None:
    """How much ``p`` looks like the target; ``None`` when it can't be one."""
    if p.name in texts or p.filled < 0.5 * p.rows or p.id_like or p.text_like:
        return None
    if p.distinct < 2:
        return None
    if p.numeric and not p.integer and p.distinct > MAX_CLASSES_FOR_INTEGERS:
        score = 2.0  # a continuous value is rarely metadata
    elif p.distinct <= max(2, min(100, p.filled // 2)):
        score = 1.0
    else:
        return None
    if abs(p.index - text_index) == 1:
        score += 0.5
    if p.index in (0, n_columns - 1):
        score += 0.5
    if p.integer and p.distinct > 10:
        score -= 0.25  # years, counts and codes look like this too
    return score


def _infer_label(profiles: dict[str, ColumnProfile], texts: list[str], reasons: list[str]) -> str:
    named = _named(profiles, LABEL_NAMES, exclude=texts)
    if named:
        reasons.append(f"Label column by name: {named}.")
        return named
    text_index = min(profiles[t].index for t in texts)
    scored = []
    for p in profiles.values():
        score = _label_score(p, texts, len(profiles), text_index)
        if score is not None:
            scored.append((score, -p.distinct, p.name))
    if not scored or max(scored)[0] < 1.5:
        raise RolesNotFound("label", "No column looks like a label (a few repeated values, or a "
                            "numeric score).", "--label-column")
    best = max(scored)[2]
    reasons.append(f"Label column: {best} (by its values).")
    return best


def _infer_task(column: pa.ChunkedArray, task: str | None, name: str,
                reasons: list[str]) -> tuple[str, str | None]:
    values = pc.filter(column, label_present_mask(column))
    if len(values) == 0:
        raise DataError(f"The label column '{name}' is empty.")
    profile = profile_columns(pa.table({name: values}))[0]
    separator = _multilabel_separator(values)
    if task == "regression" and not profile.numeric:
        raise DataError(non_numeric_message(values, name))
    if task == "multilabel":
        return task, separator
    if task == "binary" and profile.distinct > 2:
        raise DataError(f"A binary task needs two classes, but '{name}' has {profile.distinct}. "
                        "Choose multiclass.")
    if task is not None:
        return task, None
    if profile.numeric and not (profile.integer and profile.distinct <= MAX_CLASSES_FOR_INTEGERS):
        reasons.append(f"Task regression: '{name}' holds numbers with many distinct values.")
        return "regression", None
    if separator:
        reasons.append(f"Task multi-label: labels in '{name}' are separated by '{separator}'.")
        return "multilabel", separator
    chosen = "binary" if profile.distinct <= 2 else "multiclass"
    reasons.append(f"Task {chosen}: '{name}' has {profile.distinct} distinct values.")
    return chosen, None


def _multilabel_separator(values: pa.ChunkedArray | pa.Array) -> str | None:
    """The separator when enough cells hold several short labels reused across cells."""
    sample = sample_table(pa.table({"v": values})).column("v")
    cells = pc.unique(sample.combine_chunks() if isinstance(sample, pa.ChunkedArray) else sample)
    for sep in SEPARATORS:
        has = pc.match_substring(sample, sep)
        share = (pc.sum(has.cast(pa.int64())).as_py() or 0) / max(1, len(sample))
        if share < 0.05:
            continue
        tokens = pc.utf8_trim_whitespace(pc.list_flatten(pc.split_pattern(cells, sep)))
        tokens = pc.filter(tokens, pc.not_equal(tokens, ""))
        distinct_tokens = pc.count_distinct(tokens).as_py()
        longest = pc.max(pc.utf8_length(tokens)).as_py() or 0
        # Labels are reused across cells: more (cell, label) pairs than distinct labels.
        if longest <= 40 and len(tokens) > distinct_tokens and distinct_tokens <= 1000:
            return sep
    return None
