"""A poisoned checkpoint is refused in one sentence naming the file, and its code never runs."""

from __future__ import annotations

import os
import pickle

import pytest

from tlstudio.cli.main import main
from tlstudio.core.errors import ModelError
from tlstudio.core.models.loading import check_checkpoint


class _Payload:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def _checkpoint(folder, marker, name="rng_state.pth"):
    import torch

    folder.mkdir(parents=True)
    (folder / "trainer_state.json").write_text("{}", encoding="utf-8")
    torch.save({"state": torch.zeros(3)}, folder / "optimizer.pt")
    (folder / "training_args.bin").write_bytes(b"not read when resuming")
    with open(folder / name, "wb") as handle:
        pickle.dump({"python": _Payload(marker)}, handle)
    return folder


def test_a_checkpoint_with_python_objects_is_refused_by_name(tmp_path):
    marker = tmp_path / "code_ran"
    folder = _checkpoint(tmp_path / "checkpoint-3", marker)
    with pytest.raises(ModelError) as caught:
        check_checkpoint(folder)
    message = str(caught.value)
    assert f"'{folder / 'rng_state.pth'}' was refused" in message and "checkpoint-3" in message
    assert "\n" not in message and "\x1b" not in message and not marker.exists()
    (folder / "rng_state.pth").unlink()
    check_checkpoint(folder)  # plain tensors are fine


def test_a_real_trainer_checkpoint_passes(tmp_path):
    """rng_state.pth holds numpy's RNG state, which the Trainer allows: so must the check."""
    import random

    import numpy as np
    import torch

    folder = tmp_path / "checkpoint-6"
    folder.mkdir()
    torch.save({"python": random.getstate(), "numpy": np.random.get_state(),
                "cpu": torch.random.get_rng_state()}, folder / "rng_state.pth")
    torch.save({"state": {0: {"exp_avg": torch.zeros(4)}}, "param_groups": [{"lr": 1e-4}]},
               folder / "optimizer.pt")
    check_checkpoint(folder)


def test_resume_from_a_poisoned_checkpoint_is_one_error_line(tmp_path, capsys):
    from tlstudio.core.settings.config import RunConfig

    data = tmp_path / "data.csv"
    data.write_text("text,label\n" + "".join(f"text {i} here,{i % 2}\n" for i in range(20)))
    run = tmp_path / "run"
    marker = tmp_path / "code_ran"
    _checkpoint(run / "checkpoints" / "checkpoint-3", marker, name="optimizer.pt")
    (run / "run_config.json").write_text(RunConfig(data_path=str(data), output_dir=str(run)).to_json())
    assert main(["train", str(data), "--out", str(run), "--resume"]) == 2
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1 and "checkpoint-3/optimizer.pt' was refused" in lines[0], err
    assert "\x1b" not in err and "Traceback" not in err and not marker.exists()
