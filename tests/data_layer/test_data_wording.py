"""Counted nouns in messages and row numbers as a person counts them (issue 13 items 13, 16)."""

from __future__ import annotations

import pyarrow as pa

from tlstudio.core.data import Roles, find_problems, inspect_file
from tlstudio.core.data.rownumbers import row_numbers
from tlstudio.core.wording import count, plural


def test_plural_of_the_nouns_messages_count():
    assert [count(1, "class"), count(68, "class"), count(2, "row"), count(0, "row")] == [
        "1 class", "68 classes", "2 rows", "0 rows"]
    assert [plural(2, "entry"), plural(2, "box"), plural(2, "day"), plural(1, "entry")] == [
        "entries", "boxes", "days", "entry"]


def test_rare_classes_are_counted_in_proper_english():
    labels = [f"c{i}" for i in range(68)] * 3 + ["big"] * 400
    table = pa.table({"text": [f"text number {i} of many" for i in range(len(labels))],
                      "label": labels})
    rare = next(p for p in find_problems(table, Roles(["text"], "label", "multiclass"))
                if p.code == "rare_class")
    assert rare.message.startswith("68 classes have fewer than 10 rows")
    assert "classs" not in rare.message


def test_row_numbers_say_what_they_count():
    assert row_numbers("csv", True).of(0) == 2  # the header is row 1
    assert row_numbers("tsv", False).of(0) == 1
    assert row_numbers("jsonl", True).of(0) == 1  # JSONL has no header line
    assert "header is row 1" in row_numbers("csv", True).meaning


def test_the_text_report_numbers_rows_as_a_spreadsheet_shows_them(tmp_path):
    path = tmp_path / "d.csv"
    rows = [f"text number {i} with words,{'ab'[i % 2]}" for i in range(60)]
    rows[3] = ",a"  # 0-based data row 3: spreadsheet row 5 (header is row 1)
    path.write_text("text,label\n" + "\n".join(rows) + "\n", encoding="utf-8")
    report = inspect_file(path)
    text = report.to_text()
    assert "(rows 5)" in text
    assert "header is row 1" in text
