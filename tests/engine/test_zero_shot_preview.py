"""Issue 11: the Data page's zero-shot score from label names, on the file before any split."""

from __future__ import annotations

import csv

import numpy as np

from tlstudio.core.data.summary import inspect_summary
from tlstudio.core.evaluation.zero_shot import preview_zero_shot


class WordEncoder:
    """Vectors from two cue words: 'good'/'positive' one way, 'bad'/'negative' the other."""

    def encode(self, texts):
        rows = [[sum(w in t for w in ("good", "positive")), sum(w in t for w in ("bad", "negative")), 0.01]
                for t in texts]
        vectors = np.asarray(rows, dtype=float)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _inspected(tmp_path, labels, rows=300):
    path = tmp_path / "reviews.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        for i in range(rows):
            good = i % 3 != 0
            writer.writerow([f"a {'good' if good else 'bad'} thing number {i}", labels[good]])
    return inspect_summary(str(path))


def test_word_labels_get_a_zero_shot_score_on_a_sample_of_the_file(tmp_path):
    result = _inspected(tmp_path, {True: "positive", False: "negative"})
    report = result.report
    preview = preview_zero_shot(report.loaded, report.roles, result.class_labels, model=WordEncoder())
    assert preview is not None and preview.rows == 200  # a sample, not the whole file
    assert preview.accuracy == 1.0 and preview.f1_macro == 1.0
    assert "macro F1 1.000" in preview.sentence() and "200 rows" in preview.sentence()


def test_coded_labels_get_one_once_named_and_codes_alone_none(tmp_path):
    result = _inspected(tmp_path, {True: "1", False: "0"}, rows=90)
    report, labels = result.report, result.class_labels
    assert labels == ["0", "1"]
    assert preview_zero_shot(report.loaded, report.roles, labels, model=WordEncoder()) is None
    named = preview_zero_shot(report.loaded, report.roles, labels, ["negative", "positive"], model=WordEncoder())
    assert named is not None and named.rows == 90 and named.accuracy == 1.0
    swapped = preview_zero_shot(report.loaded, report.roles, labels, ["positive", "negative"], model=WordEncoder())
    assert swapped.accuracy == 0.0  # the names really are matched to the texts' labels


def test_a_model_named_by_its_folder_is_loaded_to_score(tmp_path, tiny_model_dir):
    result = _inspected(tmp_path, {True: "positive", False: "negative"}, rows=40)
    report = result.report
    preview = preview_zero_shot(report.loaded, report.roles, result.class_labels, model=str(tiny_model_dir))
    assert preview is not None and preview.rows == 40 and 0.0 <= preview.accuracy <= 1.0
