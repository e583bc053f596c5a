"""Issue 11 on the Train page: the presets come from the plan for the data at hand, with their times."""

from __future__ import annotations


def test_presets_are_planned_for_the_dropped_file_and_say_how_long(window, qtbot, sentiment_csv):
    from gui_helpers import load_data

    from tlstudio.core.training.plan import duration_text, plan_run

    settings = window.pages["train"].settings
    assert settings.preset_times.text() == ""  # no data: nothing to plan
    load_data(qtbot, window, sentiment_csv)
    lines = settings.preset_times.text().splitlines()
    assert [line.split(":")[0] for line in lines] == ["Quick", "Balanced", "Thorough"]
    assert all(line.endswith(" on this machine (a guess)") for line in lines)  # nothing measured yet
    state = window.state
    rows = state.report.loaded.num_rows
    quick = plan_run(round(rows * (1 - state.test_size - state.val_size)), 2, "cpu", "quick", None,
                     val_rows=round(rows * state.val_size))
    assert lines[0] == f"Quick: {duration_text(quick.seconds).replace('≈ ', 'about ')} on this machine (a guess)"
    settings.apply_preset("Quick")
    assert settings.value_of("batch_size") == quick.batch_size
    assert abs(settings.value_of("epochs") - quick.epochs) < 0.051  # the spin box shows one decimal
    assert settings.value_of("learning_rate") == quick.learning_rate
    assert settings.preset.currentText() == "Quick"


def test_preset_times_use_the_speed_earlier_runs_measured_on_this_computer(window, qtbot, sentiment_csv):
    """Issue 11: "≈ 3 min on this CPU" comes from measured throughput, read before Start (no probe)."""
    from gui_helpers import load_data

    from tlstudio.core.training.plan import duration_text, plan_run
    from tlstudio.core.training.speed import remember

    settings = window.pages["train"].settings
    model = window.state.model
    name, params = getattr(model, "name", None), getattr(model, "parameters", None)
    remember("cpu", name, params, settings.value_of("strategy"), settings.value_of("max_length"), 2.0, 6.0)
    load_data(qtbot, window, sentiment_csv)
    lines = settings.preset_times.text().splitlines()
    assert all(line.endswith(" on this machine (measured)") for line in lines), lines
    state = window.state
    rows = state.report.loaded.num_rows
    quick = plan_run(round(rows * (1 - state.test_size - state.val_size)), 2, "cpu", "quick", params,
                     val_rows=round(rows * state.val_size), samples_per_second=2.0, eval_samples_per_second=6.0)
    assert lines[0] == f"Quick: {duration_text(quick.seconds).replace('≈ ', 'about ')} on this machine (measured)"
