"""``tlstudio export`` (ship a run's model, verified) and ``tlstudio launch`` (multi-node files)."""

from __future__ import annotations

import argparse
import json
import sys

COMMANDS = ("export", "launch")


def register(subparsers: argparse._SubParsersAction) -> None:
    export = subparsers.add_parser(
        "export", help="export a run's model (Hugging Face folder, ONNX, int8 ONNX), checked on its test split")
    export.add_argument("run_dir", help="a run folder written by 'tlstudio train'")
    export.add_argument("--format", default="onnx", choices=("hf", "onnx", "onnx-int8"),
                        help="hf: the model folder; onnx: fp32 ONNX with a standalone predict.py; "
                             "onnx-int8: the same, quantised to int8 (default: onnx)")
    export.add_argument("--out", required=True, help="a new (or empty) folder to write the export to")
    export.add_argument("--include-data-path", action="store_true",
                        help="keep the data file's full path in a model folder's card and settings "
                             "(default: its name only, so the folder can be shared)")
    export.add_argument("--include-test-predictions", action="store_true",
                        help="keep predictions_test.csv and the misclassified test texts in a model "
                             "folder (default: left out, they hold your test rows)")
    export.add_argument("--json", action="store_true", help="print the export report as JSON")
    export.set_defaults(func=_export)

    launch = subparsers.add_parser(
        "launch", help="write launch files (sbatch, torchrun, accelerate) to train a run config on many GPUs")
    launch.add_argument("config", help="a run folder, or its run_config.json")
    launch.add_argument("--nodes", type=int, default=1, help="number of machines (default: 1)")
    launch.add_argument("--gpus-per-node", type=int, default=1, help="GPUs (processes) per machine (default: 1)")
    launch.add_argument("--scheduler", default="torchrun", choices=("slurm", "torchrun", "accelerate"),
                        help="which launcher the files are for (default: torchrun)")
    launch.add_argument("--out", help="folder for the launch files (default: launch/ in the current folder)")
    launch.add_argument("--run-out", help="the run folder the launched training writes "
                                          "(default: run/ inside the launch folder)")
    launch.set_defaults(func=_launch)


def _export(args: argparse.Namespace) -> int:
    from tlstudio.core.export import export_model, summary_lines

    report = export_model(args.run_dir, args.format, args.out,
                          status=None if args.json else lambda m: sys.stderr.write(m + "\n"),
                          include_data_path=args.include_data_path,
                          include_predictions=args.include_test_predictions)
    if args.json:
        sys.stdout.write(json.dumps(report, indent=2) + "\n")
    else:
        sys.stdout.write("\n".join(summary_lines(report)) + "\n")
    return 0


def _launch(args: argparse.Namespace) -> int:
    from tlstudio.core.export.launch import write_launch_files

    files = write_launch_files(args.config, nodes=args.nodes, gpus_per_node=args.gpus_per_node,
                               scheduler=args.scheduler, out=args.out, run_out=args.run_out)
    for path in files:
        sys.stdout.write(f"wrote {path}\n")
    return 0
