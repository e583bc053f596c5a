"""Launch files that train one run config on several machines: sbatch, torchrun, accelerate.

Every launcher ends in the same ``tlstudio train …`` arguments (the run's repeat command), so
a multi-node run trains exactly what the single-machine run did, on more processes.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from tlstudio.core.atomic import write_text
from tlstudio.core.errors import TLStudioError

SCHEDULERS = ("slurm", "torchrun", "accelerate")
PORT = 29500
_ACCELERATE_PRECISION = {"fp16": "fp16", "bf16": "bf16"}


def _load_config(path: str | Path):
    """The RunConfig of a run folder (through RunFolder) or of a config file named directly."""
    from tlstudio.core.runs.store import RunFolder
    from tlstudio.core.settings.config import RunConfig

    path = Path(path)
    if path.is_dir():
        folder = RunFolder(path)
        if not folder.has_config():
            raise TLStudioError(f"'{path}' is neither a run folder nor a run_config.json.")
        return folder.config()
    if not path.is_file():
        raise TLStudioError(f"'{path}' is neither a run folder nor a run_config.json.")
    try:
        return RunConfig.load(path)
    except (OSError, ValueError, TypeError) as exc:
        raise TLStudioError(f"'{path}' can't be read as a run config ({exc}).") from exc


def train_arguments(config_path: str | Path, run_out: str | Path) -> list[str]:
    """``train DATA --flag value … --out RUN_OUT`` for the config (what follows ``-m tlstudio``)."""
    from tlstudio.core.settings.command import repeat_command

    config = _load_config(config_path)
    if not config.data_path:
        raise TLStudioError(f"The run config in '{config_path}' names no data file to train on.")
    config.data_path = str(Path(config.data_path).resolve())  # every node runs from its own folder
    config.output_dir = str(Path(run_out).resolve())
    return shlex.split(repeat_command(config))[1:]  # drop the leading "tlstudio"


def torchrun_command(train: list[str], nodes: int, gpus_per_node: int) -> str:
    """The ``torchrun`` line; one node runs standalone, more meet at $MASTER_ADDR:$MASTER_PORT."""
    if nodes == 1:
        where = ["--standalone", "--nnodes", "1"]
    else:
        where = ["--nnodes", str(nodes), "--rdzv_id", "tlstudio", "--rdzv_backend", "c10d"]
    line = shlex.join(["torchrun", *where, "--nproc_per_node", str(gpus_per_node)])
    if nodes > 1:
        line += ' --rdzv_endpoint "$MASTER_ADDR:$MASTER_PORT"'
    return f"{line} -m tlstudio {shlex.join(train)}"


def _torchrun_script(train: list[str], nodes: int, gpus: int) -> str:
    every = ("# Run this same script on every node; set MASTER_ADDR to the first node's address.\n"
             if nodes > 1 else "")
    return ("#!/usr/bin/env bash\n"
            f"# TL Studio: train on {nodes} node(s) x {gpus} process(es) with torchrun.\n{every}"
            "set -euo pipefail\n"
            ': "${MASTER_ADDR:=127.0.0.1}"\n'
            f': "${{MASTER_PORT:={PORT}}}"\n'
            f"{torchrun_command(train, nodes, gpus)}\n")


def _sbatch_script(train: list[str], nodes: int, gpus: int) -> str:
    rdzv = (f"srun torchrun --nnodes \"$SLURM_NNODES\" --nproc_per_node {gpus} "
            "--rdzv_id \"$SLURM_JOB_ID\" --rdzv_backend c10d --rdzv_endpoint \"$MASTER_ADDR:$MASTER_PORT\" "
            f"-m tlstudio {shlex.join(train)}")
    return ("#!/bin/bash\n"
            "#SBATCH --job-name=tlstudio-train\n"
            f"#SBATCH --nodes={nodes}\n"
            "#SBATCH --ntasks-per-node=1  # one torchrun per node starts the GPU processes\n"
            f"#SBATCH --gpus-per-node={gpus}\n"
            "#SBATCH --output=%x-%j.out\n"
            "# Submit with: sbatch train.sbatch (add --partition/--time/--account for your cluster)\n"
            "set -euo pipefail\n"
            'export MASTER_ADDR="$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)"\n'
            f"export MASTER_PORT={PORT}\n"
            f"{rdzv}\n")


def _accelerate_files(train: list[str], nodes: int, gpus: int, precision: str) -> dict[str, str]:
    config = "\n".join([
        "compute_environment: LOCAL_MACHINE",
        f"distributed_type: {'MULTI_GPU' if nodes * gpus > 1 else 'NO'}",
        f"num_machines: {nodes}",
        f"num_processes: {nodes * gpus}",
        "machine_rank: 0",
        "main_process_ip: 127.0.0.1",
        f"main_process_port: {PORT}",
        f"mixed_precision: '{_ACCELERATE_PRECISION.get(precision, 'no')}'",
        "rdzv_backend: static",
        "same_network: true",
        "gpu_ids: all",
        "use_cpu: false",
        "",
    ])
    script = ("#!/usr/bin/env bash\n"
              f"# TL Studio: train on {nodes} node(s) x {gpus} GPU(s) with accelerate.\n"
              "# On every node: MACHINE_RANK=0 on the first, 1, 2, … on the others; MASTER_ADDR the first's.\n"
              "set -euo pipefail\n"
              'cd "$(dirname "$0")"\n'
              'accelerate launch --config_file accelerate_config.yaml --machine_rank "${MACHINE_RANK:-0}" '
              '--main_process_ip "${MASTER_ADDR:-127.0.0.1}" '
              f"-m tlstudio {shlex.join(train)}\n")
    return {"accelerate_config.yaml": config, "launch_accelerate.sh": script}


def write_launch_files(config_path: str | Path, *, nodes: int, gpus_per_node: int, scheduler: str,
                       out: str | Path | None = None, run_out: str | Path | None = None) -> list[Path]:
    """Write the launch files for ``scheduler`` to ``out`` (default ``./launch``); return their paths."""
    if scheduler not in SCHEDULERS:
        raise TLStudioError(f"Unknown scheduler '{scheduler}'; choose one of {', '.join(SCHEDULERS)}.")
    if nodes < 1 or gpus_per_node < 1:
        raise TLStudioError("--nodes and --gpus-per-node must be 1 or more.")
    folder = Path(out or "launch")
    folder.mkdir(parents=True, exist_ok=True)
    train = train_arguments(config_path, run_out or folder / "run")
    if scheduler == "torchrun":
        files = {"launch_torchrun.sh": _torchrun_script(train, nodes, gpus_per_node)}
    elif scheduler == "slurm":
        files = {"train.sbatch": _sbatch_script(train, nodes, gpus_per_node)}
    else:
        files = _accelerate_files(train, nodes, gpus_per_node, _load_config(config_path).precision)
    paths = []
    for name, text in files.items():
        path = folder / name
        write_text(path, text)
        if name.endswith((".sh", ".sbatch")):
            path.chmod(0o755)
        paths.append(path)
    return paths
