"""Benchmark: process start → main window shown (target ≤ 1.0 s).

Starts a fresh Python process per repeat that builds the app the way ``tlstudio`` does
and reports when the window is exposed, plus whether torch/transformers/datasets were
imported by then (they must not be).

    .venv/bin/python bench/gui_startup.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

CHILD = r"""
import sys, time
from PySide6.QtCore import QTimer
from tlstudio.gui.app import _application
app = _application()
from tlstudio.gui import theme
from tlstudio.gui.main_window import MainWindow
theme.apply(app)
window = MainWindow(warm_up=False)
window.show()
def shown():
    heavy = [m for m in ("torch", "transformers", "datasets", "sklearn") if m in sys.modules]
    print("SHOWN", time.time(), ",".join(heavy), flush=True)
    app.quit()
QTimer.singleShot(0, shown)
app.exec()
"""


def one_start(env: dict[str, str]) -> tuple[float, str]:
    started = time.time()
    out = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True,
                         env=env, timeout=120, check=True)
    line = next(line for line in out.stdout.splitlines() if line.startswith("SHOWN"))
    parts = line.split(" ")
    return float(parts[1]) - started, parts[2] if len(parts) > 2 else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["TLSTUDIO_HOME"] = tempfile.mkdtemp(prefix="tlstudio-bench-")
    one_start(env)  # warm the file cache and .pyc files
    times, heavy = [], set()
    for _ in range(args.repeats):
        seconds, loaded = one_start(env)
        times.append(seconds)
        heavy.update(m for m in loaded.split(",") if m)
    result = {"platform": env["QT_QPA_PLATFORM"], "repeats": args.repeats,
              "median_s": round(statistics.median(times), 3), "max_s": round(max(times), 3),
              "heavy_modules_before_show": sorted(heavy)}
    print(json.dumps(result, indent=2))
    print(f"target (≤ 1.0 s): {'met' if result['median_s'] <= 1.0 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
