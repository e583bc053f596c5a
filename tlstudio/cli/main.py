"""The ``tlstudio`` command: no arguments (or a data file) opens the app; subcommands run headless."""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from tlstudio import __version__
from tlstudio.cli.export import COMMANDS as EXPORT_COMMANDS
from tlstudio.cli.insight import COMMANDS as INSIGHT_COMMANDS
from tlstudio.cli.insight import register as register_insight
from tlstudio.core.errors import TLStudioError

SUBCOMMANDS = ("inspect", "train", "evaluate", "predict", "models", "keep-baseline", "doctor", *INSIGHT_COMMANDS, *EXPORT_COMMANDS)


class _Parser(argparse.ArgumentParser):
    """Argument errors are one ``error:`` line on stderr and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"error: {message} (see '{self.prog} --help')\n")
        raise SystemExit(2)


OFFLINE_HELP = "never use the network (downloads are refused; local and cached models work)"
WINDOW_HELP = """\
the window:
  tlstudio                      open the TL Studio window
  tlstudio FILE                 open the window with a data file
  tlstudio --demo               open the window with the bundled demo dataset
  tlstudio --self-test          open the window, train the demo for a few steps, predict,
                                and exit 0 on success
  tlstudio --install-desktop-entry / --uninstall-desktop-entry
                                add TL Studio to (or remove it from) the desktop menu (Linux)

Run 'tlstudio COMMAND --help' for a command's options, e.g. 'tlstudio train --help'."""
_COMMAND_WORD = re.compile(r"[A-Za-z][A-Za-z_-]*")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="tlstudio", description="Fine-tune pretrained transformers on your own CSV:\n"
                     "in a window, or headless with the commands below.",
                     epilog=WINDOW_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"tlstudio {__version__}")
    parser.add_argument("--offline", action="store_true", help=OFFLINE_HELP)
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    from tlstudio.cli import data as cli_data
    from tlstudio.cli import engine as cli_engine

    cli_data.register(sub)
    cli_engine.register(sub)
    register_insight(sub)
    from tlstudio.cli import export as cli_export

    cli_export.register(sub)
    doctor = sub.add_parser("doctor", help="check this machine: PyTorch build, GPUs, network, disk")
    doctor.add_argument("--json", action="store_true", help="print the report as JSON")
    doctor.add_argument("--no-network", action="store_true", help="skip the online check")
    doctor.set_defaults(func=_cmd_doctor)
    return parser


def _cmd_doctor(args: argparse.Namespace) -> int:
    import json

    from tlstudio.core.system.environment import collect

    report = collect(check_network=not args.no_network)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print("\n".join(report.lines()))
    return 0


def _gui_args(argv: list[str]) -> argparse.Namespace:
    parser = _Parser(prog="tlstudio", description="Open the TL Studio window.")
    parser.add_argument("file", nargs="?", help="a data file to open")
    parser.add_argument("--demo", action="store_true", help="open the bundled demo dataset")
    parser.add_argument("--offline", action="store_true", help=OFFLINE_HELP)
    parser.add_argument("--self-test", action="store_true",
                        help="open the window, train the demo for a few steps, predict, exit 0 on success")
    parser.add_argument("--install-desktop-entry", action="store_true",
                        help="add TL Studio to the desktop menu (Linux, XDG)")
    parser.add_argument("--uninstall-desktop-entry", action="store_true",
                        help="remove the desktop-menu entry")
    return parser.parse_args(argv)


def _desktop_entry(install: bool) -> int:
    from tlstudio import desktop

    paths = desktop.install_desktop_entry() if install else desktop.uninstall_desktop_entry()
    verb = "installed" if install else "removed"
    print(f"{verb} {len(paths)} files" + (f", launcher: {paths[0]}" if install and paths else ""))
    return 0


def unknown_command(first: str) -> str | None:
    """The error for a first argument that looks like a mistyped command (not a file); else None."""
    if first in SUBCOMMANDS or first.startswith("-") or not _COMMAND_WORD.fullmatch(first):
        return None
    if Path(first).exists():
        return None
    close = difflib.get_close_matches(first, SUBCOMMANDS, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return (f"unknown command '{first}' ({hint}commands: {', '.join(SUBCOMMANDS)}; "
            "or give a data file to open it in the window)")


def no_display() -> str | None:
    """Why the window can't open here (Linux without a display), before Qt aborts; else None."""
    if not sys.platform.startswith("linux"):
        return None
    platform = os.environ.get("QT_QPA_PLATFORM", "").split(":")[0]
    if platform and platform not in ("xcb", "wayland", "wayland-egl"):
        return None  # offscreen, minimal, vnc, eglfs, linuxfb... need no display server
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return ("no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set); "
            "on a server use the commands instead, e.g. 'tlstudio train FILE' (see 'tlstudio --help')")


def _fail(message: str) -> int:
    sys.stderr.write(f"error: {message}\n")
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if "--offline" in args_list:  # accepted before or after the subcommand
        args_list = [arg for arg in args_list if arg != "--offline"]
        from tlstudio.core.models.catalog import set_offline

        set_offline(True)
    if not args_list or (args_list[0] not in SUBCOMMANDS and args_list[0] not in ("-h", "--help", "--version")):
        if args_list and (problem := unknown_command(args_list[0])):
            return _fail(problem)
        gui_args = _gui_args(args_list)
        if gui_args.install_desktop_entry or gui_args.uninstall_desktop_entry:
            return _desktop_entry(install=gui_args.install_desktop_entry)
        if problem := no_display():
            return _fail(problem)
        if gui_args.self_test:
            from tlstudio.selftest import run_self_test

            return run_self_test()
        from tlstudio.gui.app import run_app

        return run_app(file=gui_args.file, demo=gui_args.demo,  # --offline was taken out above
                       offline="--offline" in (sys.argv[1:] if argv is None else argv))

    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    parser = build_parser()
    args = parser.parse_args(args_list)
    try:
        return int(args.func(args) or 0)
    except TLStudioError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")
        return 130
