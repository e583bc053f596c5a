"""Run ``inspect`` over every file of the shared development datasets and print a table.

Usage: python scripts/check_shared_data.py [DATA_ROOT]   (default /work/shared/data)
Expected row counts come from each folder's SOURCE.md / README.md.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

# file (relative to the data root) -> expected data rows, or None where a refusal is right.
EXPECTED: dict[str, int | None] = {
    "ag_news/test.csv": 7600,
    "ag_news/raw/test.csv": 7600,
    "ag_news/raw/classes.txt": None,
    "ag_news/raw/readme.txt": None,
    "mr_polarity/mr_polarity.csv": 10662,
    "mr_polarity/raw/rt-polarity.pos": None,  # 5,331 lines, no label column
    "mr_polarity/raw/rt-polarity.neg": None,  # 5,331 lines, no label column
    "mr_polarity/raw/rt-polarity.all": 10662,
    "sms_spam/sms_spam.csv": 5574,
    "sms_spam/raw/SMSSpamCollection": 5574,
    "sms_spam/raw/spam.csv": 5572,
    "stsb/train.csv": 5749,
    "stsb/dev.csv": 1500,
    "stsb/raw/train.tsv": 5749,
    "stsb/raw/dev.tsv": 1500,
    "stsb/raw/test.tsv": None,  # 1,379 rows, unlabelled
    "stsb/raw/original_sts-train.tsv": 5749,
    "stsb/raw/original_sts-dev.tsv": 1500,
    "stsb/raw/original_sts-test.tsv": 1379,
    "stsb/raw/LICENSE.txt": None,
    "stsb/raw/readme.txt": None,
    "uci_sentiment_sentences/uci_sentiment_sentences.csv": 3000,
    "uci_sentiment_sentences/raw/amazon_cells_labelled.txt": 1000,
    "uci_sentiment_sentences/raw/imdb_labelled.txt": 1000,
    "uci_sentiment_sentences/raw/yelp_labelled.txt": 1000,
    "waimai_10k/waimai_10k.csv": 11987,
    "waimai_10k/raw/waimai_10k.csv": 11987,
    "waimai_10k/raw/ChineseNlpCorpus_README.md": None,
}

DELIMS = {"\t": "tab", ",": "comma", ";": "semi", "|": "pipe", " ": "space", None: "-"}


def check(root: Path) -> int:
    from tlstudio.core.data import inspect_file
    from tlstudio.core.errors import DataError

    files = sorted(p for p in root.glob("*/*") if p.is_file() and p.name not in ("SOURCE.md",))
    files += sorted(p for p in root.glob("*/raw/*") if p.is_file())
    header = f"{'file':52} {'rows':>6} {'expect':>6} {'enc':9} {'delim':5} {'hdr':3} " \
             f"{'text / label':34} {'task':10} {'#prob':>5}  ok"
    print(header)
    print("-" * len(header))
    failures = 0
    for path in files:
        name = str(path.relative_to(root))
        expected = EXPECTED.get(name, "?")
        start = time.perf_counter()
        try:
            report = inspect_file(path)
        except DataError as exc:
            ok = expected is None
            failures += not ok
            print(f"{name:52} {'-':>6} {str(expected or '-'):>6} refused: {exc}  "
                  f"{'ok' if ok else 'MISMATCH'}")
            continue
        loaded, roles = report.loaded, report.roles
        roles_text = f"{'+'.join(roles.text_columns)} / {roles.label_column}"
        ok = loaded.num_rows == expected
        failures += not ok
        print(f"{name:52} {loaded.num_rows:>6} {str(expected or '-'):>6} {loaded.encoding:9} "
              f"{DELIMS.get(loaded.delimiter, repr(loaded.delimiter)):5} "
              f"{'yes' if loaded.has_header else 'no':3} {roles_text[:34]:34} {roles.task:10} "
              f"{len(report.problems):>5}  {'ok' if ok else 'MISMATCH'}"
              f"  ({time.perf_counter() - start:.2f}s)")
    print(f"\n{len(files)} files, {failures} mismatches")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(check(Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data")))
