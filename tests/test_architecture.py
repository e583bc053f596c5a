"""House rules a test can see: the core never imports Qt; start-up stays light."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import tlstudio

PACKAGE = Path(tlstudio.__file__).parent
QT_MODULES = ("PySide6", "pyqtgraph", "shiboken6", "PyQt5", "PyQt6")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_never_imports_qt():
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(_imports(path) & set(QT_MODULES))
        for path in (PACKAGE / "core").rglob("*.py")
    }
    assert not {k: v for k, v in offenders.items() if v}


def test_core_works_with_qt_blocked():
    """Importing every core module succeeds when Qt can't be imported at all."""
    code = (
        "import sys, importlib, pkgutil\n"
        f"for name in {QT_MODULES!r}: sys.modules[name] = None\n"
        "import tlstudio.core as core\n"
        "for m in pkgutil.walk_packages(core.__path__, 'tlstudio.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]


def test_cli_help_does_not_import_torch():
    code = (
        "import sys\n"
        "from tlstudio.cli.main import build_parser\n"
        "build_parser()\n"
        "heavy = [m for m in ('torch', 'transformers', 'datasets', 'sklearn', 'PySide6') if m in sys.modules]\n"
        "print(heavy)\n"
        "sys.exit(1 if heavy else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
