"""``tlstudio inspect``: JSON and text reports; bad input is one ``error:`` line, exit 2."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import EXCERPTS, sentiment_rows, sha256

from tlstudio.cli.main import main


def test_json_report(write, capsys):
    path = write("d.csv", sentiment_rows(40))
    assert main(["inspect", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    for key in ("rows", "columns", "encoding", "delimiter", "has_header", "text_columns",
                "label_column", "task", "classes", "problems"):
        assert key in report
    assert report["rows"] == 40
    assert report["classes"] == {"neg": 20, "pos": 20}
    assert report["delimiter"] == ","
    assert report["task"] == "binary"


def test_text_report_and_overrides(write, capsys):
    path = write("d.tsv", sentiment_rows(40, sep="\t").replace("pos", "1.5").replace("neg", "2.5"))
    assert main(["inspect", str(path), "--label-column", "label", "--task", "regression",
                 "--delimiter", "tab"]) == 0
    out = capsys.readouterr().out
    assert "40 rows" in out and "task: regression" in out and "classes" not in out


def test_problems_are_listed(capsys):
    assert main(["inspect", str(EXCERPTS / "spam_kaggle_excerpt.csv"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["encoding"] == "cp1252"
    codes = {p["code"] for p in report["problems"]}
    assert "imbalance" in codes
    for problem in report["problems"]:
        assert set(problem) >= {"severity", "message", "code", "rows"}


@pytest.mark.parametrize(("content", "args", "message"), [
    (b"", [], "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(300), [], "PNG"),
    (b"text,label\n", [], "no data rows"),
    ("text,label\ncafé ok,1\n".encode("cp1252"), ["--encoding", "utf-8"], "decoded"),
    (sentiment_rows(10).encode(), ["--label-column", "nope"], "no column named 'nope'"),
    (sentiment_rows(10).encode(), ["--text-column", "nope"], "no column named 'nope'"),
    (b"a,b\n1,2\n3,4\n5,6\n", [], "free text"),
])
def test_bad_input_exits_2_with_one_error_line(write, capsys, content, args, message):
    path = write("bad.csv", content)
    before = sha256(path)
    assert main(["inspect", str(path), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert message in err
    assert err.count("\n") == 1
    assert sha256(path) == before


def test_subprocess_has_no_traceback(write):
    path = write("empty.csv", b"")
    result = subprocess.run([sys.executable, "-m", "tlstudio", "inspect", str(path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.startswith("error:") and "Traceback" not in result.stderr


def test_truncation_with_a_model_folder(write, capsys, tiny_model_dir):
    content = "text,label\n" + "".join(f"{'word ' * (200 if i < 5 else 3)}{i},{'ab'[i % 2]}\n"
                                       for i in range(40))
    path = write("long.csv", content)
    assert main(["inspect", str(path), "--json", "--model", str(tiny_model_dir),
                 "--max-length", "64"]) == 0
    problems = {p["code"]: p for p in json.loads(capsys.readouterr().out)["problems"]}
    assert problems["truncated"]["rows"] == [0, 1, 2, 3, 4]


def test_missing_model_folder_is_an_error(write, capsys):
    path = write("d.csv", sentiment_rows(20))
    assert main(["inspect", str(path), "--model", "/no/such/model"]) == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_header_flag(write, capsys):
    path = write("nh.tsv", "".join(f"{'ab'[i % 2]}\tsome text number {i} here\n" for i in range(30)))
    assert main(["inspect", str(path), "--json", "--header"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["has_header"] is True and report["rows"] == 29
    assert main(["inspect", str(path), "--json", "--no-header"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"] == 30


def test_inspect_takes_several_label_columns_for_multi_label(tmp_path, capsys):
    path = tmp_path / "comments.csv"
    path.write_text("comment,toxic,insult,score\n" + "".join(
        f"comment number {i} is here,{i % 2},{(i // 2) % 2},{i}\n" for i in range(40)), encoding="utf-8")
    assert main(["inspect", str(path), "--label-column", "toxic", "--label-column", "insult", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["label_columns"], report["task"]) == (["toxic", "insult"], "multilabel")
    assert main(["inspect", str(path), "--label-column", "toxic", "--label-column", "score"]) == 2
    assert "holds 0 or 1 per row" in capsys.readouterr().err
