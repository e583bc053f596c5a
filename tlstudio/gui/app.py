"""Start the desktop app: ``run_app(file=None, demo=False, offline=False)`` (``tlstudio`` calls it)."""

from __future__ import annotations

import os
import sys

from tlstudio import __version__

EXIT_WAIT_MS = 10_000  # after the window closed, for jobs it had to leave running


def _application() -> object:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(sys.argv[:1])
        app.setApplicationName("TL Studio")
        app.setOrganizationName("tlstudio")
        app.setApplicationVersion(__version__)
        app.setDesktopFileName("tlstudio")
    return app


def run_app(file: str | None = None, demo: bool = False, offline: bool = False) -> int:
    """Show the main window (optionally opening ``file`` or the demo) and run the event loop.

    ``offline`` (``tlstudio --offline``) turns offline mode on for this session without
    changing the stored choice; the stored "Work offline" choice is applied as well.
    """
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from tlstudio.core.models.catalog import set_offline
    from tlstudio.gui import settings

    if offline or settings.offline_mode():
        set_offline(True)  # before anything can reach for the network
    app = _application()
    from tlstudio.gui import theme
    from tlstudio.gui.dialogs import install_exception_hooks
    from tlstudio.gui.main_window import MainWindow

    apply_chosen_scheme(app)
    window = MainWindow(warm_up=True)
    install_exception_hooks(window)
    theme.follow_system_scheme(app)  # type: ignore[arg-type]  # plots recolour too
    window.fit_to_screen()
    window.show()
    if file:
        window.open_file(os.path.abspath(file))
    elif demo:
        window.open_demo()
    return leave(int(app.exec()))  # type: ignore[attr-defined]


def apply_chosen_scheme(app: object) -> str:
    """Apply the colours chosen in View ▸ Colours (the system's until one is chosen); returns it."""
    from tlstudio.gui import settings, theme

    scheme = settings.color_scheme()
    if scheme not in theme.SCHEMES:
        scheme = "system"
    theme.apply(app, None if scheme == "system" else scheme)  # type: ignore[arg-type]
    return scheme


def leave(code: int, wait_ms: int = EXIT_WAIT_MS) -> int:
    """``code``, once the jobs the closed window had to leave running have ended.

    A job that ignored its stop request for ``wait_ms`` still runs: Qt would abort the
    process when its thread object is destroyed at exit, so the process ends here instead,
    with ``code``, the settings written first.
    """
    from tlstudio.gui import settings
    from tlstudio.gui.workers import wait_detached

    settings.flush()

    if wait_detached(wait_ms):
        return code
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main() -> None:
    """Entry point of the ``tlstudio-gui`` script."""
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    sys.exit(run_app(file=args[0] if args else None, demo="--demo" in sys.argv,
                     offline="--offline" in sys.argv))
