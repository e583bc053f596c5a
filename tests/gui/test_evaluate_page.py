"""The Evaluate page reads a run folder the engine wrote: baselines beside the model,
confusion cells listing their test rows, regression scatter."""

from __future__ import annotations

from tlstudio.core.runs.store import RunFolder


def test_confusion_cell_lists_its_rows(window, qtbot, engine_run):
    run = RunFolder(engine_run("binary"))
    metrics, predictions = run.metrics(), run.predictions()
    window.state.set_run(str(run.path))
    window.show_page("evaluate")
    page = window.pages["evaluate"]
    numbers = [k for k, v in metrics.model.items() if isinstance(v, (int, float))]
    qtbot.waitUntil(lambda: page.metrics_table.rowCount() == len(numbers), timeout=60_000)
    first = numbers[0]
    assert page.metrics_table.item(0, 1).text() == f"{metrics.model[first]:.3f}"
    assert page.metrics_table.columnCount() == 2 + len(metrics.baselines)
    assert f"macro F1: {metrics.model['f1_macro']:.3f}" in page.headline.text()
    # every cell counts the test rows the predictions file lists for it
    names = metrics.label_names
    for r, true in enumerate(names):
        for c, predicted in enumerate(names):
            rows = [p for p in predictions if p.true == true and p.prediction == predicted]
            assert page.confusion.item(r, c).text().split()[0] == str(len(rows))
            assert metrics.confusion_matrix[r][c] == len(rows)
    r, c = next((r, c) for r in range(2) for c in range(2) if metrics.confusion_matrix[r][c])
    page.confusion.cellClicked.emit(r, c)
    listed = [page.cell_rows.item(i).text() for i in range(page.cell_rows.count())]
    expected = [p for p in predictions if p.true == names[r] and p.prediction == names[c]]
    # rows as a spreadsheet shows the file: the header is row 1, data row 0 is row 2
    assert len(listed) == len(expected) and listed[0].startswith(f"row {expected[0].row + 2}: ")
    assert page.mistakes.rowCount() == len(metrics.misclassified)
    assert not page.tabs.isTabVisible(page.regression_index)


def test_regression_runs_show_a_scatter_and_residuals(window, qtbot, engine_run):
    run = RunFolder(engine_run("regression"))
    metrics = run.metrics()
    window.state.set_run(str(run.path))
    window.show_page("evaluate")
    page = window.pages["evaluate"]
    numbers = [k for k, v in metrics.model.items() if isinstance(v, (int, float))]
    qtbot.waitUntil(lambda: page.metrics_table.rowCount() == len(numbers), timeout=60_000)
    assert page.tabs.isTabVisible(page.regression_index)
    assert page.scatter.getPlotItem().items and metrics.pairs
    assert page.confusion.rowCount() == 0
