"""Embeddings baseline with per-row scores, character n-grams for CJK text, and zero-shot."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import build_prepared, prepared_for


def test_encoder_keeps_input_order_and_gives_unit_vectors(tiny_model_dir):
    from tlstudio.core.evaluation.embeddings import load_encoder

    encoder = load_encoder(str(tiny_model_dir))
    texts = ["good", "a very long and really terrible awful movie", "bad food", "nice"]
    vectors = encoder.encode(texts, batch_size=2)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.allclose(encoder.encode(texts[::-1], batch_size=3), vectors[::-1], atol=1e-5)


def test_embeddings_baseline_gives_per_row_scores(tiny_model_dir):
    from tlstudio.core.evaluation.baselines import fit_baselines, run_baselines

    prepared = prepared_for("binary")
    results = fit_baselines(prepared, embedding_model=str(tiny_model_dir))
    assert list(results) == ["majority", "tfidf", "embeddings"]
    n_test = len(prepared.splits["test"])
    for baseline in results.values():
        assert baseline.scores.shape == (n_test, 2) and np.allclose(baseline.scores.sum(axis=1), 1.0)
    metrics = run_baselines(prepared, embedding_model=str(tiny_model_dir))
    assert metrics["embeddings"]["f1_macro"] == results["embeddings"].metrics["f1_macro"]
    assert "scores" not in metrics["embeddings"]  # metrics.json stays small


def test_embeddings_baseline_on_sentence_pairs(tiny_model_dir):
    from tlstudio.core.evaluation.baselines import fit_baselines

    prepared = prepared_for("regression")
    results = fit_baselines(prepared, embedding_model=str(tiny_model_dir))
    assert results["embeddings"].scores.shape == (len(prepared.splits["test"]),)
    assert "pearson" in results["embeddings"].metrics


def test_embeddings_baseline_is_skipped_without_its_model(tmp_path):
    from tlstudio.core.evaluation.baselines import run_baselines

    assert set(run_baselines(prepared_for("binary"), embedding_model=tmp_path / "gone")) == {"majority", "tfidf"}
    assert set(run_baselines(prepared_for("binary"))) == {"majority", "tfidf"}  # off unless asked for


def test_character_ngrams_for_cjk_text_even_with_spaces():
    from tlstudio.core.evaluation.baselines import _has_words, make_vectorizer

    mixed = ["iPhone 手机 很好用 推荐", "送餐 太慢了 菜都凉了", "味道 不错 OK"] * 10
    assert not _has_words(mixed) and make_vectorizer(mixed).analyzer == "char"
    japanese = ["この映画はとても良かった", "最悪の サービスでした"] * 10
    assert not _has_words(japanese)
    english = ["the film was good", "bad food, slow service"] * 10
    assert _has_words(english) and make_vectorizer(english).analyzer == "word"


def test_label_names_that_are_words():
    from tlstudio.core.evaluation.zero_shot import label_names_are_words

    assert label_names_are_words(["negative", "positive"])
    assert label_names_are_words(["Sci/Tech", "World", "sports_news"])
    assert not label_names_are_words(["0", "1"])
    assert not label_names_are_words(["label_1", "label_2"])
    assert not label_names_are_words(["A", "B"])
    assert not label_names_are_words(["spam"])


def test_zero_shot_applies_only_to_word_labels(tiny_model_dir):
    from tlstudio.core.evaluation.zero_shot import zero_shot

    prepared = prepared_for("binary")
    result = zero_shot(prepared, model=str(tiny_model_dir))
    assert result["scores"].shape == (len(prepared.splits["test"]), 2)
    assert np.allclose(result["scores"].sum(axis=1), 1.0) and "f1_macro" in result["metrics"]
    rows = [{"text": "good", "label": i % 2, "row": i} for i in range(20)]
    assert zero_shot(build_prepared("binary", rows, ["0", "1"]), model=str(tiny_model_dir)) is None
    assert zero_shot(prepared_for("regression"), model=str(tiny_model_dir)) is None


@pytest.mark.slow
def test_bundled_model_embeddings_and_zero_shot_know_sentiment():
    from tlstudio.core.evaluation.baselines import fit_baselines
    from tlstudio.core.evaluation.embeddings import load_encoder
    from tlstudio.core.evaluation.zero_shot import zero_shot

    prepared = prepared_for("binary", "sentiment_600.csv")
    encoder = load_encoder("default")
    results = fit_baselines(prepared, embedding_model=encoder)
    assert results["embeddings"].metrics["f1_macro"] > results["majority"].metrics["f1_macro"] + 0.3
    assert zero_shot(prepared, model=encoder)["metrics"]["accuracy"] > 0.65  # measured 0.76


def test_embeddings_baseline_caps_its_training_rows(tiny_model_dir, monkeypatch):
    from tlstudio.core.evaluation import baselines
    from tlstudio.core.evaluation.embeddings import SentenceEncoder

    encoded: list[int] = []
    real = SentenceEncoder.encode
    monkeypatch.setattr(SentenceEncoder, "encode", lambda self, texts, **kw: encoded.append(len(texts)) or real(self, texts, **kw))
    monkeypatch.setattr(baselines, "MAX_EMBED_TRAIN", 20)
    prepared = prepared_for("binary")
    results = baselines.fit_baselines(prepared, embedding_model=str(tiny_model_dir))
    assert encoded == [20, len(prepared.splits["test"])]  # a capped training sample, every test row
    assert results["embeddings"].scores.shape[0] == len(prepared.splits["test"])


def test_tfidf_vocabulary_shrinks_as_classes_grow_so_its_weights_stay_bounded():
    from tlstudio.core.evaluation.baselines import MAX_COEFFICIENTS, MAX_FEATURES, max_features

    assert max_features(2) == MAX_FEATURES
    assert max_features(5_000) * 5_000 <= MAX_COEFFICIENTS
    assert max_features(10**7) >= 1_000  # never a useless vocabulary


def test_the_encoder_is_loaded_once_per_process(tiny_model_dir):
    from tlstudio.core.evaluation.embeddings import load_encoder

    first = load_encoder(str(tiny_model_dir))
    assert first is not None
    assert load_encoder(str(tiny_model_dir)) is first  # every run's baselines reuse it
    assert load_encoder(str(tiny_model_dir), max_length=32) is not first
