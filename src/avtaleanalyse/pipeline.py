"""``reproduce``: raw files -> every table, figure and the report, cached by content hash."""

from __future__ import annotations

import argparse

__all__ = ["add_arguments", "main"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the command (contract: DESIGN.md)."""
    parser.add_argument("--scale", choices=("small", "full"), default="full")


def main(args: argparse.Namespace) -> int:
    """Run the command; returns the exit code."""
    raise NotImplementedError("reproduce: not built yet")
