"""read_table: encodings, delimiters, headers, quoting, formats, refusals."""

from __future__ import annotations

import json
import re

import pyarrow as pa
import pytest
from conftest import EXCERPTS, sentiment_rows, sha256

from tlstudio.core.data import preview_rows, read_table
from tlstudio.core.errors import DataError

TEXT = "Café crème – “quoted” naïve résumé très bon"


@pytest.mark.parametrize(("encoding", "expected"), [
    ("utf-8", "utf-8"),
    ("utf-8-sig", "utf-8-sig"),
    ("utf-16", "utf-16"),
    ("cp1252", "cp1252"),
])
def test_encodings_are_detected_and_decoded(write, encoding, expected):
    content = "text,label\n" + "".join(f"{TEXT} {i},{i % 2}\n" for i in range(30))
    loaded = read_table(write("e.csv", content, encoding))
    assert loaded.encoding == expected
    assert loaded.num_rows == 30
    assert loaded.column_names == ["text", "label"]
    assert loaded.table.column("text")[0].as_py() == f"{TEXT} 0"


def test_utf16_without_bom(write):
    content = "text\tlabel\n" + "".join(f"row {i} is plain text\t{i % 2}\n" for i in range(20))
    loaded = read_table(write("e.tsv", content, "utf-16-le"))
    assert loaded.encoding == "utf-16-le"
    assert loaded.num_rows == 20


def test_latin1_bytes_undefined_in_cp1252(write):
    text = "Le café était très bon, la crème brûlée délicieuse"
    data = ("text,label\n" + "".join(f"\"{text} {i}\",{i % 2}\n" for i in range(30))).encode("latin-1")
    loaded = read_table(write("l.csv", data + b"un octet \x81 bizarre,1\n"))
    assert loaded.encoding in ("latin-1", "iso8859-1")
    assert loaded.table.column("text")[0].as_py() == f"{text} 0"
    assert loaded.table.column("text")[30].as_py() == "un octet \x81 bizarre"


@pytest.mark.parametrize(("encoding", "text"), [
    ("cp1251", "Привет, как дела? Отличный фильм"),
    ("shift_jis", "この映画はとても面白かった"),
])
def test_other_legacy_code_pages(write, encoding, text):
    content = "text,label\n" + "".join(f"\"{text} {i}\",{i % 2}\n" for i in range(30))
    loaded = read_table(write("x.csv", content, encoding))
    assert loaded.encoding == encoding
    assert loaded.table.column("text")[0].as_py() == f"{text} 0"


def test_gbk_chinese(write):
    rows = ["很快，好吃，味道足，量大", "没有送水没有送水没有送水", "非常快，态度好。", "太难吃了，再也不点了"]
    content = "label,review\n" + "".join(f"{i % 2},{rows[i % 4]}{i}\n" for i in range(40))
    loaded = read_table(write("zh.csv", content, "gbk"))
    assert loaded.encoding == "gb18030"
    assert loaded.table.column("review")[0].as_py() == rows[0] + "0"


def test_invalid_utf8_late_in_a_large_file_switches_encoding(write):
    head = "".join(f"plain ascii row number {i},a\n" for i in range(20000)).encode()
    loaded = read_table(write("late.csv", b"text,label\n" + head + b"caf\xe9 late row,b\n"))
    assert loaded.num_rows == 20001
    assert loaded.table.column("text")[-1].as_py() == "café late row"
    assert any("UTF-8" in note for note in loaded.notes)


@pytest.mark.parametrize(("sep", "suffix"), [(",", ".csv"), ("\t", ".tsv"), ("\t", ".txt"),
                                             (";", ".csv"), ("|", ".csv")])
def test_delimiters(write, sep, suffix):
    loaded = read_table(write("d" + suffix, sentiment_rows(30, sep=sep)))
    assert loaded.delimiter == sep
    assert loaded.num_rows == 30
    assert loaded.format == ("tsv" if sep == "\t" else "csv")


def test_tsv_named_csv_with_commas_in_text(write):
    content = "text\tlabel\n" + "".join(f"one, two, {i} and, more\t{i % 3}\n" for i in range(25))
    loaded = read_table(write("t.csv", content))
    assert loaded.delimiter == "\t"
    assert loaded.column_names == ["text", "label"]


def test_no_header_is_detected(write):
    content = "".join(f"{i % 4 + 1},Some headline {i},A longer description of event {i}\n"
                      for i in range(30))
    loaded = read_table(write("nh.csv", content))
    assert not loaded.has_header
    assert loaded.num_rows == 30
    assert loaded.column_names == ["column_1", "column_2", "column_3"]


def test_header_override(write):
    loaded = read_table(write("h.csv", sentiment_rows(10)), has_header=False)
    assert loaded.num_rows == 11


def test_multiline_quoted_fields(write):
    content = 'text,label\n"first line\nsecond line, with comma",1\n"plain",0\n"a ""quoted"" word",1\n'
    loaded = read_table(write("m.csv", content))
    assert loaded.num_rows == 3
    assert loaded.table.column("text").to_pylist() == [
        "first line\nsecond line, with comma", "plain", 'a "quoted" word']
    assert loaded.notes == []


def test_stray_quotes_do_not_swallow_rows(write):
    lines = ['"Hello there" he said\t1', '"An unclosed quote starts here\t0',
             "a normal line\t1", 'it said "wow" twice\t0', "last line\t1"]
    content = "text\tlabel\n" + "\n".join(lines * 10) + "\n"
    loaded = read_table(write("s.txt", content))
    assert loaded.num_rows == 50
    assert loaded.table.column("text")[1].as_py() == '"An unclosed quote starts here'
    assert any("quote" in note.lower() for note in loaded.notes)


def test_stray_quote_beyond_the_sample_is_caught(write):
    body = "".join(f"clean row {i}\t{i % 2}\n" for i in range(30000))
    tail = '"unclosed quote row\t1\n' + "".join(f"after {i}\t0\n" for i in range(10))
    loaded = read_table(write("late.tsv", "text\tlabel\n" + body + tail))
    assert loaded.num_rows == 30011


def test_ragged_rows_are_kept_and_reported(write):
    content = "a\tb\tc\n" + "".join(f"x{i}\ty{i}\tz{i}\n" for i in range(20)) + "p\tq\tr\ts\n"
    loaded = read_table(write("r.tsv", content))
    assert loaded.num_rows == 21
    assert loaded.ragged_rows == [20]
    assert loaded.column_names == ["a", "b", "c", "extra_1"]
    assert loaded.table.column("extra_1")[20].as_py() == "s"


def test_short_rows_are_padded(write):
    content = "a,b,c\n" + "".join(f"x{i},y{i},z{i}\n" for i in range(20)) + "only,two\n"
    loaded = read_table(write("short.csv", content))
    assert loaded.num_rows == 21
    assert loaded.table.column("c")[20].as_py() == ""
    assert loaded.ragged_rows == [20]


def test_spilled_unnamed_columns_are_merged(write):
    rows = [f"ham,message {i},,," for i in range(40)] + ["spam,win cash, now, today,"]
    loaded = read_table(write("spill.csv", "v1,v2,,,\n" + "\n".join(rows) + "\n"))
    assert loaded.column_names == ["v1", "v2"]
    assert loaded.table.column("v2")[40].as_py() == "win cash, now, today"
    assert loaded.ragged_rows == [40]


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_and_lone_cr(write, newline):
    loaded = read_table(write("nl.csv", sentiment_rows(12).replace("\n", newline)))
    assert loaded.num_rows == 12
    assert loaded.table.column("label")[0].as_py() == "pos"


def test_single_column_lines(write):
    content = "".join(f"a sentence{', with a comma' * (i % 3)} number {i} .\n" for i in range(15))
    loaded = read_table(write("lines.pos", content))
    assert loaded.delimiter is None
    assert loaded.num_rows == 15


def test_jsonl_and_json_array(write):
    records = [{"text": f"row {i} text", "labels": ["a", "b"][: i % 2 + 1], "n": i}
               for i in range(10)]
    jsonl = write("r.jsonl", "\n".join(json.dumps(r) for r in records) + "\n")
    loaded = read_table(jsonl)
    assert loaded.format == "jsonl"
    assert loaded.column_names == ["text", "labels", "n"]
    assert loaded.table.column("labels")[1].as_py() == "a;b"
    assert loaded.table.column("n")[3].as_py() == "3"
    array = read_table(write("r.json", json.dumps(records)))
    assert array.num_rows == 10


def test_parquet(write, tmp_path):
    import pyarrow.parquet as pq

    path = tmp_path / "p.parquet"
    pq.write_table(pa.table({"text": ["a b", "c d"], "label": [1, 0]}), path)
    loaded = read_table(path)
    assert loaded.format == "parquet"
    assert loaded.table.column("label").to_pylist() == ["1", "0"]


def test_excel_without_openpyxl_is_a_clear_error(write):
    with pytest.raises(DataError, match="openpyxl|Excel"):
        read_table(write("book.xlsx", b"PK\x03\x04rest"))


@pytest.mark.parametrize(("name", "content", "message"), [
    ("empty.csv", b"", "empty"),
    ("blank.csv", b"  \n\n \n", "whitespace"),
    ("image.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG"),
    ("nul.csv", b"text,label\nab\x00cd\x00\x00,1\n\x00\x00\x00\xff\n", "NUL|binary"),
    ("header.csv", b"text,label\n", "no data rows"),
    ("bad.jsonl", b'{"text": "a"}\n{"text": \n', "JSON"),
])
def test_refusals(write, name, content, message):
    with pytest.raises(DataError, match=message):
        read_table(write(name, content))


def test_named_encoding_that_does_not_fit(write):
    path = write("c.csv", "text,label\ncafé,1\n", "cp1252")
    with pytest.raises(DataError, match="can't be decoded as utf-8"):
        read_table(path, encoding="utf-8")
    with pytest.raises(DataError, match="Unknown text encoding"):
        read_table(path, encoding="klingon")


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="not found"):
        read_table(tmp_path / "nope.csv")


def test_input_file_is_never_modified(write):
    path = write("keep.csv", sentiment_rows(20).replace("\n", "\r\n"), "utf-8-sig")
    before = sha256(path)
    read_table(path)
    assert sha256(path) == before


def test_preview_rows_clamps(write):
    loaded = read_table(write("p.csv", sentiment_rows(10)))
    assert preview_rows(loaded.table, 8, 20) == [["review number 8 was great overall", "pos"],
                                                 ["review number 9 was awful overall", "neg"]]
    assert preview_rows(loaded, 50, 60) == []


def test_real_imdb_excerpt_keeps_every_row():
    loaded = read_table(EXCERPTS / "imdb_labelled_excerpt.txt")
    assert loaded.num_rows == 220
    assert loaded.has_header and loaded.delimiter == "\t"


def test_real_sms_excerpts():
    raw = read_table(EXCERPTS / "SMSSpamCollection_excerpt")
    assert (raw.num_rows, raw.has_header, raw.delimiter) == (200, False, "\t")
    kaggle = read_table(EXCERPTS / "spam_kaggle_excerpt.csv")
    assert kaggle.encoding == "cp1252"
    assert kaggle.column_names == ["v1", "v2"]
    assert kaggle.num_rows == 150


@pytest.mark.parametrize("prefix", ["0", "__label__neg"])
def test_label_space_text_lines(write, prefix):
    other = "1" if prefix == "0" else "__label__pos"
    lines = [f"{prefix} a sentence{' , with' * (i % 3)} words {i} ." for i in range(30)]
    lines += [f"{other} another{' , yes' * (i % 4)} sentence {i} ." for i in range(30)]
    loaded = read_table(write("rt.all", "\n".join(lines) + "\n"))
    assert loaded.delimiter == " " and not loaded.has_header
    assert loaded.column_names == ["column_1", "column_2"]
    assert loaded.table.column("column_1")[0].as_py() == prefix
    assert loaded.table.column("column_2")[0].as_py() == "a sentence words 0 ."
    assert loaded.num_rows == 60


def test_single_column_quoted_fields_lose_their_quotes(tmp_path):
    path = tmp_path / "texts.csv"
    path.write_text('text\n"And the drinks are WEAK, people!"\nplain line\n"a, b"\n', encoding="utf-8")
    texts = read_table(path).table.column("text").to_pylist()
    assert texts == ["And the drinks are WEAK, people!", "plain line", "a, b"]


def test_single_column_with_a_stray_quote_keeps_the_text(tmp_path):
    path = tmp_path / "texts.csv"
    path.write_text('text\n"half" quoted line\nplain\n', encoding="utf-8")
    assert read_table(path).table.column("text").to_pylist() == ['"half" quoted line', "plain"]


def _jsonl(rows: list[str]) -> str:
    return "\n".join(rows) + "\n"


@pytest.mark.parametrize("depth", [1_000, 30_000])
def test_deeply_nested_json_line_is_refused_before_parsing(write, depth):
    good = [json.dumps({"text": f"row {i} has some words", "label": i % 2}) for i in range(12)]
    good[6] = '{"text": "a b c", "label": 1, "m": ' + "[" * depth + "]" * depth + "}"
    with pytest.raises(DataError, match=r"line 7 is nested more than 64 levels"):
        read_table(write("deep.jsonl", _jsonl(good)))


def test_deep_json_array_document_and_utf16_are_refused(write):
    deep = '[{"text": "a b c", "label": 1},\n {"text": "d", "m": ' + "{\"a\": " * 500 + "1" \
        + "}" * 500 + "}]"
    with pytest.raises(DataError, match="line 2 is nested"):
        read_table(write("deep.json", deep))
    line = '{"text": "a b c", "label": 1, "m": ' + "[" * 200 + "]" * 200 + "}"
    with pytest.raises(DataError, match="line 1 is nested"):
        read_table(write("deep16.jsonl", line + "\n", "utf-16"))


def test_brackets_inside_strings_and_many_shallow_lists_are_fine(write):
    rows = [json.dumps({"text": "[[[[ " * 40 + f'a \\" quote {i}', "tags": [[1, 2], [3]],
                        "label": i % 2}) for i in range(200)]
    loaded = read_table(write("ok.jsonl", _jsonl(rows)))
    assert loaded.num_rows == 200
    assert loaded.table.column("text")[0].as_py().startswith("[[[[ ")


def test_a_json_line_longer_than_the_limit_is_refused(write, monkeypatch):
    from tlstudio.core.data import jsonguard

    monkeypatch.setattr(jsonguard, "MAX_LINE_BYTES", 1 << 20)
    monkeypatch.setattr(jsonguard, "SCAN_CHUNK", 100_000)  # lines span several chunks
    rows = [json.dumps({"text": f"row {i} " * (i * 5000), "label": i % 2}) for i in range(8)]
    short = _jsonl(rows)
    assert read_table(write("ok.jsonl", short + short)).num_rows == 16
    rows[3] = json.dumps({"text": "word " * 300_000, "label": 1})
    with pytest.raises(DataError, match=r"line 4 is 1.4 MB long; one row can be at most 1 MB"):
        read_table(write("long.jsonl", _jsonl(rows)))
    with pytest.raises(DataError, match=r"line 9 is 1.4 MB long"):  # the last line, no newline
        read_table(write("last.jsonl", short + rows[3]))


def test_a_folder_pipe_or_device_given_as_data_says_what_it_is(tmp_path, capsys):
    import os

    from tlstudio.cli.main import main

    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    cases = [(tmp_path, "is a folder, not a data file. Choose a CSV, TSV or JSON Lines file inside it."),
             (fifo, "is a named pipe (FIFO), not a data file"),
             ("/dev/null", "is a character device, not a data file")]
    for path, words in cases:
        with pytest.raises(DataError, match=re.escape(words)):
            read_table(path)
        for command in (["inspect", str(path)], ["train", str(path), "--out", str(tmp_path / "r")]):
            assert main(command) == 2
            err = capsys.readouterr().err
            assert err.startswith("error: ") and words in err and "does not exist" not in err
    with pytest.raises(DataError, match="was not found"):
        read_table(tmp_path / "missing.csv")
