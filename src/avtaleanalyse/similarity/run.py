"""MinHash similarity, template families, standardisation indices and local adaptations."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["add_arguments", "main"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the command (contract: DESIGN.md)."""
    parser.add_argument("--corpus", type=Path, required=True, help="folder written by ingest")
    parser.add_argument("--out", type=Path, required=True)


def main(args: argparse.Namespace) -> int:
    """Run the command; returns the exit code."""
    raise NotImplementedError("similarity: not built yet")
