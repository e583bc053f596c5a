"""The Data page's problems list, with the one-click fix next to advice that has one."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tlstudio.core.wording import count
from tlstudio.gui import marks
from tlstudio.gui.pages.base import label, named

ORDER = {"error": 0, "warning": 1, "info": 2}
CODE_ROLE = Qt.ItemDataRole.UserRole + 1  # the problem code of a list item
# Problems whose advice a setting carries out: problem code -> (advice id, button text).
FIXES = {"imbalance": ("class_weights", "Use class weights")}


class ProblemsList(QListWidget):
    """Asks for no more height than its minimum (QListWidget's wish is 192 px): a column takes
    its boxes' preferred heights, and the Data page's then overflowed 1440x900. The panel's
    stretch still gives the list any room left."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(super().sizeHint().width(), self.minimumHeight())


class ProblemsPanel(QGroupBox):
    """Lists an inspection's problems; ``rows_chosen(rows)`` when one is clicked,
    ``advice_chosen(id)`` when the button of a fix (e.g. class weights) is pressed."""

    rows_chosen = Signal(list)
    advice_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Problems", parent)
        layout = QVBoxLayout(self)
        self.list = named(ProblemsList(), "problemsList", "Problems",
                          "Click a problem to highlight its rows in the preview")
        self.list.setWordWrap(True)
        # Four lines: room for a problem or two and a hint of the rest (it scrolls); it grows with
        # the window. At 120 px the Data page scrolled at 1360x860, half hiding Next.
        self.list.setMinimumHeight(4 * self.list.fontMetrics().lineSpacing() + 2 * self.list.frameWidth() + 8)
        self.list.itemClicked.connect(self._on_list_item_clicked)
        layout.addWidget(self.list)
        self.fix_button = named(QPushButton(), "problemFixButton", "Apply the advice")
        self.fix_note = named(label("", "hint", wrap=True), "problemFixNote", "What the fix changed")
        row = QHBoxLayout()
        row.addWidget(self.fix_button)
        row.addWidget(self.fix_note, 1)
        layout.addLayout(row)
        self.length_note = named(label("", "hint", wrap=True), "lengthCheckNote",
                                 "How text lengths were checked")
        layout.addWidget(self.length_note)
        self.zero_shot_note = named(label("", "hint", wrap=True), "zeroShotNote",
                                    "Score from the class names before any training")
        self.zero_shot_note.hide()
        layout.addWidget(self.zero_shot_note)
        self.fix_button.clicked.connect(self._on_fix_clicked)
        self._advice: str | None = None
        self._applied: set[str] = set()
        self.fix_button.hide()
        self.fix_note.hide()  # empty, it still took a line (20 px) under the list

    def fill(self, problems: list[Any]) -> None:
        """Show ``problems`` (errors first) and the fix button of the first that has one."""
        self.list.clear()
        self._advice = None
        self._applied.clear()  # the setting may have been changed on the Train page since
        self.length_note.clear()
        self.set_zero_shot("")
        if not problems:
            self._add_ok()
        for problem in sorted(problems, key=lambda p: ORDER.get(p.severity, 3)):
            rows = list(problem.rows)
            kind = problem.severity if problem.severity in marks.KINDS else "info"
            item = QListWidgetItem(marks.icon(kind),
                                   f"{problem.message}{rows_hint(len(rows), problem.count)}")
            item.setData(Qt.ItemDataRole.UserRole, rows)
            item.setData(CODE_ROLE, problem.code)
            item.setToolTip(f"{problem.severity}: {problem.code}")
            self.list.addItem(item)
            if problem.code in FIXES and self._advice is None:
                self._advice = problem.code
        self._show_fix()

    def set_length_problem(self, problem: Any, note: str) -> None:
        """Replace the text-length finding (None: none is too long) and say how it was measured."""
        for row in reversed(range(self.list.count())):
            code = self.list.item(row).data(CODE_ROLE)
            if code in ("truncated", "ok"):
                self.list.takeItem(row)
        if problem is not None:
            kind = problem.severity if problem.severity in marks.KINDS else "info"
            item = QListWidgetItem(marks.icon(kind),
                                   f"{problem.message}{rows_hint(len(problem.rows), problem.count)}")
            item.setData(Qt.ItemDataRole.UserRole, list(problem.rows))
            item.setData(CODE_ROLE, problem.code)
            item.setToolTip(f"{problem.severity}: {problem.code}")
            rank = ORDER.get(problem.severity, 3)
            at = next((r for r in range(self.list.count())
                       if ORDER.get(self._severity(r), 3) > rank), self.list.count())
            self.list.insertItem(at, item)
        elif not self.list.count():
            self._add_ok()
        self.length_note.setText(note)

    def set_zero_shot(self, text: str) -> None:
        """The zero-shot score of the class names (empty: hidden, e.g. names that are codes)."""
        self.zero_shot_note.setText(text)
        self.zero_shot_note.setVisible(bool(text))

    def _severity(self, row: int) -> str:
        return str(self.list.item(row).toolTip()).split(":", 1)[0]

    def _add_ok(self) -> None:
        item = QListWidgetItem(marks.icon("ok"), "No problems found.")
        item.setData(CODE_ROLE, "ok")
        self.list.addItem(item)

    def show_message(self, kind: str, message: str) -> None:
        """One line instead of the problems (e.g. a column must be chosen first)."""
        self.list.clear()
        self.list.addItem(QListWidgetItem(marks.icon(kind), message))
        self._advice = None
        self._show_fix()

    def _show_fix(self) -> None:
        if self._advice is None:
            self.fix_button.hide()
            self.fix_note.clear()
            self.fix_note.hide()
            return
        advice, text = FIXES[self._advice]
        done = advice in self._applied
        self.fix_button.setText(text)
        self.fix_button.setEnabled(not done)
        self.fix_button.setToolTip("Turn on 'Weight rare classes' in the training settings: rare "
                                   "classes count more, so the model does not ignore them")
        self.fix_button.show()
        self.fix_note.show()
        self.fix_note.setText(_DONE_NOTE[advice] if done else "")

    def _on_fix_clicked(self) -> None:
        if self._advice is None:
            return
        advice = FIXES[self._advice][0]
        self._applied.add(advice)
        self.advice_chosen.emit(advice)
        self._show_fix()

    def _on_list_item_clicked(self, item: QListWidgetItem) -> None:
        self.rows_chosen.emit(list(item.data(Qt.ItemDataRole.UserRole) or []))


_DONE_NOTE = {"class_weights": "Class weights are on for the next run ('Weight rare classes' "
                               "under Advanced settings on the Train page)."}


def rows_hint(shown: int, total: int) -> str:
    """What clicking a problem highlights: all its rows, or the first examples of them."""
    if not shown:
        return ""
    if total > shown:
        return f"  (click to highlight the first {shown} of these {count(total, 'row')})"
    return f"  (click to highlight {'it' if shown == 1 else 'them'})"
