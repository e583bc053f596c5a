"""Issue 13, accessibility: the whole flow by keyboard alone, from a fresh window to a prediction.

Only key presses, always sent to the widget that has the focus (``QApplication.focusWidget()``),
the way a person without a mouse works: Tab / Shift+Tab to move, Space to press a button,
arrows in lists and combo boxes, the menu shortcuts, typing into the file dialogs' name fields.
"""

from __future__ import annotations

from pathlib import Path

from gui_helpers import TRAIN_TIMEOUT, load_data, pick_model
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QPlainTextEdit,
    QScrollArea,
    QTextEdit,
    QWidget,
)

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
TAB_LIMIT = 80  # more Tab presses than this to reach a control is a keyboard trap


def _focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def _describe(widget: QWidget | None) -> str:
    if widget is None:
        return "(none)"
    return f"{type(widget).__name__}:{widget.objectName() or widget.accessibleName() or '?'}"


def press(qtbot, key: Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(_focused(), key, modifier)


def type_text(qtbot, text: str) -> None:
    qtbot.keyClicks(_focused(), text)


def tab_to(qtbot, target: QWidget, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until ``target`` has the focus; fail, with the path, if it never does."""
    visited = []
    for _ in range(TAB_LIMIT):
        if _focused() is target:
            return
        visited.append(_describe(_focused()))
        press(qtbot, Key.Key_Backtab if backwards else Key.Key_Tab, SHIFT if backwards else
              Qt.KeyboardModifier.NoModifier)
    raise AssertionError(f"Tab never reached {_describe(target)}; it went: {' → '.join(visited)}")


def answer_file_dialog(qtbot, path: Path) -> None:
    """When a file dialog opens (a nested event loop), type ``path`` into it and press Enter."""

    def answer() -> None:
        qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QFileDialog),
                        timeout=10_000)
        dialog = QApplication.activeModalWidget()
        qtbot.waitUntil(lambda: _focused().window() is dialog, timeout=10_000)
        type_text(qtbot, str(path))
        press(qtbot, Key.Key_Return)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
        # What the window manager does when a dialog closes (the offscreen platform doesn't):
        # the window underneath is active again, its focused widget keeps the focus.
        dialog.parentWidget().window().activateWindow()

    QTimer.singleShot(0, answer)


def test_the_whole_flow_by_keyboard_alone(window, qtbot, sentiment_csv, tiny_model_dir):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=5_000)
    assert window.current_page() == "welcome"  # a fresh window opens on the Start page

    # Data: File ▸ Open (Ctrl+O), the file's path typed into the dialog.
    answer_file_dialog(qtbot, sentiment_csv)
    press(qtbot, Key.Key_O, CTRL)
    qtbot.waitUntil(lambda: window.state.has_data, timeout=120_000)
    assert window.current_page() == "data"
    data = window.pages["data"]
    qtbot.waitUntil(lambda: data.next_button.isEnabled(), timeout=60_000)
    tab_to(qtbot, data.next_button)
    press(qtbot, Key.Key_Space)
    assert window.current_page() == "model"

    # Model: Add folder…, the tiny model's folder typed into the dialog; it is listed and chosen.
    model = window.pages["model"]
    tab_to(qtbot, model.add_folder_button)
    answer_file_dialog(qtbot, tiny_model_dir)
    press(qtbot, Key.Key_Space)
    qtbot.waitUntil(lambda: window.state.model is not None
                    and Path(window.state.model.path) == tiny_model_dir, timeout=120_000)
    tab_to(qtbot, model.next_button)
    press(qtbot, Key.Key_Space)
    assert window.current_page() == "train"

    # Train: the Quick preset and one epoch, then Start (Ctrl+Return).
    train = window.pages["train"]
    settings = train.settings
    tab_to(qtbot, settings.preset)
    for _ in range(settings.preset.count()):
        if settings.preset.currentText() == "Quick":
            break
        press(qtbot, Key.Key_Up)
    assert settings.preset.currentText() == "Quick"
    tab_to(qtbot, settings.epochs)
    press(qtbot, Key.Key_A, CTRL)
    type_text(qtbot, "1")
    press(qtbot, Key.Key_Tab)
    assert settings.epochs.value() == 1.0
    with qtbot.waitSignal(train.run_finished, timeout=TRAIN_TIMEOUT) as finished:
        press(qtbot, Key.Key_Return, CTRL)
        assert _focused() is train.stop_button  # the settings are off while it runs; Stop is at hand
    assert not finished.args[0].stopped
    qtbot.waitUntil(lambda: not train.running, timeout=60_000)
    assert _focused() is train.next_button  # not lost with the disabled Stop: on to the next step

    # Predict: Go ▸ Predict (Ctrl+6), type a sentence, read the answer.
    press(qtbot, Key.Key_6, CTRL)
    assert window.current_page() == "predict"
    predict = window.pages["predict"]
    qtbot.waitUntil(lambda: predict.predict_button.isEnabled(), timeout=120_000)
    tab_to(qtbot, predict.input)
    type_text(qtbot, "the food was great")
    qtbot.waitUntil(lambda: predict.result.text() != "", timeout=120_000)
    assert "sure" in predict.result.text()
    # the words that pushed the decision come with it
    qtbot.waitUntil(lambda: predict.explain_panel.summary.text() != "", timeout=120_000)


def _tab_round(qtbot, start: QWidget, key: Key = Key.Key_Tab) -> list[QWidget]:
    """Press ``key`` from ``start`` until the focus comes back to it; the widgets on the way."""
    start.setFocus(Qt.FocusReason.TabFocusReason)  # where the round starts (setup, not a step)
    modifier = SHIFT if key == Key.Key_Backtab else Qt.KeyboardModifier.NoModifier
    visited: list[QWidget] = []
    for _ in range(TAB_LIMIT):
        press(qtbot, key, modifier)
        if _focused() is start:
            return visited
        if visited and _focused() is visited[-1]:
            break  # the key did not move the focus: it was taken as input
        visited.append(_focused())
    raise AssertionError(f"a keyboard trap: {' → '.join(_describe(w) for w in visited[-6:])}")


def test_tab_goes_round_every_page_and_back(window, qtbot, sentiment_csv, tiny_model_dir,
                                            engine_run):
    """From the sidebar, Tab visits the page's controls and comes back; Shift+Tab as well.

    The data, model and run are set up directly: here the subject is Tab, not the flow.
    """
    load_data(qtbot, window, sentiment_csv)
    pick_model(qtbot, window, tiny_model_dir)
    window.state.set_run(str(engine_run("binary")))
    window.activateWindow()
    problems = []
    for key in ("welcome", "data", "model", "train", "evaluate", "predict", "insight", "runs"):
        window.show_page(key)
        assert window.current_page() == key
        for direction in (Key.Key_Tab, Key.Key_Backtab):
            try:
                visited = _tab_round(qtbot, window.sidebar, direction)
            except AssertionError as exc:
                problems.append(f"{key}: {exc}")
                continue
            page = window.pages[key]
            if not any(page.isAncestorOf(w) for w in visited):
                problems.append(f"{key}: Tab never enters the page")
            hidden = [_describe(w) for w in visited if type(w) is QScrollArea]
            if hidden:  # a Tab stop that shows no focus: the user loses track of it
                problems.append(f"{key}: Tab stops on a bare scroll area: {hidden}")
    assert problems == [], "\n".join(problems)
    # a text box that takes Tab as a character would trap the keyboard once it is enabled
    trapping = [_describe(e) for e in window.findChildren(QPlainTextEdit) + window.findChildren(QTextEdit)
                if not e.isReadOnly() and not e.tabChangesFocus()]
    assert trapping == []
