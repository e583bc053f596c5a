"""Ship a trained run: as a Hugging Face folder, ONNX or int8 ONNX, each checked against PyTorch."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tlstudio.core.atomic import write_json, write_text
from tlstudio.core.errors import ModelError, RunFolderError
from tlstudio.core.events import StopFlag

FORMATS = ("hf", "onnx", "onnx-int8")
FP32_TOLERANCE = 1e-4  # max abs probability difference an fp32 ONNX export may show
INT8_WARN_POINTS = 1.0  # an int8 accuracy drop above this many points gets a warning
REPORT_JSON = "export_report.json"
TFIDF_NOT_ONNX = ("This run ships a TF-IDF model: export it as a Hugging Face-style model folder, which "
                  "holds the model and a predict.py that needs only numpy. ONNX is for fine-tuned networks.")

Status = Callable[[str], None]


def export_model(run_dir: str | Path, fmt: str, out: str | Path, status: Status | None = None, *,
                 stop: StopFlag | None = None, include_data_path: bool = False,
                 include_predictions: bool = False) -> dict[str, Any]:
    """Export ``run_dir`` as ``fmt`` to the new folder ``out``, verify it; return the report.

    The report (parity on the test split, speed on this CPU, warnings) is also written to
    ``out/export_report.json`` and the model card ``out/README.md``. ``stop`` is checked
    between steps (a stopped export leaves nothing behind); the ``include_*`` flags keep the
    data file's path and the test rows in a model-folder export (see ``export_run``).
    """
    from tlstudio.core.export import parity
    from tlstudio.core.export.card import render_card
    from tlstudio.core.inference.predictor import Predictor
    from tlstudio.core.insight.calibration import load_calibration

    def say(message: str) -> None:
        if stop is not None:
            stop.check()
        if status is not None:
            status(message)

    if fmt not in FORMATS:
        raise ModelError(f"Unknown export format '{fmt}'; choose one of {', '.join(FORMATS)}.")
    run_dir, out = Path(run_dir), Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise RunFolderError(f"'{out}' is not an empty folder; choose a new folder to export to.")
    from tlstudio.core.runs.store import RunFolder

    tfidf = RunFolder(run_dir).model_kind() == "tfidf"
    if tfidf and fmt != "hf":
        raise ModelError(TFIDF_NOT_ONNX)
    split = parity.read_test_split(run_dir)
    if fmt != "hf":
        from tlstudio.core.export.onnx import check_available

        check_available()
    say("loading the TF-IDF model" if tfidf else "loading the PyTorch model")
    predictor = Predictor.load(run_dir, device="cpu")
    # Uncalibrated on both sides: parity checks the network; the temperature travels as a number.
    reference = predictor.predict_scores(split.texts, split.pairs, 32, calibrated=False)
    torch_speed = parity.speed(lambda t, p, b: predictor.predict_scores(t, p, b, calibrated=False),
                               split.texts, split.pairs)
    partial = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent if out.parent.exists() else None))
    try:
        graph: dict[str, Any] = {}
        if fmt == "hf":
            exported, scorer = _export_hf(run_dir, partial, split, say, stop=stop,
                                          include_data_path=include_data_path,
                                          include_predictions=include_predictions)
        else:
            exported, scorer = _export_onnx(predictor, partial, fmt, load_calibration(run_dir), split, say,
                                            graph)
        say("measuring speed")
        report = {
            "format": fmt, "run": str(run_dir), "model_kind": predictor.kind,
            "task": predictor.task, **({"graph": graph} if graph else {}),
            "parity": parity.compare(predictor.task, predictor.label_names, split, reference, exported),
            "speed": {"pytorch": torch_speed,
                      "exported": parity.speed(scorer, split.texts, split.pairs)},
        }
        report["speed"]["speedup_batch32"] = (report["speed"]["exported"]["rows_per_s_batch32"]
                                              / torch_speed["rows_per_s_batch32"])
        report["warnings"] = _warnings(fmt, report["parity"])
        write_json(partial / REPORT_JSON, report)
        write_text(partial / ("EXPORT.md" if fmt == "hf" else "README.md"), render_card(report))
        out.parent.mkdir(parents=True, exist_ok=True)
        if out.exists():
            out.rmdir()
        partial.rename(out)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    report["out"] = str(out)
    return report


def _export_hf(run_dir: Path, folder: Path, split: Any, say: Status, **copy: Any) -> tuple[Any, Any]:
    from tlstudio.core.inference.predictor import Predictor
    from tlstudio.core.runs.catalog import export_run

    say("copying the model folder")
    folder.rmdir()
    export_run(run_dir, folder, **copy)
    if (folder / "tfidf_model.py").is_file():  # what the folder's own predict.py uses, numpy only
        copy = _standalone_tfidf(folder)
    else:
        copy = Predictor.load(folder, device="cpu")
    say("checking the copy against the run")
    return (copy.predict_scores(split.texts, split.pairs, 32, calibrated=False),
            lambda t, p, b: copy.predict_scores(t, p, b, calibrated=False))


def _standalone_tfidf(folder: Path) -> Any:
    """The exported folder's ``tfidf_model.py``, imported from there, with its model loaded."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"_tlstudio_export_{abs(hash(str(folder)))}",
                                                  folder / "tfidf_model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.TfidfModel.load(folder)


def _export_onnx(predictor: Any, folder: Path, fmt: str, calibration: Any,
                 split: Any, say: Status, graph: dict[str, Any]) -> tuple[Any, Any]:
    """Trace (and for int8 fuse and quantise) into ``folder``; ``graph`` gets how the int8 graph was built."""
    from tlstudio.core.export.onnx import (
        MODEL_FP32,
        MODEL_INT8,
        export_onnx,
        quantize_int8,
        write_bundle,
    )
    from tlstudio.core.export.standalone import ExportedModel

    say("exporting to ONNX")
    model_file = MODEL_INT8 if fmt == "onnx-int8" else MODEL_FP32
    fp32 = folder / MODEL_FP32
    export_onnx(predictor, fp32)
    if fmt == "onnx-int8":
        say("quantising to int8")
        fused = quantize_int8(fp32, folder / MODEL_INT8, getattr(predictor.model, "config", None))
        graph.update({"weights": "int8, one scale per output channel", "fused": fused})
        fp32.unlink()
        for extra in folder.glob("*.onnx.data"):  # external weights of the fp32 model
            extra.unlink()
    write_bundle(predictor, folder, model_file, calibration)
    say("checking the export against PyTorch")
    model = ExportedModel(folder)
    scores = model.predict_scores(split.texts, split.pairs, calibrated=False)
    return scores, lambda t, p, b: model.predict_scores(t, p, b, calibrated=False)


def _warnings(fmt: str, result: dict[str, Any]) -> list[str]:
    warnings = []
    if fmt in ("hf", "onnx") and result["max_abs_diff"] > FP32_TOLERANCE:
        warnings.append(f"The exported model's probabilities differ from PyTorch's by up to "
                        f"{result['max_abs_diff']:.2g} (more than {FP32_TOLERANCE:g}).")
    change = result.get("accuracy_change_points")
    if change is not None and change < -INT8_WARN_POINTS:
        warnings.append(f"Test accuracy drops by {-change:.1f} points in the {fmt} export "
                        f"(more than {INT8_WARN_POINTS:g}); consider the fp32 ONNX export.")
    return warnings


def summary_lines(report: dict[str, Any]) -> list[str]:
    """What a person reads after an export: parity, accuracy change and speed, with their units."""
    p, s = report["parity"], report["speed"]
    source = "run" if report.get("model_kind") == "tfidf" else "PyTorch"
    lines = [f"exported {report['format']} to {report.get('out', '')}",
             f"parity on {p['rows']} test rows: max probability difference {p['max_abs_diff']:.2e}, "
             f"labels agree on {100 * p['label_agreement']:.1f}% of rows"]
    if p["accuracy_change_points"] is not None:
        lines.append(f"test accuracy {100 * p['accuracy_pytorch']:.1f}% ({source}) -> "
                     f"{100 * p['accuracy_exported']:.1f}% (export): {p['accuracy_change_points']:+.1f} points")
    for name in ("pytorch", "exported"):
        lines.append(f"speed on this CPU, {source.lower() if name == 'pytorch' else name}: {s[name]['latency_ms_batch1']:.1f} ms per text at "
                     f"batch 1, {s[name]['rows_per_s_batch32']:.0f} rows/s at batch 32")
    lines.append(f"speed-up at batch 32: {s['speedup_batch32']:.2f}x")
    if report.get("graph"):
        from tlstudio.core.export.card import graph_line

        lines.append(graph_line(report["graph"]))
    return lines + [f"warning: {w}" for w in report["warnings"]]
