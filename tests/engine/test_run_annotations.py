"""Runs worth keeping: a name and notes stored through RunFolder, delete with undo, short model names."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tlstudio.core.errors import RunFolderError
from tlstudio.core.runs import trash
from tlstudio.core.runs.catalog import list_runs
from tlstudio.core.runs.folder import default_run_dir, model_short_name
from tlstudio.core.runs.store import RunFolder, RunStatus
from tlstudio.core.settings.config import RunConfig


def _run(path: Path, status: str = RunStatus.COMPLETE, **fields) -> RunFolder:
    path.mkdir(parents=True)
    folder = RunFolder(path)
    folder.write_config(RunConfig(data_path="/data/custrev_600.csv"))
    folder.write_status(status, name=path.name, model="all-MiniLM-L6-v2 (bundled)", task="binary", **fields)
    return folder


def test_a_run_keeps_its_name_and_notes_and_the_list_shows_them(tmp_path):
    folder = _run(tmp_path / "20261130-223705-custrev_600-default",
                  verdict={"score": {"value": 0.8, "ci_low": 0.7, "ci_high": 0.9},
                           "baselines": {"majority": {"value": 0.33}, "tfidf": {"value": 0.71}}})
    folder.rename("  lower   learning rate ")
    folder.set_notes("Tried 1e-5 after the loss jumped.\n")
    assert (folder.title(), folder.notes()) == ("lower learning rate", "Tried 1e-5 after the loss jumped.")
    folder.write_status(RunStatus.COMPLETE, name=folder.name)  # the engine rewrites run.json (resume)
    [run] = list_runs(tmp_path)
    assert (run.label, run.notes, run.data) == ("lower learning rate", folder.notes(), "custrev_600.csv")
    assert (run.ci_low, run.ci_high, run.best_baseline) == (0.7, 0.9, ("tfidf", 0.71))
    assert run.model_short == "all-MiniLM-L6-v2"
    folder.rename("")
    assert list_runs(tmp_path)[0].label == folder.name


def test_notes_are_refused_for_a_folder_that_is_no_run(tmp_path):
    with pytest.raises(RunFolderError, match="not a TL Studio run folder"):
        RunFolder(tmp_path).rename("x")
    assert not any(tmp_path.iterdir())


def test_delete_then_undo_restores_the_same_folder(tmp_path):
    folder = _run(tmp_path / "run-1")
    folder.rename("keep me")
    held = folder.move_to_trash()
    assert not folder.path.exists() and held.held.is_dir()
    assert list_runs(tmp_path) == []  # the hidden trash holds no run the list shows
    assert trash.restore(held) == folder.path
    assert RunFolder(folder.path).title() == "keep me"


def test_undo_is_refused_when_the_name_was_taken_meanwhile(tmp_path):
    folder = _run(tmp_path / "run-1")
    held = folder.move_to_trash()
    folder.path.mkdir()
    with pytest.raises(RunFolderError, match="exists again"):
        trash.restore(held)
    assert held.held.is_dir()


def test_a_run_still_training_is_not_deleted(tmp_path):
    folder = _run(tmp_path / "busy", status=RunStatus.RUNNING, pid=os.getpid(),
                  host=__import__("socket").gethostname())
    with pytest.raises(RunFolderError, match="still training"):
        folder.move_to_trash()
    assert folder.path.is_dir()


def test_released_runs_go_to_the_system_trash(tmp_path, monkeypatch):
    from send2trash import plat_other

    home = tmp_path / "xdg"
    home.mkdir()
    monkeypatch.setattr(plat_other, "XDG_DATA_HOME", os.fsencode(home))
    monkeypatch.setattr(plat_other, "HOMETRASH_B", os.fsencode(home / "Trash"))
    monkeypatch.setattr(plat_other, "get_dev", lambda _path: 1)  # one disk: use the home trash
    monkeypatch.setattr("send2trash.send2trash", plat_other.send2trash)  # not gio, where installed
    held = _run(tmp_path / "runs" / "old").move_to_trash()
    assert trash.release(held)
    assert not held.held.exists()
    [info] = (home / "Trash" / "info").iterdir()
    assert held.held.name in info.read_text()


def test_a_run_stays_in_tl_studio_trash_when_there_is_no_system_trash(tmp_path, monkeypatch):
    def refuse(_path):
        raise OSError("no trash on this disk")

    monkeypatch.setattr("send2trash.send2trash", refuse)
    held = _run(tmp_path / "old").move_to_trash()
    assert not trash.release(held) and held.held.is_dir()
    assert trash.release_leftovers(tmp_path) == 0 and held.held.is_dir()


def test_bundled_model_gets_a_short_name_in_new_run_folders(tmp_path):
    assert model_short_name("default") == "MiniLM-L6"
    assert model_short_name("/models/my-bert/") == "my-bert"
    assert model_short_name("sentence-transformers/all-mpnet-base-v2") == "all-mpnet-base-v2"
    name = default_run_dir(tmp_path, "/data/custrev_600.csv", "default").name
    assert name.endswith("-custrev_600-MiniLM-L6") and "default" not in name


def test_notes_file_is_json_the_folder_api_owns(tmp_path):
    folder = _run(tmp_path / "run")
    folder.set_notes("n")
    stored = json.loads((folder.path / "run_notes.json").read_text(encoding="utf-8"))
    assert stored == {"title": "", "notes": "n"}
