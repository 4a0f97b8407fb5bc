"""Command-line interface: ``avtaleanalyse COMMAND ...`` (also ``python -m avtaleanalyse``).

The commands and their options are a stable contract (see DESIGN.md). Each command is
implemented by a ``run`` module in the stage's subpackage, which provides
``add_arguments(parser)`` and ``main(args) -> int``; this module only wires them up,
importing each lazily so that ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

__all__ = ["COMMANDS", "build_parser", "main"]

#: command name -> (module implementing it, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "demo-corpus": (
        "avtaleanalyse.demo.run",
        "write the synthetic national demo corpus (files, manifest.csv, truth.csv)",
    ),
    "ingest": (
        "avtaleanalyse.ingest.run",
        "read a folder of agreements into documents/sections tables and rejects.csv",
    ),
    "similarity": (
        "avtaleanalyse.similarity.run",
        "MinHash similarity, template families, standardisation and local adaptations",
    ),
    "topics": ("avtaleanalyse.topics.run", "LDA/NMF topic models of documents and sections"),
    "coverage": (
        "avtaleanalyse.coverage.run",
        "brukermedvirkning, kompetanseoverføring and the § 6-2 checklist",
    ),
    "report": ("avtaleanalyse.report.run", "the yearly report (HTML, optional PDF)"),
    "reproduce": (
        "avtaleanalyse.pipeline",
        "raw files -> every table, figure and the report, cached by content hash",
    ),
}


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with one subparser per command."""
    parser = argparse.ArgumentParser(
        prog="avtaleanalyse",
        description="Research analytics for the statutory cooperation agreements "
        "(samarbeidsavtaler) between Norwegian municipalities and health trusts.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module_name, help_) in COMMANDS.items():
        module = importlib.import_module(module_name)
        p = sub.add_parser(name, help=help_, description=(module.__doc__ or help_).strip())
        module.add_arguments(p)
        p.set_defaults(_module=module_name)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    module = importlib.import_module(args._module)
    try:
        return int(module.main(args) or 0)
    except (FileNotFoundError, ValueError) as exc:
        # Expected user errors: a clear message, no traceback.
        print(f"avtaleanalyse {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
