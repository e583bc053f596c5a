"""Issue 11: Chinese text (no spaces between words) gets a character n-gram TF-IDF baseline."""

from __future__ import annotations

import random

from conftest import build_prepared

from tlstudio.core.evaluation.baselines import fit_baselines

FILLER = "我们今天点了一份外卖送到公司里面味道还有就是这个店家的东西"
GOOD = ["很好吃", "送得很快", "非常满意", "味道不错"]
BAD = ["太难吃了", "送得太慢", "很不满意", "味道很差"]


def _reviews(n: int = 160, seed: int = 0):
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        label = i % 2
        filler = "".join(rng.sample(FILLER, 8))
        cue = rng.choice(GOOD if label else BAD)
        cut = rng.randrange(len(filler))
        rows.append({"text": filler[:cut] + cue + filler[cut:] + "。", "label": label, "row": i})
    return build_prepared("binary", rows, ["差评", "好评"])


def test_unspaced_chinese_reviews_get_a_character_ngram_baseline_that_learns_them():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score

    data = _reviews()
    tfidf = fit_baselines(data)["tfidf"].metrics["f1_macro"]
    assert tfidf >= 0.9
    # What word n-grams would have done: every review is one "word", so nothing carries over.
    train, test = data.splits["train"], data.splits["test"]
    words = TfidfVectorizer(ngram_range=(1, 2))
    model = LogisticRegression(max_iter=1000).fit(words.fit_transform(train["text"]), train["label"])
    assert f1_score(test["label"], model.predict(words.transform(test["text"])), average="macro") < 0.7
