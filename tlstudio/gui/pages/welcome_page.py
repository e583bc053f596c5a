"""Start page: the flow in three lines, the demo dataset one click away, and the recent files."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tlstudio.gui import settings, theme
from tlstudio.gui.pages.base import Page, label, named

STEPS = (
    ("1", "Bring your data", "a CSV with a text column and a label column. Drop it anywhere."),
    ("2", "Train", "pick a model (the bundled one works offline) and press Start."),
    ("3", "Use it", "check the scores against simple baselines, try sentences, export."),
)


class WelcomePage(Page):
    """What TL Studio does, and the ways to begin: the demo, a new file or a recent one."""

    demo_requested = Signal()
    open_requested = Signal()
    recent_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Welcome to TL Studio",
                         "Teach a pretrained language model to sort your own text.", parent)
        box = QVBoxLayout()
        box.setSpacing(14)
        logo = QLabel()
        logo.setPixmap(theme.icon("app").pixmap(72, 72))
        box.addWidget(logo, 0, Qt.AlignmentFlag.AlignLeft)
        for number, head, text in STEPS:
            row = QHBoxLayout()
            badge = label(number, "big")
            badge.setFixedWidth(28)
            row.addWidget(badge)
            row.addWidget(label(f"<b>{head}</b>: {text}", wrap=True), 1)
            box.addLayout(row)
        buttons = QHBoxLayout()
        self.demo_button = named(QPushButton("Try the demo dataset"), "welcomeDemoButton",
                                 tooltip="3,000 review sentences, positive or negative (UCI, CC BY 4.0)")
        self.demo_button.setProperty("role", "primary")
        self.demo_button.clicked.connect(self.demo_requested)
        self.open_button = named(QPushButton("Open my own file…"), "welcomeOpenButton")
        self.open_button.clicked.connect(self.open_requested)
        buttons.addWidget(self.demo_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        box.addSpacing(10)
        box.addLayout(buttons)
        box.addLayout(self._recent_box())
        box.addWidget(label("Demo data: Kotzias et al., “From Group to Individual Labels "
                            "using Deep Features”, KDD 2015; UCI ML Repository, CC BY 4.0.",
                            "hint", wrap=True))
        box.addStretch(1)
        holder = QWidget()
        holder.setLayout(box)
        holder.setMaximumWidth(720)
        holder.setMinimumWidth(560)
        self.body.addWidget(holder, 1, Qt.AlignmentFlag.AlignHCenter)
        self.refresh_recent()

    def _recent_box(self) -> QVBoxLayout:
        layout = QVBoxLayout()
        self.recent_title = label("<b>Recent files</b>")
        self.recent_list = named(QListWidget(), "recentFilesList", "Recent files",
                                 "Open a file you used before (Enter or double-click)")
        self.recent_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.recent_list.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # long folders: "…" in the middle
        self.recent_list.itemActivated.connect(self._on_recent_activated)
        self.recent_title.setBuddy(self.recent_list)
        layout.addWidget(self.recent_title)
        layout.addWidget(self.recent_list)
        return layout

    def refresh_recent(self) -> None:
        """List the recent files that still exist: the name first, the folder after it."""
        self.recent_list.clear()
        for path in settings.recent_files():
            file = Path(path)
            if not file.is_file():
                continue
            item = QListWidgetItem(f"{file.name}   —   {file.parent}")
            item.setData(Qt.ItemDataRole.UserRole, str(file))
            item.setToolTip(str(file))
            self.recent_list.addItem(item)
        shown = self.recent_list.count() > 0
        row = self.recent_list.sizeHintForRow(0) if shown else 0
        self.recent_list.setFixedHeight(row * min(self.recent_list.count(), 6) + 2 * self.recent_list.frameWidth() + 4)
        self.recent_title.setVisible(shown)
        self.recent_list.setVisible(shown)
        if shown:
            self.recent_list.setCurrentRow(0)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        self.refresh_recent()  # a file opened since the page was last shown comes first
        super().showEvent(event)

    def _on_recent_activated(self, item: QListWidgetItem) -> None:
        self.recent_requested.emit(str(item.data(Qt.ItemDataRole.UserRole)))
