"""The Evaluate page exports ONNX in a worker and shows the parity and speed it measured."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("onnxruntime")


def test_onnx_export_from_the_evaluate_page_shows_its_check(window, qtbot, engine_run, tmp_path):
    window.state.set_run(str(engine_run("binary")))
    window.show_page("evaluate")
    page = window.pages["evaluate"]
    qtbot.waitUntil(lambda: page.export_panel.format.isEnabled(), timeout=60_000)
    formats = [page.export_panel.format.itemData(i) for i in range(page.export_panel.format.count())]
    assert formats == ["hf", "onnx", "onnx-int8"]
    dest = tmp_path / "onnx"
    page.export_panel.export_to(dest, "onnx")
    qtbot.waitUntil(lambda: "Model saved to" in page.export_panel.result.text(), timeout=300_000)
    text = page.export_panel.result.text()
    report = json.loads((dest / "export_report.json").read_text())
    assert f"max probability difference {report['parity']['max_abs_diff']:.2e}" in text
    assert "rows/s at batch 32" in text and "--" not in text  # GUI words, no CLI flags
    assert (dest / "predict.py").is_file()
