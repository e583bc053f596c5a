"""Column widths measured from a table's titles and cells, measured again when the look changes.

A table sized to its contents once kept those widths after a switch of look changed its fonts
(high contrast: bold, padded titles), its titles cut ("onfidence", "redicted"). A switch restyles
a piece per turn (``theme.bring_up_to_date``): the tables of a piece re-measure in its turn.
"""

from __future__ import annotations

from PySide6.QtCore import QMetaObject, Qt
from PySide6.QtWidgets import QHeaderView, QTableView, QWidget

FITTED = "tlstudioFittedToContents"  # on a table sized by fit_to_contents: its widest column (0: any)
FONTS = "tlstudioMeasuredFonts"  # the fonts (and title sizes) a table's widths were measured for


def _fonts(table: QTableView) -> str:
    """The cells' font and the titles' sizes (a sheet's header font shows in those alone)."""
    header = table.horizontalHeader()
    return f"{table.font().key()}|{[header.sectionSizeHint(c) for c in range(header.count())]}"


def fit_to_contents(table: QTableView, cap: int = 0) -> None:
    """Size ``table``'s interactive columns to their titles and cells (at most ``cap`` px, 0: no
    cap), again whenever the look changes (:func:`remeasure`); stretched columns keep stretching."""
    table.setProperty(FITTED, cap)
    table.setProperty(FONTS, _fonts(table))
    _measure(table, cap)


def _measure(table: QTableView, cap: int) -> None:
    header = table.horizontalHeader()
    last = header.count() - 1
    for column in range(header.count()):
        if (header.isSectionHidden(column)
                or header.sectionResizeMode(column) != QHeaderView.ResizeMode.Interactive
                or (column == last and header.stretchLastSection())):
            continue
        table.resizeColumnToContents(column)
        if cap:
            table.setColumnWidth(column, min(table.columnWidth(column), cap))


def remeasure(part: QWidget) -> None:
    """Re-measure the columns under ``part`` whose widths come from their contents: the ones
    Qt sizes to contents (``ResizeToContents``), the tables :func:`fit_to_contents` sized and
    those that size themselves (a ``fit_columns()`` method, called again)."""
    tables = part.findChildren(QTableView)
    for table in [part, *tables] if isinstance(part, QTableView) else tables:
        fonts = _fonts(table)
        if table.property(FONTS) == fonts:
            continue  # same fonts (light and dark): the widths still hold, and cost nothing
        table.setProperty(FONTS, fonts)
        header = table.horizontalHeader()
        if any(header.sectionResizeMode(c) == QHeaderView.ResizeMode.ResizeToContents
               for c in range(header.count())):
            # QHeaderView.resizeSections(): each section by its own mode (a protected slot)
            QMetaObject.invokeMethod(header, "resizeSections", Qt.ConnectionType.DirectConnection)
        cap = table.property(FITTED)
        if callable(getattr(table, "fit_columns", None)):
            table.fit_columns()  # a table that measures itself (the Data preview: its first rows)
        elif cap is not None:
            _measure(table, int(cap))
