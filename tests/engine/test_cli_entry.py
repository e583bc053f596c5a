"""The ``tlstudio`` entry point before any work starts: help, unknown commands, no display."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tlstudio.cli.main import build_parser, main


def _without_display() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    return {**env, "PYTHONUNBUFFERED": "1"}


@pytest.mark.parametrize("argv", [["--demo"], [], ["--self-test"]])
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="display servers as Linux has them")
def test_the_window_without_a_display_is_one_error_line_not_a_qt_abort(argv):
    done = subprocess.run([sys.executable, "-m", "tlstudio", *argv], capture_output=True, text=True,
                          env=_without_display(), timeout=120)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: no display"), lines
    assert "tlstudio train" in lines[0]


def test_a_mistyped_command_names_it_and_suggests_the_real_one(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["inpsect", "f.csv"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [err[0]] and err[0].startswith("error: unknown command 'inpsect'")
    assert "did you mean 'inspect'?" in err[0]
    assert main(["trian"]) == 2 and "did you mean 'train'?" in capsys.readouterr().err


def test_an_existing_file_named_like_a_word_still_opens_in_the_window(tmp_path, monkeypatch):
    from tlstudio.cli.main import unknown_command

    monkeypatch.chdir(tmp_path)
    (tmp_path / "reviews").write_text("text,label\n")
    assert unknown_command("reviews") is None
    assert unknown_command("reviews.csv") is None  # a file name, not a command word
    assert unknown_command("modles") is not None


def test_top_level_help_explains_the_window_and_its_options(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for words in ("open the TL Studio window", "tlstudio FILE", "--demo", "--self-test",
                  "--install-desktop-entry", "train --help"):
        assert words in out, words


def test_train_without_data_and_without_resume_is_a_clear_error(capsys):
    assert main(["train"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: train needs a data file (or --resume --out DIR to continue a run)."]


def test_resume_says_which_given_settings_it_ignores(tmp_path, capsys):
    assert main(["train", "--resume", "--out", str(tmp_path / "none"), "--epochs", "5", "--lr", "1e-4"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0] == ("warning: --resume continues the run with the settings it started with; "
                      "ignoring --epochs, --lr")
    assert len(err) == 2 and err[1].startswith("error: Can't resume")


def test_every_command_has_help_that_formats(capsys):
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    for name, sub in commands.items():
        assert sub.format_help(), name  # a bare % in a help string raises here
    assert parser.format_help()


def test_train_help_gives_the_preset_default_and_no_empty_words():
    train = build_parser()._subparsers._group_actions[0].choices["train"]
    text = " ".join(train.format_help().split())
    assert "(default: balanced)" in text and "none means none" not in text
    assert "never" in text  # a 'none' that does mean something is still said (patience 0: never)
