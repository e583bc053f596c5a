"""Shared page furniture: a title, a hint line, inline error and notice banners, a "Next" button."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tlstudio.gui import marks


class WrapLabel(QLabel):
    """A word-wrapped label that is never given fewer lines than its text needs at its width.

    Splitters, and forms inside them, size a wrapped label from a guessed width and ignore its
    height-for-width: it got one line and the rest of its text was cut off. Its minimum height
    follows the height its text needs at the width it was given instead.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        self._fitted_to: tuple = ()  # what the last fit measured: see changeEvent
        super().__init__(text, parent)
        self.setWordWrap(True)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt API
        super().setText(text)
        self._fit_height()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit_height()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            # A theme's font or a role's style changes the lines it needs; a light/dark switch
            # changes neither (each fit lays the text out: 10 % of a page's restyle).
            if self._measure() != self._fitted_to:
                self._fit_height()

    def _measure(self) -> tuple:
        """What the height its text needs depends on."""
        margins = self.contentsMargins()
        return (self.text(), self.width(), self.font().key(), self.margin(), self.indent(),
                margins.left(), margins.top(), margins.right(), margins.bottom())

    def _fit_height(self) -> None:
        # QLabel's height-for-width is never below its minimum height: measure without it, or
        # a label once narrow would keep the height of its narrow self.
        self._fitted_to = self._measure()
        self.setMinimumHeight(0)
        needed = self.heightForWidth(self.width()) if self.text() else 0
        if needed:
            self.setMinimumHeight(needed)


class KeptRoom(QWidget):
    """Widgets stacked at the top of room that grows with them but never shrinks until :meth:`keep`.

    What a room holds comes and goes (a run's status line, the Train page's fit note): each
    change of its height moved and resized what is below, on the Train page three plots,
    each then laid out and painted again in one turn. Kept, the room changes height only when
    its widgets need more than it has ever had.
    """

    def __init__(self, *widgets: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._kept = 0  # the tallest it has been since keep
        self._lines: tuple[int, QWidget] | None = None  # room for this many lines of this widget
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in widgets:
            layout.addWidget(widget)
        layout.addStretch(1)

    def keep(self, lines: int, of: QWidget, shrink: bool = True) -> None:
        """Room for ``lines`` lines of ``of``'s text at least, or what the widgets need. The
        lines follow its font as a look gives it one, before the page is laid out to show (set
        as it showed, the room laid the page out twice). ``shrink=False``: the room kept so far
        stays when it is more."""
        if self._lines is None or self._lines[1] is not of:
            of.installEventFilter(self)
        self._lines = (lines, of)
        if shrink:
            self._kept = 0
        self._fit()

    def _needed(self) -> int:
        layout = self.layout()
        needed = layout.minimumSize().height()
        if layout.hasHeightForWidth():
            needed = max(needed, layout.heightForWidth(self.width()))
        return needed

    def _fit(self) -> None:
        floor = 0 if self._lines is None else self._lines[0] * self._lines[1].fontMetrics().lineSpacing()
        self._kept = max(self._kept, floor, self._needed())
        if self.minimumHeight() != self._kept:
            self.setMinimumHeight(self._kept)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.FontChange and self._lines and watched is self._lines[1]:
            self._fit()
        return False

    def event(self, event: QEvent) -> bool:
        # A widget inside changed its text, size or visibility: its layout asks for a new one.
        if event.type() == QEvent.Type.LayoutRequest:
            self._fit()
        return super().event(event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():  # wrapped text takes more or fewer lines
            self._fit()


def label(text: str = "", role: str | None = None, wrap: bool = False) -> QLabel:
    widget = WrapLabel(text) if wrap else QLabel(text)
    if role:
        widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    return widget


def named(widget: QWidget, name: str, accessible: str | None = None,
          tooltip: str | None = None) -> QWidget:
    """Set the stable objectName and the matching accessible name (and a tooltip)."""
    widget.setObjectName(name)
    widget.setAccessibleName(accessible or name)
    if tooltip:
        widget.setToolTip(tooltip)
    return widget


def fit_columns(table: QTableView) -> None:
    """Columns as wide as their title and cells, the table scrolling sideways when it must: a
    squeezed "Majority baseline" title read "lajority baselin"."""
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(False)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)


class ErrorBanner(QFrame):
    """An inline error with a Details button; hidden until :meth:`show_error`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "error")
        self.setObjectName("errorBanner")
        layout = QHBoxLayout(self)
        self.message = label(wrap=True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._details = ""
        self.details_button = QPushButton("Details…")
        self.details_button.clicked.connect(self._on_details_clicked)
        close = QPushButton("Dismiss")
        close.clicked.connect(self.hide)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.details_button)
        layout.addWidget(close)
        self.hide()

    def show_error(self, message: str, details: str = "") -> None:
        self.message.setText(message)
        self._details = details
        self.details_button.setVisible(bool(details))
        self.show()

    def _on_details_clicked(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, "Details", self.message.text(),
                          QMessageBox.StandardButton.Ok, self)
        box.setDetailedText(self._details)
        box.exec()


class Notice(QFrame):
    """An inline notice that stays on screen until :meth:`clear` (warnings, what a drop did).

    Several messages are listed one per line; the same message is shown once.
    """

    def __init__(self, name: str, accessible: str, role: str = "warning",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", role)
        named(self, name, accessible)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        self.mark = QLabel()  # drawn, not an emoji: empty boxes where no emoji font is installed
        self.mark.setObjectName(f"{name}Mark")
        self.mark.setPixmap(marks.pixmap(role if role in marks.KINDS else "info"))
        layout.addWidget(self.mark, 0, Qt.AlignmentFlag.AlignTop)
        self.text = named(label(wrap=True), f"{name}Text", accessible)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.text, 1)
        self.messages: list[str] = []
        self.hide()

    def add(self, message: str) -> None:
        """Show ``message`` below those already shown."""
        if message and message not in self.messages:
            self.messages.append(message)
        self._refresh()

    def set_message(self, message: str) -> None:
        """Show ``message`` alone."""
        self.messages = [message] if message else []
        self._refresh()

    def clear(self) -> None:
        self.messages = []
        self._refresh()

    def _refresh(self) -> None:
        bullet = "•  " if len(self.messages) > 1 else ""
        text = "\n".join(f"{bullet}{m}" for m in self.messages)
        self.text.setText(text)
        self.text.setAccessibleDescription(text)
        self.setAccessibleDescription(text)
        self.setVisible(bool(self.messages))


class Page(QWidget):
    """A page with a header; subclasses fill :attr:`body`."""

    next_requested = Signal(str)
    NOTE_MS = 4_000  # how long a passing note ("Copied: …") replaces the hint line

    def __init__(self, title: str, hint: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # The page scrolls when the window is smaller than its content (a 1024x640 screen):
        # widgets keep the size they need instead of being squashed.
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("pageScrollArea")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        # Not a Tab stop of its own (an invisible one): Tab goes to the controls, and the page
        # scrolls to whichever has the focus.
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        content = QWidget()
        content.setObjectName("pageContent")
        self.scroll_area.setWidget(content)
        page_layout = QVBoxLayout(self)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addWidget(self.scroll_area)
        outer = QVBoxLayout(content)
        outer.setContentsMargins(18, 14, 18, 14)
        header = QHBoxLayout()
        header.addWidget(label(title, "title"))
        header.addStretch(1)
        self.header_actions = header
        outer.addLayout(header)
        self.hint = label(hint, "hint", wrap=True)
        self.hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._hint_text = hint
        self._note_timer = QTimer(self)
        self._note_timer.setSingleShot(True)
        self._note_timer.timeout.connect(self._on_note_timer_timeout)
        outer.addWidget(self.hint)
        self.banner = ErrorBanner()
        outer.addWidget(self.banner)
        self.body = QVBoxLayout()
        outer.addLayout(self.body, 1)
        self.footer = QHBoxLayout()
        self.footer.addStretch(1)
        outer.addLayout(self.footer)
        self.next_button: QPushButton | None = None

    def set_hint(self, text: str) -> None:
        """Change the page's lasting hint line (a passing note gives way to it)."""
        self._hint_text = text
        if not self._note_timer.isActive():
            self.hint.setText(text)

    def show_note(self, text: str) -> None:
        """Show ``text`` in the hint line for a few seconds, then the hint again."""
        self.hint.setText(text)
        self._note_timer.start(self.NOTE_MS)

    def _on_note_timer_timeout(self) -> None:
        self.hint.setText(self._hint_text)

    def add_next_button(self, text: str, target: str) -> QPushButton:
        button = QPushButton(text)
        button.setProperty("role", "primary")
        button.setObjectName(f"next_{target}")
        button.clicked.connect(self._on_next_clicked)
        button.setProperty("target", target)
        self.footer.addWidget(button)
        self.next_button = button
        return button

    def _on_next_clicked(self) -> None:
        self.next_requested.emit(str(self.sender().property("target")))
