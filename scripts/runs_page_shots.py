"""PNGs of the Runs page (light and dark, 1024x640 and 1440x900) with three made-up runs.

``QT_QPA_PLATFORM=offscreen python scripts/runs_page_shots.py --out /tmp/shots``: no training;
the runs are written through RunFolder with the test fixtures' helper.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _settle(app, seconds: float = 0.5) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def _wait(app, condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the Runs page did not get there in time")
        app.processEvents()
        time.sleep(0.02)


def _write_runs() -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from run_fixtures import paired_predictions, write_run

    from tlstudio.core.runs.store import RunFolder
    from tlstudio.core.system.paths import runs_dir

    root = runs_dir()
    true, a, b = paired_predictions(120, 30, 12, 18)
    write_run(root / "20261130-100000-custrev_600-MiniLM-L6", true, a, data_path="custrev_600.csv",
              created="2026-11-30T10:00:00", losses=[0.71, 0.62, 0.5, 0.41, 0.35, 0.3, 0.28, 0.26])
    write_run(root / "20261130-110000-custrev_600-MiniLM-L6", true, b, data_path="custrev_600.csv",
              created="2026-11-30T11:00:00", losses=[0.7, 0.69, 0.66, 0.6, 0.58, 0.57, 0.55, 0.55],
              learning_rate=1e-3, epochs=5.0)
    true_c, c, _ = paired_predictions(40, 5, 3, 2)
    write_run(root / "20261130-120000-tickets-MiniLM-L6", true_c, c, data_path="tickets.csv",
              created="2026-11-30T12:00:00", losses=[1.0, 0.8, 0.7])
    RunFolder(root / "20261130-100000-custrev_600-MiniLM-L6").rename("custrev baseline, lr 5e-5")
    RunFolder(root / "20261130-100000-custrev_600-MiniLM-L6").set_notes("First try with the defaults.")


def _shoot(app, window, scheme: str, out: Path) -> None:
    from PySide6.QtCore import QItemSelectionModel

    window.confirm_close = lambda: True
    window.show()
    window.show_page("runs")
    page = window.pages["runs"]
    table = page.runs_list
    _wait(app, lambda: table.rowCount() == 3)
    window.resize(1024, 640)
    _settle(app)
    window.grab().save(str(out / f"runs-empty-{scheme}-1024x640.png"))
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in (1, 2):
        table.selectionModel().select(table.model().index(row, 0), flags)
    _wait(app, lambda: "p = " in page.compare.verdict.text())
    for size in ((1024, 640), (1440, 900)):
        window.resize(*size)
        _settle(app, 0.8)
        window.grab().save(str(out / f"runs-{scheme}-{size[0]}x{size[1]}.png"))
    for index, tab in enumerate(("curves", "scores", "settings", "rows", "notes")):
        if index:
            page.compare.tabs.setCurrentIndex(index)
            _settle(app)
            window.grab().save(str(out / f"runs-{tab}-{scheme}-1440x900.png"))
    window.close()
    window.host.shutdown()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs/screenshots")
    args = parser.parse_args()
    os.environ["TLSTUDIO_HOME"] = tempfile.mkdtemp(prefix="tlstudio-runs-shots-")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    _write_runs()
    from PySide6.QtCore import Qt

    from tlstudio.gui import theme
    from tlstudio.gui.app import _application
    from tlstudio.gui.main_window import MainWindow

    app = _application()
    for scheme in ("light", "dark"):
        if scheme == "dark":
            app.styleHints().setColorScheme(Qt.ColorScheme.Dark)
            theme.force_dark(app)
        else:
            theme.force_light(app)
        theme.apply(app)
        _shoot(app, MainWindow(), scheme, out)
    print(f"saved to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
