"""Atomic writes give files the mode a plain write would (a copied run folder stays readable)."""

from __future__ import annotations

import os
import stat

import pytest

from tlstudio.core.atomic import write_json, write_text


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(not hasattr(os, "fchmod"), reason="POSIX file modes")
@pytest.mark.parametrize("umask, expected", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_new_files_follow_the_umask(tmp_path, umask, expected):
    old = os.umask(umask)
    try:
        write_text(tmp_path / "a.txt", "hello")
        write_json(tmp_path / "sub" / "b.json", {"a": 1})
        plain = tmp_path / "plain.txt"
        plain.write_text("x")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "a.txt") == _mode(tmp_path / "sub" / "b.json") == _mode(plain) == expected


@pytest.mark.skipif(not hasattr(os, "fchmod"), reason="POSIX file modes")
def test_replacing_a_file_keeps_its_mode(tmp_path):
    path = tmp_path / "run.json"
    path.write_text("{}")
    path.chmod(0o640)
    write_json(path, {"status": "complete"})
    assert _mode(path) == 0o640 and "complete" in path.read_text()
