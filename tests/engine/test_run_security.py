"""Security: names from the data can't steer where files go, and offline means no network at all."""

from __future__ import annotations

import csv
import json
import os
import threading
import time
from pathlib import Path

import pytest
from network_guard import NetworkGuard

from tlstudio.core.errors import ModelError
from tlstudio.core.settings.config import RunConfig
from tlstudio.core.training import run_training

HOSTILE_LABELS = ["../../../escaped", "/etc/passwd", "..\\..\\windows", "=HYPERLINK(\"http://x\")"]


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def _hostile_csv(folder: Path) -> Path:
    """Rows whose labels look like paths, in a file whose name looks like one too."""
    folder.mkdir(parents=True)
    path = folder / "..%2F..%2Fevil ;$(touch pwned) ü.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        for i in range(120):
            label = HOSTILE_LABELS[i % len(HOSTILE_LABELS)]
            writer.writerow([f"example number {i} about {label[:3]} and item {i % 7}", label])
    return path


def test_label_and_file_names_cannot_write_outside_the_run_folder(tiny_model_dir, tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("TLSTUDIO_HOME", str(home))
    monkeypatch.chdir(tmp_path)
    data = _hostile_csv(tmp_path / "dossier données" / "sub")
    before = _files(tmp_path)
    config = RunConfig(data_path=str(data), model=str(tiny_model_dir), epochs=1, batch_size=16,
                       learning_rate=1e-3, max_length=16, precision="fp32")
    result = run_training(config)

    run_dir = result.run_dir.resolve()
    assert run_dir.parent == (home / "runs").resolve()
    assert not run_dir.name.startswith(".") and "/" not in run_dir.name
    from tlstudio.core.training.speed import store_path

    # Only the run folder, and the app's own record of training speeds in its home.
    new = _files(tmp_path) - before - {store_path()}
    assert new and all(run_dir in p.resolve().parents for p in new), sorted(map(str, new - {run_dir}))
    assert not any(p.name in ("escaped", "passwd", "pwned") for p in _files(tmp_path.parent))
    # The labels are kept as plain names, not turned into paths
    saved = json.loads((run_dir / "config.json").read_text(encoding="utf-8"))
    assert sorted(saved["id2label"].values()) == sorted(HOSTILE_LABELS)

    # Predictions of a file go only where the user asked; formula-looking labels are escaped.
    from tlstudio.core.inference.predictor import Predictor

    out = tmp_path / "chosen" / "predictions.csv"
    before = _files(tmp_path)
    Predictor.load(run_dir).predict_file(data, out)
    assert _files(tmp_path) - before == {out}
    with open(out, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["prediction"].lstrip("'") for row in rows} <= set(HOSTILE_LABELS)
    assert rows and not any(cell.startswith("=") for row in rows for cell in row.values())


def test_export_writes_only_the_chosen_folder(tiny_model_dir, tmp_path):
    from tlstudio.core.runs.catalog import export_run

    run = tmp_path / "run"
    (run / "checkpoints").mkdir(parents=True)
    for path in tiny_model_dir.iterdir():
        (run / path.name).write_bytes(path.read_bytes())
    before = _files(tmp_path)
    dest = export_run(run, tmp_path / "exports" / "my model")
    new = _files(tmp_path) - before
    assert dest == tmp_path / "exports" / "my model"
    assert new and all(dest in p.parents for p in new)


def test_offline_mode_makes_no_network_access_at_all(tiny_model_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    guard = NetworkGuard(monkeypatch)
    from tlstudio.core.inference.predictor import Predictor
    from tlstudio.core.models.catalog import download_model, list_models, resolve_model
    from tlstudio.core.system.environment import collect

    started = time.monotonic()
    hub = resolve_model("someone/some-model")
    with pytest.raises(ModelError, match="offline mode is on"):
        download_model(hub.name)
    assert [m.source for m in list_models()][0] == "bundled"
    report = collect(check_network=True)
    assert report.online is False
    data = Path(__file__).parent.parent / "data" / "sentiment_120.csv"
    config = RunConfig(data_path=str(data), model=str(tiny_model_dir), epochs=1, batch_size=16,
                       learning_rate=1e-3, max_length=16, precision="fp32", output_dir=str(tmp_path / "run"))
    result = run_training(config)
    assert Predictor.load(result.run_dir).predict(["a fine phone"])[0].label
    assert guard.attempts == []
    assert time.monotonic() - started < 120


def test_an_unreachable_hub_fails_fast_instead_of_hanging(monkeypatch):
    from tlstudio.core.models.catalog import OFFLINE_VARS

    for var in OFFLINE_VARS:
        monkeypatch.delenv(var, raising=False)
    guard = NetworkGuard(monkeypatch, hang=True)
    from tlstudio.core.models.catalog import download_model
    from tlstudio.core.system.environment import check_online

    outcome: dict[str, object] = {}

    def attempt() -> None:
        try:
            download_model("someone/some-model")
        except ModelError as exc:
            outcome["error"] = str(exc)
        outcome["online"] = check_online()

    started = time.monotonic()
    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(20)
    took = time.monotonic() - started
    assert not worker.is_alive(), "download or the online check hung on a black-holed network"
    assert guard.attempts  # it did try, and gave up on its own
    assert "can't be reached" in str(outcome["error"]) and "default" in str(outcome["error"])
    assert outcome["online"][0] is False and took < 15


def test_no_cli_command_touches_the_network_with_offline(tiny_model_dir, tmp_path):
    """``tlstudio --offline …`` in a fresh process, with connect() made to fail loudly if called."""
    import subprocess
    import sys

    guard = tmp_path / "sitecustomize.py"
    guard.write_text(
        "import socket, sys\n"
        "def _refuse(*a, **k):\n"
        "    sys.stderr.write('NETWORK ACCESS ATTEMPTED\\n'); raise OSError('blocked')\n"
        "socket.socket.connect = _refuse\nsocket.create_connection = _refuse\n"
        "socket.getaddrinfo = _refuse\n"
    )
    from tlstudio.core.models.catalog import OFFLINE_VARS

    # Offline mode comes from the --offline flag alone, not from the environment.
    env = {k: v for k, v in os.environ.items() if k not in OFFLINE_VARS}
    env["PYTHONPATH"] = str(tmp_path)
    data = Path(__file__).parent.parent / "data" / "sentiment_120.csv"
    commands = [
        ["inspect", str(data)],
        ["models"],
        ["doctor"],
        ["train", str(data), "--model", "someone/not-here"],
        ["train", str(data), "--model", str(tiny_model_dir), "--epochs", "0.2", "--max-length", "16",
         "--out", str(tmp_path / "run")],
        ["predict", str(tmp_path / "run"), "--text", "great"],
    ]
    for argv in commands:
        flagged = ["--offline", *argv] if argv[0] != "predict" else [*argv, "--offline"]
        proc = subprocess.run([sys.executable, "-m", "tlstudio", *flagged], capture_output=True, text=True,
                              env=env, timeout=300)
        assert "NETWORK ACCESS ATTEMPTED" not in proc.stderr, argv
        assert "Traceback" not in proc.stderr, (argv, proc.stderr)
        expected = 2 if "someone/not-here" in argv else 0
        assert proc.returncode == expected, (argv, proc.stderr)
        if argv[0] == "doctor":
            assert "offline mode is on" in proc.stdout
        if expected == 2:
            assert "offline mode is on" in proc.stderr


EVIL_MODULE = """
from pathlib import Path
Path(__file__).with_name("PWNED").write_text("custom code ran")
from transformers import BertForSequenceClassification as EvilModel
"""


@pytest.mark.parametrize("where", ["config.json", "tokenizer_config.json"])
def test_a_model_with_its_own_code_is_refused_and_the_code_never_runs(tiny_model_dir, tmp_path, where):
    import shutil

    from tlstudio.cli.main import main

    folder = tmp_path / "custom model"
    shutil.copytree(tiny_model_dir, folder)
    (folder / "modeling_evil.py").write_text(EVIL_MODULE)
    settings = json.loads((folder / where).read_text())
    settings["auto_map"] = {"AutoModelForSequenceClassification": "modeling_evil.EvilModel",
                            "AutoTokenizer": ["modeling_evil.EvilModel", None]}
    (folder / where).write_text(json.dumps(settings))
    data = Path(__file__).parent.parent / "data" / "sentiment_120.csv"

    config = RunConfig(data_path=str(data), model=str(folder), epochs=1, max_length=16,
                       output_dir=str(tmp_path / "run"))
    with pytest.raises(ModelError, match="needs to run its own Python code") as raised:
        run_training(config)
    assert where in str(raised.value) and "--trust-remote-code" in str(raised.value)
    assert main(["train", str(data), "--model", str(folder), "--out", str(tmp_path / "run2")]) == 2
    assert main(["inspect", str(data), "--model", str(folder)]) == 2
    # A run folder carrying custom code is refused for prediction too.
    from tlstudio.core.inference.predictor import Predictor

    with pytest.raises(ModelError, match="its own Python code"):
        Predictor.load(folder)
    assert not (folder / "PWNED").exists()
    assert not list(Path.home().glob(".cache/huggingface/modules/transformers_modules/*evil*"))
