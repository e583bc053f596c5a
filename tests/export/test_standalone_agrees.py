"""The exported predict.py can't import TL Studio, so it repeats two small rules: checked equal here.

The ONNX predictor (export/standalone.py) and the numpy TF-IDF model (inference/tfidf_numpy.py,
copied beside it as tfidf_model.py) answer through the same interface (scores, label, unsure,
CSV cells); the pair-windowing rule repeats core/inference/chunks.py's.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from tlstudio.core.export import standalone
from tlstudio.core.inference.chunks import pair_strategy
from tlstudio.core.inference.tfidf_numpy import TfidfModel

CASES = {  # task: label names, thresholds, unsure_below
    "binary": (["neg", "pos"], {"pos": 0.7}, None),
    "multiclass": (["a", "b", "c"], {}, 0.5),
    "multilabel": (["x", "y", "z"], {"y": 0.2}, None),
    "regression": ([], {}, None),
}


def _pair(task: str) -> tuple[standalone.ExportedModel, TfidfModel]:
    names, thresholds, unsure_below = CASES[task]
    onnx = standalone.ExportedModel.__new__(standalone.ExportedModel)  # no ONNX file: its answers only
    onnx.task, onnx.label_names, onnx.temperature = task, names, 1.7
    onnx.thresholds, onnx.unsure_below = thresholds, unsure_below
    width = max(1, len(names))
    info = {"settings": {}, "task": task, "label_names": names, "vocabulary": {},
            "link": "identity" if task == "regression" else "softmax", "columns": list(range(width)),
            "calibration": {"temperature": 1.7, "thresholds": thresholds, "unsure_below": unsure_below}}
    tfidf = TfidfModel(info, {"coef": np.zeros((width, 1)), "intercept": np.zeros(width)})
    return onnx, tfidf


@pytest.mark.parametrize("task", sorted(CASES))
def test_the_onnx_and_tfidf_predictors_answer_alike(task):
    onnx, tfidf = _pair(task)
    logits = np.random.default_rng(0).normal(0, 2, (200, max(1, len(CASES[task][0]))))
    assert onnx.score_columns() == tfidf.score_columns()
    for calibrated in (True, False):
        scores = onnx.scores(logits, calibrated)
        np.testing.assert_array_equal(scores, tfidf.scores(logits, calibrated))
        for row in scores:
            assert onnx.label(row) == tfidf.label(row)
            assert onnx.is_unsure(row) == tfidf.is_unsure(row)
            assert onnx.row_values(row) == tfidf.row_values(row)
    if task != "regression":  # the cases reach every branch: a threshold that decides, an unsure row
        rows = onnx.scores(logits)
        assert len({str(onnx.label(r)) for r in rows}) > 1
        assert task != "multiclass" or any(onnx.is_unsure(r) for r in rows)


def test_predict_py_windows_the_same_member_of_a_pair_as_training():
    for first, second, max_length, specials in itertools.product(range(0, 70, 3), range(0, 70, 4),
                                                                 (16, 32, 33, 64), (2, 3, 4)):
        assert (standalone._pair_strategy(first, second, max_length, specials)
                == pair_strategy(first, second, max_length, specials)), (first, second, max_length, specials)
