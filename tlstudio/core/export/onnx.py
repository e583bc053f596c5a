"""Write a run's model as ONNX (fp32, or int8 dynamically quantised) with what predicting needs.

The graph is traced with plain ("eager") attention, which onnxruntime's transformer optimiser
recognises: for int8 it fuses attention, layer norms and GELU before quantising, so the int8 model
runs fused integer kernels instead of many small float ones (on a 2-core AVX2 CPU without integer
dot-product instructions that is what makes int8 faster than PyTorch at all).
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tlstudio.core.atomic import write_json
from tlstudio.core.errors import ModelError

MODEL_FP32 = "model.onnx"
MODEL_INT8 = "model_int8.onnx"
OPSET = 17
# Hugging Face model types whose encoder onnxruntime's "bert" optimiser knows how to fuse.
FUSABLE = frozenset({"bert", "roberta", "xlm-roberta", "distilbert", "electra", "camembert", "albert"})


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
        with torch.no_grad(), warnings.catch_warnings(), _eager_attention(model):
            warnings.simplefilter("ignore")  # tracer warnings about Python branches in the model
            torch.onnx.export(Logits().eval(), tuple(sample[n] for n in names), str(path),
                              input_names=names, output_names=["logits"], dynamic_axes=axes,
                              opset_version=OPSET, dynamo=False)
    except Exception as exc:  # the exporter raises many kinds; all mean "this model can't be traced"
        raise ModelError(f"This model can't be exported to ONNX ({type(exc).__name__}: {exc}). "
                         "Export it as a Hugging Face folder instead.") from exc
    return names


@contextmanager
def _eager_attention(model: Any) -> Iterator[None]:
    """Trace attention as explicit matmuls and softmax (the pattern the optimiser fuses; SDPA's
    traced form is not recognised); the model's own attention is restored afterwards."""
    before = getattr(model.config, "_attn_implementation", None)
    setter = getattr(model, "set_attn_implementation", None)
    switched = False
    if setter is not None and before not in (None, "eager"):
        try:
            setter("eager")
            switched = True
        except (ValueError, ImportError, NotImplementedError):  # a model without eager attention
            pass
    try:
        yield
    finally:
        if switched:
            setter(before)


def quantize_int8(source: Path, target: Path, model_config: Any = None) -> dict[str, int]:
    """Dynamic int8 quantisation of the weights, per output channel (activations stay float,
    quantised per batch); return the fused operators' counts (empty when nothing was fused).

    Per-channel scales keep the accuracy change within about a point where one scale per
    matrix lost 1.3-2.8 points on movie reviews.
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    graph, fused = source, {}
    optimised = target.with_name(target.stem + ".fused.onnx")
    try:
        if _fuse(source, optimised, model_config):
            graph = optimised
            model = onnx.load(str(graph), load_external_data=False)
            fused = {op: sum(n.op_type == op for n in model.graph.node)
                     for op in ("Attention", "SkipLayerNormalization", "BiasGelu", "EmbedLayerNormalization")}
            fused = {op: n for op, n in fused.items() if n}
        quantize_dynamic(str(graph), str(target), weight_type=QuantType.QInt8, per_channel=True,
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    finally:
        optimised.unlink(missing_ok=True)
    return fused


def _fuse(source: Path, target: Path, model_config: Any) -> bool:
    """Write onnxruntime's fused form of ``source`` to ``target``; False where it can't be made."""
    model_type = getattr(model_config, "model_type", None)
    if model_type not in FUSABLE:
        return False
    from onnxruntime.transformers import optimizer

    heads = getattr(model_config, "num_attention_heads", None) or getattr(model_config, "n_heads", 0)
    hidden = getattr(model_config, "hidden_size", None) or getattr(model_config, "dim", 0)
    quiet = logging.getLogger("onnxruntime.transformers")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        fused = optimizer.optimize_model(str(source), model_type="bert", num_heads=int(heads),
                                         hidden_size=int(hidden), opt_level=0)
        fused.save_model_to_file(str(target))
    except Exception:  # noqa: BLE001 - the optimiser fails in many ways; unfused int8 still works
        target.unlink(missing_ok=True)
        return False
    finally:
        quiet.setLevel(level)
    return True


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

    if predictor.long_texts not in CHUNK_MODES:
        return {}
    return {"stride": stride_for(predictor.max_length),
            "aggregate": "max" if predictor.long_texts == "chunks-max" else "mean"}
