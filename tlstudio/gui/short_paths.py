"""Headlines name files, not paths: a full path in large type says little and wraps badly.

The full text stays available (in the log and as the headline's tooltip).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path, PureWindowsPath

# An absolute path without spaces (POSIX, or Windows with a drive letter), up to a space,
# a quote, a bracket, an ellipsis or a sentence's closing punctuation.
_ABSOLUTE = re.compile(r"(?<![\w.])(?:[A-Za-z]:[\\/]|/)[^\s'\"()\[\]…,;]*[^\s'\"()\[\]…,;:.]")


def _name(path: str) -> str:
    name = PureWindowsPath(path).name if "\\" in path else Path(path).name
    return name or path


def short_paths(message: str, known: Iterable[str | None] = ()) -> str:
    """``message`` with each path replaced by its file or folder name.

    ``known`` paths (which may hold spaces) are replaced first, longest first; then any other
    absolute path without spaces.
    """
    for path in sorted((p for p in known if p), key=len, reverse=True):
        message = message.replace(str(path), _name(str(path)))
    return _ABSOLUTE.sub(lambda m: _name(m.group(0)), message)
