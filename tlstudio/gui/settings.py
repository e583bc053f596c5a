"""UI state only (geometry, recent files, choices, colours, offline mode) in an INI under TLSTUDIO_HOME."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QSettings, QThread

from tlstudio.core.system import paths

SETTINGS_VERSION = 1
MAX_RECENT = 8


_STORES: dict[str, QSettings] = {}  # the GUI thread's instance, per settings file


def settings() -> QSettings:
    """The app's QSettings; a stale settings version resets the stored layout.

    The GUI thread keeps one instance per file: a new one read the whole file and wrote it
    back when dropped, 15 ms of a frozen window per choice saved on a 2-core machine. Qt writes
    its changes in a later turn of the event loop; :func:`flush` writes them at once.
    """
    path = str(paths.home() / "gui.ini")
    app = QCoreApplication.instance()
    in_gui_thread = app is not None and QThread.currentThread() == app.thread()
    store = _STORES.get(path) if in_gui_thread else None
    if store is None:
        store = QSettings(path, QSettings.Format.IniFormat)
        if store.value("settings_version", 0, int) != SETTINGS_VERSION:
            store.clear()
            store.setValue("settings_version", SETTINGS_VERSION)
        if in_gui_thread:
            _STORES[path] = store
    return store


def flush() -> None:
    """Write every pending change now (the window closes; the process may end right after)."""
    for store in _STORES.values():
        store.sync()


def recent_files() -> list[str]:
    value = settings().value("recent_files", [])
    if isinstance(value, str):
        value = [value]
    return [str(v) for v in (value or [])]


def add_recent_file(path: str) -> list[str]:
    """Put ``path`` first in the recent list and return the new list."""
    files = [path] + [p for p in recent_files() if p != path]
    settings().setValue("recent_files", files[:MAX_RECENT])
    return files[:MAX_RECENT]


def last_choice(key: str, default: Any = None) -> Any:
    return settings().value(f"choices/{key}", default)


def set_last_choice(key: str, value: Any) -> None:
    settings().setValue(f"choices/{key}", value)


def offline_mode() -> bool:
    """The stored "Work offline" choice (off unless the user ticked it)."""
    return bool(settings().value("offline", False, bool))


def set_offline_mode(on: bool) -> None:
    settings().setValue("offline", bool(on))


def color_scheme() -> str:
    """The colours the user chose in View ▸ Colours ("system" until they choose)."""
    return str(settings().value("appearance/scheme", "system"))


def set_color_scheme(scheme: str) -> None:
    settings().setValue("appearance/scheme", scheme)
