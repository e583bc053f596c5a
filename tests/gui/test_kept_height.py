"""A run's status line grows with its text but never shrinks while the run goes (issue 13 item
12): each change of its height resized the Train page's plots, a full redraw of three plots."""

from __future__ import annotations

from tlstudio.gui.pages.base import WrapLabel


def test_a_kept_label_grows_but_never_shrinks_until_released(qtbot):
    status = WrapLabel("Ready when you are.")
    qtbot.addWidget(status)
    status.resize(220, 20)
    status.show()
    one_line = status.minimumHeight()
    status.keep_height(True)
    status.setText("43 of 84 training rows (51%) are longer than the model reads and will be cut.")
    tall = status.minimumHeight()
    assert tall > one_line
    status.setText("Loading the model…")
    assert status.minimumHeight() == tall  # kept: the plots below are not resized
    status.keep_height(False)
    assert status.minimumHeight() < tall  # released: as tall as its text needs again
