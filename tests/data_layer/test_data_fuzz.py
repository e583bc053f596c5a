"""Fuzzing: random bytes and random CSV dialects give a LoadedTable or a DataError, nothing else."""

from __future__ import annotations

import csv
import io
import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tlstudio.core.data import LoadedTable, find_problems, infer_roles, read_table
from tlstudio.core.errors import DataError

SUFFIXES = [".csv", ".tsv", ".txt", ".jsonl", ".dat"]
FUZZ = settings(max_examples=5000, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))
PIECES = list('ab yé中,;|\t"\'\\\n\r\x85\x00') + ["word ", "0", "1"]


@pytest.fixture(scope="module")
def scratch() -> Path:
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


def _read(path: Path, *, roles: bool = False) -> None:
    try:
        loaded = read_table(path)
    except DataError as exc:
        assert str(exc)
        return
    assert isinstance(loaded, LoadedTable)
    assert loaded.num_rows > 0
    if roles:  # the rest of inspect must cope with whatever the reader produced
        try:
            find_problems(loaded, infer_roles(loaded))
        except DataError as exc:
            assert str(exc)


@pytest.mark.slow
@FUZZ
@given(data=st.binary(max_size=1500), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes(scratch, data, suffix):
    path = scratch / f"fuzz{suffix}"
    path.write_bytes(data)
    _read(path)


@st.composite
def csv_files(draw) -> bytes:
    # Cell contents come from a seeded generator: hypothesis draws the dialect, not each char.
    rng = random.Random(draw(st.integers(0, 2**32)))
    columns = draw(st.integers(1, 5))
    rows = [["".join(rng.choices(PIECES, k=rng.randint(0, 12))) for _ in range(columns)]
            for _ in range(draw(st.integers(0, 15)))]
    delimiter = draw(st.sampled_from([",", "\t", ";", "|", " "]))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONE]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=quoting, escapechar="\\",
                        lineterminator=draw(st.sampled_from(["\n", "\r\n", "\r"])))
    for row in rows:
        try:
            writer.writerow(row)
        except csv.Error:
            continue
    text = buffer.getvalue()
    if draw(st.booleans()) and text:  # damage: a stray quote or a cut
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(['"', "", "\n", "\x00"])) + text[at:]
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "gb18030"]))
    return text.encode(encoding, errors="replace")


@pytest.mark.slow
@FUZZ
@given(data=csv_files(), suffix=st.sampled_from(SUFFIXES[:3]))
def test_random_csv_dialects(scratch, data, suffix):
    path = scratch / f"fuzz{suffix}"
    path.write_bytes(data)
    _read(path, roles=True)
