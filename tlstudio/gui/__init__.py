"""The desktop app. Every Qt import lives under this package.

``MainWindow`` is imported lazily so ``import tlstudio.gui`` stays cheap; neither
path imports torch, transformers or datasets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tlstudio.gui.main_window import MainWindow

__all__ = ["MainWindow"]


def __getattr__(name: str) -> Any:
    if name == "MainWindow":
        from tlstudio.gui.main_window import MainWindow

        return MainWindow
    raise AttributeError(name)
