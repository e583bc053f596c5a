"""Data page: open or drop a file, preview it, check roles and problems, set the split."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from tlstudio.gui import data_jobs, settings
from tlstudio.gui.arrow_model import ArrowTableModel
from tlstudio.gui.class_names import ClassNamesBox
from tlstudio.gui.data_preview import DataCharts, DataPreview
from tlstudio.gui.data_problems import ProblemsPanel
from tlstudio.gui.data_roles import NONE, RolesBox
from tlstudio.gui.data_side import SideColumn
from tlstudio.gui.data_split import SplitPanel, usable_rows
from tlstudio.gui.pages.base import Notice, Page, label, named
from tlstudio.gui.state import AppState, training_notice
from tlstudio.gui.turns import Turns
from tlstudio.gui.workers import FunctionWorker, WorkerHost

INSPECTION = "data-inspection"  # the WorkerHost kind: the latest file opened wins
LENGTHS = "data-lengths"  # the text-length check with the model's tokenizer
ZERO_SHOT = "data-zero-shot"  # the class names' score before any training


class DataPage(Page):
    """Open a CSV/TSV/JSONL (or drop it on the window) and confirm how to read it."""

    file_loaded = Signal(str)
    advice_chosen = Signal(str)  # a problem's one-click fix (e.g. "class_weights") for the run settings

    def __init__(self, state: AppState, host: WorkerHost, parent: QWidget | None = None) -> None:
        super().__init__("Data", "Drop a CSV, TSV or JSONL file anywhere on this window, "
                         "open one, or try the demo dataset.", parent)
        self._state = state
        self._host = host
        self._path: str | None = None
        self._busy = False
        self._has_header: bool | None = None  # the reading override of the inspection under way
        self._roles_needed: data_jobs.RolesNeeded | None = None  # read, but a role must be picked
        self._shown: Any = None  # the inspection whose table is shown (its charts may follow)
        self._turns = Turns(self)  # the rest of a shown inspection, one step per event-loop turn
        self._build()
        state.training_changed.connect(self._on_state_training_changed)
        state.model_changed.connect(self._check_lengths)
        self._length_report: Any = None  # the report whose text lengths are being checked
        self._zero_shot_report: Any = None  # the report whose class names are being scored

    # ---- layout -------------------------------------------------------------------------
    def _build(self) -> None:
        self.open_button = named(QPushButton("Open file…"), "openButton", "Open file",
                                 "Open a data file (Ctrl+O)")
        self.demo_button = named(QPushButton("Use demo dataset"), "demoButton",
                                 tooltip="3,000 review sentences labelled positive/negative "
                                 "(UCI, CC BY 4.0)")
        self.header_actions.addWidget(self.open_button)
        self.header_actions.addWidget(self.demo_button)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(160)
        self.busy.hide()
        self.status = label("No file yet.", "hint")
        self.header_actions.insertWidget(1, self.status)
        self.header_actions.insertWidget(2, self.busy)

        self.model = ArrowTableModel()
        self.preview = DataPreview(self.model)

        side = SideColumn()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self._roles_box())
        self.class_names_box = ClassNamesBox()
        self.class_names_box.names_changed.connect(self._on_class_names_changed)
        side_layout.addWidget(self.class_names_box)
        self.split = SplitPanel()
        self.test_spin, self.val_spin, self.seed_spin = (
            self.split.test_spin, self.split.val_spin, self.split.seed_spin)
        for spin, name in ((self.test_spin, "test_size"), (self.val_spin, "val_size"),
                           (self.seed_spin, "seed")):
            spin.setValue(getattr(self._state, name))
        self.split.changed.connect(self._on_split_edited)
        side_layout.addWidget(self.split)
        self.problems_panel = ProblemsPanel()
        self.problems = self.problems_panel.list
        self.problems_panel.rows_chosen.connect(self.preview.show_rows)
        self.problems_panel.advice_chosen.connect(self.advice_chosen)
        side_layout.addWidget(self.problems_panel, 1)

        self.charts_area = DataCharts()
        self.charts, self.label_plot, self.length_plot = (
            self.charts_area.tabs, self.charts_area.label_plot, self.charts_area.length_plot)
        self.training_notice = Notice("dataTrainingNotice", "Training in progress", role="info")
        self.body.addWidget(self.training_notice)
        self.drop_notice = Notice("dataDropNotice", "Which dropped file is open", role="info")
        self.body.addWidget(self.drop_notice)

        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.preview)
        left.addWidget(self.charts_area)
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 2)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        side.setMinimumWidth(300)
        self.body.addWidget(splitter)
        self.blocked_note = named(label("", "big", wrap=True), "blockedNote", "Why the data can't be trained on")
        self.blocked_note.hide()
        self.body.addWidget(self.blocked_note)
        self.next_button = self.add_next_button("Next: choose a model  →", "model")
        self.next_button.setEnabled(False)
        self.demo_button.clicked.connect(self.open_demo)
        self.roles_box.set_enabled(False)
        self._set_tab_order()

    def _set_tab_order(self) -> None:
        """Tab follows the page as it is read: files, preview, roles, split, problems, Next."""
        chain = [self.open_button, self.demo_button, self.preview, self.header_combo,
                 self.text_combo, self.pair_combo, self.label_combo, self.task_combo,
                 self.label_list, self.test_spin, self.val_spin, self.seed_spin,
                 self.split.test_file_button, self.split.test_file_clear, self.split.split_column,
                 self.problems, self.problems_panel.fix_button,
                 self.charts, self.next_button]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _roles_box(self) -> RolesBox:
        self.roles_box = box = RolesBox()
        self.text_combo, self.pair_combo, self.label_combo = box.text_combo, box.pair_combo, box.label_combo
        self.task_combo, self.header_combo, self.label_list = box.task_combo, box.header_combo, box.label_list
        for combo in box.combos:
            combo.activated.connect(self._on_roles_changed)
        self.label_list.itemChanged.connect(self._on_label_columns_changed)
        return box

    @property
    def role_needed_for(self) -> str | None:
        """The file shown while the user must pick its text or label column, else None."""
        return None if self._roles_needed is None else str(self._roles_needed.loaded.path)

    # ---- actions ------------------------------------------------------------------------
    def open_demo(self) -> None:
        from tlstudio.resources import resource_path

        self.open_file(str(resource_path("samples", "uci_sentiment_sentences.csv")))

    def open_files(self, paths: list[str]) -> None:
        """Open the first of several dropped files, and say which one and why."""
        if not paths:
            return
        self.open_file(paths[0])
        if len(paths) > 1:
            others = ", ".join(Path(p).name for p in paths[1:4]) + (" …" if len(paths) > 4 else "")
            self.drop_notice.set_message(
                f"{len(paths)} files were dropped: opened {Path(paths[0]).name}, the first one "
                f"(one data file at a time; not opened: {others}). To test on another file, "
                "choose it as the Test file under Split.")

    def open_file(self, path: str, **overrides: Any) -> None:
        """Inspect ``path`` in a worker; the page fills in when it is done.

        The latest request wins: a file still being read when another is opened is dropped.
        """
        if path != self._path:
            self.drop_notice.clear()
        self._turns.cancel()
        self._busy = True
        self._path = path
        self._has_header = overrides.get("has_header")
        self.banner.hide()
        self.busy.show()
        self.status.setText(f"Reading {Path(path).name}…")
        self.roles_box.set_enabled(False)
        worker = FunctionWorker(data_jobs.inspect, path, with_stop=True, **overrides)
        worker.succeeded.connect(self._on_inspect_succeeded)
        worker.failed.connect(self._on_inspect_failed)
        worker.cancelled.connect(self._on_inspect_cancelled)
        self._host.start(worker, latest=INSPECTION)

    def _on_roles_changed(self) -> None:
        needed = self._roles_needed
        if self._path is None or (self._state.report is None and needed is None):
            return
        pair = self.pair_combo.currentText()
        text = self.text_combo.currentText()
        texts = ([text] + ([pair] if pair and pair != NONE else [])) if text else None
        # A new label column gets its task inferred again; a task picked by hand is kept.
        task = self.task_combo.currentText() if self.sender() is self.task_combo else None
        roles = None if needed is not None else self._state.report.roles
        if roles is not None and self.sender() is not self.label_combo and roles.multi_column_labels:
            labels: dict[str, Any] = {"label_columns": list(roles.label_columns)}  # keep them all
        else:
            labels = {"label_column": self.label_combo.currentText() or None}
        self.open_file(self._path, text_columns=texts, task=task,
                       has_header=self.header_combo.currentData(), **labels)

    def _on_label_columns_changed(self) -> None:
        """Several ticked label columns: one 0/1 column per label (multi-label)."""
        if self._path is None or self._state.report is None or self._busy:
            return
        ticked = [self.label_list.item(i).text() for i in range(self.label_list.count())
                  if self.label_list.item(i).checkState() == Qt.CheckState.Checked]
        if not ticked:
            return
        self.open_file(self._path, text_columns=list(self._state.report.roles.text_columns),
                       label_columns=ticked, has_header=self.header_combo.currentData())

    def _on_class_names_changed(self) -> None:
        self._state.class_names = self.class_names_box.names
        if self._shown is not None:
            self.charts_area.draw(self._shown, self.class_names_box.shown_name)
        if not self._busy:  # a file being shown scores its names once, when it is handed over
            self._score_zero_shot()

    def _on_split_edited(self) -> None:
        """Other training rows: the auto max length is counted again (the presets follow it)."""
        self._on_split_changed()
        self._check_lengths()

    def _on_split_changed(self) -> None:
        self._state.test_size = self.test_spin.value()
        self._state.val_size = self.val_spin.value()
        self._state.seed = self.seed_spin.value()
        self._state.test_file = self.split.test_file
        self._state.split_column = self.split.chosen_split_column

    def _on_inspect_succeeded(self, result: Any) -> None:
        if not self._host.is_current(self.sender()):
            return  # a file opened since then wins
        if isinstance(result, data_jobs.RolesNeeded):
            self._busy = False
            self.busy.hide()
            self._show_roles_needed(result)
            return
        self._roles_needed = None
        report = result.report
        loaded = report.loaded
        from tlstudio.core.data.rownumbers import numbers_of

        numbers = numbers_of(loaded)
        self.model.set_table(loaded.table, numbers.first, numbers.meaning)
        self.preview.fit_columns()
        self.roles_box.fill(report, self._has_header)
        self.problems_panel.fill(report.problems if hasattr(report, "problems") else [])
        roles = report.roles
        self.split.set_columns([c for c in loaded.column_names
                                if c not in roles.text_columns and c not in roles.label_columns])
        self.split.set_usable_rows(usable_rows(report))
        # The rest in later event-loop turns, a step each: all of it at once kept a 100k-row
        # file's window frozen for over 250 ms. The data becomes the pages' last, so a page that
        # follows it (or a person pressing Next) never sees it half shown.
        self._shown = result
        self._turns.start(partial(step, result)
                          for step in (self._show_file_facts, self._show_classes, self._hand_over))

    def _show_file_facts(self, result: Any) -> None:
        loaded = result.report.loaded
        delim = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe"}.get(
            loaded.delimiter or "", loaded.delimiter or "")
        self.status.setText(f"{Path(loaded.path).name}: {loaded.num_rows:,} rows, "
                            f"{loaded.format.upper()}{', ' + delim if delim else ''}, "
                            f"{loaded.encoding}")
        settings.add_recent_file(str(loaded.path))

    def _show_classes(self, result: Any) -> None:
        """The class names box, and the charts (drawn with the names it holds)."""
        self.class_names_box.set_classes(result.class_labels, result.class_names, result.class_names_note)
        self.charts_area.set_empty(False)

    def _hand_over(self, result: Any) -> None:
        """The data becomes the app's: the pages that follow it update, Next and Start wake up."""
        self._busy = False
        self.busy.hide()
        self.roles_box.set_enabled(True)
        self._state.has_header = self._has_header
        self._on_split_changed()
        self._state.set_inspection(result)
        self._show_blocking(self._state.blocking_problem)
        self._update_training_notice()
        self._check_lengths()
        self._score_zero_shot()
        self.file_loaded.emit(str(result.report.loaded.path))

    def _check_lengths(self) -> None:
        """Count tokens with the chosen model's tokenizer (the bundled one until a model is chosen)."""
        report = self._state.report
        if report is None:
            return
        model = self._state.model
        folder = getattr(model, "path", None) if model is not None else None
        self._length_model = model.name if model is not None and folder else "the bundled model"
        self._length_report = report
        self.problems_panel.length_note.setText(
            f"Checking text lengths with the tokenizer of {self._length_model}…")
        worker = FunctionWorker(data_jobs.check_lengths, report, folder, self._state.split_config(),
                                self._state.token_survey, with_stop=True)  # rows counted stay counted
        worker.succeeded.connect(self._on_lengths_checked)
        worker.failed.connect(self._on_lengths_failed)
        self._host.start(worker, latest=LENGTHS)

    def _score_zero_shot(self) -> None:
        """Score the class names against the texts with the bundled model, when they are words."""
        inspection = self._state.inspection
        self.problems_panel.set_zero_shot("")
        if inspection is None or not inspection.class_labels:
            return
        self._zero_shot_report = inspection.report
        worker = FunctionWorker(data_jobs.zero_shot, inspection.report, inspection.class_labels,
                                self.class_names_box.names, with_stop=True)
        worker.succeeded.connect(self._on_zero_shot_scored)
        self._host.start(worker, latest=ZERO_SHOT)

    def _on_zero_shot_scored(self, preview: Any) -> None:
        current = self._host.is_current(self.sender()) and self._zero_shot_report is self._state.report
        if current and preview is not None:
            self.problems_panel.set_zero_shot(preview.sentence())

    def _on_lengths_checked(self, survey: Any) -> None:
        if not self._host.is_current(self.sender()) or self._length_report is not self._state.report:
            return
        problem = survey.truncation_problem()
        verdict = "see above" if problem is not None else "none is longer than the model reads"
        self.problems_panel.set_length_problem(
            problem, f"Text lengths counted with the tokenizer of {self._length_model}: {verdict}.")
        self._state.set_token_survey(survey)

    def _on_lengths_failed(self, message: str, _details: str) -> None:
        if self._host.is_current(self.sender()) and self._length_report is self._state.report:
            self.problems_panel.length_note.setText(f"Text lengths not checked: {message}")

    def _show_blocking(self, problem: Any) -> None:
        """Next stays off while the data can't be trained on; the note says why and what to do."""
        self.next_button.setEnabled(problem is None)
        text = "" if problem is None else (f"Can't train on this data yet: {problem.message} Fix the file "
                                           "and open it again, or change the columns above.")
        self.blocked_note.setText(text)
        self.blocked_note.setVisible(bool(text))
        self.next_button.setToolTip(text or "Choose a model")

    def _show_roles_needed(self, needed: data_jobs.RolesNeeded) -> None:
        """The file was read but a role can't be guessed: show its columns and ask for that role."""
        from tlstudio.core.data.rownumbers import numbers_of

        self._roles_needed = needed
        loaded = needed.loaded
        numbers = numbers_of(loaded)
        self.model.set_table(loaded.table, numbers.first, numbers.meaning)
        self.preview.fit_columns()
        columns = list(loaded.column_names)
        chosen = {"text": (needed.overrides.get("text_columns") or [None])[0],
                  "label": needed.overrides.get("label_column")}
        self.roles_box.offer_columns(columns, chosen, self._has_header)
        self.class_names_box.set_classes([], None)
        self.split.set_usable_rows(0)  # unknown until the roles are known
        self.charts_area.set_empty(True)  # the charts were the previous file's
        self.roles_box.set_enabled(True)
        what = "text column (the words to classify)" if needed.role == "text" else (
            "label column (the answer the model should learn)")
        message = (f"{needed.reason} Pick the {what} under 'How to read it' on the right; the "
                   "preview shows this file's columns.")
        self.status.setText(f"{Path(loaded.path).name}: {loaded.num_rows:,} rows: choose the "
                            f"{needed.role} column.")
        self.problems_panel.show_message("error", message)
        self.blocked_note.setText(f"Can't train on this file yet: {message}")
        self.blocked_note.show()
        self.next_button.setEnabled(False)
        self.next_button.setToolTip(self.blocked_note.text())
        self._state.set_inspection(None)  # the file shown is not usable yet; Next must not use the old one
        (self.text_combo if needed.role == "text" else self.label_combo).setFocus()

    def _on_inspect_cancelled(self) -> None:
        if self._host.is_current(self.sender()):  # closing the window: nothing newer is coming
            self._busy = False
            self.busy.hide()

    def _on_inspect_failed(self, message: str, details: str) -> None:
        if not self._host.is_current(self.sender()):
            return
        self._busy = False
        self.busy.hide()
        self.status.setText("Could not read that file." if self._state.report is None
                            else f"Still showing {Path(self._state.report.loaded.path).name}.")
        self.roles_box.set_enabled(self._state.report is not None)
        self.banner.show_error(message, details)

    def _on_state_training_changed(self, _training: bool) -> None:
        self._update_training_notice()

    def _update_training_notice(self) -> None:
        """While a run trains, say that what is opened or changed here is for the next run."""
        running = self._state.training_data_path
        current = self._state.data_path
        if not self._state.training or not running or not current:
            self.training_notice.clear()
            return
        self.training_notice.set_message(training_notice(running, current))

