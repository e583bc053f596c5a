"""Explanations: the deciding keyword carries the weight, pieces merge into words, deletion is faithful."""

from __future__ import annotations

import json
import random

import pytest
from conftest import keyword_sentence, one_torch_thread

from tlstudio.core.errors import DataError
from tlstudio.core.insight.explain import INTEGRATED_GRADIENTS, METHODS, explain
from tlstudio.core.insight.faithfulness import delete_spans, deletion_check


@pytest.fixture(autouse=True)
def _one_thread():
    with one_torch_thread():
        yield


def test_the_trained_keyword_model_really_uses_the_keyword(keyword_predictor):
    rng = random.Random(5)
    labels = [i % 2 for i in range(40)]
    predicted = keyword_predictor.predict([keyword_sentence(rng, y) for y in labels])
    assert sum(p.label == ("pos" if y else "neg") for p, y in zip(predicted, labels, strict=True)) >= 38


@pytest.mark.parametrize("method", METHODS)
def test_the_keyword_gets_the_largest_attribution(keyword_predictor, method):
    text = "the food was excellent and really so"
    found = explain(keyword_predictor, text, method=method)
    assert found.predicted == "pos" == found.target and found.target_probability > 0.5
    assert [w.word for w in found.words] == text.split()
    assert found.top(1)[0].word == "excellent"
    assert found.words[3].score > 0


@pytest.mark.parametrize("method", METHODS)
def test_another_class_sees_the_keyword_as_evidence_against_it(keyword_predictor, method):
    found = explain(keyword_predictor, "the food was excellent", target="neg", method=method)
    assert found.target == "neg" and found.predicted == "pos"
    assert min(found.words, key=lambda w: w.score).word == "excellent"


def test_word_pieces_merge_into_the_typed_word(keyword_predictor):
    text = "Zebras were excellent!"  # 'zebras' is not in the vocabulary: it splits into pieces
    assert len(keyword_predictor.tokenizer.tokenize("Zebras")) > 1
    found = explain(keyword_predictor, text, method=INTEGRATED_GRADIENTS)
    assert [w.word for w in found.words] == ["Zebras", "were", "excellent", "!"]
    assert all(text[w.start:w.end] == w.word for w in found.words)


def test_explanations_are_deterministic(keyword_predictor):
    for method in METHODS:
        first = explain(keyword_predictor, "my phone is awful", method=method)
        second = explain(keyword_predictor, "my phone is awful", method=method)
        assert [w.score for w in first.words] == [w.score for w in second.words]


def test_unknown_class_and_empty_text_are_errors(keyword_predictor):
    with pytest.raises(DataError, match="neg, pos"):
        explain(keyword_predictor, "the food", target="maybe")
    with pytest.raises(DataError, match="text"):
        explain(keyword_predictor, "   ")


def test_delete_spans_removes_words_and_tidies_spaces():
    assert delete_spans("the food was excellent", [(9, 12), (0, 3)]) == "food excellent"


@pytest.mark.parametrize("method", METHODS)
def test_deleting_top_words_hurts_more_than_deleting_random_words(keyword_predictor, method):
    rng = random.Random(11)
    texts = [keyword_sentence(rng, i % 2) for i in range(30)]
    check = deletion_check(keyword_predictor, texts, k=1, method=method)
    assert check.texts == 30
    assert check.drop_top > check.drop_random + 0.2
    assert check.drop_top > 0.3


def test_cli_explain(keyword_model_dir, capsys):
    from tlstudio.cli.main import main

    assert main(["explain", str(keyword_model_dir), "--text", "the food was excellent"]) == 0
    out = capsys.readouterr().out
    assert "pos" in out and "excellent" in out
    assert main(["explain", str(keyword_model_dir), "--text", "the food was excellent", "--class", "neg",
                 "--method", INTEGRATED_GRADIENTS, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["target"] == "neg" and data["method"] == INTEGRATED_GRADIENTS
    assert [w["word"] for w in data["words"]] == ["the", "food", "was", "excellent"]
    assert main(["explain", str(keyword_model_dir), "--text", "x", "--class", "maybe"]) == 2
    assert capsys.readouterr().err.startswith("error: There is no class 'maybe'")


def test_the_explained_probability_is_the_calibrated_one_predictions_show(keyword_predictor):
    from tlstudio.core.insight.calibration import Calibration

    text = "the food was excellent"
    before = explain(keyword_predictor, text).target_probability
    keyword_predictor.calibration = Calibration(temperature=4.0)
    try:
        found = explain(keyword_predictor, text)
        shown = keyword_predictor.predict([text])[0].scores[found.target]
    finally:
        keyword_predictor.calibration = None
    assert found.target_probability == pytest.approx(shown, abs=1e-5)
    assert found.target_probability < before  # a temperature above 1 softens the probability
