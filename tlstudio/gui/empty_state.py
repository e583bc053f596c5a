"""A place that says what will appear there, until there is something to show (no empty charts)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QStackedWidget, QWidget


class EmptyState(QStackedWidget):
    """``content`` once :meth:`set_empty` (False) says there is data; ``message`` before."""

    def __init__(self, content: QWidget, message: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.message = QLabel(message)
        self.message.setObjectName(f"{name}Message")
        self.message.setProperty("role", "hint")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.content = content
        self.addWidget(self.message)
        self.addWidget(content)
        self.set_empty(True)

    def set_empty(self, empty: bool) -> None:
        self.setCurrentWidget(self.message if empty else self.content)
        self.setAccessibleName(self.message.text() if empty else content_name(self.content))

    @property
    def is_empty(self) -> bool:
        return self.currentWidget() is self.message


def content_name(widget: QWidget) -> str:
    return widget.accessibleName() or widget.objectName()
