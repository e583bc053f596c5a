"""Fill a view when it is on screen: a hidden page only notes that its content is stale.

As a run ended, every page that shows runs refilled at once (Evaluate, How sure, Runs), most of
them hidden, in the turns the window needed to answer: ~78 ms of a frozen window. Each is now
filled the first time it is shown after the change, when a person looks at it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget


class WhenShown(QObject):
    """Calls ``fill`` now when ``widget`` is on screen, else as it is next shown.

    ``request`` is what a change calls; several while hidden fill once. The fill runs before
    the widget's own ``showEvent`` (an event filter), so the first paint shows the new state.
    """

    def __init__(self, widget: QWidget, fill: Callable[[], None]) -> None:
        super().__init__(widget)
        self._widget = widget
        self._fill = fill
        self.stale = False
        widget.installEventFilter(self)

    def request(self) -> None:
        """The content changed: fill now if it shows, else when it is shown."""
        if self._widget.isVisible():
            self.stale = False
            self._fill()
        else:
            self.stale = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if self.stale and watched is self._widget and event.type() == QEvent.Type.Show:
            self.stale = False
            self._fill()
        return False
