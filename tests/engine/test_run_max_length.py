"""Issue 11: the presets' times are planned at the max length the run will use ("auto": from the data).

The GUI estimates before the run (the Data page's token survey); the runner picks the length once
the data is split (:func:`tlstudio.core.models.fit.model_fit` on the training split): they must agree.
"""

from __future__ import annotations

import csv

from tlstudio.core.data.reader import read_table
from tlstudio.core.data.roles import infer_roles
from tlstudio.core.data.split import SplitConfig, split_tables
from tlstudio.core.models.token_survey import survey_tokens
from tlstudio.core.settings.config import RunConfig

SHORT = "this film was good and i liked it {}"
LONG = "the movie was great and the service was terrible but i would like it " * 6


def _write(path, texts: list[str]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows([t, "pos" if i % 2 else "neg"] for i, t in enumerate(texts))


def _long_outside_training(path, rows: int, split: SplitConfig) -> None:
    """Short training texts; every validation and test text long (the split follows the labels only)."""
    _write(path, [SHORT.format(i) for i in range(rows)])
    loaded = read_table(str(path))
    train = set(split_tables(loaded, infer_roles(loaded), split)[0]["train"].column("row").to_pylist())
    _write(path, [SHORT.format(i) if i in train else LONG + str(i) for i in range(rows)])


def test_the_gui_and_the_runner_choose_the_same_auto_length_on_the_same_data(tmp_path, tiny_model_dir):
    from tlstudio.core.models.counting import load_counter
    from tlstudio.core.models.fit import model_fit
    from tlstudio.core.models.loading import load_tokenizer
    from tlstudio.core.training.runner import _prepare

    config = RunConfig(data_path=str(tmp_path / "mixed.csv"), model=str(tiny_model_dir))
    split = SplitConfig(test_size=config.test_size, val_size=config.val_size, seed=config.seed)
    _long_outside_training(tmp_path / "mixed.csv", 80, split)
    loaded = read_table(config.data_path)
    roles = infer_roles(loaded)
    # the GUI's path: the Data page's token counter (tokenizer.json, no transformers)
    before_run = survey_tokens(loaded, roles, split, load_counter(tiny_model_dir)).auto_max_length
    _prepare(config, lambda event: None)
    assert config.max_length == before_run
    assert before_run < 32  # short training texts: far under the 128 the estimate used to assume
    everything = [str(t) for t in loaded.table.column("text").to_pylist()]
    whole_file = model_fit(everything, load_tokenizer(tiny_model_dir)).suggested_max_length
    assert whole_file > 64  # counting the held-out rows too would have planned another length


def test_the_gui_path_follows_the_split_the_user_chose(tmp_path, tiny_model_dir):
    """A separate test file: every row of the file trains, long ones too."""
    from tlstudio.core.models.counting import load_counter
    path = tmp_path / "mixed.csv"
    split = SplitConfig()
    _long_outside_training(path, 80, split)
    loaded = read_table(str(path))
    roles, counter = infer_roles(loaded), load_counter(tiny_model_dir)
    short = survey_tokens(loaded, roles, split, counter)
    assert short.tokenized_rows == 80
    test_file = tmp_path / "test.csv"
    _write(test_file, [SHORT.format(i) for i in range(10)])
    with_test_file = survey_tokens(loaded, roles, SplitConfig(test_file=str(test_file)), counter, short)
    assert with_test_file.auto_max_length > short.auto_max_length
    assert with_test_file.tokenized_rows == 80  # another split: the rows counted once stay counted
