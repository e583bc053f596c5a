"""The README's install commands, scripts/install.py and pyproject.toml tell the same story."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _load_script():
    import importlib.util

    spec = importlib.util.spec_from_file_location("tlstudio_install", ROOT / "scripts" / "install.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


install = _load_script()


def _commands() -> list[str]:
    return [line for line in README.splitlines() if line.startswith("python3 -m venv .venv")]


def test_the_readme_commands_install_through_the_script():
    demo, tests = _commands()[:2]
    assert ".venv/bin/python scripts/install.py &&" in demo and demo.endswith("tlstudio --demo")
    assert ".venv/bin/python scripts/install.py --extras test &&" in tests
    ci = subprocess.run(["awk", '/Run the whole test suite/{f=1} f && /^python3 -m venv/{print; exit}',
                         "README.md"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert ci.stdout.strip() == tests  # .ci/run runs exactly this line


def test_readme_and_pyproject_name_the_pinned_torch_and_the_script():
    requirement = install.torch_requirement()
    version = requirement.split("==")[1]
    assert re.fullmatch(r"torch==\d+\.\d+\.\d+", requirement)
    assert f"torch=={version}" in README and "scripts/install.py" in README
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    comment = pyproject[:pyproject.index(f'"{requirement}"')].splitlines()[-3:]
    assert any("scripts/install.py" in line for line in comment), comment
    from packaging.specifiers import SpecifierSet

    # Step 2 (pip install -e .) keeps the CPU build step 1 installed: a local label satisfies ==.
    assert SpecifierSet(f"=={version}").contains(f"{version}+cpu")


@pytest.mark.parametrize("system, nvidia, choice, reachable, expected", [
    ("Linux", False, None, True, install.CPU_INDEX),
    ("Linux", False, None, False, None),
    ("Linux", True, None, True, None),
    ("Linux", True, "cpu", True, install.CPU_INDEX),
    ("Linux", False, "gpu", True, None),
    ("Darwin", False, None, True, None),
    ("Windows", False, None, True, None),
])
def test_torch_source(system, nvidia, choice, reachable, expected):
    index, why = install.torch_source(system, nvidia, choice, reachable)
    assert index == expected
    if system == "Linux" and index is None and choice != "gpu":
        assert "CUDA build" in why and "several GB" in why


@pytest.mark.slow
def test_the_cpu_path_resolves_no_cuda_packages(tmp_path):
    """pip --dry-run on what the script installs first: the pinned PyTorch, no nvidia-*/triton."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "install.py"), "--cpu", "--dry-run",
         "--report", str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    packages = dict(re.findall(r"^  (\S+) (\S+)$", result.stdout, re.M))
    version = install.torch_requirement().split("==")[1]
    assert packages["torch"].split("+")[0] == version
    assert not [name for name in packages if name.lower().startswith(install.CUDA_PACKAGE_PREFIXES)]
    assert "0 of them CUDA libraries" in result.stdout


def test_doctor_gives_the_one_line_switch_to_a_cuda_build():
    from tlstudio.core.system.environment import EnvironmentReport, advice

    report = EnvironmentReport(
        python="3.11", platform="Linux", torch="2.13.0+cpu", torch_build="CPU build",
        cuda_version=None, devices=[{"key": "cpu", "name": "CPU", "bf16": False}],
        nvidia_gpu_present=True, bf16=False, online=True, online_note="", runs_dir="/tmp",
        free_disk_bytes=None, versions={})
    [line] = [a for a in advice(report) if "NVIDIA" in a]
    assert line.endswith("-m pip install --force-reinstall torch==2.13.0 --index-url "
                         "https://download.pytorch.org/whl/cu128")
    report.nvidia_gpu_present = False
    assert not [a for a in advice(report) if "NVIDIA" in a]
