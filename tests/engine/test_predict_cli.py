"""``tlstudio predict`` on awkward input: one labelled answer or one error line, checked early."""

from __future__ import annotations

import errno
import json
import os
import shutil
import socket

import pytest

from tlstudio.cli.main import main
from tlstudio.core.inference.predictor import Predictor, tokenizable


@pytest.fixture
def run_dir(tiny_model_dir, tmp_path):
    """A finished model folder (the tiny BERT) the test may change."""
    return shutil.copytree(tiny_model_dir, tmp_path / "run")


@pytest.fixture
def never_predicts(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("predicted although the output can't be written")

    monkeypatch.setattr(Predictor, "predict_scores", fail)


def _one_error_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err, err
    return err


def test_text_with_invalid_utf8_and_control_characters_is_predicted(run_dir, capsys):
    # A shell's $'nice \xff phone' reaches Python as a lone surrogate.
    assert main(["predict", str(run_dir), "--text", "nice \udcff phone \x01\x1b[31m"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("label: ") and "probabilities:" in out
    assert tokenizable("nice \udcff phone") == "nice \ufffd phone"
    assert tokenizable("a \ud800 b") == "a ? b"
    assert tokenizable("café") == "café"


def test_text_output_says_which_is_the_label_and_which_are_probabilities(run_dir, capsys):
    assert main(["predict", str(run_dir), "--text", "great phone"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] in ("label: LABEL_0", "label: LABEL_1") and lines[1] == "probabilities:"
    names = [line.split()[0] for line in lines[2:]]
    probabilities = [float(line.split()[1]) for line in lines[2:]]
    assert sorted(names) == ["LABEL_0", "LABEL_1"] and sum(probabilities) == pytest.approx(1, abs=1e-3)
    assert lines[0] == f"label: {names[0]}"  # most probable first


def _source(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("text\ngood phone\nbad food\n", encoding="utf-8")
    return source


@pytest.mark.parametrize("where, words", [
    ("folder", "is a folder: give a file name"),
    ("under_a_file", "is a file, not a folder"),
])
def test_output_that_cannot_be_a_file_is_refused_before_predicting(run_dir, tmp_path, capsys,
                                                                   never_predicts, where, words):
    source = _source(tmp_path)
    target = tmp_path / "out_dir" if where == "folder" else source / "x.csv"
    if where == "folder":
        target.mkdir()
    assert main(["predict", str(run_dir), "--input", str(source), "--output", str(target)]) == 2
    assert words in _one_error_line(capsys)


def test_read_only_output_folder_is_refused_before_predicting(run_dir, tmp_path, capsys,
                                                              never_predicts, monkeypatch):
    import tempfile

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(tempfile, "TemporaryFile", read_only)
    source = _source(tmp_path)
    assert main(["predict", str(run_dir), "--input", str(source), "--output",
                 str(tmp_path / "new" / "p.csv")]) == 2
    assert f"the folder '{tmp_path}' is on a read-only disk" in _one_error_line(capsys)


def test_disk_full_while_writing_is_one_error_line(run_dir, tmp_path, capsys, monkeypatch):
    import csv

    class FullDisk:
        def __init__(self, *args, **kwargs):
            pass

        def writerow(self, row):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(csv, "writer", FullDisk)
    target = tmp_path / "p.csv"
    assert main(["predict", str(run_dir), "--input", str(_source(tmp_path)), "--output", str(target)]) == 2
    assert "is on a full disk. Nothing was written." in _one_error_line(capsys)
    assert not target.exists() and not list(tmp_path.glob(".p.csv*"))


def test_pair_model_given_one_text_warns(run_dir, capsys):
    (run_dir / "run_config.json").write_text(json.dumps({"text_columns": ["sentence1", "sentence2"]}),
                                             encoding="utf-8")
    assert main(["predict", str(run_dir), "--text", "a man plays"]) == 0
    err = capsys.readouterr().err
    assert "compares two texts (sentence1, sentence2); without --pair" in err
    assert main(["predict", str(run_dir), "--text", "a man plays", "--pair", "a man sings"]) == 0
    assert capsys.readouterr().err == ""


def test_run_still_marked_running_warns(run_dir, capsys):
    from tlstudio.core.runs.folder import write_status

    write_status(run_dir, "running", pid=os.getpid(), host=socket.gethostname())
    assert main(["predict", str(run_dir), "--text", "great phone", "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["label"]
    assert captured.err.startswith("warning: ") and "is still marked running" in captured.err
    write_status(run_dir, "complete")
    assert main(["predict", str(run_dir), "--text", "great phone", "--json"]) == 0
    assert capsys.readouterr().err == ""


def test_metrics_summary_shows_every_metric(capsys):
    from tlstudio.cli.engine import _print_summary

    names = ["accuracy", "precision_macro", "recall_macro", "f1_macro", "precision_weighted",
             "recall_weighted", "f1_weighted", "roc_auc"]
    model = {name: 0.5 + i / 100 for i, name in enumerate(names)} | {"roc_auc": None}
    _print_summary({"model": model | {"roc_auc": 0.91}, "baselines": {"tfidf": {"f1_weighted": 0.7}}})
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines[1:]] == names
    assert lines[-2].split()[1:] == ["0.5600", "0.7000", "–"] and lines[-1].split()[1] == "0.9100"
