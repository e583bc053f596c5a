"""Issue 11 on the Train page: the presets come from the plan for the data at hand, with their times."""

from __future__ import annotations

from PySide6.QtCore import Qt


def test_presets_are_planned_for_the_dropped_file_and_say_how_long(window, qtbot, sentiment_csv):
    from gui_helpers import load_data

    from tlstudio.core.training.plan import duration_text, plan_run

    settings = window.pages["train"].settings
    assert settings.preset_times.text() == ""  # no data: nothing to plan
    load_data(qtbot, window, sentiment_csv)
    state = window.state
    qtbot.waitUntil(lambda: state.auto_max_length is not None, timeout=60_000)  # "auto": counted
    lines = settings.preset_times.text().splitlines()
    assert [line.split(":")[0] for line in lines] == ["Quick", "Balanced", "Thorough"]
    assert all(line.endswith(" on this machine (a guess)") for line in lines)  # nothing measured yet
    rows = state.report.loaded.num_rows
    quick = plan_run(round(rows * (1 - state.test_size - state.val_size)), 2, "cpu", "quick", None,
                     val_rows=round(rows * state.val_size), max_length=state.auto_max_length)
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
    from tlstudio.core.training.speed import remember, speed_for

    settings = window.pages["train"].settings
    model = window.state.model
    name, params = getattr(model, "name", None), getattr(model, "parameters", None)
    remember("cpu", name, params, settings.value_of("strategy"), settings.value_of("max_length"), 2.0, 6.0)
    load_data(qtbot, window, sentiment_csv)
    state = window.state
    qtbot.waitUntil(lambda: state.auto_max_length is not None, timeout=60_000)
    lines = settings.preset_times.text().splitlines()
    assert all(line.endswith(" on this machine (measured)") for line in lines), lines
    rows = state.report.loaded.num_rows
    # measured at 128 tokens, carried over to the length "auto" picks for these short texts
    speed = speed_for("cpu", name, params, settings.value_of("strategy"), state.auto_max_length)
    assert speed.measured and speed.samples_per_second > 2.0
    quick = plan_run(round(rows * (1 - state.test_size - state.val_size)), 2, "cpu", "quick", params,
                     val_rows=round(rows * state.val_size), max_length=state.auto_max_length,
                     samples_per_second=speed.samples_per_second,
                     eval_samples_per_second=speed.eval_samples_per_second)
    assert lines[0] == f"Quick: {duration_text(quick.seconds).replace('≈ ', 'about ')} on this machine (measured)"


def _quick_line(state, length: int, params: int | None) -> str:
    from tlstudio.core.training.plan import duration_text, plan_run

    rows = state.report.loaded.num_rows
    quick = plan_run(round(rows * (1 - state.test_size - state.val_size)), 2, "cpu", "quick", params,
                     val_rows=round(rows * state.val_size), max_length=length)
    return f"Quick: {duration_text(quick.seconds).replace('≈ ', 'about ')} on this machine (a guess)"


def _type_length(qtbot, spin, text: str) -> None:
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin, text)
    qtbot.keyClick(spin, Qt.Key.Key_Return)


def test_with_length_auto_the_presets_are_timed_at_the_length_the_run_will_pick(window, qtbot, sentiment_csv,
                                                                              tiny_model_dir):
    """Issue 11: short texts at "auto" were timed at 128 tokens, ~3x too long ("about 11 min" for 4)."""
    from gui_helpers import load_data, pick_model

    from tlstudio.core.data.reader import read_table
    from tlstudio.core.data.roles import infer_roles
    from tlstudio.core.data.split import train_split_texts
    from tlstudio.core.models.fit import model_fit
    from tlstudio.core.models.loading import load_tokenizer
    from tlstudio.core.settings.config import RunConfig
    from tlstudio.core.training.estimate import run_estimates_line
    from tlstudio.core.training.speed import speed_for

    state, settings = window.state, window.pages["train"].settings
    assert settings.value_of("max_length") is None  # "auto", the default
    load_data(qtbot, window, sentiment_csv)  # no model picked: the bundled one's tokenizer counts
    qtbot.waitUntil(lambda: state.auto_max_length is not None, timeout=60_000)
    bundled = state.auto_max_length
    assert bundled < 128  # short review sentences
    assert settings.max_length.text() == f"auto ({bundled})"  # what "auto" stands for here
    quick = settings.preset_times.text().splitlines()[0]
    assert quick == _quick_line(state, bundled, None)
    assert quick != _quick_line(state, 128, None)  # what it said before: longer
    window.show_page("train")
    _type_length(qtbot, settings.max_length, "256")
    assert settings.value_of("max_length") == 256
    assert settings.preset_times.text().splitlines()[0] == _quick_line(state, 256, None) != quick
    _type_length(qtbot, settings.max_length, "0")  # the lowest value stands for "auto"
    assert settings.value_of("max_length") is None
    assert settings.preset_times.text().splitlines()[0] == quick
    window.show_page("model")  # the bundled model, listed first, is chosen
    qtbot.waitUntil(lambda: state.model is not None, timeout=120_000)
    model = state.model
    assert state.model.source == "bundled" and state.auto_max_length in (None, bundled)
    qtbot.waitUntil(lambda: state.auto_max_length == bundled, timeout=60_000)
    config = settings.fill_config(RunConfig())
    train_rows = round(state.report.loaded.num_rows * (1 - state.test_size - state.val_size))

    def estimate_at(length: int) -> str | None:
        config.max_length = length
        speed = speed_for("cpu", model.name, model.parameters, config.strategy, length)
        return run_estimates_line(config, model, train_rows, 2, "cpu", speed)

    assert settings.estimate.text() == estimate_at(bundled) != estimate_at(128)  # the strategies' line too
    quick_tip = settings.preset.itemData(0, Qt.ItemDataRole.ToolTipRole)
    window.show_page("data")
    data_page = window.pages["data"]
    _type_length(qtbot, data_page.test_spin, "50")  # half the rows to test: fewer training rows
    assert state.test_size == 0.5
    qtbot.waitUntil(lambda: settings.preset.itemData(0, Qt.ItemDataRole.ToolTipRole) != quick_tip, timeout=60_000)
    assert settings.preset_times.text().splitlines()[0] == _quick_line(state, state.auto_max_length, model.parameters)
    pick_model(qtbot, window, tiny_model_dir)  # another tokenizer: counted again, planned again
    loaded = read_table(str(sentiment_csv))
    texts, pairs = train_split_texts(loaded, infer_roles(loaded), state.split_config())  # as the runner counts
    expected = model_fit(texts, load_tokenizer(tiny_model_dir), None, pairs).suggested_max_length
    assert expected != bundled  # the tiny tokenizer spells most words out letter by letter
    qtbot.waitUntil(lambda: state.auto_max_length == expected, timeout=60_000)
    assert settings.preset_times.text().splitlines()[0] == _quick_line(state, expected, state.model.parameters)


def test_a_file_whose_columns_must_be_picked_forgets_the_previous_files_auto_length(window, qtbot, tmp_path,
                                                                                   sentiment_csv):
    from gui_helpers import drop_file, load_data

    state, settings, data = window.state, window.pages["train"].settings, window.pages["data"]
    load_data(qtbot, window, sentiment_csv)
    qtbot.waitUntil(lambda: state.auto_max_length is not None, timeout=60_000)
    assert settings.max_length.text() == f"auto ({state.auto_max_length})"
    numbers = tmp_path / "numbers.csv"  # no text column: read, but not usable until one is picked
    numbers.write_text("x,y\n" + "".join(f"{i * 7 % 101},{i % 2}\n" for i in range(80)), encoding="utf-8")
    drop_file(qtbot, window, numbers)
    qtbot.waitUntil(lambda: not state.has_data and not data._busy, timeout=120_000)
    assert settings.max_length.text() == "auto" and settings.preset_times.text() == ""


def test_the_preset_line_and_the_strategies_line_promise_the_same_time(window, qtbot, sentiment_csv):
    """They added different overheads: "Balanced: about 5 min" beside "≈ 3 min in all"."""
    import re

    from gui_helpers import load_data

    state, settings = window.state, window.pages["train"].settings
    load_data(qtbot, window, sentiment_csv)
    window.show_page("model")  # the bundled model, listed first, is chosen
    qtbot.waitUntil(lambda: state.model is not None and state.auto_max_length is not None, timeout=120_000)
    window.show_page("train")
    for strategy in ("full", "frozen"):
        settings.strategy.setCurrentIndex(settings.strategy.findData(strategy))
        for preset in ("Quick", "Balanced", "Thorough"):
            combo = settings.preset
            combo.setFocus()
            steps = combo.findText(preset) - combo.currentIndex()  # chosen with the arrow keys
            for _ in range(abs(steps)):
                qtbot.keyClick(combo, Qt.Key.Key_Down if steps > 0 else Qt.Key.Key_Up)
            assert combo.currentText() == preset
            line = next(x for x in settings.preset_times.text().splitlines() if x.startswith(preset))
            promised = re.match(rf"{preset}: (.+) on this machine", line).group(1).replace("about ", "≈ ")
            in_all = re.search(r"\((.+?) in all\)", settings.estimate.text()).group(1)
            assert settings.estimate.text().startswith(f"Estimated for this run: {strategy}: ")
            assert in_all == promised, (strategy, preset)


def test_a_large_sets_preset_keeps_the_fraction_of_an_epoch_it_planned(window, qtbot):
    """The epochs box held one decimal from 0.1 up: a plan of 0.0241 epochs ran as 0.1, four times
    the updates (and the time) the preset line promised; its validation passes per epoch stopped at 20."""
    import re

    from tlstudio.core.models.catalog import bundled_model
    from tlstudio.core.training.plan import plan_run

    settings = window.pages["train"].settings
    model = bundled_model()
    plans = {name.capitalize(): plan_run(200_000, 2, "cpu", name, model.parameters, val_rows=20_000)
             for name in ("quick", "balanced", "thorough")}
    quick = plans["Quick"]
    assert quick.epochs < 0.1  # planned to its time budget
    settings.set_estimate_inputs(model, 200_000, 2, "cpu", 20_000)
    settings.set_plans(plans)
    settings.apply_preset("Quick")
    assert settings.value_of("epochs") == quick.epochs
    assert settings.value_of("evals_per_epoch") == quick.evals_per_epoch > 20  # the box stopped at 20
    assert settings.epochs.text() == f"{quick.epochs:g} (≈ {quick.updates:,} steps)"  # 3 digits, e.g. 0.0241
    promised = re.match(r"Quick: (.+) on this machine", settings.preset_times.text()).group(1)
    in_all = re.search(r"\((.+?) in all\)", settings.estimate.text()).group(1)
    assert in_all == promised.replace("about ", "≈ ")


def test_a_planned_fraction_of_an_epoch_reads_rounded_with_its_steps(window, qtbot):
    """The Epochs box showed a bare "1.1364" when Quick planned 150 steps of 132 a pass: it reads
    "1.14 (≈ 150 steps)" now, and holds (and trains) the plan's 1.1363 however the box is left."""
    from tlstudio.core.training.plan import plan_run

    settings = window.pages["train"].settings
    plans = {name: plan_run(2112, 2, "cpu", name.lower(), None, val_rows=200, max_length=40)
             for name in ("Quick", "Balanced", "Thorough")}
    quick = plans["Quick"]
    assert (quick.epochs, quick.updates) == (1.1363, 150)  # 150 steps of 16 rows, 132 steps a pass
    settings.set_plans(plans)
    settings.apply_preset("Quick")
    box = settings.epochs
    assert box.text() == "1.14 (≈ 150 steps)"
    tip = settings.preset.itemData(settings.preset.findText("Quick"), Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("≈ 150 steps (1.14 epochs), "), tip
    box.interpretText()  # what leaving the box does: the text shown is read back
    assert settings.value_of("epochs") == quick.epochs and settings.preset.currentText() == "Quick"

    settings.batch_size.setValue(32)  # the plan no longer holds: its steps are not shown
    assert settings.preset.currentText() == "Custom"
    assert box.text() == "1.14" and settings.value_of("epochs") == quick.epochs
    settings.set_value("epochs", 17.0)
    assert box.text() == "17"
    settings.set_value("epochs", 0.0241)  # a large set's plan: a small fraction, its digits kept
    assert box.text() == "0.0241"
    settings.apply_preset("Quick")
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, "2.5")
    box.interpretText()  # a typed value is taken whole
    assert settings.value_of("epochs") == 2.5 and box.text() == "2.5"
    assert settings.preset.currentText() == "Custom"


def test_a_finished_run_times_the_presets_with_the_speed_it_measured(ready_window, qtbot):
    """The strategies' line said "Times from training measured on this computer" (≈ 29 min) after
    a run while the presets above it still said "Quick: about 2 min on this machine (a guess)"."""
    from gui_helpers import TRAIN_TIMEOUT

    train = ready_window.pages["train"]
    settings = train.settings
    settings.epochs.setValue(1)
    assert all(line.endswith("(a guess)") for line in settings.preset_times.text().splitlines())
    with qtbot.waitSignal(train.run_finished, timeout=TRAIN_TIMEOUT):
        train.start_button.click()
    qtbot.waitUntil(lambda: not train.running and "measured on this computer" in settings.estimate.text(),
                    timeout=60_000)
    lines = settings.preset_times.text().splitlines()
    assert [line.split(":")[0] for line in lines] == ["Quick", "Balanced", "Thorough"]
    assert all(line.endswith(" on this machine (measured)") for line in lines), lines
