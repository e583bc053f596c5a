"""Bundled resources (icons, sample data); installed as ``tlstudio.resources``."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent


def resource_path(*parts: str) -> Path:
    """Path of a bundled resource file, e.g. ``resource_path("samples", "sentiment.csv")``."""
    return ROOT.joinpath(*parts)
