"""Insight page: what the data and the model tell beyond the metrics, one tab per question.

Tabs are views over ``tlstudio.core.insight``; each runs its job through the window's
:class:`WorkerHost`. Another tab joins with :meth:`InsightPage.add_tab`.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from tlstudio.gui.pages.base import Page, named
from tlstudio.gui.state import AppState
from tlstudio.gui.workers import WorkerHost


class InsightPage(Page):
    """A tab per insight: which labels look wrong, whether more data would help, how sure."""

    def __init__(self, state: AppState, host: WorkerHost, parent: QWidget | None = None) -> None:
        super().__init__("Insight", "What your data and model say beyond the scores: labels "
                         "that look wrong, and whether more labelled rows would help.", parent)
        self._state = state
        self._host = host
        self.tabs = named(QTabWidget(), "insightTabs", "Insight")
        self.body.addWidget(self.tabs, 1)

    def add_tab(self, widget: QWidget, title: str) -> int:
        """Add ``widget`` as the tab ``title``; returns its index."""
        return self.tabs.addTab(widget, title)

    @property
    def state(self) -> AppState:
        return self._state

    @property
    def host(self) -> WorkerHost:
        return self._host
