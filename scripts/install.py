"""Install TL Studio into the running Python (a venv), with the right PyTorch build first.

    .venv/bin/python scripts/install.py [--cpu | --gpu] [--extras test] [--dry-run]

Why: ``pip install -e .`` alone takes PyTorch from PyPI, whose Linux wheel is the CUDA build
(the torch wheel plus about 17 nvidia-* packages and triton: several GB). A desktop without
an NVIDIA GPU only needs the CPU build (a 192 MB wheel), which the PyTorch CPU index serves.

What it does:
1. PyTorch at the version ``pyproject.toml`` pins (skipped when that version is installed):
   - Linux without an NVIDIA GPU, or ``--cpu``: from https://download.pytorch.org/whl/cpu;
     when that index can't be reached, from pip's own indexes (and says so).
   - an NVIDIA GPU on Linux, ``--gpu``, macOS (Apple-silicon GPUs included) and Windows:
     from pip's own indexes (PyPI), whose wheel fits those machines.
2. ``pip install -e .[EXTRAS]``: everything else; the PyTorch from step 1 satisfies the pin.

``--dry-run`` resolves both steps with ``pip install --dry-run`` and prints the packages,
downloading and installing nothing (``--report DIR`` keeps pip's JSON reports there).
Standard library only: it runs before anything is installed.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
CUDA_PACKAGE_PREFIXES = ("nvidia-", "triton")


def torch_requirement(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """The ``torch==X`` line of ``pyproject.toml``'s dependencies."""
    dependencies = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    pinned = [d for d in dependencies if d.replace(" ", "").startswith("torch==")]
    if len(pinned) != 1:
        raise SystemExit("error: pyproject.toml must pin exactly one torch==VERSION")
    return pinned[0].replace(" ", "")


def nvidia_gpu_present() -> bool:
    """An NVIDIA GPU with its driver (the same test as ``tlstudio doctor``)."""
    gpus = Path("/proc/driver/nvidia/gpus")
    if gpus.is_dir():
        return any(gpus.iterdir())
    return shutil.which("nvidia-smi") is not None and platform.system() != "Darwin"


def reachable(url: str, timeout: float = 5.0) -> bool:
    """Whether ``url`` answers within ``timeout`` seconds."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=timeout):
            return True
    except (urllib.error.URLError, OSError, ValueError):
        return False


def torch_source(system: str, nvidia: bool, choice: str | None,
                 cpu_index_reachable: bool) -> tuple[str | None, str]:
    """The index to install PyTorch from (``None``: pip's own) and why, in one sentence."""
    want_cpu = choice == "cpu" or (choice is None and system == "Linux" and not nvidia)
    if not want_cpu:
        if choice == "gpu":
            return None, "PyTorch from pip's indexes (--gpu: the CUDA build on Linux)."
        if system == "Linux":
            return None, "An NVIDIA GPU is present: PyTorch's CUDA build from pip's indexes (several GB)."
        return None, f"PyTorch from pip's indexes (the {system} wheel)."
    if cpu_index_reachable:
        return CPU_INDEX, f"PyTorch's CPU build from {CPU_INDEX} (about 190 MB)."
    return None, (f"{CPU_INDEX} can't be reached: PyTorch from pip's indexes instead. On Linux "
                  "that is the CUDA build (several GB) unless a CPU wheel is available to pip "
                  "locally; to avoid it, rerun when the index can be reached.")


def installed_version(distribution: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def commands(requirement: str, index: str | None, extras: str, skip_torch: bool) -> list[list[str]]:
    """The pip commands, in order."""
    pip = [sys.executable, "-m", "pip", "install"]
    steps = []
    if not skip_torch:
        steps.append(pip + [requirement] + (["--index-url", index] if index else []))
    target = f"{ROOT}[{extras}]" if extras else str(ROOT)
    steps.append(pip + ["-e", target])
    return steps


def dry_run(steps: list[list[str]], report_dir: Path) -> list[tuple[str, str]]:
    """Resolve each step with ``pip install --dry-run``; return (name, version) of everything."""
    import json

    report_dir.mkdir(parents=True, exist_ok=True)
    resolved = []
    for number, step in enumerate(steps, 1):
        report = report_dir / f"step{number}.json"
        command = step[:4] + ["--dry-run", "--quiet", "--ignore-installed", "--report", str(report)] + step[4:]
        subprocess.run(command, check=True)
        items = json.loads(report.read_text(encoding="utf-8"))["install"]
        resolved += [(i["metadata"]["name"], i["metadata"]["version"]) for i in items]
        if number == 1 and len(steps) > 1:
            break  # step 2 alone would resolve PyTorch again from PyPI: step 1 is the PyTorch one
    return resolved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    build = parser.add_mutually_exclusive_group()
    build.add_argument("--cpu", action="store_const", const="cpu", dest="choice",
                       help="PyTorch's CPU build, even with an NVIDIA GPU")
    build.add_argument("--gpu", action="store_const", const="gpu", dest="choice",
                       help="PyTorch from PyPI (the CUDA build on Linux)")
    parser.add_argument("--extras", default="", help="optional dependencies, e.g. 'test'")
    parser.add_argument("--dry-run", action="store_true", help="resolve with pip, install nothing")
    parser.add_argument("--report", type=Path, help="with --dry-run: keep pip's JSON reports here")
    args = parser.parse_args(argv)
    if sys.prefix == sys.base_prefix and not os.environ.get("TLSTUDIO_INSTALL_ANY_PYTHON"):
        print("error: run this with a virtual environment's Python, e.g. "
              "python3 -m venv .venv && .venv/bin/python scripts/install.py", file=sys.stderr)
        return 2
    requirement = torch_requirement()
    system, nvidia = platform.system(), nvidia_gpu_present()
    wants_cpu_index = args.choice == "cpu" or (args.choice is None and system == "Linux" and not nvidia)
    index, why = torch_source(system, nvidia, args.choice, wants_cpu_index and reachable(CPU_INDEX))
    have = installed_version("torch")
    skip = not args.dry_run and have is not None and have.split("+")[0] == requirement.split("==")[1]
    print(f"install: {f'PyTorch {have} is already installed.' if skip else why}")
    steps = commands(requirement, index, args.extras, skip)
    if args.dry_run:
        import tempfile

        resolved = dry_run(steps, args.report or Path(tempfile.mkdtemp(prefix="tlstudio-dry-run-")))
        for name, version in resolved:
            print(f"  {name} {version}")
        cuda = [n for n, _ in resolved if n.lower().startswith(CUDA_PACKAGE_PREFIXES)]
        print(f"install: {len(resolved)} packages for PyTorch, {len(cuda)} of them CUDA libraries.")
        return 0
    for step in steps:
        print("+ " + " ".join(step), flush=True)
        subprocess.run(step, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
