"""Subcommands (placeholder until its owner fills it in)."""

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the ``tlstudio`` parser."""
