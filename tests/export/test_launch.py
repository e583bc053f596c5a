"""``tlstudio launch``: the generated torchrun script trains the same run on two processes."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tlstudio.cli.main import main

DATA = Path(__file__).parent.parent / "data"
ROOT = Path(__file__).parent.parent.parent


@pytest.fixture(scope="module")
def single_run(tiny_model_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("single") / "run"
    assert main(["train", str(DATA / "sentiment_120.csv"), "--out", str(out), "--model", str(tiny_model_dir),
                 "--epochs", "2", "--max-length", "32", "--long-texts", "truncate", "--precision", "fp32", "--lr", "1e-3",
                 "--batch-size", "8"]) == 0
    return out


def _test_rows(run: Path) -> list[str]:
    with open(run / "predictions_test.csv", encoding="utf-8") as handle:
        return [row["row"] for row in csv.DictReader(handle)]


@pytest.mark.slow
def test_generated_torchrun_script_trains_the_same_run_on_two_processes(single_run, tmp_path, capsys):
    assert main(["launch", str(single_run), "--nodes", "1", "--gpus-per-node", "2",
                 "--scheduler", "torchrun", "--out", str(tmp_path / "launch")]) == 0
    script = tmp_path / "launch" / "launch_torchrun.sh"
    assert f"wrote {script}" in capsys.readouterr().out
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "PYTHONPATH": str(ROOT), "CUDA_VISIBLE_DEVICES": "", "OMP_NUM_THREADS": "1"}
    result = subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    distributed = tmp_path / "launch" / "run"
    info = json.loads((distributed / "run.json").read_text())
    single = json.loads((single_run / "run.json").read_text())
    assert info["status"] == "complete" and info["world_size"] == 2 and single["world_size"] == 1
    # the same data split and settings, so the same test rows are scored
    assert _test_rows(distributed) == _test_rows(single_run)
    ours = json.loads((distributed / "run_config.json").read_text())
    theirs = json.loads((single_run / "run_config.json").read_text())
    assert {k: v for k, v in ours.items() if k != "output_dir"} == {k: v for k, v in theirs.items() if k != "output_dir"}
    # two processes share each epoch: about half the optimiser steps of the single-process run
    assert last_step(distributed) < last_step(single_run)
    acc = [json.loads((r / "metrics.json").read_text())["model"]["accuracy"] for r in (distributed, single_run)]
    assert abs(acc[0] - acc[1]) <= 0.25, acc


def last_step(run: Path) -> int:
    """The last optimiser step the run logged (history.csv)."""
    with open(run / "history.csv", encoding="utf-8") as handle:
        return max(int(float(row["step"])) for row in csv.DictReader(handle) if row.get("step"))


@pytest.mark.parametrize("scheduler, name, words", [
    ("slurm", "train.sbatch", ["#SBATCH --nodes=3", "#SBATCH --gpus-per-node=4", "--nproc_per_node 4",
                               "--rdzv_backend c10d", "-m tlstudio train"]),
    ("torchrun", "launch_torchrun.sh", ["--nnodes 3", "--nproc_per_node 4", '"$MASTER_ADDR:$MASTER_PORT"']),
    ("accelerate", "accelerate_config.yaml", ["num_machines: 3", "num_processes: 12", "distributed_type: MULTI_GPU"]),
])
def test_launch_files_name_the_nodes_and_gpus(single_run, tmp_path, scheduler, name, words):
    assert main(["launch", str(single_run / "run_config.json"), "--nodes", "3", "--gpus-per-node", "4",
                 "--scheduler", scheduler, "--out", str(tmp_path)]) == 0
    text = (tmp_path / name).read_text()
    assert all(word in text for word in words), text
    if scheduler != "accelerate":
        assert str((DATA / "sentiment_120.csv").resolve()) in text and f"--out {tmp_path / 'run'}" in text


def test_launch_without_a_run_config_is_one_error_line(tmp_path, capsys):
    assert main(["launch", str(tmp_path), "--gpus-per-node", "2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "run_config.json" in err
