"""Data doctor: rows whose label looks wrong, near-duplicates that disagree, and outliers.

Every row gets class probabilities from a cheap model that never saw it (cross-validation);
cleanlab's confident learning then picks the rows whose given label the other rows contradict.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from tlstudio.core.evaluation.format import percent
from tlstudio.core.insight.rows import LabelledRows, method_name, out_of_sample_probs, vectorizer

LABEL = "label"
DUPLICATE = "conflicting duplicate"
OUTLIER = "outlier"
DUPLICATE_SIMILARITY = 0.9  # cosine similarity of TF-IDF vectors: same words, maybe reordered or re-cased
OUTLIER_SHARE = 0.01


@dataclass
class Suspect:
    """One row worth a second look; ``score`` is cleanlab's label quality (0 = surely wrong, 1 = fine)."""

    index: int  # 0-based data row
    row: int  # as a spreadsheet numbers it
    text: str
    given: str
    suggested: str
    score: float
    kinds: list[str] = field(default_factory=list)
    why: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class AuditReport:
    """Suspects, label errors first (most certain first), then conflicting duplicates and outliers."""

    path: str
    rows: int
    method: str
    suspects: list[Suspect]
    agreement: float = 0.0  # share of given labels the cross-checking model agrees with

    @property
    def agreement_sentence(self) -> str:
        """How far to trust the suspects: a weak cross-checking model flags its own mistakes too."""
        text = f"The cross-checking model agrees with {percent(self.agreement)} of the given labels"
        if self.agreement < 0.8:
            return text + ("; it is weak on this data, so many suspects may be its mistakes rather "
                           "than wrong labels. Treat them as hints.")
        return text + "."

    def count(self, kind: str) -> int:
        return sum(kind in s.kinds for s in self.suspects)

    def to_dict(self) -> dict[str, Any]:
        counts = {kind: self.count(kind) for kind in (LABEL, DUPLICATE, OUTLIER)}
        return {"path": self.path, "rows": self.rows, "method": self.method,
                "agreement": round(self.agreement, 4), "counts": counts,
                "suspects": [s.to_dict() for s in self.suspects]}


def audit(rows: LabelledRows, *, probs: np.ndarray | None = None, features: np.ndarray | None = None,
          folds: int = 5, seed: int = 0) -> AuditReport:
    """Rank likely label errors, conflicting near-duplicates and outliers in ``rows``.

    ``probs`` are out-of-sample class probabilities (one row per data row) from any model;
    by default logistic regression with ``folds``-fold cross-validation on TF-IDF, or on
    ``features`` (sentence embeddings) when given; these also find the outliers.
    """
    from cleanlab.filter import find_label_issues
    from cleanlab.rank import get_label_quality_scores

    names = rows.label_names
    method = "given"
    if probs is None:
        probs = out_of_sample_probs(rows.texts, rows.labels, len(names), folds=folds, seed=seed,
                                    features=features)
        method = f"{method_name(features)}, {folds}-fold cross-validation"
    quality = get_label_quality_scores(rows.labels, probs)
    # n_jobs=1: cleanlab's default forks a process per core, which costs seconds, froze the app's
    # window for over a second and is unsafe in a process with threads; the work itself is O(rows).
    flagged = find_label_issues(rows.labels, probs, return_indices_ranked_by="self_confidence",
                                n_jobs=1)
    suspects: dict[int, Suspect] = {}

    def suspect(i: int) -> Suspect:
        if i not in suspects:
            suspects[i] = Suspect(int(rows.index[i]), rows.row_number(i), rows.texts[i],
                                  names[rows.labels[i]], names[int(np.argmax(probs[i]))],
                                  round(float(quality[i]), 4))
        return suspects[i]

    for i in flagged:
        found = suspect(int(i))
        found.kinds.append(LABEL)
        given, best = rows.labels[i], int(np.argmax(probs[i]))
        found.why.append(f"a model trained on the other rows gives '{names[best]}' "
                         f"{percent(probs[i, best])} and the given '{names[given]}' {percent(probs[i, given])}")
    tfidf = vectorizer(rows.texts).fit_transform(rows.texts)
    for i, j, similarity in conflicting_duplicates(tfidf, rows.labels):
        for a, b in ((i, j), (j, i)):
            found = suspect(a)
            if DUPLICATE not in found.kinds:
                found.kinds.append(DUPLICATE)
            found.why.append(f"{percent(similarity)} the same text as row {rows.row_number(b)}, "
                             f"which is labelled '{names[rows.labels[b]]}'")
    for i, score in outliers(tfidf if features is None else features, seed=seed):
        found = suspect(i)
        found.kinds.append(OUTLIER)
        found.why.append(f"unlike the other rows (outlier score {score:.2f}; lower is stranger)")
    kind_order = {LABEL: 0, DUPLICATE: 1, OUTLIER: 2}
    ordered = sorted(suspects.values(), key=lambda s: (kind_order[s.kinds[0]], s.score))
    agreement = float(np.mean(np.argmax(probs, axis=1) == rows.labels))
    return AuditReport(rows.path, len(rows), method, ordered, agreement)


def conflicting_duplicates(features: Any, labels: np.ndarray, *, neighbours: int = 5,
                           min_similarity: float = DUPLICATE_SIMILARITY) -> list[tuple[int, int, float]]:
    """Pairs (i < j) of rows with nearly the same text but different labels, and their similarity."""
    from sklearn.neighbors import NearestNeighbors

    n = features.shape[0]
    if n < 2:
        return []
    k = min(neighbours + 1, n)
    distances, indices = NearestNeighbors(n_neighbors=k, metric="cosine", algorithm="brute") \
        .fit(features).kneighbors(features)
    pairs: dict[tuple[int, int], float] = {}
    for i in range(n):
        for distance, j in zip(distances[i], indices[i], strict=True):
            similarity = 1.0 - float(distance)
            if j != i and similarity >= min_similarity and labels[i] != labels[j]:
                pairs[(min(i, int(j)), max(i, int(j)))] = similarity
    return [(i, j, s) for (i, j), s in sorted(pairs.items())]


def outliers(features: Any, *, share: float = OUTLIER_SHARE, seed: int = 0) -> list[tuple[int, float]]:
    """The ``share`` of rows least like their nearest neighbours (cleanlab's outlier score), strangest first."""
    from cleanlab.outlier import OutOfDistribution
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    n, width = features.shape
    if n < 20 or width < 3:
        return []  # too few rows for "unlike the others" to mean anything
    if isinstance(features, np.ndarray):  # already dense vectors (sentence embeddings)
        dense = features
    else:
        dense = TruncatedSVD(n_components=min(50, width - 1, n - 1), random_state=seed) \
            .fit_transform(features)
    scores = OutOfDistribution(params={"k": min(10, n - 1)}).fit_score(features=normalize(dense),
                                                                    verbose=False)
    count = max(1, int(round(n * share)))
    order = np.argsort(scores, kind="stable")[:count]
    return [(int(i), float(scores[i])) for i in order]
