"""``tlstudio compare``: two runs on the same test rows, scores with intervals, McNemar, what differs."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from run_fixtures import paired_predictions, write_run

from tlstudio.cli.main import main
from tlstudio.core.errors import RunFolderError
from tlstudio.core.evaluation.compare import compare_runs


def _pair(tmp_path: Path, both_right: int, only_a: int, only_b: int, both_wrong: int, **b_settings):
    true, a, b = paired_predictions(both_right, only_a, only_b, both_wrong)
    return (write_run(tmp_path / "run-a", true, a),
            write_run(tmp_path / "run-b", true, b, **b_settings))


def test_mcnemar_exact_matches_the_hand_computed_binomial(tmp_path):
    # 10 rows only A gets right, 2 only B: exact two-sided binomial on 12 discordant rows,
    # p = 2 * (C(12,0) + C(12,1) + C(12,2)) / 2**12 = 2 * 79 / 4096
    run_a, run_b = _pair(tmp_path, 25, 10, 2, 3)
    result = compare_runs(run_a, run_b, n_resamples=200)
    assert result.test == "McNemar exact"
    assert result.p_value == pytest.approx(158 / 4096, rel=1e-9)
    assert result.rows == 40 and result.disagreeing_rows == 12
    assert result.significant and "'run-a' is better than 'run-b'" in result.sentence


def test_mcnemar_chi_square_matches_the_hand_computed_value(tmp_path):
    # 20 only-A, 8 only-B: chi-square with continuity correction (|20-8|-1)^2 / 28, one degree
    # of freedom, whose survival function is erfc(sqrt(x / 2))
    run_a, run_b = _pair(tmp_path, 30, 20, 8, 2)
    result = compare_runs(run_a, run_b, n_resamples=200)
    statistic = (abs(20 - 8) - 1) ** 2 / 28
    assert result.test == "McNemar chi-square"
    assert result.p_value == pytest.approx(math.erfc(math.sqrt(statistic / 2)), rel=1e-9)


def test_scores_have_intervals_and_settings_and_rows_are_listed(tmp_path):
    run_a, run_b = _pair(tmp_path, 20, 1, 2, 1, learning_rate=1e-4, epochs=5.0)
    result = compare_runs(run_a, run_b, n_resamples=200)
    for side in (result.a, result.b):
        assert side.ci_low <= side.value <= side.ci_high and side.ci_low < side.ci_high
    assert result.b.value > result.a.value
    assert not result.significant and "could be chance" in result.sentence
    differ = {d.name: d.values for d in result.settings}
    assert differ == {"learning_rate": ["5e-5", "1e-4"], "epochs": ["3", "5"]}
    first = result.disagreements[0]
    # the 21st test row is data row 60 (the fixture's ids step by 3); under a header it is row 62
    assert (first.row, first.text) == (62, "review number 20")
    assert first.a != first.b and first.true in (first.a, first.b)


def test_runs_tested_on_different_rows_are_refused(tmp_path):
    true, a, b = paired_predictions(10, 2, 2, 1)
    run_a = write_run(tmp_path / "a", true, a)
    texts = [f"review number {i}" for i in range(len(true))]
    texts[4] = "a row the other run never saw"
    run_b = write_run(tmp_path / "b", true, b, texts=texts)
    with pytest.raises(RunFolderError, match="tested on different rows"):
        compare_runs(run_a, run_b)


def test_cli_json_shape(tmp_path, capsys):
    run_a, run_b = _pair(tmp_path, 25, 10, 2, 3, learning_rate=1e-3)
    assert main(["compare", str(run_a), str(run_b), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"task", "metric", "rows", "a", "b", "p_value", "test", "significant", "sentence",
            "settings", "disagreements", "disagreeing_rows"} <= data.keys()
    assert set(data["a"]) == {"name", "run_dir", "model", "value", "ci_low", "ci_high"}
    assert data["p_value"] == pytest.approx(158 / 4096) and data["significant"] is True
    assert data["settings"] == [{"name": "learning_rate", "label": "Learning rate", "values": ["5e-5", "1e-3"]}]
    assert len(data["disagreements"]) == 12
    assert set(data["disagreements"][0]) == {"row", "text", "true", "a", "b", "text_pair"}


def test_cli_text_names_scores_test_and_rows(tmp_path, capsys):
    run_a, run_b = _pair(tmp_path, 25, 10, 2, 3)
    assert main(["compare", str(run_a), str(run_b), "--limit", "1"]) == 0
    out = capsys.readouterr().out
    assert "On the same 40 test rows, macro F1" in out and "McNemar exact, p = 0.039" in out
    assert "Rows where they disagree: 12" in out and "... and 11 more" in out


def test_cli_refuses_different_rows_with_one_error_line(tmp_path, capsys):
    true, a, b = paired_predictions(10, 2, 2, 1)
    run_a = write_run(tmp_path / "a", true, a)
    run_b = write_run(tmp_path / "b", true[:-1], b[:-1])
    assert main(["compare", str(run_a), str(run_b)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "different rows" in err
    assert "Traceback" not in err


def test_cli_refuses_an_unfinished_run(tmp_path, capsys):
    true, a, _ = paired_predictions(5, 1, 1, 1)
    run_a = write_run(tmp_path / "a", true, a)
    (tmp_path / "empty").mkdir()
    assert main(["compare", str(run_a), str(tmp_path / "empty")]) == 2
    assert "no test predictions" in capsys.readouterr().err


def test_an_unsure_answer_counts_as_the_likeliest_class(tmp_path):
    true, a, b = paired_predictions(10, 2, 2, 1)
    run_a = write_run(tmp_path / "a", true, a)
    first_pos = b.index("pos")  # written with prob_pos 0.9: "unsure" stands for 'pos' here
    b_unsure = ["unsure" if i == first_pos else p for i, p in enumerate(b)]
    run_b = write_run(tmp_path / "b", true, b_unsure)
    assert compare_runs(run_a, run_b, n_resamples=50).p_value == compare_runs(
        run_a, write_run(tmp_path / "c", true, b), n_resamples=50).p_value


def test_a_side_by_side_stops_between_comparisons_once_asked(tmp_path):
    """The Runs page cancels a comparison when the selection changes again: it must stop, not
    keep scoring (two comparisons at once kept the window waiting for the CPU)."""
    from tlstudio.core.errors import JobCancelled
    from tlstudio.core.evaluation.compare import side_by_side
    from tlstudio.core.events import StopFlag

    true, a, b = paired_predictions(40, 10, 5, 5)
    runs = [str(write_run(tmp_path / name, true, answers)) for name, answers in (("a", a), ("b", b))]
    stop = StopFlag()
    assert len(side_by_side(runs, stop=stop).comparisons) == 1
    stop.stop()
    with pytest.raises(JobCancelled):
        side_by_side(runs, stop=stop)
