"""The malformed-input corpus (tests/data/bad): every file is loaded or refused as EXPECTED.json says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import sha256

from tlstudio.cli.main import main
from tlstudio.core.data import inspect_file, read_table
from tlstudio.core.errors import DataError

BAD = Path(__file__).parents[1] / "data" / "bad"
EXPECTED: dict[str, dict] = json.loads((BAD / "EXPECTED.json").read_text(encoding="utf-8"))


def test_corpus_is_big_enough():
    assert len(EXPECTED) >= 30
    assert all((BAD / name).is_file() for name in EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_inspect_file(name):
    expected = EXPECTED[name]
    path = BAD / name
    before = sha256(path)
    if expected["outcome"] == "refused":
        with pytest.raises(DataError, match=expected["message"]):
            inspect_file(path)
    else:
        report = inspect_file(path)
        assert report.loaded.num_rows == expected["rows"]
        codes = {p.code for p in report.problems}
        assert set(expected["codes"]) <= codes, codes
        for key in ("task",):
            if key in expected:
                assert report.roles.task == expected[key]
        if "delimiter" in expected:
            assert report.loaded.delimiter == expected["delimiter"]
        if "has_header" in expected:
            assert report.loaded.has_header == expected["has_header"]
    assert sha256(path) == before


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_cli(name, capsys):
    expected = EXPECTED[name]
    code = main(["inspect", str(BAD / name), "--json"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    if expected["outcome"] == "refused":
        assert code == 2
        assert err.startswith("error: ") and err.count("\n") == 1
    else:
        assert code == 0
        assert json.loads(out)["rows"] == expected["rows"]


def test_huge_single_field(tmp_path):
    path = tmp_path / "huge.csv"
    huge = "word " * 6_000_000  # 30 MB in one field
    path.write_text(f"text,label\n{huge},pos\nsmall text here,neg\n", encoding="utf-8")
    loaded = read_table(path)
    assert loaded.num_rows == 2
    assert len(loaded.table.column("text")[0].as_py()) == len(huge)


def test_many_columns(tmp_path):
    path = tmp_path / "wide.csv"
    names = ["text", "label"] + [f"feature_{i}" for i in range(3000)]
    rows = [",".join([f"some text number {r} here", "ab"[r % 2]] + ["0"] * 3000)
            for r in range(30)]
    path.write_text(",".join(names) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    report = inspect_file(path)
    assert report.loaded.table.num_columns == 3002
    assert (report.roles.text_columns, report.roles.label_column) == (["text"], "label")


def _during_read(monkeypatch, action) -> None:
    """Run ``action(path)`` on the file just before the reader gets its bytes (a deterministic race)."""
    from pathlib import Path

    real = Path.read_bytes

    def read_bytes(self):
        action(self)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)


def _truncate(path) -> None:
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        handle.truncate(size // 2)


@pytest.mark.parametrize("action, words", [
    (lambda p: p.unlink(), "was deleted or moved while it was being read"),
    (_truncate, "changed while it was being read"),
])
def test_a_file_deleted_or_truncated_while_read_is_a_clear_error(tmp_path, monkeypatch, capsys, action, words):
    import shutil

    for attempt in ("api", "cli"):
        path = tmp_path / f"{attempt} données.csv"
        shutil.copy(BAD.parent / "sentiment_600.csv", path)
        with monkeypatch.context() as patch:
            _during_read(patch, action)
            if attempt == "api":
                with pytest.raises(DataError, match=words):
                    inspect_file(path)
            else:
                assert main(["inspect", str(path)]) == 2
                err = capsys.readouterr().err
                assert err.count("\n") == 1 and words in err and "Traceback" not in err
