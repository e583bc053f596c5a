"""``tlstudio inspect``: what TL Studio understands of a data file, before any training."""

from __future__ import annotations

import argparse
import json
import sys

from tlstudio.core.settings.config import TASKS


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``inspect`` subcommand to the ``tlstudio`` parser."""
    parser = subparsers.add_parser(
        "inspect", help="show how a data file is read: columns, task, classes, problems",
        description="Read a data file (CSV, TSV, TXT, JSONL, Parquet) and report its encoding, "
                    "delimiter, text and label columns, task, classes and problems.")
    parser.add_argument("file", help="the data file")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--text-column", action="append", dest="text_columns", metavar="C",
                        help="the text column (twice for sentence pairs)")
    parser.add_argument("--label-column", action="append", dest="label_columns", metavar="C",
                        help="the label column (once per column for multi-label data with one "
                             "0/1 column per label)")
    parser.add_argument("--task", choices=TASKS, help="the task (default: inferred)")
    parser.add_argument("--encoding", metavar="E", help="text encoding (default: detected)")
    parser.add_argument("--delimiter", metavar="D",
                        help="field delimiter: one character, or tab/comma/semicolon/pipe")
    parser.add_argument("--header", action=argparse.BooleanOptionalAction, default=None,
                        help="the first line is (--header) or is not (--no-header) a header "
                             "(default: detected)")
    parser.add_argument("--model", metavar="M",
                        help="also count texts this model would truncate: 'default', a model "
                             "folder or a downloaded hub id")
    parser.add_argument("--max-length", type=int, metavar="N",
                        help="maximum tokens per text for the truncation check (default: the "
                             "model's own limit)")
    parser.set_defaults(func=run_inspect)


def _tokenizer(spec: str):  # noqa: ANN202 - a transformers tokenizer
    """The tokenizer of a model spec, via the engine's model resolution."""
    from tlstudio.core.errors import ModelError
    from tlstudio.core.models.catalog import resolve_model

    info = resolve_model(spec)
    if info.path is None:
        raise ModelError(f"The model '{spec}' is not downloaded; download it first "
                         "('tlstudio models') or use a model folder.")
    from tlstudio.core.models.loading import load_tokenizer

    return load_tokenizer(info.path)  # checks the files and names the broken one


def run_inspect(args: argparse.Namespace) -> int:
    """Print the report; exit code 0 (problems are reported, not fatal)."""
    from tlstudio.core.data import inspect_file
    from tlstudio.core.errors import DataError

    if args.max_length is not None and args.max_length < 8:
        raise DataError("--max-length must be at least 8 tokens.")
    tokenizer = _tokenizer(args.model) if args.model else None
    report = inspect_file(args.file, text_columns=args.text_columns,
                          label_columns=args.label_columns, task=args.task,
                          encoding=args.encoding, delimiter=args.delimiter,
                          has_header=args.header, tokenizer=tokenizer, max_length=args.max_length)
    if args.json:
        json.dump(report.to_dict(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(report.to_text() + "\n")
    return 0
