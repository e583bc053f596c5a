"""``tlstudio inspect``: what TL Studio understands of a data file, before any training."""

from __future__ import annotations

import argparse
import json
import sys

from tlstudio.core.config import TASKS


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
    parser.add_argument("--label-column", metavar="C", help="the label column")
    parser.add_argument("--task", choices=TASKS, help="the task (default: inferred)")
    parser.add_argument("--encoding", metavar="E", help="text encoding (default: detected)")
    parser.add_argument("--delimiter", metavar="D",
                        help="field delimiter: one character, or tab/comma/semicolon/pipe")
    parser.set_defaults(func=run_inspect)


def run_inspect(args: argparse.Namespace) -> int:
    """Print the report; exit code 0 (problems are reported, not fatal)."""
    from tlstudio.core.data import inspect_file

    report = inspect_file(args.file, text_columns=args.text_columns,
                          label_column=args.label_column, task=args.task,
                          encoding=args.encoding, delimiter=args.delimiter)
    if args.json:
        json.dump(report.to_dict(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(report.to_text() + "\n")
    return 0
