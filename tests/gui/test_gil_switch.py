"""While the window is open, a worker thread hands the GIL to the GUI thread within 1 ms."""

from __future__ import annotations

import sys

from tlstudio.gui.main_window import GIL_SWITCH_S


def test_the_window_shortens_the_gil_switch_interval_and_gives_it_back(window):
    """Python's 5 ms made every repaint beside a busy worker wait up to 5 ms per Python call."""
    assert sys.getswitchinterval() <= GIL_SWITCH_S
    window.close()
    assert not window.isVisible()
    assert sys.getswitchinterval() > GIL_SWITCH_S  # Python's own (5 ms) once the window is gone
