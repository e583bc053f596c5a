"""Does this CPU multiply int8 matrices faster than float ones? (issue 15: int8 export speed)

An int8 ONNX model can only be faster than its float original where onnxruntime's int8 matrix
product is: on CPUs with integer dot-product instructions (VNNI, AMX) it is 2-4x; on plain AVX2 it
may be no faster at all. This times one matrix product of a BERT-small feed-forward layer's shape
(batch 32 x 48 tokens, 384 -> 1536) in fp32 and dynamically quantised int8 (one scale, and one per
output channel, as the export uses), on ONE thread and by that thread's CPU time, so a busy
machine changes the figures little. The best of ``--rounds`` interleaved rounds is kept.

    python bench/int8_gemm.py
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from pathlib import Path


def build(folder: Path, rows: int, inner: int, cols: int) -> dict[str, Path]:
    """The fp32 MatMul graph and its two int8 quantisations."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    from onnxruntime.quantization import QuantType, quantize_dynamic

    weight = np.random.default_rng(0).standard_normal((inner, cols)).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"])], "gemm",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, inner])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, cols])],
        [numpy_helper.from_array(weight, "w")])
    paths = {name: folder / f"{name}.onnx" for name in ("fp32", "int8", "int8 per channel")}
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), paths["fp32"])
    logging.disable(logging.WARNING)  # the quantiser's "consider pre-processing" hint
    quantize_dynamic(str(paths["fp32"]), str(paths["int8"]), weight_type=QuantType.QInt8)
    quantize_dynamic(str(paths["fp32"]), str(paths["int8 per channel"]), weight_type=QuantType.QInt8,
                     per_channel=True)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=32 * 48, help="tokens in the batch")
    parser.add_argument("--inner", type=int, default=384)
    parser.add_argument("--cols", type=int, default=1536)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    import numpy as np
    import onnxruntime as ort

    with tempfile.TemporaryDirectory() as tmp:
        paths = build(Path(tmp), args.rows, args.inner, args.cols)
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1  # runs on the calling thread: its CPU time is the work
        sessions = {k: ort.InferenceSession(str(p), options, providers=["CPUExecutionProvider"])
                    for k, p in paths.items()}
        x = np.random.default_rng(1).standard_normal((args.rows, args.inner)).astype(np.float32)
        best = dict.fromkeys(sessions, float("inf"))
        for _ in range(args.rounds):
            for name, session in sessions.items():
                start = time.thread_time()
                session.run(None, {"x": x})
                best[name] = min(best[name], time.thread_time() - start)
    flops = 2 * args.rows * args.inner * args.cols
    print(f"{args.rows} x {args.inner} x {args.cols} matrix product, one thread, best of {args.rounds} (CPU time):")
    for name, seconds in best.items():
        print(f"  {name:17} {seconds * 1000:7.1f} ms  {flops / seconds / 1e9:6.1f} GFLOP/s  "
              f"{best['fp32'] / seconds:.2f}x fp32")


if __name__ == "__main__":
    main()
