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
