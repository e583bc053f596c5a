"""Runs page: past runs with their key metric, overlaid loss curves, reopen or resume a run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from tlstudio.core.runs.resume import can_resume, resume_hint, unfinished_label
from tlstudio.gui import plots
from tlstudio.gui.pages.base import Page, label, named
from tlstudio.gui.state import AppState, same_file
from tlstudio.gui.workers import FunctionWorker, WorkerHost


def _list_runs() -> list[tuple[Any, int | None, str]]:
    """Each run with its checkpoint step (when resumable) and its error (when it failed)."""
    from tlstudio.core.runs.catalog import list_runs
    from tlstudio.core.runs.resume import checkpoint_step
    from tlstudio.core.runs.store import RunFolder

    return [(run, checkpoint_step(run.run_dir) if run.resumable else None,
             RunFolder(run.run_dir).info().error if run.status == "failed" else "")
            for run in list_runs()]


def _histories(run_dirs: list[str]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Each run's history; an unfinished run's comes from its latest checkpoint."""
    from tlstudio.core.runs.store import RunFolder

    return [(run_dir, RunFolder(run_dir).history()) for run_dir in run_dirs]


def run_title(run: Any, step: int | None = None, resuming: bool = False) -> str:
    """One line per run: name, metric, model, date (and whether an unfinished one can resume)."""
    metric = (f"{run.main_metric} {run.main_metric_value:.3f}"
              if run.main_metric and run.main_metric_value is not None else "no score")
    status = "" if run.complete else f" · {unfinished_label(run, step)}"
    if resuming:
        status = " · resuming now (Train page)"
    if run.complete and getattr(run, "stopped", False):
        status = " · stopped early"
    created = (run.created or "")[:16].replace("T", " ")
    return f"{run.name}\n{metric} · {run.model} · {created}{status}"


class RunsPage(Page):
    """Every run folder under TL Studio's runs folder."""

    run_opened = Signal(str)
    resume_requested = Signal(str)  # an interrupted or failed run folder, to continue training

    def __init__(self, state: AppState, host: WorkerHost, parent: QWidget | None = None) -> None:
        super().__init__("Runs", "Select two or more runs to compare their loss curves. "
                         "Open a run to evaluate it or predict with it; resume one that was "
                         "interrupted.", parent)
        self._state = state
        self._host = host
        self._runs: list[Any] = []
        self._resume_info: dict[str, tuple[int | None, str]] = {}  # run_dir: (step, error)
        self._listing = False  # a refresh is under way
        self._shown_once = False
        self._build()
        state.training_changed.connect(self._on_training_changed)

    def _build(self) -> None:
        self.runs_list = named(QListWidget(), "runsList", "Past runs")
        self.runs_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.runs_list.itemSelectionChanged.connect(self._on_selection_changed)
        self.runs_list.itemDoubleClicked.connect(self._on_item_double_clicked)
        buttons = QHBoxLayout()
        self.open_button = named(QPushButton("Open run"), "openRunButton",
                                 tooltip="Evaluate or predict with the selected run")
        self.folder_button = QPushButton("Show folder")
        self.command_button = QPushButton("Copy as command")
        self.resume_button = named(QPushButton("Resume"), "resumeRunButton", "Resume run",
                                   "Continue the selected interrupted run from its last "
                                   "checkpoint, with its own data and settings")
        refresh = QPushButton("Refresh")
        for button in (self.open_button, self.resume_button, self.folder_button,
                       self.command_button, refresh):
            buttons.addWidget(button)
        self.open_button.clicked.connect(self._on_open_clicked)
        self.resume_button.clicked.connect(self._on_resume_clicked)
        self.folder_button.clicked.connect(self._on_folder_clicked)
        self.command_button.clicked.connect(self._on_command_clicked)
        refresh.clicked.connect(self.refresh)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.runs_list, 1)
        left_layout.addLayout(buttons)
        self.resume_note = named(label("", "hint", wrap=True), "resumeNote", "Resume status")
        self.resume_note.hide()
        left_layout.addWidget(self.resume_note)
        self.empty = label("No runs yet: train a model and it appears here.", "hint")
        left_layout.addWidget(self.empty)
        self.compare_plot = plots.make_plot("compareLossPlot", "Training loss", "step", "loss")
        self.compare_plot.getPlotItem().addLegend()
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.compare_plot)
        splitter.setSizes([420, 700])
        self.body.addWidget(splitter, 1)
        self._set_selection_buttons(0)

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            self.refresh()

    def _is_stale(self) -> bool:
        """True when a newer request of the sender's kind was made after it."""
        return not self._host.is_current(self.sender())

    def refresh(self) -> None:
        worker = FunctionWorker(_list_runs)
        worker.succeeded.connect(self._on_runs_listed)
        worker.failed.connect(self._on_runs_failed)
        self._listing = True  # Resume waits for the runs' fresh states (one may just have ended)
        self._update_resume()
        self._host.start(worker, latest="runs")

    def _on_runs_failed(self, message: str, details: str) -> None:
        if not self._is_stale():
            self._listing = False
            self.banner.show_error(message, details)

    def _on_runs_listed(self, listed: list[tuple[Any, int | None, str]]) -> None:
        if self._is_stale():
            return
        self._listing = False
        selected = {str(r.run_dir) for r in self._selected_runs()}
        self._runs = [run for run, _step, _error in listed]
        self._resume_info = {str(run.run_dir): (step, error) for run, step, error in listed}
        self.runs_list.blockSignals(True)
        self.runs_list.clear()
        for run in self._runs:
            item = QListWidgetItem(run_title(run, self._resume_info[str(run.run_dir)][0],
                                             self._being_resumed(run)))
            item.setToolTip(str(run.run_dir))
            self.runs_list.addItem(item)
            item.setSelected(str(run.run_dir) in selected)
        self.runs_list.blockSignals(False)
        self.empty.setVisible(not self._runs)
        if self._selected_runs():  # a run may have moved on (resumed, finished): redraw its curve
            self._on_selection_changed()
        else:
            self._set_selection_buttons(0)

    def _selected_runs(self) -> list[Any]:
        return [self._runs[self.runs_list.row(item)] for item in self.runs_list.selectedItems()]

    def _set_selection_buttons(self, count: int) -> None:
        self.open_button.setEnabled(count == 1)
        self.folder_button.setEnabled(count == 1)
        self.command_button.setEnabled(count == 1)
        self._update_resume()

    def _being_resumed(self, run: Any) -> bool:
        return self._state.training and same_file(str(run.run_dir), self._state.training_run_dir)

    def _update_resume(self) -> None:
        """Resume: one interrupted or failed run with a checkpoint, and no training running."""
        selected = self._selected_runs()
        run = selected[0] if len(selected) == 1 else None
        step, error = self._resume_info.get(str(run.run_dir), (None, "")) if run else (None, "")
        resumable = run is not None and can_resume(run)
        self.resume_button.setEnabled(resumable and not self._state.training
                                      and not self._listing)
        hint = resume_hint(run, step, error) if run is not None else ""
        if run is not None and self._being_resumed(run):
            hint = "This run is being resumed now: the Train page shows its progress."
        elif resumable and self._state.training:
            hint += " (Another training run is under way: resume this one when it ends.)"
        self.resume_note.setText(hint)
        self.resume_note.setVisible(bool(hint))

    def _on_training_changed(self, _training: bool) -> None:
        """A run started or ended: Resume follows, and the list shows the runs' new states."""
        self._update_resume()
        self.refresh()

    def _on_selection_changed(self) -> None:
        selected = self._selected_runs()
        self._set_selection_buttons(len(selected))
        worker = FunctionWorker(_histories, [str(r.run_dir) for r in selected])
        worker.succeeded.connect(self._on_histories_loaded)
        worker.failed.connect(self.banner.show_error)
        self._host.start(worker, latest="histories")

    def _on_histories_loaded(self, histories: list[tuple[str, list[dict[str, Any]]]]) -> None:
        if self._is_stale():
            return
        item = self.compare_plot.getPlotItem()
        item.clear()
        for index, (run_dir, rows) in enumerate(histories):
            train = [(r.get("step"), r.get("loss")) for r in rows
                     if r.get("kind") == "train" and r.get("loss") is not None]
            if train:
                x, y = zip(*train, strict=True)
                item.plot(list(x), list(y), pen=plots.pen(index, 2), name=Path(run_dir).name)

    def _on_item_double_clicked(self, _item: QListWidgetItem) -> None:
        self._on_open_clicked()

    def _on_open_clicked(self) -> None:
        selected = self._selected_runs()
        if len(selected) == 1:
            self.run_opened.emit(str(selected[0].run_dir))

    def _on_resume_clicked(self) -> None:
        selected = self._selected_runs()
        if len(selected) == 1 and can_resume(selected[0]) and not self._state.training:
            self.resume_requested.emit(str(selected[0].run_dir))

    def _on_folder_clicked(self) -> None:
        selected = self._selected_runs()
        if selected:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(selected[0].run_dir)))

    def _on_command_clicked(self) -> None:
        from tlstudio.core.runs.store import RunFolder
        from tlstudio.core.settings.command import fresh_run_command

        selected = self._selected_runs()
        if selected:
            command = fresh_run_command(RunFolder(selected[0].run_dir).config())
            QGuiApplication.clipboard().setText(command)
            self.show_note(f"Copied: {command}")
