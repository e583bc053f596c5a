"""Runs page: every run in a sortable table; rename, annotate, delete (with Undo), open, resume
(those actions in ``gui/runs_actions.py``), and compare two or more side by side
(``gui/runs_compare.py``)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from tlstudio.core.events import StopFlag
from tlstudio.core.runs.resume import can_resume, resume_hint
from tlstudio.gui.pages.base import Page, label, named
from tlstudio.gui.runs_actions import RunActions
from tlstudio.gui.runs_compare import ComparePanel, curve_points
from tlstudio.gui.runs_table import STARTED, RunsTable, status_text
from tlstudio.gui.state import AppState, same_file
from tlstudio.gui.when_shown import WhenShown
from tlstudio.gui.workers import FunctionWorker, WorkerHost

# The notes box says what it is for: how to reach it (no run, or several), or what goes in it.
NOTES_OFF = "Select one run to write what you tried and what you saw."
NOTES_ON = "What you tried and what you saw: saved with this run."


def _list_runs(release_leftovers: bool = False) -> list[tuple[Any, int | None, str]]:
    """Each run with its checkpoint step (when resumable) and its error (when it failed).

    ``release_leftovers``: runs deleted when the app last closed go to the system trash first.
    """
    from tlstudio.core.runs import trash
    from tlstudio.core.runs.catalog import list_runs
    from tlstudio.core.runs.resume import checkpoint_step
    from tlstudio.core.runs.store import RunFolder
    from tlstudio.core.system.paths import runs_dir

    if release_leftovers:
        trash.release_leftovers(runs_dir())
    return [(run, checkpoint_step(run.run_dir) if run.resumable else None,
             RunFolder(run.run_dir).info().error if run.status == "failed" else "")
            for run in list_runs()]


def _side_by_side(run_dirs: list[str], *, stop: StopFlag) -> tuple[Any, list]:
    """The comparison and its runs' curve points (see :func:`curve_points`)."""
    from tlstudio.core.evaluation.compare import side_by_side

    side = side_by_side(run_dirs, stop=stop)
    return side, curve_points(side.runs)


class RunsPage(Page, RunActions):
    """Every run folder under TL Studio's runs folder."""

    run_opened = Signal(str)
    resume_requested = Signal(str)  # an interrupted or failed run folder, to continue training

    def __init__(self, state: AppState, host: WorkerHost, parent: QWidget | None = None) -> None:
        super().__init__("Runs", "Every run you trained. Select two or more to compare them; open one "
                         "to evaluate it or predict with it; rename (F2), annotate or delete one "
                         "(Undo brings it back); resume one that was interrupted.", parent)
        self._state = state
        self._host = host
        self._runs: dict[str, Any] = {}  # run_dir: RunSummary
        self._resume_info: dict[str, tuple[int | None, str]] = {}  # run_dir: (step, error)
        self._listing = False  # a refresh is under way
        self._shown_once = False
        self._filling = False  # the table is being filled: its edits are not renames
        self._held: list[Any] = []  # deleted runs that Undo can still bring back
        self._build()
        # Listed when shown (the first time, and after a run started or ended while hidden)
        self._listing_when_shown = WhenShown(self, self._list_when_shown)
        self._listing_when_shown.request()
        state.training_changed.connect(self._on_training_changed)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self._on_app_about_to_quit)

    # --- building -------------------------------------------------------------------------
    def _build(self) -> None:
        self.runs_list = named(RunsTable(), "runsList", "Past runs")
        self.runs_list.setSortingEnabled(True)
        self.runs_list.sortByColumn(STARTED, Qt.SortOrder.DescendingOrder)
        self.runs_list.itemSelectionChanged.connect(self._on_selection_changed)
        self.runs_list.itemChanged.connect(self._on_item_changed)
        self.runs_list.doubleClicked.connect(self._on_table_double_clicked)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.runs_list, 1)
        top_layout.addLayout(self._build_buttons())
        top_layout.addWidget(self._build_undo_bar())
        self.resume_note = named(label("", "hint", wrap=True), "resumeNote", "Resume status")
        self.resume_note.hide()
        top_layout.addWidget(self.resume_note)
        self.empty = named(label("No runs yet: train a model and it appears here.", "hint"), "runsEmpty")
        top_layout.addWidget(self.empty)
        self.compare = ComparePanel()
        self.compare_plot = self.compare.loss_plot
        self.compare.tabs.addTab(self._build_notes(), "Notes")
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(self.compare)
        splitter.setSizes([300, 360])
        splitter.setChildrenCollapsible(False)
        self.body.addWidget(splitter, 1)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.runs_list)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)  # never while typing a name or notes
        delete.activated.connect(self._on_delete_clicked)
        self._set_selection_buttons(0)

    def _build_buttons(self) -> QHBoxLayout:
        buttons = QHBoxLayout()
        self.open_button = named(QPushButton("Open run"), "openRunButton",
                                 tooltip="Evaluate or predict with the selected run")
        self.resume_button = named(QPushButton("Resume"), "resumeRunButton", "Resume run",
                                   "Continue the selected interrupted run from its last "
                                   "checkpoint, with its own data and settings")
        self.rename_button = named(QPushButton("Rename"), "renameRunButton", "Rename run",
                                   "Give the selected run a name of your own (F2)")
        self.delete_button = named(QPushButton("Delete"), "deleteRunButton", "Delete runs",
                                   "Move the selected runs to the trash (Undo brings them back)")
        self.folder_button = named(QPushButton("Show folder"), "showRunFolderButton")
        self.command_button = named(QPushButton("Copy as command"), "copyRunCommandButton")
        refresh = named(QPushButton("Refresh"), "refreshRunsButton")
        for button in (self.open_button, self.resume_button, self.rename_button, self.delete_button,
                       self.folder_button, self.command_button, refresh):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.open_button.clicked.connect(self._on_open_clicked)
        self.resume_button.clicked.connect(self._on_resume_clicked)
        self.rename_button.clicked.connect(self._on_rename_clicked)
        self.delete_button.clicked.connect(self._on_delete_clicked)
        self.folder_button.clicked.connect(self._on_folder_clicked)
        self.command_button.clicked.connect(self._on_command_clicked)
        refresh.clicked.connect(self.refresh)
        return buttons

    def _build_notes(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        self.notes_edit = named(QPlainTextEdit(), "runNotes", "Notes on the selected run")
        self.notes_edit.setTabChangesFocus(True)  # Tab moves on, never a keyboard trap
        self.notes_edit.setPlaceholderText(NOTES_OFF)
        self.notes_edit.textChanged.connect(self._on_notes_text_changed)
        layout.addWidget(self.notes_edit, 1)
        self.save_notes_button = named(QPushButton("Save notes"), "saveNotesButton")
        self.save_notes_button.clicked.connect(self._on_save_notes_clicked)
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_notes_button)
        save_row.addStretch(1)
        layout.addLayout(save_row)
        return box

    def _build_undo_bar(self) -> QFrame:
        self.undo_bar = named(QFrame(), "undoDeleteBar", "Deleted runs")
        self.undo_bar.setProperty("role", "info")
        layout = QHBoxLayout(self.undo_bar)
        layout.setContentsMargins(10, 4, 10, 4)
        self.undo_text = named(label("", wrap=True), "undoDeleteText", "Deleted runs")
        layout.addWidget(self.undo_text, 1)
        self.undo_button = named(QPushButton("Undo"), "undoDeleteButton", "Undo delete")
        self.undo_button.clicked.connect(self._on_undo_clicked)
        layout.addWidget(self.undo_button)
        dismiss = named(QPushButton("Dismiss"), "dismissUndoButton")
        dismiss.clicked.connect(self._release_held)
        layout.addWidget(dismiss)
        self.undo_bar.hide()
        return self.undo_bar

    # --- listing ----------------------------------------------------------------------------
    def _list_when_shown(self) -> None:
        first, self._shown_once = not self._shown_once, True
        self.refresh(release_leftovers=first)

    def _is_stale(self) -> bool:
        """True when a newer request of the sender's kind was made after it."""
        return not self._host.is_current(self.sender())

    def refresh(self, release_leftovers: bool = False) -> None:
        worker = FunctionWorker(_list_runs, release_leftovers is True and not self._held)
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
        selected = [str(r.run_dir) for r in self._selected_runs()]
        self._runs = {str(run.run_dir): run for run, _step, _error in listed}
        self._resume_info = {str(run.run_dir): (step, error) for run, step, error in listed}
        self._fill_table(selected)
        self.empty.setVisible(not self._runs)
        if self._selected_runs():  # a run may have moved on (resumed, finished): redraw its curve
            self._on_selection_changed()
        else:
            self._set_selection_buttons(0)
            self.compare.clear()

    def _fill_table(self, selected: list[str]) -> None:
        table = self.runs_list
        self._filling = True
        table.blockSignals(True)
        table.fill([(run, status_text(run, self._resume_info[d][0], self._being_resumed(run)))
                    for d, run in self._runs.items()])
        model, flags = table.selectionModel(), QItemSelectionModel.SelectionFlag
        model.clearSelection()
        for run_dir in selected:
            row = table.row_of(run_dir)
            if row >= 0:
                model.select(table.model().index(row, 0), flags.Select | flags.Rows)
        table.blockSignals(False)
        self._filling = False

    def _selected_runs(self) -> list[Any]:
        table = self.runs_list
        dirs = [table.run_dir(row) for row in table.selected_rows()]
        return [self._runs[d] for d in dirs if d in self._runs]

    # --- selection --------------------------------------------------------------------------
    def _set_selection_buttons(self, count: int) -> None:
        self.open_button.setEnabled(count == 1)
        self.folder_button.setEnabled(count == 1)
        self.command_button.setEnabled(count == 1)
        self.rename_button.setEnabled(count == 1)
        self.delete_button.setEnabled(count >= 1)
        self.notes_edit.setEnabled(count == 1)
        self.notes_edit.setPlaceholderText(NOTES_ON if count == 1 else NOTES_OFF)
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
        """A run started or ended: Resume follows, and the list shows the runs' new states (when
        shown: a hidden page's table is filled as it is shown, not as the run ends)."""
        self._update_resume()
        self._listing_when_shown.request()

    def _on_selection_changed(self) -> None:
        """Cheap here (the table's own state); the comparison is computed in a worker."""
        selected = self._selected_runs()
        self._set_selection_buttons(len(selected))
        self._show_notes(selected[0] if len(selected) == 1 else None)
        if not selected:
            self.compare.clear()
            return
        self.compare.show_loading(len(selected))
        # with_stop: a selection changed again (Ctrl+clicks) cancels this one between its
        # comparisons, so two no longer compete with the window for the CPU
        worker = FunctionWorker(_side_by_side, [str(r.run_dir) for r in selected], with_stop=True)
        worker.succeeded.connect(self._on_comparison_loaded)
        worker.failed.connect(self._on_comparison_failed)
        self._host.start(worker, latest="histories")

    def _on_comparison_loaded(self, loaded: tuple[Any, list]) -> None:
        if not self._is_stale():
            self.compare.show_result(*loaded)

    def _on_comparison_failed(self, message: str, details: str) -> None:
        if not self._is_stale():
            self.compare.clear()
            self.banner.show_error(message, details)


__all__ = ["RunsPage"]
