"""Issue 13, accessibility: every control a person can operate has a name a screen reader says."""

from __future__ import annotations

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

CONTROLS = (QAbstractButton, QAbstractItemView, QAbstractSlider, QAbstractSpinBox, QComboBox,
            QLineEdit, QPlainTextEdit, QTextEdit)


def _spoken_name(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name).strip() if interface is not None else ""


def _unnamed(root: QWidget) -> list[str]:
    found = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, CONTROLS) or isinstance(widget, QTabBar):
            continue
        parent = widget.parentWidget()
        if widget.window() is not root.window():
            continue  # a combo box's popup list: the combo box speaks for it
        if isinstance(parent, QComboBox | QAbstractSpinBox) or widget.objectName().startswith("qt_"):
            continue  # a combo's list or a spin box's editor: the named control speaks for it
        if widget.focusPolicy() == widget.focusPolicy().NoFocus and not isinstance(widget, QAbstractButton):
            continue
        if not _spoken_name(widget):
            found.append(f"{type(widget).__name__} {widget.objectName() or '(no objectName)'} "
                         f"in {type(parent).__name__} {parent.objectName() if parent else ''}")
    return found


def test_every_control_on_every_page_has_an_accessible_name(window, qtbot, sentiment_csv, engine_run):
    from gui_helpers import load_data

    load_data(qtbot, window, sentiment_csv)
    window.state.set_run(str(engine_run("binary")))
    problems = [f"{key}: {p}" for key, page in window.pages.items() for p in _unnamed(page)]
    problems += [f"window: {p}" for p in _unnamed(window.sidebar.parentWidget())]
    assert sorted(set(problems)) == [], "\n".join(sorted(set(problems)))
