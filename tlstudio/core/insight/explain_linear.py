"""Exact explanations for a kept TF-IDF model: each n-gram adds coefficient x TF-IDF weight.

A linear model needs no occlusion or gradients: the target's logit (centred over the classes
for softmax) is the intercept plus, per n-gram, its weight in the text times its coefficient.
Each n-gram's share is split evenly over its occurrences and the words (or characters) it
spans; the word scores therefore add up to the logit less the intercept (shares falling on
spaces between characters are left out), divided by the run's temperature as predictions are.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tlstudio.core.inference.tfidf_numpy import PAIR_SEPARATOR, TfidfModel

METHOD = "tfidf-weights"


def _mapped(model: TfidfModel, text: str) -> tuple[str, list[int]]:
    """The analyzer's text and, per character of it, the original character it came from.

    Built character by character; when that differs from preprocessing the whole text (a
    final sigma, accents that combine), positions fall back to the nearest character.
    """
    chars, where = [], []
    for i, char in enumerate(text):
        for piece in model.preprocess(char):
            chars.append(piece)
            where.append(i)
    mapped, whole = "".join(chars), model.preprocess(text)
    if mapped != whole:
        where = [min(i, len(text) - 1) for i in range(len(whole))]
        mapped = whole
    if model.settings["analyzer"] == "char":  # a run of white space is one space (scikit-learn's rule)
        out, places, i = [], [], 0
        while i < len(mapped):
            j = i + 1
            while mapped[i].isspace() and j < len(mapped) and mapped[j].isspace():
                j += 1
            out.append(" " if j - i > 1 else mapped[i])
            places.append(where[i])
            i = j
        mapped, where = "".join(out), places
    return mapped, where


def _units(model: TfidfModel, text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """The analyzer's units (words, or characters) with their (start, end) in ``text``."""
    mapped, where = _mapped(model, text)
    if not where:
        return [], []
    if model.settings["analyzer"] == "char":
        return list(mapped), [(where[i], where[i] + 1) for i in range(len(mapped))]
    units, spans = [], []
    for match in model._pattern.finditer(mapped):
        if model._stop is not None and match.group() in model._stop:
            continue
        units.append(match.group())
        spans.append((where[match.start()], where[match.end() - 1] + 1))
    return units, spans


def unit_scores(model: TfidfModel, text: str, target: int | None) -> tuple[list[tuple[int, int]], np.ndarray]:
    """Each unit's span and its exact share of the target's logit."""
    units, spans = _units(model, text)
    index, values = model.features(text)
    weights = dict(zip(index.tolist(), (values * model.direction(target)[index]).tolist(), strict=True))
    low, high = model.settings["ngram_range"]
    joiner = "" if model.settings["analyzer"] == "char" else " "
    occurrences: dict[int, list[tuple[int, int]]] = {}  # column: (first unit, n) of each occurrence
    for n in range(max(1, low), min(high, len(units)) + 1):
        for i in range(len(units) - n + 1):
            column = model.vocabulary.get(joiner.join(units[i:i + n]))
            if column in weights:
                occurrences.setdefault(column, []).append((i, n))
    scores = np.zeros(len(units))
    for column, places in occurrences.items():
        share = weights[column] / len(places)
        for start, n in places:
            scores[start:start + n] += share / n
    return spans, scores


def _words(text: str, spans: list[tuple[int, int]], scores: np.ndarray, char_units: bool) -> list[tuple[int, int, float]]:
    """Characters joined into words where the script spaces its words; CJK characters stay single."""
    from tlstudio.core.data.script import is_cjk

    if not char_units:
        return [(s, e, float(v)) for (s, e), v in zip(spans, scores, strict=True)]
    words: list[tuple[int, int, float]] = []
    for (start, end), value in zip(spans, scores, strict=True):
        char = text[start:end]
        if char.isspace():
            continue
        joins = (words and char.isalnum() and not is_cjk(char) and words[-1][1] == start
                 and text[start - 1].isalnum() and not is_cjk(text[start - 1]))
        if joins:
            words[-1] = (words[-1][0], end, words[-1][2] + float(value))
        else:
            words.append((start, end, float(value)))
    return words


def linear_words(predictor: Any, text: str, pair: str | None,
                 index: int | None) -> list[tuple[str, int, int, float, int]]:
    """(word, start, end, score, part) for each word of ``text`` (part 0) and ``pair`` (part 1)."""
    model: TfidfModel = predictor.model
    calibration = predictor.calibration if predictor.task != "regression" else None
    temperature = float(calibration.temperature) if calibration is not None else 1.0
    joined = model.join(text, (pair or "") if predictor.needs_pair else None)
    spans, values = unit_scores(model, joined, index)
    cut = len(text) + len(PAIR_SEPARATOR) if predictor.needs_pair else None
    words = []
    for start, end, value in _words(joined, spans, values / temperature, model.settings["analyzer"] == "char"):
        part = 1 if cut is not None and start >= cut else 0
        if part == 0 and end > len(text):
            continue  # the separator joining the pair
        offset = cut if part == 1 else 0
        words.append((joined[start:end], start - offset, end - offset, round(value, 6), part))
    return words
