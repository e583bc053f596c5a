"""Are the explanations faithful? Deleting the top-attributed words must hurt more than random ones."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from tlstudio.core.insight.explain import OCCLUSION, explain


@dataclass
class DeletionCheck:
    """Mean drop in the predicted class's probability after deleting ``k`` words, over ``texts`` texts."""

    method: str
    k: int
    texts: int
    drop_top: float  # deleting the k most positively attributed words
    drop_random: float  # deleting k random words (mean over ``draws`` draws per text)
    draws: int
    seconds_per_text: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def delete_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` without the character ``spans``, whitespace collapsed where they were."""
    kept, last = [], 0
    for start, end in sorted(spans):
        kept.append(text[last:start])
        last = end
    kept.append(text[last:])
    return " ".join("".join(kept).split())


def deletion_check(predictor: Any, texts: list[str], *, k: int = 1, method: str = OCCLUSION,
                   draws: int = 5, seed: int = 0) -> DeletionCheck:
    """Compare deleting the top-``k`` attributed words with deleting ``k`` random words.

    Texts with fewer than ``k + 1`` words are skipped (deleting every word says nothing).
    """
    rng = np.random.default_rng(seed)
    originals, top, random_texts, targets, seconds = [], [], [], [], 0.0
    for text in texts:
        found = explain(predictor, text, method=method)
        words = [w for w in found.words if w.part == 0]
        if len(words) <= k:
            continue
        seconds += found.seconds
        originals.append(text)
        targets.append(predictor.label_names.index(found.target))
        top.append(delete_spans(text, [(w.start, w.end) for w in found.top(k) if w.part == 0]))
        for _ in range(draws):
            chosen = rng.choice(len(words), size=k, replace=False)
            random_texts.append(delete_spans(text, [(words[i].start, words[i].end) for i in chosen]))
    if not originals:
        return DeletionCheck(method, k, 0, 0.0, 0.0, draws, 0.0)
    rows = np.arange(len(originals))
    target = np.asarray(targets)
    before = predictor.predict_scores(originals)[rows, target]
    after_top = predictor.predict_scores(top)[rows, target]
    after_random = predictor.predict_scores(random_texts)[np.arange(len(random_texts)),
                                                          np.repeat(target, draws)]
    return DeletionCheck(method, k, len(originals), float(np.mean(before - after_top)),
                         float(np.mean(np.repeat(before, draws) - after_random)), draws,
                         seconds / len(originals))
