"""Settings on the command line: ``tlstudio train``'s options, parsing them back, and the
command that repeats a run. All three are generated from the :class:`RunConfig` schema."""

from __future__ import annotations

import argparse
import shlex
from typing import Any

from tlstudio.core.settings.config import RunConfig
from tlstudio.core.settings.schema import Field, default_of, flag_of, format_value, settings_fields

CLI_GROUPS = {
    "data": "data (inferred from the file when left out)",
    "model": "model",
    "basic": "training",
    "advanced": "training (advanced)",
    "output": "output",
}
_METAVARS = {"int": "N", "float": "X", "rate": "RATE", "ratio": "SHARE", "text": "TEXT"}
_TYPES = {"int": int, "float": float, "rate": float, "ratio": float, "text": str, "list": str,
          "choice": str}


def _help(f: Field) -> str:
    meta = f.metadata
    default = default_of(f)
    shown = "off" if default is False else format_value(f, default)
    if meta.get("none_flag") is not None:
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
                               default=default_of(f), help=_help(f))
        else:
            none_flag = meta.get("none_flag")
            group.add_argument(
                flag_of(f), dest=f.name, type=_TYPES[kind], choices=meta.get("choices"),
                action="append" if kind == "list" else "store",
                metavar=meta.get("metavar") or _METAVARS.get(kind),
                default=none_flag if default_of(f) is None and none_flag is not None else default_of(f),
                help=_help(f))


def config_from_args(args: argparse.Namespace) -> RunConfig:
    """The RunConfig that ``tlstudio train`` arguments describe."""
    values: dict[str, Any] = {}
    for f in settings_fields(*CLI_GROUPS):
        value = getattr(args, f.name)
        if value is not None and value == f.metadata.get("none_flag"):
            value = None
        values[f.name] = value
    values["data_path"] = str(values["data_path"] or "")
    return RunConfig(**values)


def changed_flags(config: RunConfig, *, ignore: tuple[str, ...] = ()) -> list[str]:
    """The flags whose values differ from the defaults (for "ignored with --resume")."""
    return [flag_of(f) for f in settings_fields(*CLI_GROUPS)
            if f.name not in ignore and not f.metadata.get("positional")
            and getattr(config, f.name) != default_of(f)]


def _option(flag: str, value: Any) -> list[str]:
    text = repr(value) if isinstance(value, float) else str(value)
    return [f"{flag}={text}"] if text.startswith("-") else [flag, text]


def repeat_command(config: RunConfig) -> str:
    """The ``tlstudio train …`` line that repeats ``config`` exactly (defaults left out)."""
    parts, data = ["tlstudio", "train"], config.data_path
    if not data.startswith("-"):
        parts.append(data)
    for f in settings_fields(*CLI_GROUPS):
        value, default, meta = getattr(config, f.name), default_of(f), f.metadata
        if meta.get("positional") or value == default:
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
