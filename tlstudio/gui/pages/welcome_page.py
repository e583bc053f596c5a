"""First-run page: the flow in three lines and the demo dataset one click away."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from tlstudio.gui import theme
from tlstudio.gui.pages.base import Page, label, named

STEPS = (
    ("1", "Bring your data", "a CSV with a text column and a label column. Drop it anywhere."),
    ("2", "Train", "pick a model (the bundled one works offline) and press Start."),
    ("3", "Use it", "check the scores against simple baselines, try sentences, export."),
)


class WelcomePage(Page):
    """What TL Studio does, and the two ways to begin."""

    demo_requested = Signal()
    open_requested = Signal()

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
        demo = named(QPushButton("Try the demo dataset"), "welcomeDemoButton",
                     tooltip="3,000 review sentences, positive or negative (UCI, CC BY 4.0)")
        demo.setProperty("role", "primary")
        demo.clicked.connect(self.demo_requested)
        open_button = QPushButton("Open my own file…")
        open_button.clicked.connect(self.open_requested)
        buttons.addWidget(demo)
        buttons.addWidget(open_button)
        buttons.addStretch(1)
        box.addSpacing(10)
        box.addLayout(buttons)
        box.addWidget(label("Demo data: Kotzias et al., “From Group to Individual Labels "
                            "using Deep Features”, KDD 2015; UCI ML Repository, CC BY 4.0.",
                            "hint", wrap=True))
        box.addStretch(1)
        holder = QWidget()
        holder.setLayout(box)
        holder.setMaximumWidth(720)
        self.body.addWidget(holder, 1, Qt.AlignmentFlag.AlignHCenter)
