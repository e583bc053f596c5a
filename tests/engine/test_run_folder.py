"""The run-folder API: one owner of a run's records, a lock, failures that clean up after
themselves, data that can't train refused at once, formula-safe CSVs and bounded reports."""

from __future__ import annotations

import ast
import csv
import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import sentiment_rows

import tlstudio
from tlstudio.cli.main import main
from tlstudio.core.errors import DataError, RunFolderError, TrainingError
from tlstudio.core.events import FailedEvent, StatusEvent
from tlstudio.core.runs.store import RunFolder, RunStatus, check_target
from tlstudio.core.training import run_training

PACKAGE = Path(tlstudio.__file__).parent
DATA = Path(__file__).parent.parent / "data"
RECORDS = ("run.json", "run_config.json", "metrics.json", "predictions_test.csv", "history.csv",
           "run_notes.json", "calibration.json")
RECORD_NAMES = ("RUN_JSON", "CONFIG_JSON", "METRICS_JSON", "PREDICTIONS_CSV", "HISTORY_CSV", "NOTES_JSON",
                "CALIBRATION_JSON",
                "read_run_info", "load_json", "write_status", "write_csv")


def _record_uses(path: Path) -> list[str]:
    """Code (not docstrings) in ``path`` that names a run record's file or its low-level helpers."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
                and node.value in RECORDS):  # a path part; sentences may name the files
            found.append(f"{path.name}:{node.lineno}: {node.value!r}")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tlstudio.core.runs.folder"):
            found += [f"{path.name}:{node.lineno}: imports {a.name}" for a in node.names if a.name in RECORD_NAMES]
        elif isinstance(node, ast.Attribute) and node.attr in RECORD_NAMES and node.attr != "write_status":
            found.append(f"{path.name}:{node.lineno}: uses .{node.attr}")
    return found


def test_no_module_outside_the_run_folder_api_opens_run_records():
    api = PACKAGE / "core" / "runs"
    offenders = [use for path in sorted(PACKAGE.rglob("*.py")) if api not in path.parents
                 for use in _record_uses(path)]
    assert offenders == []


def test_the_record_check_sees_a_stray_reader(tmp_path):
    stray = tmp_path / "stray.py"
    stray.write_text('"""Reads metrics.json (a docstring may say so)."""\n'
                     "import json\n"
                     "from tlstudio.core.runs.folder import CONFIG_JSON\n"
                     "def f(d):\n    return json.loads((d / 'metrics.json').read_text())\n")
    assert len(_record_uses(stray)) == 2


# --- issue 16 item 1: data that can't train stops before any model is loaded ------------------

def _write_csv(path: Path, rows: list[tuple[str, str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows(rows)
    return path


@pytest.fixture
def loads(monkeypatch):
    """Calls of the model loader: a refused run must make none."""
    from tlstudio.core.models import loading

    calls: list = []
    real = loading.load_classifier
    monkeypatch.setattr(loading, "load_classifier", lambda *a, **k: calls.append(a) or real(*a, **k))
    return calls


@pytest.mark.parametrize("labels", [
    lambda i: "positive",  # one class
    lambda i: f"id-{i}",  # every label different: an ID column
])
def test_data_that_cannot_train_is_refused_before_a_model_loads(tiny_config, tmp_path, loads, labels):
    rows = [(f"review number {i} of a phone", labels(i)) for i in range(80)]
    tiny_config.data_path = str(_write_csv(tmp_path / "data.csv", rows))
    events: list = []
    with pytest.raises(DataError, match="can't be trained on"):
        run_training(tiny_config, events.append)
    assert loads == [] and isinstance(events[-1], FailedEvent)
    assert not Path(tiny_config.output_dir).exists()  # nothing left behind, not even the folder


def test_the_cli_refuses_one_class_data_in_one_line(tiny_model_dir, tmp_path, capsys, loads):
    data = _write_csv(tmp_path / "one.csv", [(f"text {i}", "same") for i in range(40)])
    code = main(["train", str(data), "--out", str(tmp_path / "run"), "--model", str(tiny_model_dir)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("error:") == 1 and "Traceback" not in err
    assert "same label" in err and loads == []


# --- failures clean up: weights and checkpoints, partial ones first ---------------------------

def _fail_in_reports(monkeypatch, exc: BaseException, partial: bool = False) -> None:
    """Fail after training saved checkpoints and the model (while writing the test report)."""
    from tlstudio.core.training import report

    def write_reports(run_dir, *args, **kwargs):
        if partial:  # a checkpoint cut short by the full disk
            cut = run_dir / "checkpoints" / "checkpoint-999"
            cut.mkdir(parents=True)
            (cut / "model.safetensors").write_bytes(b"\0" * 1000)
        raise exc

    monkeypatch.setattr(report, "write_reports", write_reports)


def test_a_failed_run_removes_its_weights_and_checkpoints(tiny_config, monkeypatch):
    tiny_config.extra["keep_checkpoints"] = True
    _fail_in_reports(monkeypatch, RuntimeError("index out of range in self"))
    with pytest.raises(TrainingError, match="index out of range"):
        run_training(tiny_config)
    folder = RunFolder(tiny_config.output_dir)
    assert folder.status() == RunStatus.FAILED and "index out of range" in folder.info().error
    assert not list(folder.path.glob("*.safetensors")) and not (folder.path / "checkpoints").exists()


def test_a_full_disk_removes_the_partial_checkpoint_and_stays_resumable(tiny_config, monkeypatch):
    _fail_in_reports(monkeypatch, OSError(errno.ENOSPC, "No space left on device"), partial=True)
    with pytest.raises(TrainingError, match="The disk is full"):
        run_training(tiny_config)
    folder = RunFolder(tiny_config.output_dir)
    assert not (folder.path / "checkpoints" / "checkpoint-999").exists()
    assert not list(folder.path.glob("*.safetensors")) and folder.status() == RunStatus.FAILED
    assert folder.latest_checkpoint() is not None and folder.can_resume()


def test_a_failure_that_cannot_be_written_still_reads_failed(tiny_config, monkeypatch):
    from tlstudio.core.runs import folder as files

    real = files.write_status

    def write_status(run_dir, status, **fields):
        if status == "failed":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(run_dir, status, **fields)

    monkeypatch.setattr(files, "write_status", write_status)
    _fail_in_reports(monkeypatch, RuntimeError("boom"))
    with pytest.raises(TrainingError):
        run_training(tiny_config)
    assert RunFolder(tiny_config.output_dir).status() == RunStatus.FAILED


def test_a_failing_observer_does_not_stop_the_failure_being_recorded(tiny_config, monkeypatch):
    _fail_in_reports(monkeypatch, RuntimeError("boom"))

    def observer(event):
        if isinstance(event, FailedEvent):
            raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    with pytest.raises(TrainingError, match="boom"):
        run_training(tiny_config, observer)
    assert RunFolder(tiny_config.output_dir).status() == RunStatus.FAILED


# --- a run killed before its first checkpoint: the messages offer the way out -----------------

def _killed_before_a_checkpoint(run: Path, tiny_config) -> None:
    run.mkdir(parents=True)
    (run / "run_config.json").write_text(tiny_config.to_json())
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    import socket

    (run / "run.json").write_text(json.dumps({"status": "running", "pid": int(dead.stdout),
                                              "host": socket.gethostname()}))


def test_a_run_killed_before_its_first_checkpoint_can_be_started_again(tiny_config, tiny_model_dir,
                                                                      tmp_path, capsys):
    run = tmp_path / "killed"
    _killed_before_a_checkpoint(run, tiny_config)
    (run / "model.safetensors").write_bytes(b"half a model")
    argv = ["train", str(DATA / "sentiment_120.csv"), "--out", str(run), "--model", str(tiny_model_dir),
            "--epochs", "1", "--max-length", "32", "--long-texts", "truncate", "--precision", "fp32"]
    for extra in (["--resume"], []):  # neither can go on; both say how to start again
        assert main(argv + extra) == 2
        err = capsys.readouterr().err
        assert err.count("error:") == 1 and "--restart" in err
    assert main(argv + ["--restart"]) == 0
    folder = RunFolder(run)
    assert folder.status() == RunStatus.COMPLETE and (run / "model.safetensors").stat().st_size > 1000


def test_resuming_a_folder_that_is_not_a_run_leaves_nothing_behind(tiny_config, tmp_path):
    tiny_config.output_dir = str(tmp_path / "nothing-here")
    with pytest.raises(RunFolderError, match="not a TL Studio run folder"):
        run_training(tiny_config, resume=True)
    assert not (tmp_path / "nothing-here").exists()


def test_restart_never_clears_a_finished_run_or_someone_elses_folder(tmp_path):
    done = tmp_path / "done"
    done.mkdir()
    (done / "run.json").write_text(json.dumps({"status": "complete"}))
    (done / "run_config.json").write_text("{}")
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "notes.txt").write_text("mine")
    for folder in (done, theirs):
        with pytest.raises(RunFolderError, match="not empty"):
            check_target(folder, resume=False, restart=True)
    assert (done / "run.json").exists() and (theirs / "notes.txt").read_text() == "mine"


# --- issue 16 item 10: one run per folder, at once ----------------------------------------------

HOLD_LOCK = """
import sys
from pathlib import Path
from tlstudio.core.runs.lock import lock_run_folder
lock = lock_run_folder(Path(sys.argv[1]))
print("locked", flush=True)
sys.stdin.readline()
"""


def test_a_second_run_into_a_locked_folder_is_refused_and_a_dead_holder_frees_it(
        tiny_model_dir, tmp_path, loads):
    run = tmp_path / "run"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(run)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(PACKAGE.parent)})
    try:
        assert holder.stdout.readline().strip() == "locked"
        second = subprocess.run(
            [sys.executable, "-m", "tlstudio", "train", str(DATA / "sentiment_120.csv"), "--out", str(run),
             "--model", str(tiny_model_dir)],
            capture_output=True, text=True, timeout=120,
            env={**os.environ, "PYTHONPATH": str(PACKAGE.parent), "TLSTUDIO_HOME": str(tmp_path / "h")})
        assert second.returncode == 2 and "Traceback" not in second.stderr
        assert f"Another training run is using '{run}' (process {holder.pid})" in second.stderr
        from tlstudio.core.runs.lock import is_locked, lock_run_folder

        assert is_locked(run)
    finally:
        holder.kill()  # like a crash: the operating system drops the lock
        holder.wait(30)
    assert not is_locked(run)
    lock_run_folder(run).release()


def test_the_lock_is_released_when_a_run_ends(tiny_config):
    from tlstudio.core.runs.lock import is_locked

    run_training(tiny_config)
    assert not is_locked(Path(tiny_config.output_dir))


# --- issue 16 item 11: a closed stdout --------------------------------------------------------

def test_train_json_into_a_closed_pipe_still_finishes_the_run(tiny_model_dir, tmp_path):
    """``tlstudio train … --json | head -n 3``: no traceback, and the folder is complete."""
    out = tmp_path / "run"
    proc = subprocess.Popen(
        [sys.executable, "-m", "tlstudio", "train", str(DATA / "sentiment_120.csv"), "--out", str(out),
         "--model", str(tiny_model_dir), "--epochs", "1", "--max-length", "32", "--long-texts", "truncate", "--precision", "fp32",
         "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(PACKAGE.parent), "TLSTUDIO_HOME": str(tmp_path / "h")})
    for _ in range(3):
        proc.stdout.readline()
    proc.stdout.close()  # the reader goes away, as ``head`` does
    err = proc.stderr.read()
    assert proc.wait(300) == 0, err
    assert "Traceback" not in err and "BrokenPipe" not in err
    assert RunFolder(out).status() == RunStatus.COMPLETE


# --- issue 16 item 13: formula injection ---------------------------------------------------------

def test_formula_labels_are_escaped_in_the_test_predictions_and_read_back_exactly(tiny_config, tmp_path):
    names = ["=1+1", "@SUM(A1)"]
    rows = [(r["text"], names[r["label"]]) for r in sentiment_rows()]
    tiny_config.data_path = str(_write_csv(tmp_path / "formulas.csv", rows))
    result = run_training(tiny_config)
    raw = (result.run_dir / "predictions_test.csv").read_text(encoding="utf-8")
    assert "'=1+1" in raw and "\n=1+1" not in raw and ",=1+1" not in raw
    predictions = RunFolder(result.run_dir).predictions()
    assert {p.true for p in predictions} == set(names)
    assert {p.prediction for p in predictions} <= set(names)
    assert all(p.confidence is not None and 0.5 <= p.confidence <= 1 for p in predictions)


def test_predict_file_escapes_the_input_header(tiny_config, tmp_path):
    from tlstudio.core.inference.predictor import Predictor

    result = run_training(tiny_config)
    source = tmp_path / "in.csv"
    with open(source, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["text", "=HYPERLINK(\"http://x\")"], ["great", "a"]])
    Predictor.load(result.run_dir).predict_file(source, tmp_path / "out.csv")
    header = next(csv.reader(open(tmp_path / "out.csv", encoding="utf-8")))
    assert header[:2] == ["text", "'=HYPERLINK(\"http://x\")"]


# --- issue 16 item 14: many classes ----------------------------------------------------------------

def test_many_classes_warn_and_keep_reports_bounded(tiny_config, tmp_path):
    from tlstudio.core.evaluation.metrics import MAX_REPORT_CLASSES, TOP_K_SCORES

    rows = [(r["text"], f"class {i % 60}") for i, r in enumerate(sentiment_rows())]
    tiny_config.data_path = str(_write_csv(tmp_path / "many.csv", rows))
    tiny_config.test_size, tiny_config.val_size = 0.5, 0.1  # rare classes: a big test split
    events: list = []
    result = run_training(tiny_config, events.append)
    warnings = [e.message for e in events if isinstance(e, StatusEvent) and e.level == "warning"]
    assert any(w.startswith("60 classes") for w in warnings)
    folder = RunFolder(result.run_dir)
    metrics = folder.metrics()
    assert metrics.confusion_matrix is None and len(metrics.per_class) == MAX_REPORT_CLASSES
    header = next(csv.reader(open(result.run_dir / "predictions_test.csv", encoding="utf-8")))
    assert len(header) == 4 + 2 * TOP_K_SCORES  # row, text, true, prediction and the top classes
    predictions = folder.predictions()
    assert predictions and all(len(p.scores) == TOP_K_SCORES and p.confidence is not None
                               for p in predictions)
