"""Tokens counted once per file and model: what the length check, "auto" and the fit note read.

Three questions need the same token counts: are texts longer than the model reads (the Data
page's check), which max length a run left at "auto" will pick (the runner's
:func:`~tlstudio.core.models.fit.model_fit` suggestion on the training split, which the Train
page times its presets at), and how many tokens the model does not know (the fit note). Each
used to tokenize the file again. A :class:`TokenSurvey` holds each counted row's tokens, so the
answers are arithmetic; another split only counts rows not counted yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from tlstudio.core.data.finding import Problem
from tlstudio.core.data.roles import Roles
from tlstudio.core.data.script import SAMPLE as SCRIPT_ROWS
from tlstudio.core.data.script import unspaced_language
from tlstudio.core.data.truncation import (
    CHARS_PER_TOKEN,
    SAMPLE,
    effective_max_length,
    truncation_problem,
)
from tlstudio.core.models.fit import FitReport, fit_report, fit_sample, token_counts


@dataclass(frozen=True)
class TokenSurvey:
    """One file's token counts with one model's tokenizer (file row -> counts)."""

    model_max_length: int
    usable_rows: int  # rows with a text and a label
    check_rows: tuple[int, ...]  # the length check's evenly spaced sample of them
    train_rows: tuple[int, ...] | None  # the runner's fit sample of the training split (None: no split)
    counts: Mapping[int, tuple[int, int, int]]  # row -> (tokens, unknown, content), see fit.token_counts
    longest_chars: int  # characters of the longest text among the check rows
    tokenized_rows: int  # rows sent to the tokenizer for this survey and those it extends
    language: str | None = None  # "Chinese", "Japanese" (script.unspaced_language): models named for it

    def truncation_problem(self) -> Problem | None:
        """The "texts will be cut" problem at the model's own limit (None: every text fits)."""
        if not self.check_rows:
            return None
        lengths = [self.counts[r][0] for r in self.check_rows]
        return truncation_problem(list(self.check_rows), lengths, self.model_max_length,
                                  self.usable_rows, self.longest_chars)

    @property
    def auto_max_length(self) -> int | None:
        """The max length a run left at "auto" picks (None: the data can't be split for a run)."""
        return None if not self.train_rows else self.fit_report(None).suggested_max_length

    def fit_report(self, max_length: int | None) -> FitReport:
        """Unknown-token and cut-off shares at ``max_length`` (None: at "auto"), on the training
        rows the run will count (the checked rows while the data can't be split)."""
        rows = self.train_rows or self.check_rows
        counted = [self.counts[r] for r in rows]
        return fit_report([c[0] for c in counted], sum(c[1] for c in counted), sum(c[2] for c in counted),
                          self.model_max_length, max_length, self.language)


def survey_tokens(loaded: Any, roles: Roles, split: Any, tokenizer: Any,
                  previous: TokenSurvey | None = None) -> TokenSurvey:
    """Count the tokens the three answers need, each row once.

    ``loaded`` is the inspected ``LoadedTable``, ``split`` the ``SplitConfig`` a run would use;
    ``previous``, a survey of the same file with the same tokenizer (another split): its rows are
    not counted again.
    """
    table = loaded.table
    usable = pc.indices_nonzero(_usable(table, roles)).to_pylist()
    step = len(usable) / SAMPLE if len(usable) > SAMPLE else 1
    check_rows = tuple(usable) if step == 1 else tuple(usable[int(i * step)] for i in range(SAMPLE))
    train = _train_rows(loaded, roles, split)
    train_rows = None if train is None else tuple(train[i] for i in fit_sample(len(train)))
    counts = dict(previous.counts) if previous is not None else {}
    wanted = sorted((set(check_rows) | set(train_rows or ())) - counts.keys())
    cap = effective_max_length(tokenizer, None)
    if wanted:
        texts, pairs = _texts(table, roles, wanted, cap * CHARS_PER_TOKEN)
        encoded = tokenizer(texts, pairs, truncation=False, add_special_tokens=True,
                            return_attention_mask=False, return_token_type_ids=False)["input_ids"]
        counts.update(zip(wanted, (token_counts(ids, tokenizer) for ids in encoded), strict=True))
    longest = previous.longest_chars if previous is not None else _longest_chars(table, roles, check_rows)
    language = previous.language if previous is not None else unspaced_language(
        table.column(roles.text_columns[0]).take(list(check_rows[:SCRIPT_ROWS])).to_pylist())
    return TokenSurvey(cap, len(usable), check_rows, train_rows, counts, longest,
                       (previous.tokenized_rows if previous is not None else 0) + len(wanted), language)


def _usable(table: pa.Table, roles: Roles) -> pa.Array:
    """Rows with a label and every text: the ones a run trains and tests on."""
    from tlstudio.core.data.labels import label_mask
    from tlstudio.core.data.profile import filled_mask

    ok = label_mask(table, roles)
    for name in roles.text_columns:
        ok = pc.and_(ok, filled_mask(table.column(name)))
    return ok


def _train_rows(loaded: Any, roles: Roles, split: Any) -> list[int] | None:
    """The file rows of the training split, as the runner will split them (None: it can't)."""
    from tlstudio.core.data.split import split_tables
    from tlstudio.core.errors import DataError

    try:
        return split_tables(loaded, roles, split)[0]["train"].column("row").to_pylist()
    except (DataError, OSError):  # e.g. too few rows, an unreadable test file: the run says so
        return None


def _texts(table: pa.Table, roles: Roles, rows: list[int],
           max_chars: int) -> tuple[list[str], list[str] | None]:
    """The rows' texts (and pairs) as a run reads them, trimmed, cut to ``max_chars`` characters:
    a 5-million-character cell takes a tokenizer seconds, and its start already tells it is long."""
    from tlstudio.core.data.labels import trimmed

    picked = table.take(pa.array(rows, pa.int64()))
    columns = [[t[:max_chars] for t in trimmed(picked.column(c)).cast(pa.string()).to_pylist()]
               for c in roles.text_columns[:2]]
    return columns[0], (columns[1] if roles.is_pair else None)


def _longest_chars(table: pa.Table, roles: Roles, rows: tuple[int, ...]) -> int:
    if not rows:
        return 0
    picked = table.take(pa.array(rows, pa.int64()))
    return max(pc.max(pc.utf8_length(picked.column(c).cast(pa.string()))).as_py() or 0
               for c in roles.text_columns)
