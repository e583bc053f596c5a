"""Class names for labels written as codes (0/1, 1-4): given, or read from ``classes.txt``.

The names replace the label values everywhere the engine shows a class (the model's
``id2label``, metrics, predictions); the values stay what the data file says.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tlstudio.core.data.prepared import PreparedData
from tlstudio.core.errors import DataError

CLASSES_FILE = "classes.txt"


def classes_file(data_path: str | Path) -> Path:
    """Where a data file's class names live: ``classes.txt`` in the same folder."""
    return Path(data_path).with_name(CLASSES_FILE)


def read_class_names(data_path: str | Path) -> list[str] | None:
    """The names in ``classes.txt`` beside ``data_path``, one per line in label order, or None.

    Blank lines at the ends are ignored; a blank line between names is an error (it would
    shift every later name onto the wrong class).
    """
    path = classes_file(data_path)
    if not path.is_file():
        return None
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"Couldn't read the class names in '{path}': {exc}.") from exc
    lines = [line.strip() for line in text.strip().splitlines()]
    if not lines:
        return None
    if "" in lines:
        raise DataError(f"'{path}' has a blank line between class names: write one name per line, "
                        "in label order.")
    return lines


def check_class_names(names: Sequence[str], labels: Sequence[str], source: str) -> list[str]:
    """``names`` as a list, or a DataError when they can't stand for ``labels`` one to one."""
    names = [str(n).strip() for n in names]
    if len(names) != len(labels):
        raise DataError(f"{source} gives {len(names)} class name{'s' if len(names) != 1 else ''} for "
                        f"{len(labels)} classes ({', '.join(labels)}): give one name per class, in "
                        "label order.")
    if any(not n for n in names):
        raise DataError(f"{source} has an empty class name: give every class a name.")
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise DataError(f"{source} names two classes '{repeated[0]}': class names must differ.")
    return names


def named_classes(labels: Sequence[str], names: Sequence[str] | None) -> list[str]:
    """The name each label is shown by (the label itself when no names are given)."""
    return [str(n) for n in names] if names and len(names) == len(labels) else [str(x) for x in labels]


def name_classes(prepared: PreparedData, names: Sequence[str] | None, data_path: str | Path) -> PreparedData:
    """``prepared`` with its classes named: by ``names``, else by a ``classes.txt`` beside the data.

    The labels as written move to ``label_values`` (so another file with the same codes can
    still be scored); ``label_names`` become the names. Regression has no classes to name.
    """
    if prepared.task == "regression":
        return prepared
    source = "The class names"
    if names is None:
        names = read_class_names(data_path)
        source = f"'{classes_file(data_path)}'"
        if names is None:
            return prepared
    prepared.label_values = list(prepared.label_values or prepared.label_names)
    prepared.label_names = check_class_names(names, prepared.label_values, source)
    pairs = [f"{v} = {n}" for v, n in zip(prepared.label_values, prepared.label_names, strict=True)]
    more = f" and {len(pairs) - 8} more" if len(pairs) > 8 else ""
    prepared.notes.append(f"Classes named: {', '.join(pairs[:8])}{more}.")
    return prepared
