"""Write the synthetic national demo corpus: files, manifest.csv and truth.csv."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

__all__ = ["add_arguments", "main"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the command (contract: DESIGN.md)."""
    parser.add_argument("--out", type=Path, required=True, help="folder to write the corpus to")
    parser.add_argument("--seed", type=int, default=2012, help="random seed (default 2012)")
    parser.add_argument("--scale", choices=("small", "full"), default="small")
    parser.add_argument(
        "--catchment",
        type=Path,
        default=None,
        help="CSV municipality -> health trust (columns kommunenummer, health_trust); "
        "default: the packaged hf_catchment.csv",
    )


def main(args: argparse.Namespace) -> int:
    """Run the command; returns the exit code."""
    from avtaleanalyse.demo.catchment import load_catchment
    from avtaleanalyse.demo.generate import SYNTHETIC_LABEL, generate_corpus
    from avtaleanalyse.demo.writers import write_corpus

    t0 = time.perf_counter()
    catchment = load_catchment(args.catchment) if args.catchment else None
    corpus = generate_corpus(seed=args.seed, scale=args.scale, catchment=catchment)
    counts = write_corpus(corpus, args.out)
    dt = time.perf_counter() - t0
    print(
        f"{SYNTHETIC_LABEL}: {counts['n_files']} filer, {counts['n_manifest_rows']} manifestrader "
        f"-> {args.out} ({dt:.1f} s)",
        file=sys.stderr,
    )
    return 0
