"""Insight measured on real sets: does the audit find planted label errors, what does the
learning curve say, and do explanations point at words that matter?

For each classification file given:

1. **Audit**: a random sample of ``--rows`` rows, 5 % of labels flipped to another class on
   purpose; the share of the flipped rows among the top 2 x (number flipped) suspects
   (target >= 0.60), with TF-IDF + LR (and ``--embeddings``: frozen MiniLM + LR).
2. **Learning curve** (TF-IDF + LR, the cheap path): accuracy at 10/25/50/100 % and its sentence.
3. With ``--run RUN`` (a run trained on that file): **faithfulness** of occlusion explanations
   on ``--texts`` test texts: the predicted class's probability drop when the top-1 word is
   deleted vs one random word.

Usage: .venv/bin/python bench/insight.py FILE.csv [FILE.csv ...] [--rows 2000] [--embeddings]
       [--run RUN --texts 30]
Not a test: it reads whatever files you give it and prints a Markdown table row per file.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

FLIP_SHARE = 0.05


def sample_rows(path: Path, rows: int, seed: int = 0):
    """The file's usable rows, a random ``rows`` of them (all when fewer)."""
    from tlstudio.core.insight.rows import LabelledRows, load_rows

    full = load_rows(path)
    pick = np.random.default_rng(seed).permutation(len(full))[:rows]
    return LabelledRows(full.path, [full.texts[i] for i in pick], full.labels[pick], full.label_names,
                        full.index[pick], full.first_row, full.label_column)


def planted_recall(rows, features=None, seed: int = 0) -> tuple[float, int]:
    """Share of planted flips among the top 2 x flips suspects; and how many were planted."""
    from tlstudio.core.insight.audit import audit

    rng = np.random.default_rng(seed)
    k = len(rows.label_names)
    flipped = rng.choice(len(rows), size=max(1, int(FLIP_SHARE * len(rows))), replace=False)
    labels = rows.labels.copy()
    for i in flipped:
        labels[i] = (labels[i] + rng.integers(1, k)) % k
    noisy = type(rows)(**{**rows.__dict__, "labels": labels})
    report = audit(noisy, features=features, seed=seed)
    top = {s.index for s in report.suspects[: 2 * len(flipped)]}
    planted = {int(rows.index[i]) for i in flipped}
    return len(top & planted) / len(planted), len(planted)


def faithfulness(run: Path, texts: int) -> str:
    from tlstudio.core.inference.predictor import Predictor
    from tlstudio.core.insight.faithfulness import deletion_check
    from tlstudio.core.runs.store import RunFolder

    predictor = Predictor.load(run)
    sample = [row.text for row in RunFolder(run).predictions()][:texts]
    check = deletion_check(predictor, sample, k=1)
    return f"{check.drop_top:.3f} vs {check.drop_random:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--embeddings", action="store_true")
    parser.add_argument("--run", type=Path, help="a run trained on the (single) file, for faithfulness")
    parser.add_argument("--texts", type=int, default=30)
    args = parser.parse_args()
    from tlstudio.core.insight.learning_curve import learning_curve
    from tlstudio.core.insight.rows import embedding_features

    tempfile.tempdir = tempfile.mkdtemp(prefix="tl-insight-bench-")
    print("| set | rows | flips | audit recall TF-IDF | audit recall embeddings | learning curve (accuracy at 10/25/50/100 %) | says | faithfulness top-1 vs random |")
    print("|---|---|---|---|---|---|---|---|")
    for path in args.files:
        rows = sample_rows(path, args.rows)
        tfidf, planted = planted_recall(rows)
        emb = f"{planted_recall(rows, embedding_features(rows.texts))[0]:.2f}" if args.embeddings else "-"
        curve = learning_curve(rows)
        points = " / ".join(f"{p.accuracy:.3f}" for p in curve.points)
        faithful = faithfulness(args.run, args.texts) if args.run else "-"
        name = path.parent.name if path.stem in ("test", "train", "dev") else path.stem
        print(f"| {name} | {len(rows)} | {planted} | {tfidf:.2f} | {emb} | {points} | {curve.sentence} | {faithful} |",
              flush=True)


if __name__ == "__main__":
    main()
