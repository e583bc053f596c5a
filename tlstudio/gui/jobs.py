"""Plain functions the workers run: they call ``tlstudio.core`` and shape results for display.

Everything heavy is imported inside the functions, so importing this module is cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tlstudio.core.events import StopFlag

if TYPE_CHECKING:
    from tlstudio.core.data.summary import DataSummary as InspectResult


def inspect(path: str, *, text_columns: list[str] | None = None, label_column: str | None = None,
            task: str | None = None, label_columns: list[str] | None = None,
            has_header: bool | None = None, stop: StopFlag | None = None) -> InspectResult:
    """Read and inspect ``path`` with the given role and reading overrides; compute chart data.

    ``stop`` is checked before the file is read and once it has been inspected.
    """
    from tlstudio.core.data.summary import inspect_summary

    stop = stop or StopFlag()
    stop.check()
    summary = inspect_summary(path, text_columns=text_columns, label_column=label_column,
                              task=task, label_columns=label_columns, has_header=has_header)
    stop.check()
    return summary


def list_models(extra_folders: list[str]) -> list[Any]:
    from tlstudio.core.models.catalog import list_models as core_list_models

    return core_list_models(extra_folders)


def detect_devices() -> tuple[list[Any], str]:
    """Detected devices and the torch build note (imports torch: worker only)."""
    from tlstudio.core.system.device import detect_devices as core_detect
    from tlstudio.core.system.device import torch_build_note

    return core_detect(), torch_build_note()


# What a run, its baselines and its evaluation import. A first import runs C-extension set-up
# code that holds the GIL for up to a few hundred ms: in a worker at start-up it freezes the
# window once, while the person reads the Start page, instead of in the middle of a run.
WARM_UP_MODULES = (
    "torch", "transformers", "transformers.trainer", "datasets", "pandas", "scipy.stats",
    "sklearn.metrics", "sklearn.linear_model", "sklearn.feature_extraction.text",
    "sklearn.model_selection", "sklearn.multiclass", "tlstudio.core.training",
    "tlstudio.core.training.plan", "tlstudio.core.training.speed", "tlstudio.core.training.estimate",
    "tlstudio.core.evaluation.other_file",
    # the first file's inspection and token count, the first comparison of runs: imported then,
    # their module code (and its compiling, without .pyc files) held the GIL as the window showed it
    "pyarrow.csv", "tlstudio.core.data.repair", "tlstudio.core.data.summary",
    "tlstudio.core.models.token_survey", "tlstudio.core.evaluation.compare",
    "tlstudio.core.evaluation.zero_shot",  # the Data page's zero-shot score
)


def warm_up() -> None:
    """Import the heavy libraries so the first training starts without a stall, load the
    bundled model's token counter and sentence encoder (the first file's zero-shot score), then
    keep what they made out of the garbage collector's walks (see :mod:`tlstudio.gui.gc_guard`)."""
    import importlib

    from tlstudio.gui.gc_guard import freeze_imported

    _preload_torch_library()
    for name in WARM_UP_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:  # an optional extra; the job that needs it says so
            pass
    try:
        token_counter()  # the first file's length check, with the bundled model's tokenizer
    except Exception:  # noqa: BLE001 - a missing or damaged model: that check says so itself
        pass
    from tlstudio.core.evaluation.embeddings import load_encoder

    load_encoder("default")  # the Data page's zero-shot score and every run's baselines use it (None: skipped)
    freeze_imported()


def _preload_torch_library() -> None:
    """Load torch's 400 MB core library through libc's ``dlopen``, which runs without the GIL.

    Python's import loads it with the GIL held: 0.4-0.5 s in which the window could not
    repaint. Loaded first, the import finds it in memory (its longest GIL hold is then ~0.1 s).
    Linux only; anything unexpected leaves the import to do it as before.
    """
    import ctypes
    import importlib.util
    import os
    import sys
    from pathlib import Path

    if not sys.platform.startswith("linux"):
        return
    try:
        spec = importlib.util.find_spec("torch")
        locations = list(spec.submodule_search_locations or []) if spec is not None else []
        library = Path(locations[0], "lib", "libtorch_cpu.so") if locations else None
        if library is None or not library.is_file():
            return
        dlopen = ctypes.CDLL(None).dlopen  # a ctypes foreign call: the GIL is released meanwhile
        dlopen.restype, dlopen.argtypes = ctypes.c_void_p, [ctypes.c_char_p, ctypes.c_int]
        dlopen(os.fsencode(library), os.RTLD_NOW | os.RTLD_LOCAL)
    except (OSError, AttributeError, ValueError, ImportError):
        pass


_COUNTERS: dict[str, Any] = {}  # model folder -> token counter: loaded once per session


def token_counter(model_folder: str | None = None) -> Any:
    """The model's token counter, loaded once per session (``None``: the bundled model).

    Loading a ``tokenizer.json`` holds the GIL for about 0.1 s (the window waits): the start-up
    warm-up loads the bundled model's, so the first file opened does not.
    """
    from tlstudio.core.models.catalog import bundled_model_path
    from tlstudio.core.models.counting import load_counter

    folder = str(model_folder or bundled_model_path())
    counter = _COUNTERS.get(folder)
    if counter is None:
        counter = _COUNTERS[folder] = load_counter(folder)
    return counter
