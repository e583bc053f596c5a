"""The wheel carries every package and the bundled resources."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_subpackage_is_listed_in_pyproject():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "tlstudio").rglob("__init__.py")
    }
    assert found <= listed, f"add to pyproject.toml [tool.setuptools] packages: {sorted(found - listed)}"
    assert "tlstudio.resources" in listed


def test_resources_resolve_to_files():
    from tlstudio.resources import resource_path

    assert resource_path("samples", "uci_sentiment_sentences.csv").is_file()
    assert resource_path("icons", "app", "tlstudio.svg").is_file()
