"""Test-wide settings: offline, isolated home, headless Qt."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(Path(__file__).parent))

DATA = Path(__file__).parent / "data"
# Input files the tests read, like a user's own: never modified by anything the app does.
USER_INPUTS = (DATA, Path(__file__).parent.parent / "resources" / "samples")


def _stats(roots) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns)
            for root in roots for p in sorted(Path(root).rglob("*")) if p.is_file()}


def _checksums(roots) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest()
            for root in roots for p in sorted(Path(root).rglob("*")) if p.is_file()}


def _changed(before: dict, after: dict) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


@pytest.fixture(scope="session", autouse=True)
def _inputs_checksummed():
    """Every input file has the same bytes after the whole session as before it."""
    before = _checksums(USER_INPUTS)
    yield
    changed = _changed(before, _checksums(USER_INPUTS))
    assert not changed, f"the tests' input files were modified: {changed}"


@pytest.fixture(autouse=True)
def _inputs_untouched():
    """Cheap per-test check (size and modification time), so the guilty test is the one that fails."""
    before = _stats(USER_INPUTS)
    yield
    changed = _changed(before, _stats(USER_INPUTS))
    assert not changed, f"this test modified, added or removed input files: {changed}"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Every test gets its own TLSTUDIO_HOME so settings and runs never leak."""
    monkeypatch.setenv("TLSTUDIO_HOME", str(tmp_path_factory.mktemp("tlhome")))


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory):
    """A tiny random BERT folder shared by the whole session (read-only use)."""
    from tiny_model import make_tiny_model

    folder = make_tiny_model(tmp_path_factory.mktemp("tiny_bert"))
    before = _checksums([folder])
    yield folder
    assert _checksums([folder]) == before, "a test modified the shared model folder"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture
def no_network(monkeypatch):
    """A :class:`network_guard.NetworkGuard`: ``no_network.attempts`` lists what was tried."""
    from network_guard import NetworkGuard

    return NetworkGuard(monkeypatch)
