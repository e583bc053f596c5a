"""Data doctor: planted label flips are found, duplicates that disagree and outliers are named."""

from __future__ import annotations

import csv

import pytest
from conftest import synthetic_rows, write_csv

from tlstudio.core.errors import DataError
from tlstudio.core.insight.audit import DUPLICATE, LABEL, OUTLIER, audit
from tlstudio.core.insight.corrections import EXCLUDE, RELABEL, Correction, write_corrected_copy
from tlstudio.core.insight.rows import load_rows


def test_planted_flips_are_among_the_top_suspects(flipped_file):
    path, flipped = flipped_file
    report = audit(load_rows(path))
    labelled = [s.index for s in report.suspects if LABEL in s.kinds]
    top = set(labelled[: 2 * len(flipped)])
    assert len(top & set(flipped)) >= 0.6 * len(flipped)


def test_a_suspect_carries_the_row_a_person_reads_and_a_suggestion(flipped_file):
    path, flipped = flipped_file
    report = audit(load_rows(path))
    first = next(s for s in report.suspects if s.index in flipped)
    assert first.row == first.index + 2  # header is row 1, data row 0 is row 2
    with open(path, encoding="utf-8") as handle:
        lines = list(csv.reader(handle))
    assert lines[first.row - 1] == [first.text, first.given]
    assert first.suggested != first.given
    assert 0.0 <= first.score < 0.5


def test_agreement_warns_when_the_cross_checking_model_is_weak(tmp_path):
    import random

    rng = random.Random(4)  # labels unrelated to the words: nothing to learn
    rows = [(text, rng.choice(["neg", "pos"])) for text, _ in synthetic_rows(80)]
    report = audit(load_rows(write_csv(tmp_path / "noise.csv", rows)))
    assert report.agreement < 0.8 and "Treat them as hints" in report.agreement_sentence


def test_the_audit_is_deterministic(flipped_file):
    path, _ = flipped_file
    assert audit(load_rows(path)).to_dict() == audit(load_rows(path)).to_dict()


def test_near_duplicates_with_different_labels_are_paired(tmp_path):
    rows = synthetic_rows(60)
    text = rows[4][0]
    rows.append((text.upper() + "!", "neg" if rows[4][1] == "pos" else "pos"))  # row 62 in the file
    report = audit(load_rows(write_csv(tmp_path / "dup.csv", rows)))
    dups = {s.row: s for s in report.suspects if DUPLICATE in s.kinds}
    assert set(dups) == {6, 62}
    assert any("row 62" in why for why in dups[6].why)


def test_an_unrelated_row_is_an_outlier(tmp_path):
    rows = synthetic_rows(100)
    rows.insert(30, ("quantum chromodynamics lagrangian renormalisation gauge boson", "pos"))
    report = audit(load_rows(write_csv(tmp_path / "odd.csv", rows)))
    assert report.suspects and [s.row for s in report.suspects if OUTLIER in s.kinds][0] == 32


def test_regression_data_is_refused(tmp_path):
    path = tmp_path / "scores.csv"
    path.write_text("text,score\n" + "".join(f"row {i},{i * 0.37:.2f}\n" for i in range(40)))
    with pytest.raises(DataError, match="one class label per row"):
        load_rows(path)


def test_corrected_copy_applies_decisions_in_a_new_file(flipped_file, tmp_path):
    path, flipped = flipped_file
    before = path.read_bytes()
    target = tmp_path / "fixed.csv"
    summary = write_corrected_copy(path, target, {flipped[0]: Correction(RELABEL, "maybe"),
                                                  flipped[1]: Correction(EXCLUDE)})
    assert (summary.written, summary.relabelled, summary.excluded) == (199, 1, 1)
    assert path.read_bytes() == before
    with open(target, encoding="utf-8") as handle:
        out = list(csv.reader(handle))
    with open(path, encoding="utf-8") as handle:
        original = list(csv.reader(handle))
    assert len(out) == len(original) - 1
    assert out[flipped[0] + 1] == [original[flipped[0] + 1][0], "maybe"]
    assert original[flipped[1] + 1] not in out


def test_corrected_copy_never_overwrites_the_source(flipped_file):
    path, flipped = flipped_file
    before = path.read_bytes()
    with pytest.raises(DataError, match="new name"):
        write_corrected_copy(path, path, {flipped[0]: Correction(EXCLUDE)})
    assert path.read_bytes() == before


def test_cli_audit_prints_suspects_and_json(flipped_file, capsys):
    from tlstudio.cli.main import main

    path, flipped = flipped_file
    assert main(["audit", str(path), "--limit", "3"]) == 0
    text = capsys.readouterr().out
    assert "likely label errors" in text and text.count("row ") >= 3
    assert main(["audit", str(path), "--json"]) == 0
    data = __import__("json").loads(capsys.readouterr().out)
    assert data["agreement"] > 0.85 and "agrees with" in text
    assert data["rows"] == 200 and data["counts"][LABEL] == len([s for s in data["suspects"]
                                                                  if LABEL in s["kinds"]])


def test_cli_audit_error_is_one_line(tmp_path, capsys):
    from tlstudio.cli.main import main

    path = tmp_path / "scores.csv"
    path.write_text("text,score\n" + "".join(f"row {i},{i * 0.37:.2f}\n" for i in range(40)))
    assert main(["audit", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1


def test_audit_on_given_features_uses_them_to_judge_labels(flipped_file):
    import numpy as np
    from conftest import NEGATIVE, POSITIVE

    path, flipped = flipped_file
    rows = load_rows(path)
    # two features: counts of positive and negative words, which decide the true label
    features = np.array([[sum(w in POSITIVE for w in t.split()), sum(w in NEGATIVE for w in t.split())]
                         for t in rows.texts], dtype=float) + 0.01
    report = audit(rows, features=features)
    assert report.method.startswith("sentence embeddings")
    labelled = {s.index for s in report.suspects if LABEL in s.kinds}
    assert set(flipped) <= labelled


def test_embedding_features_come_from_the_sentence_model(tiny_model_dir):
    from tlstudio.core.insight.rows import embedding_features

    vectors = embedding_features(["good movie", "bad phone", "good movie"], model=str(tiny_model_dir))
    assert vectors.shape == (3, 32)
    assert vectors[0] == pytest.approx(vectors[2]) and vectors[0] != pytest.approx(vectors[1])


def test_the_audit_starts_no_processes(flipped_file, monkeypatch):
    """The app audits in a worker thread: forking there is unsafe (and slow)."""
    import multiprocessing

    def refuse(*_args, **_kwargs):
        raise AssertionError("the audit started a process pool")

    monkeypatch.setattr(multiprocessing, "Pool", refuse)
    path, flipped = flipped_file
    report = audit(load_rows(path))
    assert {s.index for s in report.suspects} & set(flipped)
