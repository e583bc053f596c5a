"""The data layer stays light: no Qt, torch, transformers or datasets at import time."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("torch", "transformers", "datasets", "sklearn", "pandas", "PySide6")


def test_importing_the_data_layer_is_light():
    code = ("import sys, tlstudio.core.data, tlstudio.cli.data; "
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, check=True)
    assert result.stdout.strip() == "[]"
