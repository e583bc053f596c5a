"""The data layer: read a table, infer column roles, find problems, split for training.

Arrow-backed throughout: a large file is never copied into Python objects, except for
the slices a view asks for.
"""

from tlstudio.core.data.labels import class_counts, numeric_values
from tlstudio.core.data.problems import Problem, find_problems
from tlstudio.core.data.reader import read_table
from tlstudio.core.data.report import DataReport, inspect_file
from tlstudio.core.data.roles import Roles, infer_roles
from tlstudio.core.data.split import SplitConfig, load_prepared, prepare_splits
from tlstudio.core.data.table import LoadedTable, preview_rows

__all__ = [
    "DataReport",
    "LoadedTable",
    "Problem",
    "Roles",
    "SplitConfig",
    "class_counts",
    "find_problems",
    "infer_roles",
    "inspect_file",
    "load_prepared",
    "numeric_values",
    "prepare_splits",
    "preview_rows",
    "read_table",
]
