"""The chart data of an inspected file comes from the core (the window only draws it)."""

from __future__ import annotations

import numpy as np

from tlstudio.core.data import inspect_file
from tlstudio.core.data.summary import inspect_summary, summarize


def test_class_counts_and_text_lengths(write):
    rows = "".join(f"review number {i} was fine overall,{'pos' if i % 2 else 'neg'}\n" for i in range(40))
    path = write("s.csv", "text,label\n" + rows + "one more review text here,neu\n")
    summary = inspect_summary(path)
    assert summary.label_counts == [("neg", 20), ("pos", 20), ("neu", 1)]
    assert len(summary.text_lengths) == 41
    assert summary.text_lengths[0] == len("review number 0 was fine overall")
    assert summary.label_values is None


def test_regression_values_and_multilabel_counts(write):
    rows = "".join(f"a short review number {i},{i / 4}\n" for i in range(30))
    summary = summarize(inspect_file(write("r.csv", "text,score\n" + rows), task="regression"))
    assert summary.label_counts == []
    assert np.allclose(summary.label_values, [i / 4 for i in range(30)])
    tags = "".join(f"a tagged review number {i},{['a;b', 'b', 'c;a'][i % 3]}\n" for i in range(30))
    summary = inspect_summary(write("m.csv", "text,tags\n" + tags), task="multilabel")
    assert summary.label_counts == [("a", 20), ("b", 20), ("c", 10)]
