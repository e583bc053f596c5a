"""Issue 13, accessibility: View ▸ Colours ▸ High contrast, and back to light."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPalette

from tlstudio.gui import plots, settings, sheets, theme

Role, Group = QPalette.ColorRole, QPalette.ColorGroup


def _luminance(color: QColor) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.red()) + 0.7152 * channel(color.green()) + 0.0722 * channel(color.blue())


def contrast(a: QColor, b: QColor) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _ratio(foreground: QPalette.ColorRole, background: QPalette.ColorRole,
           group: QPalette.ColorGroup = Group.Active) -> float:
    palette = QGuiApplication.palette()
    return contrast(palette.color(group, foreground), palette.color(Group.Active, background))


def _yellow_pixels(widget) -> int:
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    array = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    bgr = array[:, : image.width() * 4].reshape(image.height(), image.width(), 4)[..., :3]
    return int(np.all(bgr == (0, 255, 255), axis=-1).sum())  # #ffff00 as B, G, R


def test_high_contrast_from_the_view_menu_then_back_to_light(window, qtbot, restore_look):
    app = restore_look
    loss = window.pages["train"].loss_plot
    window.scheme_actions["high-contrast"].trigger()  # View ▸ Colours ▸ High contrast
    assert theme.is_high_contrast() and settings.color_scheme() == "high-contrast"
    assert window.scheme_actions["high-contrast"].isChecked()
    assert _ratio(Role.WindowText, Role.Window) >= 7  # WCAG AAA for text
    assert _ratio(Role.Text, Role.Base) >= 7
    assert _ratio(Role.ButtonText, Role.Button) >= 7
    assert _ratio(Role.HighlightedText, Role.Highlight) >= 7
    assert _ratio(Role.WindowText, Role.Window, Group.Disabled) >= 4.5  # greyed, still readable
    # the plots follow: black background, white axes, data colours that read on black
    window.stack.setCurrentWidget(window.pages["train"])  # a hidden page's plots: when shown
    assert loss.backgroundBrush().color() == QColor("#000000")
    window.stack.setCurrentWidget(window.pages["welcome"])
    assert all(contrast(QColor(c), QColor("#000000")) >= 7 for c in plots.PALETTE[:6])

    # the focused button wears a thick yellow ring (the native ring is a faint blue)
    button = window.pages["welcome"].open_button
    window.show_page("welcome")
    window.activateWindow()
    button.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(button.hasFocus, timeout=5_000)
    ring = _yellow_pixels(button)
    assert ring >= 3 * 2 * (button.width() + button.height() - 12)  # 3 px all the way round
    window.pages["welcome"].demo_button.setFocus(Qt.FocusReason.TabFocusReason)
    assert _yellow_pixels(button) < ring / 10  # the ring goes with the focus

    # and back: light, its own colours, nothing of high contrast left behind
    window.scheme_actions["light"].trigger()
    assert not theme.is_high_contrast() and settings.color_scheme() == "light"
    palette = QGuiApplication.palette()
    assert palette.color(Role.Window).lightness() > 200
    assert palette.color(Role.Highlight) == QColor(theme.SELECTION)
    assert "#ffff00" not in app.styleSheet() + sheets.in_use()
    assert plots.PALETTE[0] == "#2f7ed8"
    assert _yellow_pixels(button) == 0
    window.stack.setCurrentWidget(window.pages["train"])
    assert loss.backgroundBrush().color() == palette.color(Role.Window)


def test_the_chosen_scheme_is_applied_at_the_next_start(restore_look):
    """What run_app does before the window shows: the remembered View ▸ Colours choice."""
    from tlstudio.gui.app import apply_chosen_scheme

    assert apply_chosen_scheme(restore_look) == "system"  # nothing chosen yet
    assert not theme.is_high_contrast()
    settings.set_color_scheme("high-contrast")
    assert apply_chosen_scheme(restore_look) == "high-contrast"
    assert theme.is_high_contrast()
    assert QGuiApplication.palette().color(Role.Window) == QColor("#000000")
    settings.set_color_scheme("no-such-scheme")  # a hand-edited settings file: no error
    assert apply_chosen_scheme(restore_look) == "system"


def _slider_parts(slider) -> tuple[QColor, float]:
    """The colour filling the middle of ``slider``'s handle, and the brightest luminance drawn
    in its groove to the right of the handle (the range still to go)."""
    from PySide6.QtWidgets import QStyle, QStyleOptionSlider

    option = QStyleOptionSlider()
    slider.initStyleOption(option)
    handle = slider.style().subControlRect(QStyle.ComplexControl.CC_Slider, option,
                                           QStyle.SubControl.SC_SliderHandle, slider)
    image = slider.grab().toImage()
    middle = image.pixelColor(handle.center())
    right = [_luminance(image.pixelColor(x, y)) for x in range(handle.right() + 4, slider.width() - 4)
             for y in range(slider.height())]
    return middle, max(right, default=0.0)


def test_a_slider_reads_in_high_contrast(window, qtbot, engine_run, restore_look):
    """How sure's threshold slider in high contrast: a dark grey handle on black and no groove
    beyond it, so where it stood and how far it could go were lost."""
    window.scheme_actions["high-contrast"].trigger()
    qtbot.waitUntil(lambda: not window.restyling, timeout=5_000)
    window.state.set_run(str(engine_run("binary")))
    window.show_page("insight")
    page = window.pages["insight"]
    page.tabs.setCurrentWidget(page.calibration)
    view = page.calibration
    qtbot.waitUntil(lambda: view._report is not None and view.threshold_slider.isVisible(), timeout=30_000)
    slider = view.threshold_slider
    assert 20 <= slider.value() <= 80  # the handle mid-way: groove on both sides
    handle, groove = _slider_parts(slider)
    assert contrast(handle, QColor("#000000")) >= 7, f"the handle is {handle.name()} on black"
    assert (groove + 0.05) / 0.05 >= 7, "nothing of the groove shows right of the handle"
