"""``tlstudio --self-test`` drives the real window on the demo with the bundled model."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.slow
def test_self_test_passes_offscreen(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HF_HUB_OFFLINE="1", HOME=str(tmp_path))
    result = subprocess.run([sys.executable, "-m", "tlstudio", "--self-test"], env=env,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "PASS" in result.stdout
    assert "trained:" in result.stdout and "predicted:" in result.stdout
    assert "QThread: Destroyed" not in result.stderr
