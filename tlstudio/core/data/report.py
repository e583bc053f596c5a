"""``inspect_file``: read, infer roles and find problems in one call, for the CLI and the GUI."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from tlstudio.core.data.labels import class_counts
from tlstudio.core.data.problems import Problem, find_problems
from tlstudio.core.data.reader import read_table
from tlstudio.core.data.roles import Roles, infer_roles
from tlstudio.core.data.rownumbers import numbers_of
from tlstudio.core.data.table import LoadedTable
from tlstudio.core.errors import RolesNotFound

_DELIMITER_NAMES = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe", " ": "space"}


@dataclass
class DataReport:
    """What TL Studio understood of a data file, and what is wrong with it."""

    loaded: LoadedTable
    roles: Roles
    classes: dict[str, int]
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def to_dict(self) -> dict[str, Any]:
        loaded, roles = self.loaded, self.roles
        data: dict[str, Any] = {
            "path": loaded.path,
            "format": loaded.format,
            "rows": loaded.num_rows,
            "columns": loaded.column_names,
            "encoding": loaded.encoding,
            "delimiter": loaded.delimiter,
            "has_header": loaded.has_header,
            "text_columns": roles.text_columns,
            "label_column": roles.label_column,
            "label_columns": roles.label_columns,
            "task": roles.task,
            "label_separator": roles.label_separator,
            "problems": [p.to_dict() for p in self.problems],
            "notes": loaded.notes,
            "reasons": roles.reasons,
        }
        if roles.task != "regression":
            data["classes"] = self.classes
        return data

    def to_text(self) -> str:
        """A short human-readable report."""
        loaded, roles = self.loaded, self.roles
        delim = _DELIMITER_NAMES.get(loaded.delimiter or "", repr(loaded.delimiter))
        layout = f"{loaded.format}, {loaded.encoding}"
        if loaded.format in ("csv", "tsv"):
            layout += f", delimiter {delim if loaded.delimiter else 'none (one column)'}, "
            layout += "header" if loaded.has_header else "no header"
        lines = [
            f"{os.path.basename(loaded.path)}: {loaded.num_rows:,} rows x "
            f"{len(loaded.column_names)} columns ({layout})",
            f"  text:  {', '.join(roles.text_columns)}"
            + ("  (sentence pair)" if roles.is_pair else ""),
            f"  label: {', '.join(roles.label_columns)}  task: {roles.task}"
            + (f" (separator '{roles.label_separator}')" if roles.label_separator else ""),
        ]
        if self.classes:
            shown = ", ".join(f"{k} {v:,}" for k, v in list(self.classes.items())[:10])
            more = f" and {len(self.classes) - 10} more" if len(self.classes) > 10 else ""
            lines.append(f"  classes ({len(self.classes)}): {shown}{more}")
        lines += [f"  note: {n}" for n in loaded.notes]
        if not self.problems:
            lines.append("No problems found.")
        numbers = numbers_of(loaded)
        for p in self.problems:
            example = f" (rows {', '.join(str(numbers.of(r)) for r in p.rows[:5])})" if p.rows else ""
            lines.append(f"  {p.severity}: {p.message}{example}")
        if any(p.rows for p in self.problems):
            lines.append(f"  {numbers.meaning}")
        return "\n".join(lines)


def inspect_file(path: str | os.PathLike[str], *, text_columns: list[str] | None = None,
                 label_column: str | None = None, task: str | None = None,
                 encoding: str | None = None, delimiter: str | None = None,
                 has_header: bool | None = None, tokenizer: Any = None,
                 max_length: int | None = None,
                 label_columns: list[str] | None = None) -> DataReport:
    """Read ``path``, infer (or apply) the roles and list the problems. Raises DataError."""
    loaded = read_table(path, encoding=encoding, delimiter=delimiter, has_header=has_header)
    try:
        roles = infer_roles(loaded, text_columns=text_columns, label_column=label_column, task=task,
                            label_columns=label_columns)
    except RolesNotFound as exc:
        exc.loaded = loaded  # the caller can show the columns to pick the roles from
        raise
    problems = find_problems(loaded, roles, tokenizer=tokenizer, max_length=max_length)
    return DataReport(loaded, roles, class_counts(loaded.table, roles), problems)
