"""Evaluate page: "Evaluate on another file…" scores the run on new labelled data, in a worker."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from gui_helpers import TRAIN_TIMEOUT
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFileDialog, QPushButton

from tlstudio.cli.main import main
from tlstudio.core.evaluation.format import metric_name

DATA = Path(__file__).parent.parent / "data"


def _labelled_subset(path: Path, start: int = 200, count: int = 60, extra: list | None = None) -> Path:
    """Rows of sentiment_600.csv (not the training rows), plus ``extra`` rows."""
    with open(DATA / "sentiment_600.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerows([rows[0]] + rows[1 + start:1 + start + count] + (extra or []))
    return path


def _metrics_column(page, column: int) -> dict[str, str]:
    table = page.metrics_table
    return {table.item(r, 0).text().lower(): table.item(r, column).text() for r in range(table.rowCount())}


def _headers(page) -> list[str]:
    table = page.metrics_table
    return [" ".join(table.horizontalHeaderItem(c).text().split()) for c in range(table.columnCount())]


def _fmt(value) -> str:
    return "" if value is None else f"{value:.3f}"


@pytest.fixture(scope="module")
def trained_run(tiny_model_dir, tmp_path_factory):
    """A tiny run trained with the CLI on sentiment_120.csv (for the tests that need any run)."""
    out = tmp_path_factory.mktemp("evaluate_other") / "run"
    assert main(["train", str(DATA / "sentiment_120.csv"), "--out", str(out), "--model",
                 str(tiny_model_dir), "--epochs", "1", "--max-length", "32", "--long-texts", "truncate", "--precision",
                 "fp32", "--lr", "1e-3"]) == 0
    return out


def test_evaluate_on_another_file_then_back_to_the_test_split(ready_window, qtbot, tmp_path,
                                                              monkeypatch):
    from tlstudio.core.evaluation.other_file import evaluate_run

    window = ready_window
    train = window.pages["train"]
    train.settings.epochs.setValue(1)
    with qtbot.waitSignal(train.run_finished, timeout=TRAIN_TIMEOUT) as finished:
        train.start_button.click()
    run_dir = Path(finished.args[0].run_dir)
    qtbot.waitUntil(lambda: not train.running, timeout=60_000)
    window.show_page("evaluate")
    page = window.pages["evaluate"]
    qtbot.waitUntil(lambda: page.metrics_table.rowCount() > 0, timeout=120_000)
    test_split = _metrics_column(page, 1)
    test_headline = page.headline.text()
    assert test_headline.startswith("Test ")

    other = _labelled_subset(tmp_path / "new_reviews.csv",
                             extra=[["an unknown label", "7", "x"], ["no label at all", "", "x"]])
    before = other.read_bytes()
    button = window.findChild(QPushButton, "evaluateFileButton")
    combo = window.findChild(QComboBox, "evaluationSourceCombo")
    assert button is page.sources.button and button.accessibleName() == "Evaluate on another file"
    assert combo.accessibleName() and [combo.itemText(i) for i in range(combo.count())] == ["Test split"]
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(other), ""))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    # the work happens in a worker; the page says what it is doing meanwhile
    assert not button.isEnabled() and page.sources.busy.isVisible()
    assert page.sources.status.text() == "Evaluating on new_reviews.csv…"
    assert window.host.busy
    qtbot.waitUntil(lambda: combo.count() == 2 and button.isEnabled(), timeout=120_000)
    assert page.banner.isHidden() and not page.sources.busy.isVisible()

    expected = evaluate_run(run_dir, other)
    assert expected["rows_evaluated"] == 60 and expected["rows_skipped"] == 2
    assert combo.currentText() == "new_reviews.csv"
    assert "on new_reviews.csv (60 rows, 2 skipped)" in page.sources.caption.text()
    assert " on new_reviews.csv: " in page.headline.text()
    shown = _metrics_column(page, 1)
    numbers = {k: v for k, v in expected["model"].items() if isinstance(v, float)}
    assert shown == {metric_name(k).lower(): _fmt(v) for k, v in numbers.items()}
    assert expected["baselines"], "the training file is still there: baselines are computed"
    headers = _headers(page)
    assert headers[:2] == ["Metric", "Your model"] and "TF-IDF baseline" in headers
    tfidf = _metrics_column(page, headers.index("TF-IDF baseline"))
    assert tfidf["accuracy"] == _fmt(expected["baselines"]["tfidf"]["accuracy"])
    matrix = [[int(page.confusion.item(r, c).text().split()[0]) for c in range(2)] for r in range(2)]
    assert matrix == expected["confusion_matrix"]
    assert page.mistakes.rowCount() == len(expected["misclassified"])
    assert page.per_class.item(0, 4).text() == str(expected["per_class"]["0"]["support"])
    # an off-diagonal cell lists that file's rows
    if expected["confusion_matrix"][0][1]:
        page.confusion.cellClicked.emit(0, 1)
        assert page.cell_rows.count() == expected["confusion_matrix"][0][1]
        assert page.cell_rows.item(0).text().startswith("row ")

    combo.setCurrentIndex(0)  # back to the run's own test split
    assert _metrics_column(page, 1) == test_split
    assert page.headline.text() == test_headline
    assert "test split" in page.sources.caption.text()
    combo.setCurrentIndex(1)
    assert _metrics_column(page, 1) == shown
    assert other.read_bytes() == before, "the user's file was modified"


def test_a_file_without_the_label_column_is_an_inline_error(window, qtbot, tmp_path, trained_run):
    window.state.set_run(trained_run)
    window.show_page("evaluate")
    page = window.pages["evaluate"]
    qtbot.waitUntil(lambda: page.metrics_table.rowCount() > 0, timeout=120_000)
    test_split = _metrics_column(page, 1)

    unlabelled = tmp_path / "unlabelled.csv"
    unlabelled.write_text("text,source\ngreat phone,amazon\nawful food,yelp\n", encoding="utf-8")
    before = unlabelled.read_bytes()
    page.evaluate_file(str(unlabelled))
    qtbot.waitUntil(lambda: not page.banner.isHidden(), timeout=120_000)
    message = page.banner.message.text()
    assert "unlabelled.csv" in message and "no label column 'label'" in message
    qtbot.waitUntil(lambda: page.sources.button.isEnabled(), timeout=10_000)
    assert page.sources.combo.count() == 1 and not page.sources.busy.isVisible()
    assert _metrics_column(page, 1) == test_split  # what was shown stays
    assert unlabelled.read_bytes() == before

    page.evaluate_file(str(tmp_path / "no_such_file.csv"))
    qtbot.waitUntil(lambda: "no_such_file.csv" in page.banner.message.text(), timeout=120_000)
    qtbot.waitUntil(lambda: page.sources.button.isEnabled(), timeout=10_000)

    # the page still works: a good file is evaluated and the error goes away
    good = _labelled_subset(tmp_path / "good.csv", count=30)
    page.evaluate_file(str(good))
    qtbot.waitUntil(lambda: page.sources.combo.count() == 2, timeout=120_000)
    qtbot.waitUntil(lambda: page.sources.button.isEnabled(), timeout=10_000)
    assert page.banner.isHidden()
    assert "on good.csv (30 rows, 0 skipped)" in page.sources.caption.text()
    # evaluating the same file again replaces its entry
    page.evaluate_file(str(good))
    qtbot.waitUntil(lambda: page.sources.button.isEnabled(), timeout=120_000)
    assert page.sources.combo.count() == 2 and page.sources.combo.currentIndex() == 1


def test_without_baselines_the_page_says_why(window, qtbot, tmp_path, monkeypatch, engine_run):
    """A report without baselines (training file gone): a note, and the cells list mistakes."""
    import shutil

    from tlstudio.core.events import StatusEvent
    from tlstudio.core.runs.store import RunFolder
    from tlstudio.gui.pages import evaluate_other

    run = tmp_path / "run"  # an engine-written run whose training file has since gone
    shutil.copytree(engine_run("binary"), run)
    folder = RunFolder(run)
    config = folder.config()
    config.data_path = "/gone/train.csv"
    folder.write_config(config)
    scores = len([v for v in folder.metrics().model.values() if isinstance(v, (int, float))])
    report = {"task": "binary", "label_names": ["neg", "pos"],
              "model": {"accuracy": 0.5, "f1_macro": 0.4},
              "confusion_matrix": [[2, 3], [2, 3]],
              "per_class": {"neg": {"precision": 0.5, "recall": 0.4, "f1": 0.44, "support": 5},
                            "pos": {"precision": 0.5, "recall": 0.6, "f1": 0.55, "support": 5}},
              "misclassified": [{"row": 4, "text": "so so", "true": "neg", "predicted": "pos",
                                 "confidence": 0.7}],
              "rows_evaluated": 10, "rows_skipped": 0, "data_path": str(tmp_path / "b.csv"),
              "baselines": {}}
    seen = []

    def fake_evaluate(run_dir, path, observer, progress):
        seen.append((run_dir, path))
        observer(StatusEvent(message="Predicting 10 rows…"))
        progress(10, 10)
        return report

    monkeypatch.setattr(evaluate_other, "_evaluate_file", fake_evaluate)
    window.state.set_run(run)
    window.show_page("evaluate")
    page = window.pages["evaluate"]
    qtbot.waitUntil(lambda: page.metrics_table.rowCount() == scores, timeout=60_000)
    assert "Majority baseline" in _headers(page)
    page.evaluate_file(str(tmp_path / "b.csv"))
    qtbot.waitUntil(lambda: page.sources.combo.count() == 2, timeout=60_000)
    qtbot.waitUntil(lambda: page.sources.button.isEnabled(), timeout=10_000)
    assert seen == [(str(run), str(tmp_path / "b.csv"))]
    assert _headers(page) == ["Metric", "Your model"]
    caption = page.sources.caption.text()
    assert "No baselines" in caption and "/gone/train.csv" in caption
    assert page.headline.text() == "macro F1 on b.csv: 0.400"  # the task's main metric
    page.confusion.cellClicked.emit(0, 1)  # 3 wrong, 1 kept in the report
    texts = [page.cell_rows.item(i).text() for i in range(page.cell_rows.count())]
    assert texts[0] == "row 4: so so" and "1 of 3 listed" in texts[1]
    page.confusion.cellClicked.emit(0, 0)
    assert "not listed" in page.cell_rows.item(0).text()
    # opening another run forgets the files evaluated for this one
    window.state.set_run(run)
    assert page.sources.combo.count() == 1
    qtbot.waitUntil(lambda: page.metrics_table.rowCount() == scores, timeout=60_000)
