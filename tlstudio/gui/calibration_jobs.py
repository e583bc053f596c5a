"""The "How sure" view's worker jobs: read a run's calibration report (or fit one), save a choice.

Plain functions run by :class:`~tlstudio.gui.workers.FunctionWorker`; they never touch widgets.
"""

from __future__ import annotations

from typing import Any


def load(run_dir: str, refit: bool = False) -> tuple[Any, Any, str]:
    """(report or None, saved calibration or None, task) of a run; with ``refit``, fit and save first."""
    from tlstudio.core.errors import TLStudioError
    from tlstudio.core.insight.calibrate_run import CalibrationReport, calibrate_run, save_report
    from tlstudio.core.runs.store import RunFolder

    folder = RunFolder(run_dir)
    if refit:
        report = calibrate_run(run_dir)
        return report, save_report(run_dir, report), report.task
    try:
        metrics = folder.metrics()
    except TLStudioError:
        return None, folder.calibration(), ""
    data = metrics.calibration
    return (CalibrationReport.from_dict(data) if data else None), folder.calibration(), metrics.task


def save(run_dir: str, calibration: Any) -> Any:
    from tlstudio.core.runs.store import RunFolder

    RunFolder(run_dir).write_calibration(calibration)
    return calibration
