"""Icons, colours and the light/dark look (native style; follows the system scheme)."""

from __future__ import annotations

from functools import cache

import pyqtgraph as pg
from PySide6.QtGui import QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from tlstudio.resources import resource_path

ACCENT = "#2f7ed8"


@cache
def icon(name: str) -> QIcon:
    """An SVG icon from ``resources/icons`` (an empty icon when missing)."""
    path = resource_path("icons", f"{name}.svg")
    return QIcon(str(path)) if path.exists() else QIcon()


def is_dark() -> bool:
    """True when the palette in use is dark (the system's scheme, or one set by the app)."""
    window = QGuiApplication.palette().color(QPalette.ColorRole.Window)
    return window.lightness() < 128


def apply_plot_theme() -> None:
    """pyqtgraph colours that match the current palette."""
    palette = QGuiApplication.palette()
    pg.setConfigOptions(antialias=True,
                        foreground=palette.color(QPalette.ColorRole.WindowText),
                        background=None)


def style_sheet() -> str:
    """A light touch on top of the native style: the sidebar and the headline labels."""
    dark = is_dark()
    side_bg = "#1f2329" if dark else "#f1f3f6"
    side_sel = "#2b4a73" if dark else "#d6e6fb"
    muted = "#a0a7b1" if dark else "#5f6670"
    warn_bg, warn_border, warn_text = (("#3a3120", "#7a5a1c", "#f3d9a4") if dark
                                       else ("#fff6e5", "#f0d29a", "#6b4700"))
    info_bg, info_border, info_text = (("#1e2d40", "#2f5582", "#cfe2f8") if dark
                                       else ("#eaf2fc", "#b9d3f3", "#1d4f86"))
    return f"""
    QListWidget#sidebar {{ background: {side_bg}; border: none; padding-top: 8px;
                           font-size: 11pt; outline: 0; }}
    QListWidget#sidebar::item {{ padding: 9px 10px; border-radius: 6px; margin: 1px 6px; }}
    QListWidget#sidebar::item:selected {{ background: {side_sel}; color: palette(text); }}
    QListWidget#modelList::item, QListWidget#runsList::item {{ padding: 6px 4px; }}
    QLabel[role="title"] {{ font-size: 16pt; font-weight: 600; }}
    QLabel[role="hint"] {{ color: {muted}; }}
    QLabel[role="big"] {{ font-size: 13pt; font-weight: 600; }}
    QPushButton[role="primary"] {{ background: {ACCENT}; color: white; border: none;
                                   padding: 6px 16px; border-radius: 5px; font-weight: 600; }}
    QPushButton[role="primary"]:disabled {{ background: #9bb8dc; }}
    QFrame[role="error"] {{ background: #fdecea; border: 1px solid #f5c2c0; border-radius: 5px; }}
    QFrame[role="error"] QLabel {{ color: #8a1c14; }}
    QFrame[role="warning"] {{ background: {warn_bg}; border: 1px solid {warn_border};
                             border-radius: 5px; }}
    QFrame[role="warning"] QLabel {{ color: {warn_text}; }}
    QFrame[role="info"] {{ background: {info_bg}; border: 1px solid {info_border};
                          border-radius: 5px; }}
    QFrame[role="info"] QLabel {{ color: {info_text}; }}
    """


def force_dark(app: QApplication) -> None:
    """A dark Fusion palette, for platforms whose theme has no dark mode (and screenshots)."""
    from PySide6.QtGui import QColor

    app.setStyle("Fusion")
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#25282d", QPalette.ColorRole.WindowText: "#e6e8eb",
        QPalette.ColorRole.Base: "#1c1e22", QPalette.ColorRole.AlternateBase: "#2a2d33",
        QPalette.ColorRole.Text: "#e6e8eb", QPalette.ColorRole.Button: "#2f3338",
        QPalette.ColorRole.ButtonText: "#e6e8eb", QPalette.ColorRole.Highlight: ACCENT,
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: "#2f3338",
        QPalette.ColorRole.ToolTipText: "#e6e8eb", QPalette.ColorRole.PlaceholderText: "#8a9099",
        QPalette.ColorRole.Link: "#6aa9f0",
    }
    for role, color in roles.items():
        palette.setColor(role, QColor(color))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText,
                 QPalette.ColorRole.WindowText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6b7078"))
    app.setPalette(palette)


def apply(app: QApplication) -> None:
    """Install the style sheet and the plot colours on ``app``."""
    app.setStyleSheet(style_sheet())
    apply_plot_theme()
    app.setWindowIcon(icon("app"))
