"""Regenerate the malformed-input corpus and EXPECTED.json: python tests/data/bad/_make_corpus.py

Each file is small and deterministic. EXPECTED.json maps a file to what ``inspect_file`` must
do: ``{"outcome": "loaded", "rows": N, "codes": [...]}`` (codes that must be among the
problems) or ``{"outcome": "refused", "message": "substring"}``.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

HERE = Path(__file__).parent
WORDS = "good bad plot film actor boring great awful story music scene ending".split()


def sentences(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return [f"{' '.join(rng.choices(WORDS, k=rng.randint(4, 12)))} number {i}" for i in range(n)]


def table(rows: list[tuple[str, ...]], header: tuple[str, ...] = ("text", "label"),
          sep: str = ",", newline: str = "\n") -> str:
    lines = [sep.join(header)] if header else []
    lines += [sep.join(r) for r in rows]
    return newline.join(lines) + newline


def binary(n: int = 40, seed: int = 0) -> list[tuple[str, str]]:
    return [(t, "pos" if i % 2 else "neg") for i, t in enumerate(sentences(n, seed))]


def corpus() -> dict[str, tuple[bytes, dict]]:
    files: dict[str, tuple[bytes, dict]] = {}

    def loaded(name: str, data: str | bytes, rows: int, codes: list[str] | None = None,
               encoding: str = "utf-8", **extra) -> None:
        raw = data if isinstance(data, bytes) else data.encode(encoding)
        files[name] = (raw, {"outcome": "loaded", "rows": rows, "codes": codes or [], **extra})

    def refused(name: str, data: str | bytes, message: str) -> None:
        raw = data if isinstance(data, bytes) else data.encode("utf-8")
        files[name] = (raw, {"outcome": "refused", "message": message})

    refused("empty.csv", b"", "empty")
    refused("bom_only.csv", b"\xef\xbb\xbf", "no table")
    refused("whitespace_only.csv", "\n  \n\t\n", "no table")
    refused("header_only.csv", "text,label\n", "no data rows")
    refused("header_only_crlf.csv", "text,label\r\n\r\n", "no data rows")
    refused("png_renamed.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "PNG")
    refused("pdf_renamed.csv", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "PDF")
    refused("zip_renamed.csv", b"PK\x03\x04\x14\x00\x00\x00" + bytes(40), "ZIP")
    refused("gzip_renamed.csv", b"\x1f\x8b\x08\x00" + bytes(40), "gzip")
    refused("nul_bytes.csv", b"text,label\nsome\x00text,1\nmore\x00\x00,0\n", "NUL")
    rng = random.Random(1)
    refused("random_binary.csv", bytes(rng.randrange(256) for _ in range(2048)), "binary")
    refused("random_utf16.csv", b"\xff\xfe" + bytes(rng.randrange(256) for _ in range(2048)),
            "binary")
    refused("fake.xlsx", b"PK\x03\x04not really a workbook", "openpyxl")
    refused("numbers_only.csv", table([(str(i), str(i * 2)) for i in range(30)], ("a", "b")),
            "free text")
    refused("single_column.txt", "\n".join(sentences(30)) + "\n", "single column")
    refused("labels_all_blank.csv", table([(t, "") for t in sentences(30)]), "label")
    refused("broken.jsonl", '{"text": "a b c", "label": 1}\n{"text": "d e\n', "JSON")
    refused("not_objects.jsonl", "1\n2\n3\n", "object")
    rows = [json.dumps({"text": t, "label": lab}) for t, lab in binary(10)]
    rows[4] = '{"text": "a b c", "label": 1, "m": ' + "[" * 30_000 + "]" * 30_000 + "}"
    refused("deeply_nested.jsonl", "\n".join(rows) + "\n", "line 5 is nested")

    loaded("utf16_bom.csv", table(binary(30)), 30, encoding="utf-16")
    loaded("utf16le_no_bom.tsv", table(binary(30), sep="\t"), 30, encoding="utf-16-le")
    cafe = [(f"café crème “{t}” – très", lab) for t, lab in binary(30)]
    loaded("cp1252.csv", table(cafe), 30, encoding="cp1252")
    loaded("latin1_with_c1_bytes.csv", table(cafe).encode("latin-1", "replace")
           .replace(b"?", b"\x81"), 30)
    zh = [(f"很快，好吃，味道足 {i}", str(i % 2)) for i in range(30)]
    loaded("gbk.csv", table(zh), 30, encoding="gbk")
    mixed = table(binary(20)).encode() + "".join(
        f"café {i} naïve text here,pos\n" for i in range(10)).encode("cp1252")
    loaded("mixed_encodings.csv", mixed, 30)
    nan = [(t, ["", "NaN", "nan", "NA", "null"][i % 5] if i % 4 == 0 else lab)
           for i, (t, lab) in enumerate(binary(40))]
    loaded("nan_labels.csv", table(nan), 40, ["missing_label"])
    blanks = [("" if i % 7 == 0 else t, lab) for i, (t, lab) in enumerate(binary(40))]
    loaded("blank_texts.csv", table(blanks), 40, ["missing_text"])
    loaded("one_class.csv", table([(t, "pos") for t, _ in binary(30)]), 30, ["single_class"])
    variants = [(t, ["Spam", "spam", "spam ", "ham", "HAM"][i % 5]) for i, (t, _) in
                enumerate(binary(40))]
    loaded("label_case_variants.csv", table(variants), 40, ["label_variants"])
    ids = [(t, f"ID-{i:05d}") for i, (t, _) in enumerate(binary(40))]
    loaded("unique_id_label.csv", table(ids), 40, ["id_like_label"])
    tsv_text = [(f"{t}, with, commas", lab) for t, lab in binary(30)]
    loaded("tsv_named.csv", table(tsv_text, sep="\t"), 30, delimiter="\t")
    loaded("crlf.csv", table(binary(30), newline="\r\n"), 30)
    loaded("lone_cr.csv", table(binary(30), newline="\r"), 30)
    loaded("semicolon.csv", table(binary(30), sep=";"), 30, delimiter=";")
    stray = [(f'"{t}" he said' if i % 3 == 0 else f'"{t}' if i % 5 == 0 else t, lab)
             for i, (t, lab) in enumerate(binary(40))]
    loaded("stray_quotes.tsv", table(stray, sep="\t"), 40)
    ragged = binary(30) + [("a text, with an unquoted comma", "pos")]
    loaded("ragged_rows.csv", table(ragged), 31, ["ragged_rows"])
    dup = binary(30)
    dup += [(dup[0][0], dup[0][1]), (dup[1][0], "other")]
    loaded("duplicates.csv", table(dup), 32, ["duplicate_text", "conflicting_labels"])
    skew = [(t, "rare" if i < 3 else "common") for i, (t, _) in enumerate(binary(60))]
    loaded("imbalanced.csv", table(skew), 60, ["imbalance", "rare_class"])
    multiline = '"first line\nsecond, line",pos\n' * 5 + table(binary(20), header=())
    loaded("multiline_fields.csv", "text,label\n" + multiline, 25)
    unclosed = table(binary(20)) + '"an unclosed quote at the very end,pos\n'
    loaded("unclosed_quote_at_end.csv", unclosed, 21)
    loaded("no_header.tsv", table([(lab, t) for t, lab in binary(30)], header=(), sep="\t"), 30,
           has_header=False)
    loaded("regression.csv", table([(t, f"{i / 7:.3f}") for i, (t, _) in
                                    enumerate(binary(40))], ("text", "score")), 40,
           task="regression")
    loaded("multilabel.csv", table([(t, ["a;b", "b", "c;a"][i % 3]) for i, (t, _) in
                                    enumerate(binary(30))], ("text", "tags")), 30,
           task="multilabel")
    loaded("only_a_few_rows.csv", table(binary(8)), 8, ["few_rows"])
    loaded("dossier données/mon fichier é.csv", table(binary(30)), 30)
    loaded("blank_lines_between.csv", table(binary(20)).replace("\n", "\n\n"), 20)
    loaded("trailing_empty_columns.csv", table([(t, lab, "", "") for t, lab in binary(30)],
                                               ("text", "label", "", "")), 30)
    loaded("records.jsonl", "".join(json.dumps({"text": t, "label": lab}) + "\n"
                                    for t, lab in binary(30)), 30)
    return files


def main() -> None:
    expected = {}
    for name, (data, outcome) in corpus().items():
        path = HERE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        expected[name] = outcome
    (HERE / "EXPECTED.json").write_text(json.dumps(expected, indent=2, ensure_ascii=False) + "\n",
                                        encoding="utf-8")
    print(f"wrote {len(expected)} files")


if __name__ == "__main__":
    main()
