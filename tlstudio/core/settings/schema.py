"""Reading the settings schema: the fields of :class:`RunConfig` and what their metadata says."""

from __future__ import annotations

import dataclasses
from typing import Any

from tlstudio.core.evaluation.format import learning_rate
from tlstudio.core.settings.config import RunConfig

Field = dataclasses.Field


def settings_fields(*groups: str) -> list[Field]:
    """The fields of :class:`RunConfig` in declaration order, only ``groups`` when given."""
    return [f for f in dataclasses.fields(RunConfig) if not groups or f.metadata["group"] in groups]


def field_of(name: str) -> Field:
    """The field called ``name`` (KeyError for an unknown one)."""
    for f in dataclasses.fields(RunConfig):
        if f.name == name:
            return f
    raise KeyError(name)


def default_of(f: Field) -> Any:
    """The field's default value (a fresh one for a factory default)."""
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return f.default


def cli_default_of(f: Field) -> Any:
    """What the command line takes when the flag is left out (the schema default unless declared)."""
    return f.metadata["cli_default"] if "cli_default" in f.metadata else default_of(f)


def flag_of(f: Field) -> str:
    """The CLI flag: declared, or ``--`` plus the name with dashes."""
    return f.metadata.get("flag") or "--" + f.name.replace("_", "-")


def label_of(f: Field) -> str:
    return f.metadata.get("label") or f.name.replace("_", " ").capitalize()


def format_number(value: float) -> str:
    """A float as short as it reads and exact: 5e-05, 0.1, 3 (never rounded to 0.0001)."""
    short = f"{value:g}"
    return short if float(short) == value else repr(value)


def format_value(f: Field, value: Any) -> str:
    """A setting's value as people read it, by what it is (rate, share, count, choice)."""
    meta = f.metadata
    if value is None:
        return meta.get("none_text") or "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return learning_rate(value) if meta.get("kind") == "rate" else format_number(value)
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    return str(value)


def settings_rows(config: RunConfig, *groups: str) -> list[tuple[str, str]]:
    """(label, formatted value) for each setting in ``groups``, in declaration order."""
    return [(label_of(f), format_value(f, getattr(config, f.name))) for f in settings_fields(*groups)]
