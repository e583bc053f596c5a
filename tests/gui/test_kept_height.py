"""A run's status line (and the fit note above it) grows with its text but never shrinks while
the run goes (issue 13 item 12): each change of its height resized the Train page's plots, a
full redraw of three plots."""

from __future__ import annotations

from tlstudio.gui.pages.base import KeptRoom, WrapLabel


def test_a_kept_room_grows_but_never_shrinks_until_kept_again(qtbot):
    status = WrapLabel("Ready when you are.")
    room = KeptRoom(status)
    qtbot.addWidget(room)
    room.resize(220, 20)
    room.show()
    one_line = status.fontMetrics().lineSpacing()
    room.keep(2, status)
    assert room.minimumHeight() == 2 * one_line  # room for two lines from the start
    status.setText("43 of 84 training rows (51%) are longer than the model reads and will be cut.")
    qtbot.waitUntil(lambda: room.minimumHeight() >= status.minimumHeight() > 2 * one_line, timeout=2_000)
    tall = room.minimumHeight()
    status.setText("Loading the model…")
    qtbot.wait(20)  # the layout's request, answered
    assert room.minimumHeight() == tall  # kept: what is below is not moved
    room.keep(2, status, shrink=False)
    assert room.minimumHeight() == tall
    room.keep(2, status)
    assert room.minimumHeight() == 2 * one_line  # reset: as tall as its text needs, or the floor
    font = status.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    status.setFont(font)  # a look's bigger font: two of its lines, at once
    assert room.minimumHeight() >= 2 * status.fontMetrics().lineSpacing() > 2 * one_line


def test_a_run_s_start_notes_and_its_end_leave_the_train_page_s_plots_in_place(window, qtbot):
    """The engine's notes as a run starts took 3 then 4 lines: two relayouts, each a repaint of
    the three plots (~50 ms), and one more as the run ended and the line shrank back."""
    train = window.pages["train"]
    train.setEnabled(True)
    window.stack.setCurrentWidget(train)  # the page in view, as during a run
    qtbot.waitUntil(train.loss_plot.isVisible, timeout=5_000)
    qtbot.wait(50)
    size = train.loss_plot.size()
    train._set_running(True)  # what Start does (without training a model)
    qtbot.wait(50)
    assert train.loss_plot.size() == size
    for message in ("43 of 84 training rows (51%) are longer than 32 tokens and are cut to fit; "
                    "a longer max length keeps more of each text, and takes longer to train.",
                    "Estimated for this run: full: 27 k parameters, 5 MB of memory, about 12 s on "
                    "this CPU (measured on 64 rows); the first steps tell how fast it really is.",
                    "Training…"):
        train._on_worker_status_changed(message)
        qtbot.wait(20)
        assert train.loss_plot.size() == size, message
    train._control = None
    train._set_running(False)  # the run ended
    qtbot.wait(50)
    assert train.loss_plot.size() == size


def test_the_train_page_s_first_show_lays_its_plots_out_once(window, qtbot):
    """The status line's room was set as the page showed, after it had been laid out: the plots
    were laid out (and each axis fitted) twice in the turn the page first showed."""
    from PySide6.QtCore import QEvent, QObject

    train = window.pages["train"]
    sizes = []

    class _Resizes(QObject):
        def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
            if event.type() == QEvent.Type.Resize:
                sizes.append(event.size())
            return False

    spy = _Resizes(train)
    train.loss_plot.installEventFilter(spy)
    window.stack.setCurrentWidget(train)  # as the sidebar does (its row is off without data)
    qtbot.waitUntil(train.loss_plot.isVisible, timeout=5_000)
    qtbot.wait(100)
    assert len(sizes) == 1, sizes
