"""Desktop launcher install/uninstall and the environment check."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from tlstudio import desktop


def test_desktop_entry_installs_and_uninstalls_in_xdg_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    written = desktop.install_desktop_entry()
    assert all(path.is_file() and tmp_path in path.parents for path in written)
    entry = (tmp_path / "applications" / f"{desktop.APP_ID}.desktop").read_text(encoding="utf-8")
    assert "Exec=" in entry and "%f" in entry and "Icon=tlstudio" in entry
    assert (tmp_path / "icons/hicolor/256x256/apps/tlstudio.png").read_bytes()[:4] == b"\x89PNG"
    removed = desktop.uninstall_desktop_entry()
    assert sorted(removed) == sorted(written)
    assert not any(path.exists() for path in written)


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-validate (Debian desktop-file-utils) not installed")
def test_desktop_files_validate(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    installed = desktop.install_desktop_entry()[0]
    for path in (installed, "packaging/linux/io.github.tlstudio.TLStudio.desktop"):
        result = subprocess.run(["desktop-file-validate", str(path)], capture_output=True, text=True)
        assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_cli_installs_desktop_entry(tmp_path):
    env = {"XDG_DATA_HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "tlstudio", "--install-desktop-entry"],
                         env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "applications" / f"{desktop.APP_ID}.desktop").exists()
    out = subprocess.run([sys.executable, "-m", "tlstudio", "--uninstall-desktop-entry"],
                         env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and not (tmp_path / "applications" / f"{desktop.APP_ID}.desktop").exists()


def test_doctor_json_tells_the_truth_here(tmp_path):
    import torch

    env = dict(__import__("os").environ, HF_HUB_OFFLINE="1", TLSTUDIO_HOME=str(tmp_path))
    out = subprocess.run([sys.executable, "-m", "tlstudio", "doctor", "--json"],
                         env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["torch"] == torch.__version__
    assert report["online"] is False
    keys = [d["key"] for d in report["devices"]]
    assert keys[-1] == "cpu"
    assert ("cuda" in keys) == torch.cuda.is_available()
    if not torch.cuda.is_available():
        assert "no CUDA" in report["torch_build"] or "no GPU" in report["torch_build"]
    assert report["runs_dir"].startswith(str(tmp_path))
    assert report["versions"]["transformers"]
