"""Which devices and precisions this machine can train on."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tlstudio.core.errors import TrainingError


@dataclass
class DeviceInfo:
    """One training device; ``key`` is the value for ``RunConfig.device``."""

    key: str
    name: str
    memory_bytes: int | None
    bf16: bool


@lru_cache(maxsize=1)
def cpu_has_fast_bf16() -> bool:
    """True when the CPU has native bf16 matrix instructions (AVX512_BF16 or AMX).

    On such CPUs bf16 autocast measured about 1.4x faster than fp32 at the same
    accuracy; on others bf16 is emulated and slower, so it stays off.
    """
    if os.environ.get("TLSTUDIO_CPU_BF16") in ("0", "1"):
        return os.environ["TLSTUDIO_CPU_BF16"] == "1"
    cpuinfo = Path("/proc/cpuinfo")
    if platform.system() == "Linux" and cpuinfo.exists():
        try:
            flags = cpuinfo.read_text(errors="replace")
        except OSError:
            flags = ""
        return "avx512_bf16" in flags or "amx_bf16" in flags
    try:
        import torch

        capability = torch.backends.cpu.get_cpu_capability()
        return "AMX" in capability.upper()
    except (ImportError, AttributeError):
        return False


def _cpu_memory() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def detect_devices() -> list[DeviceInfo]:
    """Devices usable for training, best first (CUDA, then MPS, then CPU)."""
    import torch

    devices: list[DeviceInfo] = []
    if torch.cuda.is_available():
        for index in range(torch.cuda.device_count()):
            props = torch.cuda.get_device_properties(index)
            key = "cuda" if index == 0 else f"cuda:{index}"
            devices.append(
                DeviceInfo(key, props.name, int(props.total_memory), torch.cuda.is_bf16_supported())
            )
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        devices.append(DeviceInfo("mps", "Apple GPU (Metal)", None, False))
    cpu_name = platform.processor() or platform.machine() or "CPU"
    devices.append(
        DeviceInfo("cpu", f"{cpu_name} ({os.cpu_count()} cores)", _cpu_memory(), cpu_has_fast_bf16())
    )
    return devices


def torch_build_note() -> str:
    """One line about the installed PyTorch build, e.g. that it has no CUDA."""
    import torch

    if torch.cuda.is_available():
        return f"PyTorch {torch.__version__} with CUDA {torch.version.cuda}"
    if torch.version.cuda is None and getattr(torch.version, "hip", None) is None:
        return f"CPU only: this PyTorch build ({torch.__version__}) has no CUDA"
    return f"PyTorch {torch.__version__} has CUDA support but no GPU is visible"


def choose_device(requested: str) -> str:
    """Resolve ``auto`` to the best device; refuse one that isn't there."""
    keys = [device.key for device in detect_devices()]
    if requested == "auto":
        return keys[0].split(":")[0]
    if requested not in keys and requested.split(":")[0] not in [k.split(":")[0] for k in keys]:
        raise TrainingError(
            f"Device '{requested}' is not available here ({torch_build_note()}); "
            f"choose one of: auto, {', '.join(keys)}."
        )
    return requested


def choose_precision(requested: str, device: str) -> str:
    """Resolve ``auto`` precision: bf16 where fast, fp16 on CUDA without bf16, else fp32."""
    info = {d.key.split(":")[0]: d for d in detect_devices()}.get(device.split(":")[0])
    bf16_ok = bool(info and info.bf16)
    if requested == "auto":
        if bf16_ok:
            return "bf16"
        return "fp16" if device.startswith("cuda") else "fp32"
    if requested == "fp16" and not device.startswith("cuda"):
        raise TrainingError("fp16 mixed precision needs a CUDA GPU; use bf16 or fp32 on this device.")
    if requested == "bf16" and device.startswith("cuda") and not bf16_ok:
        raise TrainingError("This GPU does not support bf16; use fp16 or fp32.")
    return requested
