"""The environment check behind ``tlstudio doctor`` and Help → Environment."""

from __future__ import annotations

import platform
import shutil
import sys
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

HUB_HOST = "huggingface.co"


@dataclass
class EnvironmentReport:
    """Facts about this machine, and advice where something is off."""

    python: str
    platform: str
    torch: str
    torch_build: str
    cuda_version: str | None
    devices: list[dict[str, Any]]
    nvidia_gpu_present: bool
    bf16: bool
    online: bool
    online_note: str
    runs_dir: str
    free_disk_bytes: int | None
    versions: dict[str, str | None]
    advice: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def lines(self) -> list[str]:
        """Human-readable report, one fact per line."""
        gib = 1024**3
        out = [
            f"Python        {self.python} ({self.platform})",
            f"PyTorch       {self.torch} — {self.torch_build}",
        ]
        for dev in self.devices:
            mem = f", {dev['memory_bytes'] / gib:.1f} GiB" if dev.get("memory_bytes") else ""
            out.append(f"Device        {dev['key']}: {dev['name']}{mem}{', bf16' if dev['bf16'] else ''}")
        out.append(f"Network       {'online' if self.online else 'offline'} ({self.online_note})")
        free = f"{self.free_disk_bytes / gib:.1f} GiB free" if self.free_disk_bytes is not None else "unknown"
        out.append(f"Runs folder   {self.runs_dir} ({free})")
        out += [f"{name:<14}{version or 'not installed'}" for name, version in self.versions.items()]
        out += [f"Advice        {line}" for line in self.advice]
        return out


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def nvidia_gpu_present() -> bool:
    """An NVIDIA GPU is installed, whether or not this PyTorch can use it."""
    if Path("/proc/driver/nvidia/gpus").is_dir():
        return any(Path("/proc/driver/nvidia/gpus").iterdir())
    return shutil.which("nvidia-smi") is not None and platform.system() != "Darwin"


def check_online(timeout: float = 1.5) -> tuple[bool, str]:
    """Whether the Hugging Face hub is reachable; never waits longer than ``timeout`` (DNS included)."""
    from tlstudio.core.models.catalog import hub_offline, hub_reachable

    if hub_offline():
        return False, "offline mode is on"
    if hub_reachable(timeout):
        return True, f"{HUB_HOST} reachable"
    return False, f"{HUB_HOST} can't be reached within {timeout:g} s"


def collect(check_network: bool = True) -> EnvironmentReport:
    """Gather the report (imports torch)."""
    import torch

    from tlstudio.core.system.device import detect_devices, torch_build_note
    from tlstudio.core.system.paths import runs_dir

    devices = detect_devices()
    runs = runs_dir()
    try:
        free = shutil.disk_usage(runs).free
    except OSError:
        free = None
    online, note = check_online() if check_network else (False, "not checked")
    report = EnvironmentReport(
        python=sys.version.split()[0],
        platform=platform.platform(terse=True),
        torch=torch.__version__,
        torch_build=torch_build_note(),
        cuda_version=torch.version.cuda,
        devices=[asdict(d) for d in devices],
        nvidia_gpu_present=nvidia_gpu_present(),
        bf16=any(d.bf16 for d in devices),
        online=online,
        online_note=note,
        runs_dir=str(runs),
        free_disk_bytes=free,
        versions={name: _version(dist) for name, dist in [
            ("Qt (PySide6)", "PySide6-Essentials"), ("pyqtgraph", "pyqtgraph"),
            ("transformers", "transformers"), ("datasets", "datasets"), ("accelerate", "accelerate"),
        ]},
    )
    report.advice = advice(report)
    return report


def advice(report: EnvironmentReport) -> list[str]:
    """What to do about what is off."""
    out = []
    has_cuda = any(d["key"].startswith("cuda") for d in report.devices)
    if report.nvidia_gpu_present and not has_cuda:
        out.append(
            "An NVIDIA GPU is present but this PyTorch is a CPU build. Install the CUDA build: "
            f"{sys.executable} -m pip install --force-reinstall torch=={report.torch.split('+')[0]} "
            "--index-url https://download.pytorch.org/whl/cu128"
        )
    if not has_cuda and not any(d["key"] == "mps" for d in report.devices):
        out.append("Training runs on the CPU: prefer the Quick preset, a short max length, "
                   "or the frozen-encoder strategy for large datasets.")
    if report.free_disk_bytes is not None and report.free_disk_bytes < 2 * 1024**3:
        out.append("Less than 2 GiB free in the runs folder: each run stores a model copy "
                   "(about 90 MB for the bundled model).")
    if not report.online:
        out.append("Offline: the bundled model, local folders and the Hugging Face cache work; "
                   "hub downloads do not.")
    if report.versions.get("Qt (PySide6)", "") and sys.version_info[:2] == (3, 11):
        major_minor = tuple(int(p) for p in report.versions["Qt (PySide6)"].split(".")[:2])
        if major_minor >= (6, 12):
            out.append("PySide6 >= 6.12 on Python 3.11 can abort the app: pip install 'PySide6-Essentials<6.12'.")
    return out
