"""Error dialog (message first, traceback behind Details), the Environment dialog, hooks."""

from __future__ import annotations

import sys
import threading
import traceback
from types import TracebackType

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from tlstudio.gui import sheets


def show_error(parent: QWidget | None, message: str, details: str = "",
               title: str = "TL Studio") -> None:
    """A modal error: the actionable message, the traceback folded behind Details."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok,
                      parent)
    box.setObjectName("errorDialog")
    if details:
        box.setDetailedText(details)
    sheets.style(box)  # the look, also on a dialog that is a window of its own
    box.exec()


class _ErrorRelay(QObject):
    """Carries errors from any thread to the UI thread."""

    raised = Signal(str, str)

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__()
        self._parent = parent
        self.raised.connect(self._on_raised)

    def _on_raised(self, message: str, details: str) -> None:
        show_error(self._parent, message, details, "Unexpected error")


_relay: _ErrorRelay | None = None


def install_exception_hooks(parent: QWidget | None = None) -> None:
    """Route uncaught exceptions (any thread) to an error dialog so nothing dies silently."""
    global _relay
    _relay = _ErrorRelay(parent)

    def _hook(exc_type: type[BaseException], exc: BaseException,
              tb: TracebackType | None) -> None:
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        sys.__stderr__.write(details)
        if _relay is not None:
            _relay.raised.emit(f"Something went wrong: {exc_type.__name__}: {exc}", details)

    def _thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        _hook(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback)

    sys.excepthook = _hook
    threading.excepthook = _thread_hook


def environment_text() -> str:
    """Versions and devices, for Help → Environment (imports torch: call from a worker)."""
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    from tlstudio.core.system.environment import collect

    report = collect(check_network=False)
    return "\n".join([*report.lines(), f"Qt {qVersion()}, PySide6 {pyside_version}"])
