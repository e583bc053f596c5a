"""Benchmark: open a generated 1,000,000-row CSV with read_table vs plain pyarrow.csv.

Usage: python bench/open_large_csv.py [ROWS]
Prints open time, a preview-slice time and peak memory, and the ratio against a plain
``pyarrow.csv.read_csv`` of the same file.
"""

from __future__ import annotations

import random
import resource
import sys
import tempfile
import time
from pathlib import Path

WORDS = ("good bad plot actor film scene boring great awful, fine story music ending "
         "dialogue character slow fast funny sad").split()


def generate(path: Path, rows: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write("id,text,label\n")
        for i in range(rows):
            text = " ".join(rng.choices(WORDS, k=rng.randint(5, 25)))
            if "," in text:
                text = f'"{text}"'
            handle.write(f"{i},{text},{rng.choice(('pos', 'neg', 'neutral'))}\n")


def main() -> None:
    import pyarrow.csv as pacsv

    from tlstudio.core.data import find_problems, infer_roles, preview_rows, read_table

    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "large.csv"
        start = time.perf_counter()
        generate(path, rows)
        print(f"generated {rows:,} rows, {path.stat().st_size / 1e6:.0f} MB "
              f"in {time.perf_counter() - start:.1f} s")
        start = time.perf_counter()
        plain = pacsv.read_csv(path)
        t_plain = time.perf_counter() - start
        del plain
        start = time.perf_counter()
        loaded = read_table(path)
        t_open = time.perf_counter() - start
        start = time.perf_counter()
        roles = infer_roles(loaded)
        t_roles = time.perf_counter() - start
        start = time.perf_counter()
        problems = find_problems(loaded, roles)
        t_problems = time.perf_counter() - start
        start = time.perf_counter()
        preview_rows(loaded.table, rows // 2, rows // 2 + 100)
        t_slice = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        assert loaded.num_rows == rows, loaded.num_rows
        print(f"pyarrow.csv.read_csv: {t_plain:.2f} s")
        print(f"read_table:           {t_open:.2f} s  ({t_open / t_plain:.1f}x plain)")
        print(f"infer_roles:          {t_roles:.2f} s  -> {roles.text_columns} / "
              f"{roles.label_column} / {roles.task}")
        print(f"find_problems:        {t_problems:.2f} s  -> {[p.code for p in problems]}")
        print(f"preview 100 rows:     {t_slice * 1000:.1f} ms ({t_slice / t_plain:.4f}x plain)")
        print(f"peak RSS:             {peak:.0f} MB")


if __name__ == "__main__":
    main()
