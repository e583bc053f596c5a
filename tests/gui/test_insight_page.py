"""Insight page: reachable once data is open, a tab per insight."""

from __future__ import annotations

from gui_helpers import load_data
from PySide6.QtWidgets import QTabWidget


def test_insight_waits_for_data_then_opens_with_its_tabs(window, qtbot, sentiment_csv):
    window.show_page("data")
    window.show_page("insight")
    assert window.current_page() == "data"  # no data yet
    load_data(qtbot, window, sentiment_csv)
    window.show_page("insight")
    assert window.current_page() == "insight"
    tabs = window.findChild(QTabWidget, "insightTabs")
    assert tabs is not None and tabs.isVisible()
