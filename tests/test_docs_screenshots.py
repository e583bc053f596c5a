"""The screenshots the docs show exist, are listed, and every page has a light and a dark one."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "docs" / "screenshots"


def _pages() -> tuple[str, ...]:
    """The window's pages (``main_window.PAGES``), read without importing Qt."""
    tree = ast.parse((ROOT / "tlstudio" / "gui" / "main_window.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "PAGES" for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError("main_window.PAGES not found")


def test_every_screenshot_the_readmes_link_exists():
    links = re.findall(r"\]\((docs/screenshots/[^)\s]+)\)", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert links, "README.md shows no screenshot"
    assert [link for link in links if not (ROOT / link).is_file()] == []
    listed = set(re.findall(r"`(\d\d[\w-]*\.png)`", (SHOTS / "README.md").read_text(encoding="utf-8")))
    on_disk = {path.name for path in SHOTS.glob("*.png")}
    assert listed - on_disk == set(), "listed in docs/screenshots/README.md but missing"
    assert on_disk - listed == set(), "in docs/screenshots but not described in its README"


def test_every_page_has_a_dark_screenshot():
    dark = {path.stem.split("_dark_", 1)[1] for path in SHOTS.glob("*_dark_*.png")}
    assert [page for page in _pages() if page not in dark] == []
