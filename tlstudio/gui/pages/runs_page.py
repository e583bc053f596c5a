"""Runs page: past runs with their key metric, overlaid loss curves, reopen a run."""

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

from tlstudio.gui import plots
from tlstudio.gui.pages.base import Page, label, named
from tlstudio.gui.state import AppState
from tlstudio.gui.workers import FunctionWorker, WorkerHost


def _list_runs() -> list[Any]:
    from tlstudio.core.runs import list_runs

    return list_runs()


def _histories(run_dirs: list[str]) -> list[tuple[str, list[dict[str, Any]]]]:
    from tlstudio.core.runs import load_history

    return [(run_dir, load_history(run_dir)) for run_dir in run_dirs]


def run_title(run: Any) -> str:
    """One line per run: name, metric, model, date."""
    metric = (f"{run.main_metric} {run.main_metric_value:.3f}"
              if run.main_metric and run.main_metric_value is not None else "no score")
    status = "" if run.complete else f" · {run.status or 'incomplete'}"
    if run.complete and getattr(run, "stopped", False):
        status = " · stopped early"
    created = (run.created or "")[:16].replace("T", " ")
    return f"{run.name}\n{metric} · {run.model} · {created}{status}"


class RunsPage(Page):
    """Every run folder under TL Studio's runs folder."""

    run_opened = Signal(str)

    def __init__(self, state: AppState, host: WorkerHost, parent: QWidget | None = None) -> None:
        super().__init__("Runs", "Select two or more runs to compare their loss curves. "
                         "Open a run to evaluate it or predict with it.", parent)
        self._state = state
        self._host = host
        self._runs: list[Any] = []
        self._shown_once = False
        self._generations: dict[str, int] = {}
        self._build()

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
        refresh = QPushButton("Refresh")
        for button in (self.open_button, self.folder_button, self.command_button, refresh):
            buttons.addWidget(button)
        self.open_button.clicked.connect(self._on_open_clicked)
        self.folder_button.clicked.connect(self._on_folder_clicked)
        self.command_button.clicked.connect(self._on_command_clicked)
        refresh.clicked.connect(self.refresh)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.runs_list, 1)
        left_layout.addLayout(buttons)
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

    def _is_stale(self, kind: str) -> bool:
        """True when a newer request of this kind was made after the sender's."""
        sender = self.sender()
        return sender is not None and sender.property("generation") != self._generations[kind]

    def _stamp(self, worker: FunctionWorker, kind: str) -> FunctionWorker:
        self._generations[kind] = self._generations.get(kind, 0) + 1
        worker.setProperty("generation", self._generations[kind])
        return worker

    def refresh(self) -> None:
        worker = self._stamp(FunctionWorker(_list_runs), "runs")
        worker.succeeded.connect(self._on_runs_listed)
        worker.failed.connect(self.banner.show_error)
        self._host.start(worker)

    def _on_runs_listed(self, runs: list[Any]) -> None:
        if self._is_stale("runs"):
            return
        selected = {str(r.run_dir) for r in self._selected_runs()}
        self._runs = list(runs)
        self.runs_list.blockSignals(True)
        self.runs_list.clear()
        for run in self._runs:
            item = QListWidgetItem(run_title(run))
            item.setToolTip(str(run.run_dir))
            self.runs_list.addItem(item)
            item.setSelected(str(run.run_dir) in selected)
        self.runs_list.blockSignals(False)
        self.empty.setVisible(not self._runs)
        self._set_selection_buttons(len(self._selected_runs()))

    def _selected_runs(self) -> list[Any]:
        return [self._runs[self.runs_list.row(item)] for item in self.runs_list.selectedItems()]

    def _set_selection_buttons(self, count: int) -> None:
        self.open_button.setEnabled(count == 1)
        self.folder_button.setEnabled(count == 1)
        self.command_button.setEnabled(count == 1)

    def _on_selection_changed(self) -> None:
        selected = self._selected_runs()
        self._set_selection_buttons(len(selected))
        worker = self._stamp(FunctionWorker(_histories, [str(r.run_dir) for r in selected]),
                             "histories")
        worker.succeeded.connect(self._on_histories_loaded)
        worker.failed.connect(self.banner.show_error)
        self._host.start(worker)

    def _on_histories_loaded(self, histories: list[tuple[str, list[dict[str, Any]]]]) -> None:
        if self._is_stale("histories"):
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

    def _on_folder_clicked(self) -> None:
        selected = self._selected_runs()
        if selected:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(selected[0].run_dir)))

    def _on_command_clicked(self) -> None:
        from tlstudio.core.config import RunConfig
        from tlstudio.core.runfolder import CONFIG_JSON
        from tlstudio.core.runs import repeat_command

        selected = self._selected_runs()
        if selected:
            config = RunConfig.load(Path(selected[0].run_dir) / CONFIG_JSON)
            command = repeat_command(config)
            QGuiApplication.clipboard().setText(command)
            self.hint.setText(f"Copied: {command}")
