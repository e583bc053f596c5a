"""The hand-off from the data layer to the engine: labelled, encoded, split data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # datasets is heavy; import it only where the data is built
    import datasets


@dataclass
class PreparedData:
    """Train/validation/test splits ready for tokenization.

    ``splits`` is a ``datasets.DatasetDict`` with keys ``train``, ``validation`` and
    ``test``; every split has the columns ``text`` (str), optionally ``text_pair``
    (str, sentence-pair tasks), ``row`` (int: 0-based data row in the source file) and
    ``label``, encoded by task:

    - ``binary`` / ``multiclass``: int64 index into ``label_names``;
    - ``multilabel``: list of float32 0/1 of length ``len(label_names)``;
    - ``regression``: float32 (``label_names`` is empty).
    """

    task: str
    splits: datasets.DatasetDict
    label_names: list[str]
    text_columns: list[str]
    label_column: str
    source: str = ""
    notes: list[str] = field(default_factory=list)
    label_columns: list[str] = field(default_factory=list)  # several: one 0/1 column per label
    label_values: list[str] = field(default_factory=list)  # the labels as written, when names replace them

    def __post_init__(self) -> None:
        if not self.label_columns:
            self.label_columns = [self.label_column]

    @property
    def is_pair(self) -> bool:
        return "text_pair" in self.splits["train"].column_names

    def summary(self) -> dict[str, Any]:
        """Sizes and labels, for the model card and the run config."""
        return {
            "task": self.task,
            "source": self.source,
            "text_columns": self.text_columns,
            "label_column": self.label_column,
            "label_columns": self.label_columns,
            "label_names": self.label_names,
            "label_values": self.label_values,
            "sizes": {name: len(split) for name, split in self.splits.items()},
        }
