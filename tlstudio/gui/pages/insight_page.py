"""Insight page: what the data and the model tell beyond the metrics, one tab per question.

Tabs are views over ``tlstudio.core.insight``; each runs its job through the window's
:class:`WorkerHost`. Another tab joins with :meth:`InsightPage.add_tab`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QWidget

from tlstudio.gui.audit_tab import AuditTab
from tlstudio.gui.curve_tab import CurveTab
from tlstudio.gui.pages.base import Page, named
from tlstudio.gui.pages.calibration_view import CalibrationView
from tlstudio.gui.state import AppState, same_file
from tlstudio.gui.workers import WorkerHost


class InsightPage(Page):
    """A tab per insight: which labels look wrong, whether more data would help, how sure."""

    open_requested = Signal(str, object)  # a data file to open on the Data page, its roles
    train_requested = Signal()  # train with the Train page's settings on the data now open

    def __init__(self, state: AppState, host: WorkerHost, parent: QWidget | None = None) -> None:
        super().__init__("Insight", "What your data and model say beyond the scores: labels "
                         "that look wrong, whether more labelled rows would help, and how sure the model is.", parent)
        self._state = state
        self._host = host
        self._retrain_on: str | None = None  # a corrected copy being opened to train on
        self.tabs = named(QTabWidget(), "insightTabs", "Insight")
        self.body.addWidget(self.tabs, 1)
        self.audit = AuditTab(state, host)
        self.audit.retrain_requested.connect(self._on_audit_retrain_requested)
        self.add_tab(self.audit, "Label audit")
        self.curve = CurveTab(state, host)
        self.add_tab(self.curve, "Learning curve")
        self.calibration = CalibrationView(state, host)
        self.add_tab(self.calibration, "How sure")
        state.data_changed.connect(self._on_state_data_changed)

    def add_tab(self, widget: QWidget, title: str) -> int:
        """Add ``widget`` as the tab ``title``; returns its index."""
        return self.tabs.addTab(widget, title)

    @property
    def state(self) -> AppState:
        return self._state

    @property
    def host(self) -> WorkerHost:
        return self._host

    def _on_audit_retrain_requested(self, path: str, label_column: str) -> None:
        """Open the corrected copy with the same roles; training starts once it is read."""
        report = self._state.report
        roles: dict[str, Any] = {"label_column": label_column, "has_header": True}
        if report is not None:
            roles.update(text_columns=list(report.roles.text_columns), task=report.roles.task)
        self._retrain_on = path
        self.open_requested.emit(path, roles)

    def _on_state_data_changed(self) -> None:
        if self._retrain_on and same_file(self._retrain_on, self._state.data_path):
            self._retrain_on = None
            if self._state.model is None:
                self.next_requested.emit("model")  # no model chosen yet: that step first
            else:
                self.train_requested.emit()
