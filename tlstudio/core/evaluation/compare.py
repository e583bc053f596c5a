"""Two runs side by side, honestly: scores with 95 % intervals on the same test rows, a paired
test, the settings that differ and the rows where the two disagree.

A higher score on a few hundred rows is often chance. Both runs' saved test predictions are
aligned row by row (refused when the runs were tested on different rows), each score gets the
verdict's bootstrap interval, and the difference gets the verdict's paired test: McNemar's on
per-row correctness for binary/multiclass, a paired bootstrap for regression and multi-label.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from tlstudio.core.errors import RunFolderError, TLStudioError
from tlstudio.core.evaluation import verdict
from tlstudio.core.evaluation.format import p_value as p_phrase
from tlstudio.core.evaluation.metrics import main_metric
from tlstudio.core.events import StopFlag
from tlstudio.core.runs.store import PredictionRow, RunFolder
from tlstudio.core.settings.config import RunConfig
from tlstudio.core.settings.schema import format_value, label_of, settings_fields

ALPHA = verdict.ALPHA
SETTINGS_GROUPS = ("data", "model", "plan", "basic", "advanced")  # not the run folder itself
MAX_DISAGREEMENTS = 10_000


@dataclass
class RunScore:
    """One run's main score on the shared test rows, with its 95 % bootstrap interval."""

    name: str
    run_dir: str
    model: str
    value: float
    ci_low: float
    ci_high: float


@dataclass
class SettingDifference:
    """A RunConfig field whose value differs between the runs (as people read it)."""

    name: str
    label: str
    values: list[str]


@dataclass
class Disagreement:
    """A test row the runs answered differently; ``row`` counts as a spreadsheet shows the file."""

    row: int
    text: str
    true: str
    a: str
    b: str
    text_pair: str | None = None


@dataclass
class RunComparison:
    """Run A against run B on the same test rows."""

    task: str
    metric: str
    rows: int
    a: RunScore
    b: RunScore
    p_value: float
    test: str
    settings: list[SettingDifference] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    disagreeing_rows: int = 0

    @property
    def significant(self) -> bool:
        return self.p_value < ALPHA

    @property
    def sentence(self) -> str:
        """What the difference means, in one sentence."""
        metric = verdict.METRIC_NAMES.get(self.metric, self.metric)
        diff = self.b.value - self.a.value
        where = f"on the same {self.rows:,} test rows ({self.test}, {p_phrase(self.p_value)})"
        if abs(diff) < 1e-12 and not self.significant:
            return f"Both runs score {self.a.value:.3f} {metric} {where}: no difference."
        better, worse = (self.b, self.a) if diff > 0 else (self.a, self.b)
        if self.significant:
            return (f"'{better.name}' is better than '{worse.name}' by {abs(diff):.3f} {metric} "
                    f"{where}: unlikely to be chance.")
        return (f"'{better.name}' scores {abs(diff):.3f} {metric} higher than '{worse.name}' {where}, "
                "but that could be chance: the runs are about as good.")

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out.update(significant=self.significant, sentence=self.sentence)
        return out


# -- aligning the two runs' test rows ---------------------------------------------------------

def _key(row: PredictionRow) -> tuple[int, str, str | None]:
    return row.row, row.text, row.text_pair


def _predictions(folder: RunFolder) -> list[PredictionRow]:
    rows = folder.predictions(limit=10**9)
    if not rows:
        raise RunFolderError(f"'{folder.path}' has no test predictions (the run did not finish): "
                             "only finished runs can be compared.")
    return rows


def aligned_rows(a: RunFolder, b: RunFolder) -> tuple[list[PredictionRow], list[PredictionRow]]:
    """Both runs' test predictions in A's order; RunFolderError when the test rows differ."""
    rows_a, rows_b = _predictions(a), _predictions(b)
    by_key = {_key(r): r for r in rows_b}
    common = sum(_key(r) in by_key for r in rows_a)
    name_a, name_b = a.display_name(), b.display_name()
    if common != len(rows_a) or len(rows_a) != len(rows_b):
        raise RunFolderError(
            f"'{name_a}' and '{name_b}' were tested on different rows ({len(rows_a):,} and "
            f"{len(rows_b):,} test rows, {common:,} in common), so their scores can't be compared "
            "fairly. Compare runs trained on the same data with the same test share and seed.")
    paired = [by_key[_key(r)] for r in rows_a]
    for ra, rb in zip(rows_a, paired, strict=True):
        if ra.true != rb.true:
            raise RunFolderError(
                f"'{name_a}' and '{name_b}' were tested on the same texts with different labels "
                f"(data row {ra.row}: '{ra.true}' and '{rb.true}'), so they can't be compared.")
    return rows_a, paired


def _encode(task: str, values: list[str], names: list[str]) -> np.ndarray:
    """True labels or predictions as :mod:`verdict` takes them (codes, 0/1 matrix or numbers)."""
    if task == "regression":
        return np.asarray([float(v) if v not in ("", None) else np.nan for v in values], dtype=np.float64)
    index = {n: i for i, n in enumerate(names)}
    if task == "multilabel":
        out = np.zeros((len(values), len(names)), dtype=int)
        for i, value in enumerate(values):
            for part in filter(None, value.split(";")):
                out[i, index[part]] = 1
        return out
    return np.asarray([index[v] for v in values], dtype=int)


def _answer(task: str, row: PredictionRow, names: list[str]) -> str:
    """The row's class: its prediction, or its likeliest class when the run answered "unsure"."""
    if task in ("regression", "multilabel") or row.prediction in names:
        return row.prediction
    probs = {k.removeprefix("prob_"): v for k, v in row.scores.items() if k.startswith("prob_")}
    best = max((n for n in probs if n in names), key=probs.__getitem__, default=None)
    if best is None:
        raise RunFolderError(f"Test row {row.row} holds the answer '{row.prediction}', which is no class "
                             "of the run: its predictions can't be scored.")
    return best


def _label_names(task: str, folders: list[RunFolder], rows: list[PredictionRow],
                 others: list[PredictionRow]) -> list[str]:
    """Every class either run knows, in the first run's order (absent classes still count)."""
    names: list[str] = []
    for folder in folders:
        try:
            names += [n for n in folder.metrics().label_names if n not in names]
        except RunFolderError:
            pass
    if task == "multilabel":
        found = {p for r in rows + others for v in (r.true, r.prediction) for p in v.split(";") if p}
    else:
        found = {r.true for r in rows + others}
    return names + sorted(found - set(names))


# -- what else differs -----------------------------------------------------------------------

def settings_differences(configs: list[RunConfig]) -> list[SettingDifference]:
    """The settings whose values are not the same in every config, in declaration order."""
    out = []
    for f in settings_fields(*SETTINGS_GROUPS):
        values = [format_value(f, getattr(c, f.name)) for c in configs]
        if len(set(values)) > 1:
            out.append(SettingDifference(f.name, label_of(f), values))
    return out


@functools.lru_cache(maxsize=32)
def _first_row(path: str, mtime: float, has_header: bool | None) -> int:
    from tlstudio.core.data import read_table

    try:
        loaded = read_table(path, has_header=has_header)
    except (TLStudioError, OSError, ValueError):
        return 2  # most data files have a header row
    return 2 if loaded.has_header and loaded.format in ("csv", "tsv", "excel") else 1


def first_row_number(config: RunConfig) -> int:
    """The number a person reads beside test data row 0: 2 under a header row, else 1."""
    path = Path(config.test_file or config.data_path or "")
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        return 1
    if config.has_header is not None:
        return 2 if config.has_header else 1
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return 2
    return _first_row(str(path), mtime, config.has_header)


def _config(folder: RunFolder) -> RunConfig:
    try:
        return folder.config()
    except RunFolderError:
        return RunConfig()


# -- the comparison ---------------------------------------------------------------------------

def compare_runs(run_a: str | Path, run_b: str | Path, *, seed: int = 0,
                 n_resamples: int = verdict.N_RESAMPLES) -> RunComparison:
    """Compare two finished runs on their shared test rows (RunFolderError when they differ)."""
    a, b = RunFolder(run_a), RunFolder(run_b)
    task_a, task_b = a.info().task, b.info().task
    if task_a and task_b and task_a != task_b:
        raise RunFolderError(f"'{a.display_name()}' is a {task_a} run and '{b.display_name()}' a {task_b} "
                             "run: only runs of the same task can be compared.")
    rows_a, rows_b = aligned_rows(a, b)
    task = task_a or task_b or "multiclass"
    names = _label_names(task, [a, b], rows_a, rows_b)
    y = _encode(task, [r.true for r in rows_a], names)
    pred_a = _encode(task, [_answer(task, r, names) for r in rows_a], names)
    pred_b = _encode(task, [_answer(task, r, names) for r in rows_b], names)
    n_classes = max(1, len(names))
    scores = []
    for i, (folder, pred) in enumerate(((a, pred_a), (b, pred_b))):
        low, high = verdict.confidence_interval(task, y, pred, n_classes, seed=seed + i, n_resamples=n_resamples)
        scores.append(RunScore(folder.display_name(), str(folder.path), folder.info().model,
                               round(verdict.score(task, y, pred, n_classes), 6), round(low, 6), round(high, 6)))
    p_value, test = verdict.compare(task, y, pred_a, pred_b, n_classes, seed=seed)
    config_a = _config(a)
    differ = _disagreements(task, rows_a, rows_b, first_row_number(config_a))
    return RunComparison(task=task, metric=main_metric(task), rows=len(rows_a), a=scores[0], b=scores[1],
                         p_value=float(p_value), test=test,
                         settings=settings_differences([config_a, _config(b)]),
                         disagreements=differ[:MAX_DISAGREEMENTS], disagreeing_rows=len(differ))


def _disagreements(task: str, rows_a: list[PredictionRow], rows_b: list[PredictionRow],
                   first_row: int) -> list[Disagreement]:
    """Rows answered differently (regression: by how far apart, farthest first)."""
    out = []
    for ra, rb in zip(rows_a, rows_b, strict=True):
        if ra.prediction != rb.prediction:
            out.append(Disagreement(ra.row + first_row, ra.text, ra.true, ra.prediction, rb.prediction,
                                    ra.text_pair))
    if task == "regression":
        out.sort(key=lambda d: -abs(float(d.a or 0) - float(d.b or 0)))
    return out


def compare_many(run_dirs: list[str | Path], *, seed: int = 0, n_resamples: int = verdict.N_RESAMPLES,
                 stop: StopFlag | None = None) -> list[RunComparison | str]:
    """Each run after the first against the first: a comparison, or why there can't be one.

    ``stop`` is checked before each comparison (a newer selection makes this one moot).
    """
    out: list[RunComparison | str] = []
    for other in run_dirs[1:]:
        if stop is not None:
            stop.check()
        try:
            out.append(compare_runs(run_dirs[0], other, seed=seed, n_resamples=n_resamples))
        except RunFolderError as exc:
            out.append(str(exc))
    return out


@dataclass
class RunColumn:
    """One run in a side-by-side view: its recorded score, interval, best baseline and curves."""

    run_dir: str
    name: str
    metric: str
    value: float | None
    ci_low: float | None
    ci_high: float | None
    baseline: str = ""  # the best baseline in words
    baseline_value: float | None = None
    history: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class SideBySide:
    """Two or more runs: columns, the settings that differ, each later run against the first."""

    runs: list[RunColumn]
    settings: list[SettingDifference]
    comparisons: list[RunComparison | str]


def _column(folder: RunFolder) -> RunColumn:
    info = folder.info()
    found = info.verdict or {}
    score = found.get("score") or {}
    baselines = {k: b for k, b in (found.get("baselines") or {}).items()
                 if isinstance(b, dict) and b.get("value") is not None}
    best = max(baselines.values(), key=lambda b: b["value"]) if baselines else {}
    return RunColumn(str(folder.path), folder.display_name(), score.get("name") or info.main_metric,
                     score.get("value", info.main_metric_value), score.get("ci_low"), score.get("ci_high"),
                     best.get("name", ""), best.get("value"), folder.history())


def side_by_side(run_dirs: list[str | Path], *, seed: int = 0, n_resamples: int = verdict.N_RESAMPLES,
                 stop: StopFlag | None = None) -> SideBySide:
    """What the Runs page shows for the selected runs (any number; tests need two finished ones).

    ``stop`` is checked between comparisons (:class:`~tlstudio.core.errors.JobCancelled`).
    """
    folders = [RunFolder(d) for d in run_dirs]
    configs = [_config(f) for f in folders if f.has_config()]
    finished = [str(f.path) for f in folders if f.is_complete()]
    return SideBySide([_column(f) for f in folders],
                      settings_differences(configs) if len(configs) > 1 else [],
                      compare_many(finished, seed=seed, n_resamples=n_resamples, stop=stop)
                      if len(finished) > 1 else [])


__all__ = ["Disagreement", "RunColumn", "RunComparison", "RunScore", "SettingDifference", "SideBySide",
           "compare_many", "compare_runs", "first_row_number", "settings_differences", "side_by_side"]
