"""What a person can't read at a given window size: clipped labels, buttons, combo boxes (their
current text elided) and table headers."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QTextDocument
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QStyle,
    QStyleOptionButton,
    QStyleOptionComboBox,
    QTableView,
    QWidget,
)

SLACK = 1  # px of rounding a text may overrun


def _label_text(widget: QLabel) -> str:
    text = widget.text()
    if GuiQt.mightBeRichText(text) or widget.textFormat() == Qt.TextFormat.RichText:
        doc = QTextDocument()
        doc.setHtml(text)
        return doc.toPlainText()
    return text


def _where(widget: QWidget) -> str:
    names, w = [], widget
    while w is not None and len(names) < 4:
        names.append(w.objectName() or type(w).__name__)
        w = w.parentWidget()
    return "/".join(reversed(names))


def clipped_label(widget: QLabel) -> str | None:
    text = _label_text(widget)
    if not text.strip() or widget.pixmap() is not None and not widget.pixmap().isNull():
        return None
    rect = widget.contentsRect()
    margin = widget.margin() * 2 + max(widget.indent(), 0)
    metrics = QFontMetrics(widget.font())
    if widget.wordWrap():
        need = widget.heightForWidth(widget.width())
        if need > widget.height() + SLACK:
            return f"label {_where(widget)} {text[:60]!r}: needs {need} px high, has {widget.height()}"
        longest = max((metrics.horizontalAdvance(word) for word in text.split()), default=0)
        if longest > rect.width() - margin + SLACK and " " not in text.strip():
            return f"label {_where(widget)} {text[:60]!r}: a word needs {longest} px, has {rect.width()}"
        return None
    need = max(metrics.horizontalAdvance(line) for line in text.splitlines() or [text])
    if need > rect.width() - margin + SLACK:
        return f"label {_where(widget)} {text[:60]!r}: needs {need} px wide, has {rect.width() - margin}"
    return None


def clipped_control(widget: QWidget) -> str | None:
    hint = widget.minimumSizeHint()
    if widget.width() + SLACK < hint.width() or widget.height() + SLACK < hint.height():
        text = widget.text() if isinstance(widget, QAbstractButton) else widget.currentText()
        return (f"{type(widget).__name__} {_where(widget)} {text[:40]!r}: {widget.width()}x"
                f"{widget.height()} < {hint.width()}x{hint.height()}")
    return None


def elided_combo(widget: QComboBox) -> str | None:
    """A combo box whose current text is wider than the field it is drawn in (Qt elides it)."""
    text = widget.currentText()
    if widget.isEditable() or not text:
        return None  # an editable combo scrolls its text like a line edit
    option = QStyleOptionComboBox()
    widget.initStyleOption(option)
    field = widget.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                          QStyle.SubControl.SC_ComboBoxEditField, widget)
    need = widget.fontMetrics().horizontalAdvance(text) + 2  # the label is drawn 1 px in
    if not widget.itemIcon(widget.currentIndex()).isNull():
        need += widget.iconSize().width() + 4
    if need > field.width() + SLACK:
        return f"QComboBox {_where(widget)} {text[:40]!r}: text needs {need} px, has {field.width()}"
    return None


CONTENTS = {QPushButton: QStyle.SubElement.SE_PushButtonContents,
            QCheckBox: QStyle.SubElement.SE_CheckBoxContents,
            QRadioButton: QStyle.SubElement.SE_RadioButtonContents}


def cut_button_text(widget: QAbstractButton) -> str | None:
    """A push button, check box or radio button whose text is wider than the room for it."""
    kind = next((k for k in CONTENTS if isinstance(widget, k)), None)
    text = widget.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
    if kind is None or not text:
        return None
    option = QStyleOptionButton()
    widget.initStyleOption(option)
    room = widget.style().subElementRect(CONTENTS[kind], option, widget).width()
    need = widget.fontMetrics().horizontalAdvance(text)
    if kind is QPushButton and not widget.icon().isNull():
        need += widget.iconSize().width() + 4
    if need > room + SLACK:
        return f"{kind.__name__} {_where(widget)} {text[:40]!r}: text needs {need} px, has {room}"
    return None


def clipped_headers(table: QTableView) -> list[str]:
    found = []
    for header in (table.horizontalHeader(),):
        if not header.isVisible():
            continue
        metrics = QFontMetrics(header.font())
        model = table.model()
        for section in range(header.count()):
            if header.isSectionHidden(section):
                continue
            text = str(model.headerData(section, Qt.Orientation.Horizontal) or "")
            widest = max(metrics.horizontalAdvance(line) for line in text.splitlines() or [text])
            need = widest + 8  # the section's own padding; a title may have several lines
            if need > header.sectionSize(section) + SLACK:
                found.append(f"header {_where(table)} {text!r}: needs {need} px, has "
                             f"{header.sectionSize(section)}")
        total = header.length()
        if (total > table.viewport().width() + SLACK
                and table.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff):
            found.append(f"table {_where(table)}: columns {total} px wide in {table.viewport().width()} "
                         "px and no scroll bar")
    return found


def clipped(root: QWidget) -> list[str]:
    """Every visible text under ``root`` that does not fit where it is shown."""
    found: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible() or widget.width() <= 0:
            continue
        if isinstance(widget, QTableView):
            found += clipped_headers(widget)
            continue
        problem = None
        if isinstance(widget, QLabel):
            problem = clipped_label(widget)
        elif isinstance(widget, QAbstractButton | QComboBox) and not isinstance(widget, QHeaderView):
            problem = clipped_control(widget) or (
                elided_combo(widget) if isinstance(widget, QComboBox) else cut_button_text(widget))
        if problem:
            found.append(problem)
    return found
