"""Label audit: rows whose label looks wrong, reviewed one key at a time into a corrected copy.

The audit (:mod:`tlstudio.core.insight.audit`) runs in a worker on the file open on the Data
page; decisions (keep / relabel / exclude) are written to a NEW file by
:func:`~tlstudio.core.insight.corrections.write_corrected_copy`: the user's file is never
modified. "Retrain on corrected copy" asks the window to open that copy and train on it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tlstudio.core.insight.corrections import EXCLUDE, KEEP, RELABEL, Correction
from tlstudio.gui.empty_state import EmptyState
from tlstudio.gui.pages.base import ErrorBanner, label, named
from tlstudio.gui.state import AppState, same_file
from tlstudio.gui.workers import FunctionWorker, WorkerHost

QUICK_MODELS = (("Sentence embeddings + logistic regression", True),
                ("TF-IDF + logistic regression (faster)", False))
COLUMNS = ("Row", "Given", "Suggested", "Score", "Decision", "Why", "Text")
DECISION_COLUMN = COLUMNS.index("Decision")
KIND_WORDS = {"label": "label looks wrong", "conflicting duplicate": "duplicate, other label",
              "outlier": "unlike the other rows"}


def audit_job(path: str, text_columns: list[str], label_column: str | None,
              embeddings: bool) -> Any:
    """The audit report of ``path`` (out-of-sample probabilities from the chosen quick model)."""
    from tlstudio.core.insight.audit import audit
    from tlstudio.core.insight.rows import embedding_features, load_rows

    rows = load_rows(path, text_columns=text_columns or None, label_column=label_column)
    features = embedding_features(rows.texts) if embeddings else None
    return audit(rows, features=features), list(rows.label_names), rows.label_column


def save_job(source: str, target: str, decisions: dict[int, Correction], label_column: str) -> Any:
    from tlstudio.core.insight.corrections import write_corrected_copy

    return write_corrected_copy(source, target, decisions, label_column=label_column)


def decision_text(decision: Correction | None) -> str:
    if decision is None:
        return ""
    return {KEEP: "keep", EXCLUDE: "exclude"}.get(decision.action, f"relabel → {decision.label}")


class AuditTab(QWidget):
    """Check the open data file's labels, review the suspects, save or retrain on the result."""

    retrain_requested = Signal(str, str)  # the corrected copy, its label column

    def __init__(self, state: AppState, host: WorkerHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._host = host
        self._report: Any = None
        self._source: str | None = None  # the file the suspects come from
        self._label_column = ""
        self._names: list[str] = []
        self.decisions: dict[int, Correction] = {}  # keyed by 0-based data row
        self._saved: tuple[str, dict[int, Correction]] | None = None  # (copy, decisions in it)
        self._retrain_after_save = False
        self._running = False  # an audit is under way
        self._build()
        state.data_changed.connect(self._on_state_data_changed)

    def _build(self) -> None:
        self.run_button = named(QPushButton("Check labels"), "auditRunButton", "Check labels",
                                "Cross-check every row's label against a quick model trained "
                                "on the other rows")
        self.run_button.setProperty("role", "primary")
        self.run_button.clicked.connect(self.run_audit)
        self.model_combo = named(QComboBox(), "auditModelCombo", "Quick model for the check",
                                 "Sentence embeddings are closer to what a fine-tuned model "
                                 "learns; TF-IDF takes seconds on any file")
        for text, embeddings in QUICK_MODELS:
            self.model_combo.addItem(text, embeddings)
        self.status = named(label("", "hint", wrap=True), "auditStatus", "Label audit status")
        self.banner = ErrorBanner()
        self.table = named(QTableWidget(), "auditTable", "Suspect rows")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.currentCellChanged.connect(self._on_table_current_changed)
        self.table_area = EmptyState(
            self.table, "No check yet: press Check labels to start. A quick model learns from "
            "the other rows and judges each row's label; the rows it doubts, near-duplicates "
            "labelled differently and outliers are listed here, to keep, relabel or exclude "
            "with one key each. Your file stays as it is: the decisions go into a corrected "
            "copy.", "auditEmpty")
        self.keep_button = named(QPushButton("Keep (K)"), "auditKeepButton", "Keep the label")
        self.relabel_button = named(QPushButton("Relabel (R)"), "auditRelabelButton",
                                    "Relabel the row")
        self.relabel_combo = named(QComboBox(), "auditRelabelCombo", "New label",
                                   "The label R gives the row (the suggested one at first)")
        self.exclude_button = named(QPushButton("Exclude (X)"), "auditExcludeButton",
                                    "Leave the row out of the copy")
        self.progress = named(label("", "hint"), "auditProgress", "Review progress")
        self.save_button = named(QPushButton("Save corrected copy…"), "auditSaveButton",
                                 tooltip="Write a new file with your decisions applied; your "
                                 "file stays as it is")
        self.retrain_button = named(QPushButton("Retrain on corrected copy"),
                                    "auditRetrainButton", tooltip="Open the corrected copy and "
                                    "train on it with the settings on the Train page")
        self.keep_button.clicked.connect(self.keep)
        self.relabel_button.clicked.connect(self.relabel)
        self.exclude_button.clicked.connect(self.exclude)
        self.save_button.clicked.connect(self._on_save_clicked)
        self.retrain_button.clicked.connect(self._on_retrain_clicked)
        for key, slot in (("K", self.keep), ("R", self.relabel), ("X", self.exclude)):
            shortcut = QShortcut(QKeySequence(key), self.table, slot)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        top = QHBoxLayout()
        top.addWidget(self.run_button)
        top.addWidget(self.model_combo)
        top.addStretch(1)
        review = QHBoxLayout()
        review.addWidget(self.keep_button)
        review.addWidget(self.relabel_button)
        review.addWidget(self.relabel_combo)
        review.addWidget(self.exclude_button)
        review.addWidget(self.progress, 1)
        review.addWidget(self.save_button)
        review.addWidget(self.retrain_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.status)
        layout.addWidget(self.table_area, 1)
        layout.addLayout(review)
        self._update_buttons()

    # ---- the audit ----------------------------------------------------------------------
    def run_audit(self) -> None:
        """Audit the file open on the Data page, in a worker."""
        report = self._state.report
        if report is None:
            return
        roles = report.roles
        path = str(report.loaded.path)
        label_column = roles.label_columns[0] if roles.label_columns else None
        embeddings = bool(self.model_combo.currentData())
        self.banner.hide()
        self._running = True
        self.run_button.setEnabled(False)
        self.status.setText(f"Checking the labels of {Path(path).name}"
                            + (" (computing sentence embeddings first)…" if embeddings else "…"))
        worker = FunctionWorker(audit_job, path, list(roles.text_columns), label_column, embeddings)
        worker.succeeded.connect(self._on_audit_succeeded)
        worker.failed.connect(self._on_audit_failed)
        worker.setProperty("path", path)
        self._host.start(worker, latest="label-audit")

    def _current(self) -> bool:
        """True when the finished job is the newest and its file is still the one open."""
        worker = self.sender()
        return self._host.is_current(worker) and same_file(worker.property("path"),
                                                           self._state.data_path)

    def _on_audit_succeeded(self, result: tuple[Any, list[str], str]) -> None:
        if not self._current():
            return
        self._running = False
        self._report, self._names, self._label_column = result
        self._source = self._report.path
        self.decisions = {}
        self._saved = None
        counts = {kind: self._report.count(kind) for kind in KIND_WORDS}
        self.status.setText(
            f"{self._report.rows:,} rows checked with {self._report.method}. "
            f"{self._report.agreement_sentence} Suspects: {counts['label']:,} labels that look "
            f"wrong, {counts['conflicting duplicate']:,} rows in near-duplicate pairs with "
            f"different labels, {counts['outlier']:,} outliers. Row numbers count the header as "
            "row 1; score: how plausible the given label is (0 = surely wrong, 1 = fine). "
            "Keys: K keep, R relabel, X exclude.")
        self.relabel_combo.clear()
        self.relabel_combo.addItems(self._names)
        self._fill_table()

    def _on_audit_failed(self, message: str, details: str) -> None:
        if self._current():
            self._running = False
            self._update_buttons()
            self.status.setText("")
            self.banner.show_error(message, details)

    def _fill_table(self) -> None:
        suspects = self._report.suspects if self._report else []
        table = self.table
        table.clear()
        table.setColumnCount(len(COLUMNS))
        table.setHorizontalHeaderLabels(COLUMNS)
        table.setRowCount(len(suspects))
        for r, suspect in enumerate(suspects):
            kinds = ", ".join(KIND_WORDS.get(k, k) for k in suspect.kinds)
            cells = (str(suspect.row), suspect.given, suspect.suggested, f"{suspect.score:.2f}",
                     "", "; ".join(suspect.why), " ".join(suspect.text.split()))
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(suspect.text[:2000] if c == len(cells) - 1 else f"{kinds}: {text}")
                table.setItem(r, c, item)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMNS.index("Why"), QHeaderView.ResizeMode.Interactive)
        table.setColumnWidth(COLUMNS.index("Why"), 480)
        header.setStretchLastSection(True)
        self.table_area.set_empty(self._report is None)
        if suspects:
            table.setCurrentCell(0, 0)
            table.setFocus()
        self._update_progress()

    def _on_state_data_changed(self) -> None:
        if self._source is not None and not same_file(self._source, self._state.data_path):
            self._report, self._source, self.decisions, self._saved = None, None, {}, None
            self._fill_table()
            self.status.setText("Another file is open: check its labels.")
        self._running = False  # a job on the previous file is dropped when it ends
        self._update_buttons()

    # ---- review -------------------------------------------------------------------------
    def _suspect(self, row: int | None = None) -> Any:
        row = self.table.currentRow() if row is None else row
        suspects = self._report.suspects if self._report else []
        return suspects[row] if 0 <= row < len(suspects) else None

    def _on_table_current_changed(self, row: int, *_: int) -> None:
        suspect = self._suspect(row)
        if suspect is None:
            return
        decided = self.decisions.get(suspect.index)
        choice = decided.label if decided is not None and decided.action == RELABEL else (
            suspect.suggested if suspect.suggested != suspect.given else None)
        if choice is None:
            choice = next((n for n in self._names if n != suspect.given), suspect.given)
        self.relabel_combo.setCurrentText(choice)

    def keep(self) -> None:
        self._decide(Correction(KEEP))

    def relabel(self) -> None:
        suspect = self._suspect()
        new = self.relabel_combo.currentText()
        if suspect is not None and new:
            self._decide(Correction(KEEP) if new == suspect.given else Correction(RELABEL, new))

    def exclude(self) -> None:
        self._decide(Correction(EXCLUDE))

    def _decide(self, decision: Correction) -> None:
        """Record ``decision`` for the selected row and move to the next one not yet reviewed."""
        row = self.table.currentRow()
        suspect = self._suspect(row)
        if suspect is None:
            return
        self.decisions[suspect.index] = decision
        self.table.item(row, DECISION_COLUMN).setText(decision_text(decision))
        count = self.table.rowCount()
        following = [(row + step) % count for step in range(1, count + 1)]
        target = next((r for r in following if self._suspect(r).index not in self.decisions),
                      min(row + 1, count - 1))
        self.table.setCurrentCell(target, 0)
        self._update_progress()

    def _update_progress(self) -> None:
        total = self.table.rowCount()
        actions = [d.action for d in self.decisions.values()]
        self.progress.setText(
            f"{len(self.decisions)} of {total} reviewed ({actions.count(RELABEL)} relabelled, "
            f"{actions.count(EXCLUDE)} excluded)" if total else "")
        self._update_buttons()

    def _update_buttons(self) -> None:
        has_rows = self.table.rowCount() > 0
        for widget in (self.keep_button, self.relabel_button, self.relabel_combo,
                       self.exclude_button):
            widget.setEnabled(has_rows)
        self.save_button.setEnabled(self._report is not None)
        self.retrain_button.setEnabled(self._report is not None)
        self.run_button.setEnabled(self._state.has_data and not self._running)

    # ---- the corrected copy -------------------------------------------------------------
    def default_copy_name(self) -> str:
        source = Path(self._source or "data.csv")
        suffix = ".tsv" if source.suffix.lower() == ".tsv" else ".csv"
        return str(source.with_name(f"{source.stem}-corrected{suffix}"))

    def _on_save_clicked(self) -> None:
        self._retrain_after_save = False
        self._ask_where_to_save()

    def _ask_where_to_save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save the corrected copy",
                                              self.default_copy_name(), "CSV (*.csv);;TSV (*.tsv)")
        if path:
            self.save_copy(path)

    def save_copy(self, target: str) -> None:
        """Write the corrected copy to ``target`` in a worker (never over the source file)."""
        if self._report is None or self._source is None:
            return
        self.save_button.setEnabled(False)
        self.status.setText(f"Saving the corrected copy to {Path(target).name}…")
        decisions = dict(self.decisions)
        worker = FunctionWorker(save_job, self._source, target, decisions, self._label_column)
        worker.setProperty("target", target)
        worker.setProperty("path", self._source)
        self._pending = decisions
        worker.succeeded.connect(self._on_save_succeeded)
        worker.failed.connect(self._on_save_failed)
        self._host.start(worker, latest="label-audit-copy")

    def _on_save_succeeded(self, summary: Any) -> None:
        if not self._current():
            return
        target = str(self.sender().property("target"))
        self._saved = (target, self._pending)
        self.save_button.setEnabled(True)
        self.status.setText(f"Saved {target}: {summary.written:,} rows, {summary.relabelled:,} "
                            f"relabelled, {summary.excluded:,} excluded. "
                            f"{Path(self._source or '').name} is unchanged.")
        if self._retrain_after_save:
            self._retrain_after_save = False
            self.retrain_requested.emit(target, self._label_column)

    def _on_save_failed(self, message: str, details: str) -> None:
        if self._current():
            self._retrain_after_save = False
            self.save_button.setEnabled(True)
            self.banner.show_error(message, details)

    def _on_retrain_clicked(self) -> None:
        """Train on the corrected copy: the one saved, or one saved now if decisions changed."""
        if self._saved is not None and self._saved[1] == self.decisions:
            self.retrain_requested.emit(self._saved[0], self._label_column)
            return
        self._retrain_after_save = True
        self._ask_where_to_save()
