"""Faults a run must survive or report plainly: out of memory, a full disk, a read-only folder."""

from __future__ import annotations

import errno
import functools
import json
from pathlib import Path

import pytest
import torch

from tlstudio.core.errors import RunFolderError, TrainingError
from tlstudio.core.events import FailedEvent, FinishedEvent, StatusEvent, StepEvent
from tlstudio.core.runs.folder import is_complete, read_run_info
from tlstudio.core.training import run_training


def _limit_batch_rows(monkeypatch, limit: int) -> list[int]:
    """Models loaded for training raise ``torch.OutOfMemoryError`` on batches above ``limit`` rows.

    Dropout is switched off so a split batch gives exactly the gradient of the whole one.
    Returns the batch sizes that reached the model's forward without failing.
    """
    from tlstudio.core.models import loading

    real_load = loading.load_classifier
    seen: list[int] = []

    def load(*args, **kwargs):
        model, new = real_load(*args, **kwargs)
        for module in model.modules():
            if isinstance(module, torch.nn.Dropout):
                module.p = 0.0
        forward = model.forward

        @functools.wraps(forward)  # the Trainer reads the signature to pick input columns
        def limited(*f_args, **f_kwargs):
            rows = f_kwargs["input_ids"].shape[0]
            if rows > limit:
                raise torch.OutOfMemoryError(f"CUDA out of memory. Tried to allocate {rows * 64} MiB")
            seen.append(rows)
            return forward(*f_args, **f_kwargs)

        model.forward = limited
        return model, new

    monkeypatch.setattr(loading, "load_classifier", load)
    return seen


def _weights(run_dir: Path) -> dict[str, torch.Tensor]:
    from safetensors.torch import load_file

    return load_file(run_dir / "model.safetensors")


def test_out_of_memory_halves_the_batch_keeps_the_effective_batch_and_continues(
    tiny_config, tmp_path, monkeypatch
):
    _limit_batch_rows(monkeypatch, 1000)  # the same model, with memory to spare
    ref_events: list = []
    reference = run_training(tiny_config, ref_events.append)

    seen = _limit_batch_rows(monkeypatch, 4)
    tiny_config.output_dir = str(tmp_path / "squeezed")
    events: list = []
    result = run_training(tiny_config, events.append)

    warnings = [e.message for e in events if isinstance(e, StatusEvent) and e.level == "warning"]
    memory = [w for w in warnings if w.startswith("Out of memory")]
    assert memory == [
        "Out of memory with 16 examples per step: continuing with 8 per step and gradient "
        "accumulation 2, so each update still sees 16 examples.",
        "Out of memory with 8 examples per step: continuing with 4 per step and gradient "
        "accumulation 4, so each update still sees 16 examples.",
    ]
    assert isinstance(events[-1], FinishedEvent) and is_complete(result.run_dir)
    assert max(seen) <= 4
    # Same optimisation steps, and the same weights as the run that had memory to spare.
    def steps(found):
        return [e.step for e in found if isinstance(e, StepEvent)]

    assert steps(events) == steps(ref_events) and len(steps(events)) > 3
    assert read_run_info(result.run_dir)["memory_adjustments"] == [
        {"batch_size": 8, "grad_accumulation": 2, "from_batch_size": 16},
        {"batch_size": 4, "grad_accumulation": 4, "from_batch_size": 8},
    ]
    assert "memory_adjustments" not in read_run_info(reference.run_dir)
    expected, got = _weights(reference.run_dir), _weights(result.run_dir)
    for name, tensor in expected.items():
        torch.testing.assert_close(got[name], tensor, rtol=1e-4, atol=1e-5, msg=name)
    # A resumed or repeated run starts with what fits.
    saved = json.loads((result.run_dir / "run_config.json").read_text())
    assert (saved["batch_size"], saved["grad_accumulation"]) == (4, 4)
    assert "--batch-size 4" in read_run_info(result.run_dir)["repeat_command"]


def test_out_of_memory_with_one_example_per_step_is_a_clear_failure(tiny_config, monkeypatch):
    _limit_batch_rows(monkeypatch, 0)
    events: list = []
    with pytest.raises(TrainingError, match="Out of memory even with 1 example per step"):
        run_training(tiny_config, events.append)
    assert isinstance(events[-1], FailedEvent)
    assert "Lower the max length" in events[-1].message
    run_dir = Path(tiny_config.output_dir)
    assert read_run_info(run_dir)["status"] == "failed"
    assert not (run_dir / "model.safetensors").exists()


def test_other_runtime_errors_are_not_mistaken_for_out_of_memory(tiny_config, monkeypatch):
    from tlstudio.core.models import loading

    real_load = loading.load_classifier
    calls = []

    def load(*args, **kwargs):
        model, new = real_load(*args, **kwargs)

        @functools.wraps(model.forward)
        def broken(*_args, **_kwargs):
            calls.append(1)
            raise RuntimeError("mat1 and mat2 shapes cannot be multiplied")

        model.forward = broken
        return model, new

    monkeypatch.setattr(loading, "load_classifier", load)
    with pytest.raises(TrainingError, match="shapes cannot be multiplied"):
        run_training(tiny_config)
    assert calls == [1]  # not retried with smaller batches


def _fail_on_save(monkeypatch, exc: BaseException) -> None:
    from transformers import PreTrainedModel

    def save_pretrained(self, *args, **kwargs):
        raise exc

    monkeypatch.setattr(PreTrainedModel, "save_pretrained", save_pretrained)


@pytest.mark.parametrize("exc", [
    OSError(errno.ENOSPC, "No space left on device"),
    # safetensors reports a full disk in its own words, not as an OSError
    RuntimeError('Error while serializing: IoError(Os { code: 28, kind: StorageFull, '
                 'message: "No space left on device" })'),
])
def test_a_full_disk_mid_run_is_a_clear_error_and_the_folder_never_looks_complete(
    tiny_config, monkeypatch, exc
):
    _fail_on_save(monkeypatch, exc)
    events: list = []
    with pytest.raises(TrainingError) as raised:
        run_training(tiny_config, events.append)
    run_dir = Path(tiny_config.output_dir)
    assert str(raised.value).startswith("The disk is full")
    assert str(run_dir) in str(raised.value)
    assert isinstance(events[-1], FailedEvent) and events[-1].message == str(raised.value)
    assert read_run_info(run_dir)["status"] == "failed" and not is_complete(run_dir)
    assert not list(run_dir.glob("*.safetensors")) and not (run_dir / ".model-partial").exists()

    from tlstudio.core.runs.catalog import list_runs

    listed = [r for r in list_runs(run_dir.parent) if Path(r.run_dir) == run_dir]
    assert listed and not listed[0].complete and listed[0].status == "failed"


def test_a_run_without_room_on_disk_is_refused_before_training(tiny_config, monkeypatch):
    import shutil
    from collections import namedtuple

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10**9, 10**9 - 1000, 1000))
    events: list = []
    with pytest.raises(RunFolderError, match="Not enough disk space"):
        run_training(tiny_config, events.append)
    assert not any(isinstance(e, StepEvent) for e in events)
    assert not (Path(tiny_config.output_dir) / "run.json").exists()


@pytest.mark.parametrize("code, words", [
    (errno.EROFS, "is read-only"),
    (errno.EACCES, "permission denied"),
])
def test_a_read_only_output_folder_is_refused_before_training(tiny_config, monkeypatch, code, words):
    # Tests may run as root, for whom chmod doesn't make a folder read-only: fail the write itself.
    real_write = Path.write_bytes

    def write_bytes(self, data):
        if self.name.startswith(".write-test-"):
            raise OSError(code, "refused", str(self))
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)
    events: list = []
    with pytest.raises(RunFolderError, match=words) as raised:
        run_training(tiny_config, events.append)
    assert "Choose another output folder" in str(raised.value)
    assert not any(isinstance(e, StepEvent) for e in events)
    assert not (Path(tiny_config.output_dir) / "run.json").exists()


def test_an_output_path_below_a_file_is_a_clear_error(tiny_config, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("user's file\n")
    tiny_config.output_dir = str(blocker / "run")
    with pytest.raises(RunFolderError, match="a file is in the way"):
        run_training(tiny_config)
    assert blocker.read_text() == "user's file\n"


@pytest.mark.parametrize("limit", [20_000, 150_000])  # fails writing the weights / the optimizer state
def test_a_real_write_failure_in_the_cli_is_one_error_line(tiny_model_dir, tmp_path, limit):
    """The operating system refuses writes past ``limit`` bytes per file (RLIMIT_FSIZE), as a full disk would."""
    import os
    import resource
    import signal
    import subprocess
    import sys

    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get an error from write(), not a signal
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    out = tmp_path / "run"
    data = Path(__file__).parent.parent / "data" / "sentiment_120.csv"
    proc = subprocess.run(
        [sys.executable, "-m", "tlstudio", "train", str(data), "--out", str(out), "--model", str(tiny_model_dir),
         "--epochs", "1", "--max-length", "32", "--long-texts", "truncate", "--precision", "fp32"],
        preexec_fn=limit_file_size, capture_output=True, text=True, timeout=300,
        env={**os.environ, "TLSTUDIO_HOME": str(tmp_path / "home")},
    )
    assert proc.returncode == 2, proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "Traceback" not in proc.stderr
    assert "disk" in errors[0] and str(out) in errors[0]
    assert read_run_info(out)["status"] == "failed" and not is_complete(out)
    assert not (out / "model.safetensors").exists()


def test_out_of_memory_outside_a_step_says_what_would_fit(tiny_config, monkeypatch):
    from tlstudio.core.models import loading

    def load(*args, **kwargs):
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 1.2 GiB")

    monkeypatch.setattr(loading, "load_classifier", load)
    with pytest.raises(TrainingError, match="Out of memory loading the model") as raised:
        run_training(tiny_config)
    assert "smaller model" in str(raised.value) and "frozen" in str(raised.value)
    assert read_run_info(Path(tiny_config.output_dir))["status"] == "failed"
