"""Read a folder of agreements (recursively) into documents.parquet, sections.parquet and rejects.csv."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["add_arguments", "main"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the command (contract: DESIGN.md)."""
    parser.add_argument("input_dir", type=Path, metavar="INPUT_DIR")
    parser.add_argument("--out", type=Path, required=True, help="folder for the corpus tables")
    parser.add_argument("--manifest", type=Path, help="CSV of metadata whose values win")
    parser.add_argument(
        "--write-manifest", type=Path, help="write the inferred metadata as an editable manifest"
    )


def main(args: argparse.Namespace) -> int:
    """Run the command; returns the exit code."""
    raise NotImplementedError("ingest: not built yet")
