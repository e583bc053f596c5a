"""Texts longer than the max length: how many there are, and whether to read them in chunks.

``auto`` (the default) trains on chunks when at least :data:`AUTO_SHARE` of the training rows
are long, then picks truncation, the mean or the max of the chunks' scores, whichever does best
on the validation split (:func:`choose_on_validation`); below that share it truncates.

Why 10 %: reading in parts costs training time in proportion to the extra windows (on
concatenated mr_polarity reviews, 2,127 windows for 932 rows: 2.1x the training time) and can
only change the predictions of the long rows. When fewer than one row in ten is long, even a
large gain on those rows moves the score by under a point or two, within the noise of a
validation split of a few hundred rows, for a run that may take twice as long; at 100 % long
rows (bench/results/long-texts-20261201.md) it gained 1.5 points of test accuracy. The
default max length already covers 95 % of the training rows, so ``auto`` reads in parts only
when the texts outgrow the model (its 512-token limit) or the user chose a shorter length.
Sentence pairs are read in parts too: the shorter text is kept whole in every window and the
longer one is windowed (core/inference/chunks.py); a pair whose shorter text alone takes more
than half the window is cut, and the plan says how many are.
"""

from __future__ import annotations

import math
import random
from dataclasses import asdict, dataclass
from typing import Any

from tlstudio.core.inference.chunks import pair_lengths, pair_strategy, stride_for

AUTO_SHARE = 0.10  # auto reads in chunks when at least this share of training rows is long
SAMPLE_ROWS = 2000
MODES_TRIED = ("chunks-mean", "chunks-max", "truncate")  # preference order on a tie


@dataclass
class LongTexts:
    """Rows, rows longer than ``max_length`` and windows they make (estimated from a sample)."""

    rows: int
    long_rows: int
    windows: int  # training examples when long rows are read in chunks
    max_length: int
    cut_pairs: int = 0  # long pairs cut even in chunks: their shorter text fills half the window

    @property
    def share(self) -> float:
        return self.long_rows / self.rows if self.rows else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "share": round(self.share, 4)}


def windows_for(tokens: int, max_length: int, specials: int = 2) -> int:
    """Windows a text of ``tokens`` (special tokens included) makes at ``max_length``."""
    if tokens <= max_length:
        return 1
    room = max(1, max_length - specials)
    step = max(1, room - stride_for(max_length))
    return 1 + math.ceil((tokens - specials - room) / step)


def count_long_texts(texts: list[str], tokenizer: Any, max_length: int,
                     pairs: list[str] | None = None) -> LongTexts:
    """How many of ``texts`` are longer than ``max_length`` tokens, from up to 2,000 sampled rows."""
    indices = list(range(len(texts)))
    if len(indices) > SAMPLE_ROWS:
        indices = sorted(random.Random(0).sample(indices, SAMPLE_ROWS))
    sample = [str(texts[i]) for i in indices]
    sample_pairs = [str(pairs[i]) for i in indices] if pairs is not None else None
    scale = len(texts) / max(1, len(sample))
    if sample_pairs is not None and sample:
        long_rows, windows, cut = _count_pairs(sample, sample_pairs, tokenizer, max_length)
        return LongTexts(len(texts), round(long_rows * scale), round(windows * scale), max_length,
                         round(cut * scale))
    lengths = [len(ids) for ids in tokenizer(sample, truncation=False,
                                             add_special_tokens=True)["input_ids"]] if sample else []
    specials = len(tokenizer("", add_special_tokens=True)["input_ids"]) if sample else 2
    long_rows = sum(1 for n in lengths if n > max_length)
    windows = sum(windows_for(n, max_length, specials) for n in lengths)
    return LongTexts(len(texts), round(long_rows * scale), round(windows * scale), max_length)


def _count_pairs(texts: list[str], pairs: list[str], tokenizer: Any, max_length: int) -> tuple[int, int, int]:
    """Long pairs, the windows all pairs make, and the long pairs cut even when read in parts."""
    firsts, seconds, specials = pair_lengths(tokenizer, texts, pairs)
    long_rows = windows = cut = 0
    for first, second in zip(firsts, seconds, strict=True):
        is_long = first + second + specials > max_length
        long_rows += is_long
        if pair_strategy(first, second, max_length, specials) == "longest_first":
            windows, cut = windows + 1, cut + is_long
        else:  # the longer text is windowed in the room the shorter one (kept whole) leaves
            kept = specials + min(first, second)
            windows += windows_for(max(first, second) + kept, max_length, kept)
    return long_rows, windows, cut


def trains_on_chunks(mode: str, count: LongTexts, chunkable: bool) -> bool:
    """Whether training reads long rows in chunks (``auto``: when enough rows are long)."""
    if not chunkable or count.long_rows == 0:
        return False
    return mode in ("chunks-mean", "chunks-max") or (mode == "auto" and count.share >= AUTO_SHARE)


def long_texts_line(count: LongTexts, mode: str, chunkable: bool = True) -> str | None:
    """What happens to the long rows, for the plan output and the Train page (None when none is long)."""
    if count.long_rows == 0:
        return None
    head = (f"{count.long_rows:,} of {count.rows:,} training rows ({count.share:.0%}) are longer than "
            f"{count.max_length} tokens")
    parts = (f"read in overlapping parts of {count.max_length} tokens (about {count.windows:,} training "
             f"examples instead of {count.rows:,})")
    if not chunkable:
        return f"{head}: only their start is read (this tokenizer can't read them in parts)."
    if mode == "truncate" or (mode == "auto" and not trains_on_chunks(mode, count, chunkable)):
        why = (f" (under {AUTO_SHARE:.0%}: too few to be worth reading in parts)" if mode == "auto"
               else "; reading them in parts may help")
        return f"{head}: only their first {count.max_length} tokens are read{why}."
    how = {"chunks-mean": "the parts' scores are averaged",
           "chunks-max": "a label wins when any part says so",
           "auto": "averaging the parts' scores or letting any part decide is chosen on the validation "
                   "split after training"}[mode]
    cut = (f" Except {count.cut_pairs:,} pair{'s' if count.cut_pairs != 1 else ''} whose shorter text alone "
           f"takes more than half of the {count.max_length} tokens: only their start is read."
           if count.cut_pairs else "")
    return f"{head}: {parts}; {how}.{cut}"


def choose_on_validation(predictor: Any, texts: list[str], labels: list[Any], task: str,
                         pairs: list[str] | None = None) -> tuple[str, dict[str, float | None]]:
    """The mode whose validation score is best, and each mode's score (main metric)."""
    import numpy as np

    from tlstudio.core.evaluation.metrics import main_metric, task_metrics

    scores: dict[str, float | None] = {}
    before = predictor.long_texts
    try:
        for mode in MODES_TRIED:
            predictor.long_texts = mode
            probs = predictor.predict_scores(texts, pairs, calibrated=False)
            scores[mode] = task_metrics(task, np.asarray(labels), probs).get(main_metric(task))
    finally:
        predictor.long_texts = before
    best = max(MODES_TRIED, key=lambda m: -math.inf if scores[m] is None else scores[m])
    return best, scores


def settle_before_training(config: Any, texts: list[str], pairs: list[str] | None,
                           tokenizer: Any) -> tuple[LongTexts, str | None]:
    """Count the long rows and settle ``auto`` to ``truncate`` when too few are long (in place)."""
    from tlstudio.core.inference.chunks import can_chunk

    count = count_long_texts(texts, tokenizer, config.max_length, pairs)
    chunkable = can_chunk(tokenizer)
    line = long_texts_line(count, config.long_texts, chunkable)
    if config.long_texts == "auto" and not trains_on_chunks("auto", count, chunkable):
        config.long_texts = "truncate"
    return count, line


def settle_after_training(config: Any, predictor: Any, validation: Any, task: str) -> dict[str, Any] | None:
    """For ``auto``: choose the mode on the validation split, set it on config and predictor.

    Returns what run.json keeps: ``chosen``, each mode's validation ``scores`` and the ``text`` said.
    """
    if config.long_texts != "auto":
        return None
    if len(validation) == 0:
        config.long_texts = predictor.long_texts = "chunks-mean"
        return {"chosen": "chunks-mean", "scores": {},
                "text": "Long texts: no validation split to choose on, so the parts' scores are averaged."}
    pairs = list(validation["text_pair"]) if "text_pair" in validation.column_names else None
    best, scores = choose_on_validation(predictor, list(validation["text"]), list(validation["label"]), task, pairs)
    config.long_texts = predictor.long_texts = best
    shown = ", ".join(f"{mode} {'–' if s is None else f'{s:.3f}'}" for mode, s in scores.items())
    if len({s for s in scores.values() if s is not None}) <= 1:  # no mode better: say so, not "best"
        return {"chosen": best, "scores": scores,
                "text": f"Long texts: every way of reading them scored the same on the validation split "
                        f"({shown}), so {best} is used."}
    return {"chosen": best, "scores": scores,
            "text": f"Long texts: {best} scored best on the validation split ({shown})."}
