"""The Train page's headline stays true while steps arrive: a one-off estimate doesn't go stale."""

from __future__ import annotations

from tlstudio.core.events import StepEvent


def test_the_time_estimate_gives_way_to_the_live_eta(window):
    train = window.pages["train"]
    train._on_worker_status_changed("Training will take about 9 min more: 126 steps left at "
                                    "4.46 s each (measured over 5 steps).")
    train._on_worker_stepped(StepEvent(step=125, total_steps=132, epoch=0.95, loss=0.3,
                                       eta_seconds=30.0))
    assert train.status.text().startswith("Training: about")
    assert "9 min" not in train.status.text()


def test_a_pause_line_is_not_overwritten_by_a_late_step(window):
    train = window.pages["train"]
    train._on_worker_stepped(StepEvent(step=10, total_steps=40, epoch=0.5, loss=0.3, eta_seconds=70.0))
    train._on_worker_status_changed("Paused after step 10.")
    train._on_worker_stepped(StepEvent(step=11, total_steps=40, epoch=0.5, loss=0.3, eta_seconds=60.0))
    assert train.status.text() == "Paused after step 10."


def test_the_headline_names_the_file_and_keeps_the_full_path_in_its_tooltip(window):
    """Issue 13 item 16: a full path in large type said little and wrapped over two lines."""
    train = window.pages["train"]
    path = "/home/someone/projects/customer reviews/2026/reviews_600.csv"
    train._run_data = path  # the file the run trains on, as Start records it
    train._on_worker_status_changed(f"Reading {path}…")
    assert train.status.text() == "Reading reviews_600.csv…"
    assert path in train.status.toolTip()
    train._on_worker_status_changed("checkpoint saved: /tmp/runs/x/checkpoints/checkpoint-6")
    assert train.status.text() == "checkpoint saved: checkpoint-6"
    assert path in train.log.toPlainText()  # the log keeps the whole path
