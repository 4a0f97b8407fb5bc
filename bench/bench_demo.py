"""Generation time of the synthetic demo corpus at both scales, with counts.

Usage: ``python bench/bench_demo.py [--seed 2012] [--scales small,full]``. Each scale is
generated in memory and written to a temporary folder; prints seconds per step and the number
of files by format, agreement kind, generation and language form.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path


def bench(scale: str, seed: int) -> dict:
    """Generate and write one corpus; returns timings (s) and counts."""
    from avtaleanalyse.demo import generate_corpus, write_corpus

    t0 = time.perf_counter()
    corpus = generate_corpus(seed=seed, scale=scale)
    t1 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        write_corpus(corpus, Path(tmp))
        t2 = time.perf_counter()
    truth = corpus.truth()
    counts = {
        col: truth[col].replace("", "(ingen)").value_counts().sort_index().to_dict()
        for col in ("format", "agreement_kind", "generation", "language_form", "expected_status")
    }
    return {
        "scale": scale,
        "generate_s": t1 - t0,
        "write_s": t2 - t1,
        "total_s": t2 - t0,
        "n_files": len(truth),
        "counts": counts,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a small report."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=2012)
    ap.add_argument("--scales", default="small,full")
    args = ap.parse_args(argv)
    for scale in args.scales.split(","):
        r = bench(scale, args.seed)
        print(
            f"scale={r['scale']}: {r['n_files']} files, generate {r['generate_s']:.1f} s, "
            f"write {r['write_s']:.1f} s, total {r['total_s']:.1f} s"
        )
        for col, c in r["counts"].items():
            print(f"  {col}: " + ", ".join(f"{k}={v}" for k, v in c.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
