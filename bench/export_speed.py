"""int8 ONNX against PyTorch on this CPU: rows/s at batch 32, the ratio, and the accuracy change.

Exports a finished run (train the bundled model first, e.g. ``tlstudio train DATA --out RUN``)
as fp32 and int8 ONNX into a temporary folder, with the parity check every export runs, and
prints what it measured. Speed depends on what else the machine is doing: say how busy it was.

    python bench/export_speed.py RUN
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="a finished run folder")
    args = parser.parse_args()
    from tlstudio.core.export import export_model

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("onnx", "onnx-int8"):
            report = export_model(args.run, fmt, Path(tmp) / fmt)
            speed, parity = report["speed"], report["parity"]
            print(f"{fmt:>9}: PyTorch {speed['pytorch']['rows_per_s_batch32']:.1f} rows/s, export "
                  f"{speed['exported']['rows_per_s_batch32']:.1f} rows/s at batch 32 -> "
                  f"{speed['speedup_batch32']:.2f}x; batch-1 latency {speed['pytorch']['latency_ms_batch1']:.1f} "
                  f"-> {speed['exported']['latency_ms_batch1']:.1f} ms; max prob. difference "
                  f"{parity['max_abs_diff']:.2e}, labels agree {parity['label_agreement']:.1%}, accuracy change "
                  f"{parity['accuracy_change_points']} points on {parity['rows']} test rows", flush=True)
    print(f"load average {os.getloadavg()[0]:.1f} after", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
