"""scripts/screenshots.py waits for what each picture needs, and a wait that runs out says which
condition never came (it waited 120 s for "the app" and timed out once the Data page also
scored the class names on a loaded machine)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location("tlstudio_screenshots", ROOT / "scripts" / "screenshots.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Thread:
    def isRunning(self) -> bool:  # noqa: N802 - QThread's name
        return True


def _zero_shot(*_args):
    """Stands for the Data page's zero-shot job."""


def test_a_wait_that_runs_out_names_what_it_waited_for_and_the_jobs_running():
    script = _script()
    app = SimpleNamespace(processEvents=lambda: None)
    window = SimpleNamespace(host=SimpleNamespace(_jobs={_Thread(): SimpleNamespace(_fn=_zero_shot)}))
    with pytest.raises(TimeoutError) as caught:
        script.wait_for_all(app, window, {"the demo file to be read": lambda: True,
                                          "the zero-shot score": lambda: False}, timeout=0)
    message = str(caught.value)
    assert "the zero-shot score" in message and "the demo file" not in message
    assert "jobs running: _zero_shot" in message


def test_the_waits_are_generous():
    script = _script()
    assert script.PAGE_TIMEOUT >= 600 and script.TRAIN_TIMEOUT >= script.PAGE_TIMEOUT
