"""The main window's menus (File, Run, View, Go, Help) and the dialogs Help opens.

A mixin of :class:`tlstudio.gui.main_window.MainWindow` (its only user), which owns the pages
these actions reach; the Go menu's steps are passed in, as the window's sidebar lists them.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox

from tlstudio.gui import settings, sheets, theme
from tlstudio.gui.workers import FunctionWorker


class WindowMenus:
    """Menu bar, colour scheme and Help dialogs (mixed into ``MainWindow``, which provides
    ``pages``, ``show_page``, ``open_file``, ``open_dialog``, ``open_demo`` and ``host``)."""

    def _action(self, menu: Any, text: str, slot: Any, shortcut: Any = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self, steps: tuple[str, ...], titles: dict[str, str]) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._action(file_menu, "&Open data file…", self.open_dialog, QKeySequence.StandardKey.Open)
        self._action(file_menu, "Open &demo dataset", self.open_demo, "Ctrl+D")
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        self._action(file_menu, "&Export model…",
                     self.pages["evaluate"].export_model, "Ctrl+E")
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        train = self.pages["train"]
        run_menu = bar.addMenu("&Run")
        self._action(run_menu, "&Start training", train.start, "Ctrl+Return")
        self._action(run_menu, "&Pause / resume", train.pause_button.click, "Ctrl+P")
        self._action(run_menu, "S&top", train.stop, "Ctrl+.")
        self._build_view_menu(bar.addMenu("&View"))
        go_menu = bar.addMenu("&Go")
        for index, key in enumerate(steps):
            self._action(go_menu, titles[key], lambda _=False, k=key: self.show_page(k),
                         f"Ctrl+{index + 1}")
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Environment…", self.show_environment)
        self._action(help_menu, "&About TL Studio", self._show_about)

    def _build_view_menu(self, menu: Any) -> None:
        """View ▸ Colours: light, dark, high contrast or the system's; remembered."""
        colours = menu.addMenu("&Colours")
        group = QActionGroup(self)
        chosen = settings.color_scheme()
        self.scheme_actions: dict[str, QAction] = {}
        for scheme in theme.SCHEMES:
            action = self._action(colours, theme.SCHEME_TITLES[scheme],
                                  lambda _=False, s=scheme: self.set_color_scheme(s))
            action.setCheckable(True)
            action.setChecked(scheme == chosen)
            group.addAction(action)
            self.scheme_actions[scheme] = action

    def set_color_scheme(self, scheme: str) -> None:
        """Use ``scheme`` now (plots recoloured in place) and next time."""
        app = QApplication.instance()
        if isinstance(app, QApplication):
            theme.apply(app, scheme)
        settings.set_color_scheme(scheme)
        self.scheme_actions[scheme].setChecked(True)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = settings.recent_files()
        if not files:
            self.recent_menu.addAction("(none yet)").setEnabled(False)
        for path in files:
            self._action(self.recent_menu, path, lambda _=False, p=path: self.open_file(p))

    # ---- help ---------------------------------------------------------------------------
    def show_environment(self) -> None:
        from tlstudio.gui.dialogs import environment_text, show_error

        worker = FunctionWorker(environment_text)
        worker.succeeded.connect(self._on_environment_ready)
        worker.failed.connect(self._on_environment_failed)
        self.host.start(worker)
        self._show_error = show_error

    def _on_environment_ready(self, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, "Environment", text,
                          QMessageBox.StandardButton.Ok, self)
        box.setObjectName("environmentDialog")
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        sheets.style(box)  # a window of its own: no page's sheet reaches it
        box.open()

    def _on_environment_failed(self, message: str, details: str) -> None:
        self._show_error(self, message, details)

    def _show_about(self) -> None:
        from tlstudio import __version__

        box = QMessageBox(QMessageBox.Icon.NoIcon, "About TL Studio",
                          f"TL Studio {__version__}\nFine-tune pretrained transformers on "
                          "your own labelled text.", QMessageBox.StandardButton.Ok, self)
        box.setIconPixmap(self.windowIcon().pixmap(64, 64))  # as QMessageBox.about does
        sheets.style(box)
        box.exec()
