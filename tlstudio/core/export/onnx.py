"""Write a run's model as ONNX (fp32, or int8 dynamically quantised) with what predicting needs."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from tlstudio.core.atomic import write_json
from tlstudio.core.errors import ModelError

MODEL_FP32 = "model.onnx"
MODEL_INT8 = "model_int8.onnx"
OPSET = 17


def check_available() -> None:
    """A clear error when the optional ONNX packages are missing (they are the ``export`` extra)."""
    import importlib.util

    missing = [m for m in ("onnx", "onnxruntime") if importlib.util.find_spec(m) is None]
    if missing:
        raise ModelError(f"Exporting to ONNX needs {' and '.join(missing)}, which is not installed: "
                         "install it with pip install 'tlstudio[export]' (or export as a Hugging "
                         "Face folder).")


def _input_names(predictor: Any) -> list[str]:
    """The tokenizer outputs the model's forward accepts, in a fixed order."""
    import inspect

    accepted = inspect.signature(predictor.model.forward).parameters
    sample = predictor.tokenizer(["a"], return_tensors="pt")
    return [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in sample and n in accepted]


def export_onnx(predictor: Any, path: Path) -> list[str]:
    """Trace ``predictor``'s model to ``path`` with dynamic batch and sequence axes; return its inputs.

    The TorchScript exporter (``dynamo=False``) is used: it needs no ``onnxscript`` and
    handles the encoder models TL Studio fine-tunes.
    """
    import torch

    names = _input_names(predictor)
    model = predictor.model.to("cpu").eval()

    class Logits(torch.nn.Module):  # positional inputs in ``names`` order, logits out
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *inputs: Any) -> Any:
            return self.model(**dict(zip(names, inputs, strict=True))).logits

    sample = predictor.tokenizer(["a short text", "a somewhat longer text to pad the first"],
                                 padding=True, return_tensors="pt")
    axes = {n: {0: "batch", 1: "sequence"} for n in names} | {"logits": {0: "batch"}}
    import warnings

    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer warnings about Python branches in the model
            torch.onnx.export(Logits().eval(), tuple(sample[n] for n in names), str(path),
                              input_names=names, output_names=["logits"], dynamic_axes=axes,
                              opset_version=OPSET, dynamo=False)
    except Exception as exc:  # the exporter raises many kinds; all mean "this model can't be traced"
        raise ModelError(f"This model can't be exported to ONNX ({type(exc).__name__}: {exc}). "
                         "Export it as a Hugging Face folder instead.") from exc
    return names


def quantize_int8(source: Path, target: Path) -> None:
    """Dynamic int8 quantisation of the weights (activations stay float, computed per batch)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8)


def write_bundle(predictor: Any, folder: Path, model_file: str, calibration: Any | None) -> None:
    """tokenizer.json, export_config.json and predict.py beside the ONNX model."""
    tokenizer = predictor.tokenizer
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None:
        raise ModelError("This model's tokenizer has no fast (tokenizer.json) version, which the "
                         "exported predictor needs. Export it as a Hugging Face folder instead.")
    backend.save(str(folder / "tokenizer.json"))
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    pad_token = tokenizer.pad_token or tokenizer.convert_ids_to_tokens(pad_id)
    write_json(folder / "export_config.json", {
        "schema_version": 1,
        "model_file": model_file,
        "task": predictor.task,
        "label_names": predictor.label_names,
        "text_columns": predictor.text_columns,
        "max_length": predictor.max_length,
        **_windows(predictor),
        "pad_token_id": int(pad_id),
        "pad_token": str(pad_token),
        "padding_side": getattr(tokenizer, "padding_side", "right"),
        "temperature": float(calibration.temperature) if calibration else 1.0,
        "thresholds": dict(calibration.thresholds) if calibration else {},
        "unsure_below": calibration.unsure_below if calibration else None,
    })
    shutil.copyfile(Path(__file__).with_name("standalone.py"), folder / "predict.py")
    (folder / "requirements.txt").write_text("onnxruntime\ntokenizers\nnumpy\n", encoding="utf-8")


def _windows(predictor: Any) -> dict[str, Any]:
    """The run's long-text reading (overlapping windows, mean or max), so predict.py reads the same."""
    from tlstudio.core.inference.chunks import CHUNK_MODES, stride_for

    if predictor.long_texts not in CHUNK_MODES or len(predictor.text_columns) > 1:
        return {}
    return {"stride": stride_for(predictor.max_length),
            "aggregate": "max" if predictor.long_texts == "chunks-max" else "mean"}
