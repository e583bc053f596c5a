"""Jobs stop between pieces when their StopFlag is set, and leave nothing half-written."""

from __future__ import annotations

import pytest

from tlstudio.core.errors import JobCancelled
from tlstudio.core.events import StopFlag


def test_a_stop_flag_raises_only_once_set():
    flag = StopFlag()
    flag.check()
    flag.stop()
    assert flag.requested
    with pytest.raises(JobCancelled):
        flag.check()


def test_a_stopped_export_leaves_no_partial_folder(tmp_path):
    from tlstudio.core.runs.catalog import export_run

    run = tmp_path / "run"
    run.mkdir()
    for name in ("config.json", "model.safetensors", "tokenizer.json"):
        (run / name).write_text("{}")
    copied: list[str] = []
    flag = StopFlag()

    class StopAfterFirst(StopFlag):
        def check(self) -> None:
            flag.check()
            copied.append("file")
            if len(copied) == 1:
                flag.stop()  # the user pressed Stop while the first file was copied

    dest = tmp_path / "out" / "run"
    dest.parent.mkdir()
    with pytest.raises(JobCancelled):
        export_run(run, dest, StopAfterFirst())
    assert copied == ["file"]
    assert list(dest.parent.iterdir()) == []  # neither the copy nor its .partial folder
    assert export_run(run, dest) == dest and (dest / "model.safetensors").is_file()
