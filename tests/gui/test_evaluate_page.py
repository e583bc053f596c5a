"""The Evaluate page reads a run folder: baselines beside the model, confusion cells, regression."""

from __future__ import annotations

import json

from tlstudio.core.runs.folder import METRICS_JSON, PREDICTIONS_CSV, RUN_JSON


def _run_folder(tmp_path, metrics: dict, predictions: str = "") -> str:
    run = tmp_path / "run"
    run.mkdir()
    (run / METRICS_JSON).write_text(json.dumps(metrics), encoding="utf-8")
    (run / RUN_JSON).write_text(json.dumps({"status": "complete", "main_metric": "accuracy"}))
    if predictions:
        (run / PREDICTIONS_CSV).write_text(predictions, encoding="utf-8")
    return str(run)


def test_confusion_cell_lists_its_rows(window, qtbot, tmp_path):
    metrics = {
        "task": "binary", "label_names": ["neg", "pos"],
        "model": {"accuracy": 0.75, "f1_macro": 0.74},
        "baselines": {"majority": {"accuracy": 0.5, "f1_macro": 0.33},
                      "tfidf": {"accuracy": 0.6, "f1_macro": 0.6}},
        "confusion_matrix": [[1, 1], [0, 2]],
        "per_class": {"neg": {"precision": 1.0, "recall": 0.5, "f1": 0.67, "support": 2},
                      "pos": {"precision": 0.67, "recall": 1.0, "f1": 0.8, "support": 2}},
        "misclassified": [{"row": 7, "text": "meh", "true": "neg", "predicted": "pos",
                           "confidence": 0.6}],
    }
    predictions = ("row,text,true,prediction,score_neg,score_pos\n"
                   "3,awful,neg,neg,0.9,0.1\n7,meh,neg,pos,0.4,0.6\n"
                   "9,great,pos,pos,0.1,0.9\n11,fine,pos,pos,0.3,0.7\n")
    window.state.set_run(_run_folder(tmp_path, metrics, predictions))
    window.show_page("evaluate")
    page = window.pages["evaluate"]
    qtbot.waitUntil(lambda: page.metrics_table.rowCount() == 2, timeout=60_000)
    assert page.metrics_table.item(0, 1).text() == "0.7500"
    assert page.metrics_table.item(0, 2).text() == "0.5000"
    assert "accuracy: 0.750" in page.headline.text()
    assert page.confusion.item(0, 1).text().startswith("1")
    page.confusion.cellClicked.emit(0, 1)
    assert page.cell_rows.count() == 1 and "row 7: meh" in page.cell_rows.item(0).text()
    assert page.mistakes.rowCount() == 1
    assert not page.tabs.isTabVisible(page.regression_index)


def test_regression_runs_show_a_scatter_and_residuals(window, qtbot, tmp_path):
    metrics = {"task": "regression", "label_names": [], "model": {"mae": 0.2, "pearson": 0.9},
               "baselines": {"majority": {"mae": 1.0}}, "pairs": [[1, 1.2], [2, 1.9], [3, 3.1]]}
    window.state.set_run(_run_folder(tmp_path, metrics))
    window.show_page("evaluate")
    page = window.pages["evaluate"]
    qtbot.waitUntil(lambda: page.metrics_table.rowCount() == 2, timeout=60_000)
    assert page.tabs.isTabVisible(page.regression_index)
    assert page.scatter.getPlotItem().items
    assert page.confusion.rowCount() == 0
    # the Predict page could not load a model from this folder: it says so, inline
    predict = window.pages["predict"]
    qtbot.waitUntil(lambda: not predict.banner.isHidden(), timeout=120_000)
