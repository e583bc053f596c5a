"""Turns: a long GUI-thread update runs as steps, one per event-loop turn."""

from __future__ import annotations

from tlstudio.gui.turns import Turns


def test_steps_run_in_order_after_the_current_turn(qtbot):
    turns, ran = Turns(), []
    turns.start([lambda: ran.append(1), lambda: ran.append(2), lambda: ran.append(3)])
    assert ran == [] and turns.pending  # nothing runs inside the slot that started them
    qtbot.waitUntil(lambda: not turns.pending, timeout=5_000)
    assert ran == [1, 2, 3]


def test_a_newer_update_replaces_the_steps_not_yet_run(qtbot):
    turns, ran = Turns(), []
    turns.start([lambda: ran.append("old")])
    turns.start([lambda: ran.append("new")])
    qtbot.waitUntil(lambda: not turns.pending, timeout=5_000)
    qtbot.wait(50)
    assert ran == ["new"]
    turns.start([lambda: ran.append("cancelled")])
    turns.cancel()
    qtbot.wait(50)
    assert ran == ["new"]
