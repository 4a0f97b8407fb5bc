"""Write the synthetic national demo corpus: files, manifest.csv and truth.csv."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["add_arguments", "main"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the command (contract: DESIGN.md)."""
    parser.add_argument("--out", type=Path, required=True, help="folder to write the corpus to")
    parser.add_argument("--seed", type=int, default=2012, help="random seed (default 2012)")
    parser.add_argument("--scale", choices=("small", "full"), default="small")


def main(args: argparse.Namespace) -> int:
    """Run the command; returns the exit code."""
    raise NotImplementedError("demo: not built yet")
