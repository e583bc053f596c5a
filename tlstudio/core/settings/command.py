"""Settings on the command line: ``tlstudio train``'s options, parsing them back, and the
command that repeats a run. All three are generated from the :class:`RunConfig` schema."""

from __future__ import annotations

import argparse
import shlex
from typing import Any

from tlstudio.core.settings.config import PLANNED_SETTINGS, RunConfig
from tlstudio.core.settings.schema import (
    Field,
    cli_default_of,
    flag_of,
    format_value,
    settings_fields,
)

CLI_GROUPS = {
    "data": "data (inferred from the file when left out)",
    "model": "model",
    "plan": "training plan",
    "basic": "training",
    "advanced": "training (advanced)",
    "output": "output",
}
_METAVARS = {"int": "N", "float": "X", "rate": "RATE", "ratio": "SHARE", "text": "TEXT"}
_TYPES = {"int": int, "float": float, "rate": float, "ratio": float, "text": str, "list": str,
          "choice": str}


def _help(f: Field) -> str:
    meta = f.metadata
    default = cli_default_of(f)
    shown = "off" if default is False else format_value(f, default)
    if meta.get("none_flag") is not None and meta["none_flag"] != meta.get("none_text"):  # "none means none" says nothing
        shown += f"; {meta['none_flag']} means {meta['none_text']}"
    # argparse formats help with %: a literal percent sign must be doubled
    return f"{meta['help']} (default: {shown})".replace("%", "%%")


def add_train_options(parser: argparse.ArgumentParser) -> None:
    """Add one option (or the positional) per :class:`RunConfig` setting, grouped as declared."""
    groups = {name: parser.add_argument_group(title) for name, title in CLI_GROUPS.items()}
    for f in settings_fields(*CLI_GROUPS):
        meta, group = f.metadata, groups[f.metadata["group"]]
        kind = meta["kind"]
        if meta.get("positional"):
            group.add_argument(f.name, nargs="?", default=None, metavar=meta.get("metavar"),
                               help=meta["help"].replace("%", "%%"))
        elif kind == "bool":
            group.add_argument(flag_of(f), dest=f.name, action="store_true", help=_help(f))
        elif kind == "tristate":
            group.add_argument(flag_of(f), dest=f.name, action=argparse.BooleanOptionalAction,
                               default=cli_default_of(f), help=_help(f))
        else:
            none_flag, default = meta.get("none_flag"), cli_default_of(f)
            if f.name in PLANNED_SETTINGS:
                default = argparse.SUPPRESS  # left out: the preset's plan chooses it
            elif default is None and none_flag is not None:
                default = none_flag
            group.add_argument(
                flag_of(f), dest=f.name, type=_TYPES[kind], choices=meta.get("choices"),
                action="append" if kind == "list" else "store",
                metavar=meta.get("metavar") or _METAVARS.get(kind), default=default, help=_help(f))


def config_from_args(args: argparse.Namespace) -> RunConfig:
    """The RunConfig that ``tlstudio train`` arguments describe.

    Planned settings left out keep their schema default and are listed in ``planned``, so the
    runner lets the preset's plan choose them; with ``--preset none`` they stay the defaults.
    """
    values: dict[str, Any] = {}
    left_out = []
    for f in settings_fields(*CLI_GROUPS):
        if not hasattr(args, f.name):
            left_out.append(f.name)
            continue
        value = getattr(args, f.name)
        if value is not None and value == f.metadata.get("none_flag"):
            value = None
        values[f.name] = value
    values["data_path"] = str(values["data_path"] or "")
    if "epochs" not in left_out:  # the user chose the run's length: the plan keeps its updates and passes
        left_out = [name for name in left_out if name not in ("batch_size", "evals_per_epoch")]
    config = RunConfig(**values)
    if config.preset is not None:
        config.planned = left_out
    return config


def changed_flags(config: RunConfig, *, ignore: tuple[str, ...] = ()) -> list[str]:
    """The flags whose values differ from the defaults (for "ignored with --resume")."""
    return [flag_of(f) for f in settings_fields(*CLI_GROUPS)
            if f.name not in ignore and not f.metadata.get("positional")
            and getattr(config, f.name) != cli_default_of(f)]


def _option(flag: str, value: Any) -> list[str]:
    text = repr(value) if isinstance(value, float) else str(value)
    return [f"{flag}={text}"] if text.startswith("-") else [flag, text]


def repeat_command(config: RunConfig) -> str:
    """The ``tlstudio train …`` line that repeats ``config`` exactly (defaults left out).

    Under a preset, a planned setting is left out only while the plan is still to choose it
    (``planned``); once chosen (or given), it is written even at its default value.
    """
    parts, data = ["tlstudio", "train"], config.data_path
    if not data.startswith("-"):
        parts.append(data)
    for f in settings_fields(*CLI_GROUPS):
        value, default, meta = getattr(config, f.name), cli_default_of(f), f.metadata
        if f.name in PLANNED_SETTINGS and config.preset is not None:
            if f.name in config.planned:
                continue
        elif meta.get("positional") or value == default:
            continue
        flag = flag_of(f)
        if meta["kind"] == "tristate":
            parts.append(flag if value else "--no-" + flag.removeprefix("--"))
        elif meta["kind"] == "bool":
            parts.append(flag)
        elif meta["kind"] == "list":
            for item in value or []:
                parts += _option(flag, item)
        elif value is None:
            parts += _option(flag, meta["none_flag"])
        else:
            parts += _option(flag, value)
    if data.startswith("-"):
        parts += ["--", data]
    return shlex.join(parts)


def fresh_run_command(config: RunConfig) -> str:
    """The ``tlstudio train …`` line that trains ``config`` again, into a new run folder.

    The run's own folder is left out: it holds a finished run, so the engine would refuse it.
    """
    from dataclasses import replace

    return repeat_command(replace(config, output_dir=None))
