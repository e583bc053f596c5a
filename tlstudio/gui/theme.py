"""Icons, colours and the look: light, dark, high contrast or the system's (the default)."""

from __future__ import annotations

from functools import cache

import pyqtgraph as pg
from PySide6.QtGui import QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from tlstudio.gui import plots, sheets, table_widths
from tlstudio.resources import resource_path

ACCENT = "#2f7ed8"  # curves and marks; never under text (4.1:1 with white)
# What is selected in lists and tables, under white text: darker than the accent, whose 4.1:1
# with white is below the 4.5:1 that normal text needs (a selected cell read poorly).
SELECTION = "#1f5fae"  # 6.4:1 with white
# Primary buttons: white text on blues of 4.5:1 or more in every state (hover a shade lighter,
# pressed darker). Disabled is grey, not blue, so it looks off, yet its text still reads.
PRIMARY = {"normal": SELECTION, "hover": "#2668bd", "pressed": "#174a8a"}  # 6.4, 5.5, 8.8:1
PRIMARY_DISABLED = {"light": ("#dde3ea", "#505a66"), "dark": ("#33404f", "#b4c0cf")}  # 5.4, 5.7:1


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
    """pyqtgraph defaults that match the current palette (for the plots made from now on).

    Curves are drawn as separate segments: a long, noisy, antialiased 2 px loss curve drawn as
    one polyline cost 3x more to paint (66 against 22 ms for 3 x 2,000 points), on the thread
    that answers the window.
    """
    pg.setConfigOptions(antialias=True, segmentedLineMode="on")
    plots.configure()


def restyle_plots() -> int:
    """Recolour every plot that exists (shown or not) for the palette in use; returns how many.

    Nothing keeps a list of plots: they are found among the application's widgets, so a
    closed page's plots are simply gone, never kept alive here. A switch of look recolours
    only the plots in view (:func:`bring_up_to_date`); this is for all of them at once.
    """
    views = [w for w in QApplication.allWidgets() if isinstance(w, pg.GraphicsView)]
    for view in views:
        _restyle_plot(view)
    return len(views)


def _restyle_plot(view: pg.GraphicsView) -> None:
    plots.restyle(view)
    view.setProperty(PLOT_LOOK, sheets.generation())


def bring_up_to_date(part: QWidget, later: list[QWidget] | None = None) -> None:
    """Give ``part`` (a page, a bar, a window) the look in use: its style sheet and its plots.

    Cheap when it wears it already. A switch of look does this for what shows; a hidden
    page's turn comes when it is shown, a hidden tab's too (a plot's recolouring costs ~3 ms,
    a page's style sheet 10-50 ms: all of them at once froze the window). With ``later``, the
    pieces to restyle are listed there (``sheets.style_parts``): each is brought up to date
    by a later call of this function on it.
    """
    sheets.style_parts(part, _bring_whole_up_to_date, later)


def _bring_whole_up_to_date(part: QWidget) -> None:
    if sheets.style(part):
        table_widths.remeasure(part)  # its fonts changed: widths sized to contents re-measure
    views = part.findChildren(pg.GraphicsView)
    for view in [part, *views] if isinstance(part, pg.GraphicsView) else views:
        if view.property(PLOT_LOOK) != sheets.generation():
            _restyle_plot(view)


def is_high_contrast() -> bool:
    """True while the high-contrast scheme is in use."""
    return _high_contrast


def style_sheet() -> str:
    """A light touch on top of the native style: the sidebar and the headline labels."""
    if _high_contrast:
        return high_contrast_sheet()
    dark = is_dark()
    side_bg = "#1f2329" if dark else "#f1f3f6"
    side_sel = "#2b4a73" if dark else "#d6e6fb"
    muted = "#a0a7b1" if dark else "#5f6670"
    warn_bg, warn_border, warn_text = (("#3a3120", "#7a5a1c", "#f3d9a4") if dark
                                       else ("#fff6e5", "#f0d29a", "#6b4700"))
    info_bg, info_border, info_text = (("#1e2d40", "#2f5582", "#cfe2f8") if dark
                                       else ("#eaf2fc", "#b9d3f3", "#1d4f86"))
    # Keyboard focus on a blue button: a ring in the page's text colour, which stands out from
    # both the blue fill and the page around it (the native ring is a faint blue on blue).
    focus = "#ffffff" if dark else "#111111"
    disabled_bg, disabled_text = PRIMARY_DISABLED["dark" if dark else "light"]
    return f"""
    QListWidget#sidebar {{ background: {side_bg}; border: none; padding-top: 8px;
                           font-size: 11pt; outline: 0; }}
    QListWidget#sidebar::item {{ padding: 9px 10px; border-radius: 6px; margin: 1px 6px; }}
    QListWidget#sidebar::item:selected {{ background: {side_sel}; color: palette(text); }}
    QListWidget#modelList::item, QListWidget#runsList::item, QListWidget#recentFilesList::item {{
        padding: 6px 4px; }}
    QLabel[role="title"] {{ font-size: 16pt; font-weight: 600; }}
    QLabel[role="hint"] {{ color: {muted}; }}
    QLabel[role="big"] {{ font-size: 13pt; font-weight: 600; }}
    QPushButton[role="primary"] {{ background: {PRIMARY["normal"]}; color: white; border: none;
                                   padding: 6px 16px; border-radius: 5px; font-weight: 600; }}
    QPushButton[role="primary"]:hover {{ background: {PRIMARY["hover"]}; }}
    QPushButton[role="primary"]:pressed {{ background: {PRIMARY["pressed"]}; }}
    QPushButton[role="primary"]:disabled {{ background: {disabled_bg}; color: {disabled_text}; }}
    QPushButton[role="primary"]:focus {{ border: 2px solid {focus}; padding: 4px 14px; }}
    QLabel#fitNote {{ background: {warn_bg}; border: 1px solid {warn_border}; border-radius: 5px;
                      color: {warn_text}; padding: 6px 10px; }}
    QFrame[role="error"] {{ background: #fdecea; border: 1px solid #f5c2c0; border-radius: 5px; }}
    QFrame[role="error"] QLabel {{ color: #8a1c14; }}
    QFrame[role="warning"] {{ background: {warn_bg}; border: 1px solid {warn_border};
                             border-radius: 5px; }}
    QFrame[role="warning"] QLabel {{ color: {warn_text}; }}
    QFrame[role="info"] {{ background: {info_bg}; border: 1px solid {info_border};
                          border-radius: 5px; }}
    QFrame[role="info"] QLabel {{ color: {info_text}; }}
    """


DARK_COLORS = {
    QPalette.ColorRole.Window: "#25282d", QPalette.ColorRole.WindowText: "#e6e8eb",
    QPalette.ColorRole.Base: "#1c1e22", QPalette.ColorRole.AlternateBase: "#2a2d33",
    QPalette.ColorRole.Text: "#e6e8eb", QPalette.ColorRole.Button: "#2f3338",
    QPalette.ColorRole.ButtonText: "#e6e8eb", QPalette.ColorRole.Highlight: SELECTION,
    QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: "#2f3338",
    QPalette.ColorRole.ToolTipText: "#e6e8eb", QPalette.ColorRole.PlaceholderText: "#8a9099",
    QPalette.ColorRole.Link: "#6aa9f0",
}
# Fusion's light palette, spelled out so "light" is light even on a dark desktop.
LIGHT_COLORS = {
    QPalette.ColorRole.Window: "#efefef", QPalette.ColorRole.WindowText: "#000000",
    QPalette.ColorRole.Base: "#ffffff", QPalette.ColorRole.AlternateBase: "#f7f7f7",
    QPalette.ColorRole.Text: "#000000", QPalette.ColorRole.Button: "#efefef",
    QPalette.ColorRole.ButtonText: "#000000", QPalette.ColorRole.Highlight: SELECTION,
    QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: "#ffffdc",
    QPalette.ColorRole.ToolTipText: "#000000", QPalette.ColorRole.PlaceholderText: "#80000000",
    QPalette.ColorRole.Link: "#1d62b0", QPalette.ColorRole.Light: "#ffffff",
    QPalette.ColorRole.Midlight: "#cacaca", QPalette.ColorRole.Mid: "#b8b8b8",
    QPalette.ColorRole.Dark: "#9f9f9f", QPalette.ColorRole.Shadow: "#767676",
}
# White on black, yellow for what is chosen or focused (after the Windows "High Contrast
# Black" theme): text 21:1, disabled text 7:1, every border drawn in white by the sheet below.
HC_YELLOW = "#ffff00"
HIGH_CONTRAST_COLORS = {
    QPalette.ColorRole.Window: "#000000", QPalette.ColorRole.WindowText: "#ffffff",
    QPalette.ColorRole.Base: "#000000", QPalette.ColorRole.AlternateBase: "#1c1c1c",
    QPalette.ColorRole.Text: "#ffffff", QPalette.ColorRole.Button: "#000000",
    QPalette.ColorRole.ButtonText: "#ffffff", QPalette.ColorRole.Highlight: HC_YELLOW,
    QPalette.ColorRole.HighlightedText: "#000000", QPalette.ColorRole.ToolTipBase: "#000000",
    QPalette.ColorRole.ToolTipText: "#ffffff", QPalette.ColorRole.PlaceholderText: "#c8c8c8",
    QPalette.ColorRole.Link: HC_YELLOW, QPalette.ColorRole.BrightText: HC_YELLOW,
    QPalette.ColorRole.Light: "#ffffff", QPalette.ColorRole.Midlight: "#ffffff",
    QPalette.ColorRole.Mid: "#ffffff", QPalette.ColorRole.Dark: "#ffffff",
    QPalette.ColorRole.Shadow: "#ffffff",
}
HC_PANE = "QTabWidget::pane { border: 2px solid #ffffff; }"  # a tab widget wears it itself
HC_DISABLED = "#a6a6a6"  # 8.6:1 on black: readable, yet plainly not the white of what works
# Curve and bar colours that read on black (the usual ones are mid-tones made for both schemes).
HC_DATA_COLORS = ["#ffff00", "#00ffff", "#00ff00", "#ff80ff", "#ffa500", "#ffffff", "#ff6b6b",
                  "#c0c0c0"]
SCHEMES = ("light", "dark", "high-contrast", "system")
SCHEME_TITLES = {"light": "Light", "dark": "Dark", "high-contrast": "High contrast",
                 "system": "Follow the system"}
PLOT_LOOK = "tlstudioPlotLook"  # which look (sheets.generation()) a plot was recoloured for
_native_style: str | None = None  # the style in use before a forced scheme switched to Fusion
_high_contrast = False
_DATA_COLORS = list(plots.PALETTE)


def high_contrast_sheet() -> str:
    """Every control outlined in white, what is chosen in yellow, a 3 px yellow focus ring.

    Fusion draws its frames a shade darker than the window: on black they vanish, so the
    borders are drawn here.
    """
    y, dis = HC_YELLOW, HC_DISABLED
    # "border: none" would hand the frame back to Fusion, drawn white by this palette: black it is.
    return f"""
    QListWidget#sidebar {{ background: #000000; border: 2px solid #000000;
                           border-right-color: #ffffff; padding-top: 8px; font-size: 11pt;
                           outline: 0; }}
    QListWidget#sidebar::item {{ padding: 7px 6px; margin: 1px 4px; }}
    QListWidget#sidebar::item:selected {{ background: {y}; color: #000000; }}
    QListWidget#sidebar::item:selected:focus {{ border: 3px solid #ffffff; padding: 4px 3px; }}
    QListWidget#sidebar::item:disabled {{ color: {dis}; }}
    QAbstractItemView {{ selection-background-color: {y}; selection-color: #000000; }}
    QLabel[role="title"] {{ font-size: 16pt; font-weight: 700; }}
    QLabel[role="hint"] {{ color: #e0e0e0; }}
    QLabel[role="big"] {{ font-size: 13pt; font-weight: 700; }}
    QPushButton, QToolButton {{ background: #000000; color: #ffffff; border: 2px solid #ffffff;
                                padding: 4px 12px; }}
    QPushButton:disabled, QToolButton:disabled {{ color: {dis}; border: 2px dashed {dis}; }}
    QPushButton[role="primary"] {{ background: {y}; color: #000000; border: 2px solid {y};
                                   font-weight: 700; padding: 4px 14px; }}
    QPushButton[role="primary"]:disabled {{ background: #000000; color: {dis};
                                            border: 2px dashed {dis}; }}
    QLineEdit, QPlainTextEdit, QTextEdit, QAbstractSpinBox, QComboBox, QListView, QListWidget,
    QTableView, QTableWidget, QTreeView {{ border: 2px solid #ffffff; }}
    QLineEdit:disabled, QAbstractSpinBox:disabled, QComboBox:disabled, QPlainTextEdit:disabled {{
        color: {dis}; border: 2px dashed {dis}; }}
    QPushButton:focus, QToolButton:focus, QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus,
    QAbstractSpinBox:focus, QComboBox:focus, QListView:focus, QListWidget:focus,
    QTableView:focus, QTableWidget:focus, QTreeView:focus, QTabBar::tab:focus,
    QPushButton[role="primary"]:focus {{ border: 3px solid {y}; }}
    QPushButton[role="primary"]:focus {{ border: 3px solid #ffffff; }}
    QAbstractSpinBox::up-button, QAbstractSpinBox::down-button {{ subcontrol-origin: padding;
        width: 18px; background: #000000; border-left: 2px solid #ffffff; }}
    QAbstractSpinBox::up-button {{ subcontrol-position: top right; }}
    QAbstractSpinBox::down-button {{ subcontrol-position: bottom right; }}
    QAbstractSpinBox::up-arrow {{ width: 0; height: 0; border-left: 5px solid #000000;
        border-right: 5px solid #000000; border-bottom: 6px solid #ffffff; }}
    QAbstractSpinBox::down-arrow, QComboBox::down-arrow {{ width: 0; height: 0;
        border-left: 5px solid #000000; border-right: 5px solid #000000;
        border-top: 6px solid #ffffff; }}
    QComboBox {{ padding: 1px 2px; }}
    QComboBox::drop-down {{ subcontrol-origin: padding; subcontrol-position: top right;
        width: 16px; border-left: 2px solid #ffffff; }}
    QCheckBox::indicator, QRadioButton::indicator {{ width: 14px; height: 14px;
        border: 2px solid #ffffff; background: #000000; }}
    QRadioButton::indicator {{ border-radius: 9px; }}
    QCheckBox::indicator:checked, QRadioButton::indicator:checked {{ background: {y}; }}
    QCheckBox:focus, QRadioButton:focus {{ color: {y}; }}
    QCheckBox::indicator:focus, QRadioButton::indicator:focus {{ border: 3px solid {y}; }}
    QCheckBox:disabled, QRadioButton:disabled {{ color: {dis}; }}
    QSlider::groove:horizontal {{ height: 6px; background: #000000; border: 1px solid #ffffff; }}
    QSlider::sub-page:horizontal {{ background: {y}; border: 1px solid #ffffff; }}
    QSlider::handle:horizontal {{ width: 12px; margin: -6px 0; background: #ffffff;
                                  border: 2px solid #000000; }}
    QSlider::handle:horizontal:focus {{ background: {y}; }}
    QSlider::sub-page:horizontal:disabled {{ background: {dis}; }}
    QSlider::handle:horizontal:disabled {{ background: {dis}; }}
    QHeaderView::section {{ background: #000000; color: #ffffff; border: 1px solid #ffffff;
                            padding: 3px 6px; font-weight: 700; }}
    QTableView {{ gridline-color: #ffffff; }}
    {HC_PANE}
    QTabBar::tab {{ background: #000000; color: #ffffff; border: 2px solid #ffffff;
                    padding: 4px 12px; margin-right: 2px; }}
    QTabBar::tab:selected {{ background: {y}; color: #000000; font-weight: 700; }}
    QGroupBox {{ border: 2px solid #ffffff; margin-top: 1.4em; padding-top: 4px; font-weight: 700; }}
    QGroupBox::title {{ subcontrol-origin: margin; left: 8px; padding: 0 4px; }}
    QProgressBar {{ border: 2px solid #ffffff; text-align: center; color: #ffffff;
                    background: #000000; }}
    QProgressBar::chunk {{ background: #007a00; border-right: 2px solid #ffffff; }}
    QScrollBar {{ background: #000000; border: 1px solid #ffffff; }}
    QScrollBar:vertical {{ width: 14px; }}
    QScrollBar:horizontal {{ height: 14px; }}
    QScrollBar::handle {{ background: #ffffff; min-height: 24px; min-width: 24px; }}
    QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; }}
    QScrollBar::add-page, QScrollBar::sub-page {{ background: #000000; }}
    QMenu {{ border: 2px solid #ffffff; }}
    QMenu::item:selected, QMenuBar::item:selected {{ background: {y}; color: #000000; }}
    QToolTip {{ background: #000000; color: #ffffff; border: 2px solid {y}; }}
    QSplitter::handle {{ background: #ffffff; }}
    QSplitter::handle:horizontal {{ width: 2px; }}
    QSplitter::handle:vertical {{ height: 2px; }}
    QLabel#fitNote, QFrame[role="warning"], QFrame[role="info"], QFrame[role="error"] {{
        background: #000000; border: 2px solid {y}; }}
    QFrame[role="error"] {{ border: 3px solid #ff6b6b; }}
    QLabel#fitNote, QFrame[role="warning"] QLabel, QFrame[role="info"] QLabel,
    QFrame[role="error"] QLabel {{ color: #ffffff; border: none; }}
    QLabel#fitNote {{ border: 2px solid {y}; padding: 6px 10px; }}
    """


def _force(app: QApplication, dark: bool, colors: dict | None = None) -> None:
    global _native_style
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor

    # Ask the platform too (where it can, native dialogs and title bars follow).
    app.styleHints().setColorScheme(Qt.ColorScheme.Dark if dark else Qt.ColorScheme.Light)
    if _native_style is None:
        _native_style = app.style().name()
    if app.style().name().lower() != "fusion":  # setting it again re-polishes every widget
        app.setStyle("Fusion")
    palette = QPalette()
    for role, color in (colors or (DARK_COLORS if dark else LIGHT_COLORS)).items():
        palette.setColor(role, QColor(color))
    disabled = QColor(HC_DISABLED if colors is HIGH_CONTRAST_COLORS else
                      "#6b7078" if dark else "#9a9ea5")
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText,
                 QPalette.ColorRole.WindowText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    app.setPalette(palette)


def _set_high_contrast(on: bool) -> None:
    """Switch the flag the style sheet reads and the curves' colours (kept in one list)."""
    global _high_contrast
    _high_contrast = on
    plots.PALETTE[:] = HC_DATA_COLORS if on else _DATA_COLORS


def force_high_contrast(app: QApplication) -> None:
    """White on black with yellow for the selection and the focus, whatever the system's scheme."""
    _force(app, dark=True, colors=HIGH_CONTRAST_COLORS)


def force_dark(app: QApplication) -> None:
    """A dark Fusion palette, for platforms whose theme has no dark mode (and screenshots)."""
    _force(app, dark=True)


def force_light(app: QApplication) -> None:
    """A light Fusion palette, whatever the system's scheme."""
    _force(app, dark=False)


def follow_system(app: QApplication) -> None:
    """Undo ``force_dark`` / ``force_light``: the system's style, palette and scheme again."""
    global _native_style
    app.styleHints().unsetColorScheme()
    if _native_style is not None:
        app.setStyle(_native_style)
        _native_style = None
    app.setPalette(QPalette())  # nothing set explicitly: every colour comes from the system


def apply(app: QApplication, scheme: str | None = None) -> None:
    """Apply a look: palette, style sheet (see ``sheets.py``) and plot colours; recolour the plots.

    ``scheme`` None keeps the palette in use (the system's, or one forced before) and
    restyles for it: this is what runs when the system switches light/dark. "dark",
    "light" or "high-contrast" forces that scheme first; "system" goes back to following
    the system.
    Plots that already exist are recoloured in place (their data kept), those in view at
    once, the others when shown; later ones are drawn in the new colours.
    """
    if scheme is not None and scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {SCHEMES} or None, not {scheme!r}")
    if scheme is not None:
        _set_high_contrast(scheme == "high-contrast")
    if scheme == "high-contrast":
        force_high_contrast(app)
    elif scheme == "dark":
        force_dark(app)
    elif scheme == "light":
        force_light(app)
    elif scheme == "system":
        follow_system(app)
    # Never on the application (sheets.py says why): on what shows now, the rest when shown.
    sheets.use(style_sheet(), tabs=HC_PANE if _high_contrast else "")
    apply_plot_theme()  # plots made from now on
    sheets.restyle_windows(app, bring_up_to_date)  # plots and sheets in view; the rest when shown
    app.setWindowIcon(icon("app"))


def follow_system_scheme(app: QApplication) -> None:
    """Re-apply the look, plots included, whenever the system switches light/dark.

    The restyle runs on the next turn of the event loop, once Qt has installed the
    system's new palette (the signal and the palette update come in no documented order).
    """
    app.styleHints().colorSchemeChanged.connect(_on_system_scheme_changed)


def _on_system_scheme_changed(_scheme: object) -> None:
    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, _apply_to_running_app)


def _apply_to_running_app() -> None:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        apply(app)
