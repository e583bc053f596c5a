"""Issue 13 items 13 and 14: every page writes scores, probabilities and metric names alike, and
the batch table gives its room to the text."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressBar

from tlstudio.core.runs.store import RunFolder
from tlstudio.gui.workers import running_threads

SCORE = re.compile(r"-?\d+\.\d{3}")  # 3 decimals
PERCENT = re.compile(r"\d{1,3}(\.\d)?%")  # a probability


def test_scores_probabilities_and_metric_names_read_the_same_on_every_page(window, qtbot, engine_run,
                                                                           sentiment_csv):
    run = RunFolder(engine_run("binary"))
    window.state.set_run(str(run.path))
    window.show_page("evaluate")
    evaluate = window.pages["evaluate"]
    table = evaluate.metrics_table
    qtbot.waitUntil(lambda: table.rowCount() > 0, timeout=60_000)
    for r in range(table.rowCount()):
        assert "_" not in table.item(r, 0).text()  # "macro F1", never "f1_macro"
        for c in range(1, table.columnCount()):
            text = table.item(r, c).text() if table.item(r, c) else ""
            assert not text or SCORE.fullmatch(text), text
    assert re.search(r"Test macro F1: \d\.\d{3}", evaluate.headline.text())
    assert re.match(r"Your model: macro F1 \d\.\d{3} \(95% interval \d\.\d{3} to \d\.\d{3}\)",
                    evaluate.verdict.scores.text())

    window.show_page("predict")
    predict = window.pages["predict"]
    qtbot.waitUntil(predict.load_button.isEnabled, timeout=60_000)
    qtbot.keyClicks(predict.input, "a great movie, I loved it")
    qtbot.waitUntil(lambda: "sure" in predict.result.text(), timeout=30_000)
    assert re.search(rf"\({PERCENT.pattern} sure\)", predict.result.text())
    bars = [b for b in predict.findChildren(QProgressBar) if b is not predict.batch_progress and b.isVisible()]
    assert len(bars) == 2
    assert all(re.fullmatch(rf".+: {PERCENT.pattern}", b.format()) for b in bars)

    predict.predict_file(str(sentiment_csv))
    qtbot.waitUntil(predict.save_button.isEnabled, timeout=120_000)
    batch = predict.batch_table
    header = [batch.horizontalHeaderItem(c).text() for c in range(batch.columnCount())]
    probs = [c for c, name in enumerate(header) if name.startswith("prob_")]
    assert len(probs) == 2 and all(PERCENT.fullmatch(batch.item(0, c).text()) for c in probs)
    window.resize(1280, 820)
    qtbot.wait(50)
    text = header.index("text")
    assert batch.columnWidth(text) > 3 * max(batch.columnWidth(c) for c in probs)  # the text gets the room
    # the explanation of the typed text runs in the background: let it end before the window closes
    qtbot.waitUntil(lambda: not [t for t in running_threads() if t.objectName() == "FunctionWorker"],
                    timeout=120_000)



def test_the_verdict_and_the_scores_table_read_like_the_rest_of_the_page(window, qtbot, engine_run,
                                                                         tmp_path):
    """The verdict's sentence said "macro F1 0.91 vs 0.90" under a headline of 0.911, its lines
    "p = 1.4e-34"; the Scores table listed "precision macro" beside "macro F1"."""
    run = Path(shutil.copytree(engine_run("binary"), tmp_path / "run"))
    record = json.loads((run / "run.json").read_text(encoding="utf-8"))
    next(iter(record["verdict"]["baselines"].values()))["p_value"] = 1.4e-34  # a baseline far behind
    (run / "run.json").write_text(json.dumps(record), encoding="utf-8")
    window.state.set_run(str(run))
    window.show_page("evaluate")
    evaluate = window.pages["evaluate"]
    table = evaluate.metrics_table
    qtbot.waitUntil(lambda: table.rowCount() > 0 and bool(evaluate.verdict.sentence.text()), timeout=60_000)
    lines = evaluate.verdict.scores.text()
    assert "p < 0.001" in lines and "e-" not in lines, lines
    for text in (evaluate.verdict.sentence.text(), lines):
        without_p = re.sub(r"p (=|<) [\d.e-]+", "", text)
        assert [n for n in re.findall(r"\d+\.\d+", without_p) if not SCORE.fullmatch(n)] == [], text
    names = [table.item(r, 0).text() for r in range(table.rowCount())]
    assert "Macro precision" in names and "Weighted recall" in names, names
    assert all(name[0].isupper() for name in names), names


def test_how_sure_gives_accuracy_as_a_score(window, qtbot, engine_run):
    """The "don't know" box said "accuracy on the test split 91.1%" where every other page says
    accuracy 0.911 (a percent is a probability, or a share of rows)."""
    window.state.set_run(str(engine_run("binary")))
    window.show_page("insight")
    page = window.pages["insight"]
    bar = page.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(page.tabs.indexOf(page.calibration)).center())
    view = page.calibration
    qtbot.waitUntil(lambda: view._report is not None and bool(view.unsure_label.text()), timeout=30_000)
    assert re.search(rf"accuracy on the test split {SCORE.pattern}\.$", view.unsure_label.text()), \
        view.unsure_label.text()
    qtbot.mouseClick(view.unsure_check, Qt.MouseButton.LeftButton, pos=view.unsure_check.rect().center())
    text = view.unsure_label.text()
    assert re.search(rf"accuracy on the rest ({SCORE.pattern}|—) \(on every row: {SCORE.pattern}\)", text), text


def test_the_evaluate_page_counts_rows_as_the_data_page_does(window, qtbot, engine_run, data_dir):
    """The Mistakes tab and a confusion cell's list named a test row by its place among the data
    rows from 0 ("row 115"), two less than the row a spreadsheet and the Data page show (117)."""
    import csv

    with open(data_dir / "sentiment_120.csv", newline="", encoding="utf-8") as handle:
        lines = list(csv.reader(handle))  # lines[0] is the header: a spreadsheet's row 1
    window.state.set_run(str(engine_run("binary")))
    window.show_page("evaluate")
    page = window.pages["evaluate"]
    qtbot.waitUntil(lambda: page.mistakes.rowCount() > 0, timeout=60_000)
    columns = [page.mistakes.horizontalHeaderItem(c).text() for c in range(page.mistakes.columnCount())]
    row_at, text_at = columns.index("Row"), columns.index("Text")
    def check_mistakes() -> None:
        for r in range(page.mistakes.rowCount()):
            number = int(page.mistakes.item(r, row_at).text())
            assert lines[number - 1][0] == page.mistakes.item(r, text_at).text(), f"row {number}"

    check_mistakes()
    cell = next((r, c) for r in range(2) for c in range(2) if r != c
                and int(page.confusion.item(r, c).text().split()[0]) > 0)
    rect = page.confusion.visualRect(page.confusion.model().index(*cell))
    qtbot.mouseClick(page.confusion.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    listed = [page.cell_rows.item(i).text() for i in range(page.cell_rows.count())]
    number, text = re.match(r"row (\d+): (.*)", listed[0]).groups()
    assert lines[int(number) - 1][0].startswith(text[:40]), listed[0]
    page.evaluate_file(str(data_dir / "sentiment_120.csv"))  # the same rows, as another file
    qtbot.waitUntil(lambda: page.sources.combo.count() == 2 and not window.host.busy, timeout=120_000)
    qtbot.waitUntil(lambda: page.mistakes.rowCount() > 0, timeout=10_000)
    check_mistakes()


def test_learning_rates_read_alike_in_the_box_the_plot_the_comparison_and_the_card(window, qtbot):
    """The learning-rate plot's axis read "0.0001" above "5e-05" beside a box saying "1e-4", and
    the Runs page compared "5e-05" with "0.001": every learning rate reads as the box writes it."""
    from tlstudio.core.settings.config import RunConfig
    from tlstudio.core.settings.schema import field_of, format_value, settings_rows

    window.show_page("train")
    train = window.pages["train"]
    train.settings.set_value("learning_rate", 1e-4)
    assert train.settings.learning_rate.text() == "1e-4"
    for step in range(1, 41):
        train.curves.add_loss(step, 0.5, 1e-4 * (1 - step / 60), total_steps=60)
    train.curves.draw()
    axis = train.lr_plot.getPlotItem().getAxis("left")
    assert axis.tickStrings([0.0, 2.5e-5, 5e-5, 1e-4], 1.0, 2.5e-5) == ["0", "2.5e-5", "5e-5", "1e-4"]
    rate = field_of("learning_rate")
    assert [format_value(rate, v) for v in (1e-4, 5e-5, 1e-3, 2.5e-5)] == ["1e-4", "5e-5", "1e-3", "2.5e-5"]
    assert ("Learning rate", "1e-4") in settings_rows(RunConfig(learning_rate=1e-4), "basic")  # the card's


SPACED_PERCENT = re.compile(r"\d %")  # "95 %": every percent reads "95%", as format.percent writes it


def _shown_texts(root) -> list[str]:
    """Every text a person can read in ``root``: labels, buttons, boxes, tables, tabs, tooltips."""
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractSpinBox,
        QComboBox,
        QLabel,
        QPlainTextEdit,
        QTableWidget,
        QTabWidget,
        QWidget,
    )

    texts = []
    for widget in [root, *root.findChildren(QWidget)]:
        texts.append(widget.toolTip())
        if isinstance(widget, QLabel | QAbstractButton | QAbstractSpinBox):
            texts.append(widget.text())
        elif isinstance(widget, QPlainTextEdit):
            texts += [widget.toPlainText(), widget.placeholderText()]
        elif isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
        elif isinstance(widget, QTabWidget):
            texts += [widget.tabText(i) for i in range(widget.count())]
        elif isinstance(widget, QTableWidget):
            heads = [widget.horizontalHeaderItem(c) for c in range(widget.columnCount())]
            cells = [widget.item(r, c) for r in range(widget.rowCount()) for c in range(widget.columnCount())]
            texts += [t for item in (*heads, *cells) if item is not None for t in (item.text(), item.toolTip())]
    return [t for t in texts if t]


def test_every_percent_on_every_page_is_written_alike(window, qtbot, engine_run, data_dir):
    """Predict said "92%" and the confusion matrix "91%", but the Runs page "95 % interval", the
    Data page's test share "15 %" and How sure "a \\"90 % sure\\" answer": one way, "95%", everywhere."""
    from gui_helpers import load_data

    from tlstudio.core.system.paths import runs_dir

    run = shutil.copytree(engine_run("binary"), runs_dir() / "20261202-034308-sentiment_120-tiny")
    load_data(qtbot, window, data_dir / "sentiment_120.csv")
    window.state.set_run(str(run))
    window.show_page("evaluate")
    evaluate = window.pages["evaluate"]
    qtbot.waitUntil(lambda: evaluate.metrics_table.rowCount() > 0 and bool(evaluate.verdict.scores.text()),
                    timeout=60_000)
    window.show_page("insight")
    insight = window.pages["insight"]
    view = insight.calibration
    insight.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view._report is not None and bool(view.explain.text()), timeout=30_000)
    window.show_page("runs")
    runs = window.pages["runs"]
    qtbot.waitUntil(lambda: runs.runs_list.rowCount() > 0, timeout=60_000)
    texts = _shown_texts(window)
    assert any(re.search(r"\d%", t) for t in texts)  # percents are there to be read...
    assert [t for t in texts if SPACED_PERCENT.search(t)] == []  # ...and none is spaced
    assert window.pages["data"].test_spin.text() == "15%"
