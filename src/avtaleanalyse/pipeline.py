"""``reproduce``: raw files -> every table, figure and the report, cached by content hash.

The stages run in the order of the data flow, each through its command-line entry point
(the same contract evaluation scripts use)::

    demo-corpus -> data/raw/demo-<scale>/
    ingest      -> data/processed/<scale>/corpus/
    similarity  -> data/processed/<scale>/similarity/
    topics      -> data/processed/<scale>/topics/
    coverage    -> data/processed/<scale>/coverage/
    report      -> reports/<year>/

A stage is skipped when its *cache key* — a SHA-256 over its inputs' bytes, its parameters,
the source code of the stage and the versions of the packages it uses — equals the key stored
beside its outputs by the last successful run. Changing one raw file therefore re-runs
ingestion; the analyses re-run only if the corpus tables actually changed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["StageRun", "add_arguments", "main", "reproduce", "stage_paths"]

CACHE_FILE = ".avtaleanalyse-cache.json"
PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_SEED = 2012


@dataclass
class StageRun:
    """What happened to one stage: ``status`` is ``ran`` or ``cached``."""

    name: str
    status: str
    seconds: float
    output: Path
    key: str = ""
    notes: list[str] = field(default_factory=list)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the command (contract: DESIGN.md)."""
    parser.add_argument("--scale", choices=("small", "full"), default="full")
    parser.add_argument("--root", type=Path, default=Path("."), help="project folder (default .)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="demo corpus seed")
    parser.add_argument("--year", type=int, help="report year (default: latest year in the corpus)")
    parser.add_argument("--force", action="store_true", help="ignore the cache and run every stage")
    parser.add_argument(
        "--n-jobs", type=int, default=2, help="worker processes for ingestion and similarity"
    )


def stage_paths(root: Path, scale: str) -> dict[str, Path]:
    """Where each stage writes, below the project folder ``root``."""
    processed = root / "data" / "processed" / scale
    return {
        "demo": root / "data" / "raw" / f"demo-{scale}",
        "ingest": processed / "corpus",
        "similarity": processed / "similarity",
        "topics": processed / "topics",
        "coverage": processed / "coverage",
    }


# ------------------------------------------------------------------------------ hashing
def _hash_files(paths: Iterable[Path], *, base: Path) -> str:
    from avtaleanalyse.io.provenance import file_sha256

    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(p.relative_to(base).as_posix().encode())
        h.update(b"\0")
        h.update(bytes.fromhex(file_sha256(p)))
    return h.hexdigest()


def _code_hash(*subpaths: str) -> str:
    """Hash of the package source (and resources) a stage's results depend on."""
    files: list[Path] = []
    for sub in subpaths:
        p = PACKAGE_DIR / sub
        if p.is_dir():
            files += [f for f in p.rglob("*") if f.is_file() and "__pycache__" not in f.parts]
        elif p.exists():
            files.append(p)
    return _hash_files(files, base=PACKAGE_DIR)


def _key(*parts: object) -> str:
    from avtaleanalyse.io.provenance import package_versions

    blob = json.dumps([*parts, package_versions()], sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def _cached(out: Path, key: str) -> bool:
    cache = out / CACHE_FILE
    if not cache.exists():
        return False
    try:
        return json.loads(cache.read_text(encoding="utf-8")).get("key") == key
    except (OSError, json.JSONDecodeError):
        return False


def _store(out: Path, name: str, key: str) -> None:
    from avtaleanalyse.io import write_json

    write_json({"stage": name, "key": key}, out / CACHE_FILE)


def _tables(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.glob("*")
        if p.suffix in (".parquet", ".csv", ".json") and p.name != CACHE_FILE
    )


# ------------------------------------------------------------------------------ stages
_STAGE_MODULES = {
    "demo-corpus": "avtaleanalyse.demo.run",
    "ingest": "avtaleanalyse.ingest.run",
    "similarity": "avtaleanalyse.similarity.run",
    "topics": "avtaleanalyse.topics.run",
    "coverage": "avtaleanalyse.coverage.run",
    "report": "avtaleanalyse.report.run",
}


def _run_cli(argv: list[str]) -> None:
    """Run ``avtaleanalyse ARGV`` through the stage's own argument parser and ``main``."""
    import importlib

    module = importlib.import_module(_STAGE_MODULES[argv[0]])
    parser = argparse.ArgumentParser(prog=f"avtaleanalyse {argv[0]}")
    module.add_arguments(parser)
    rc = module.main(parser.parse_args(argv[1:]))
    if rc:
        raise RuntimeError(f"'avtaleanalyse {' '.join(argv)}' exited with {rc}")


def _latest_year(corpus: Path) -> int:
    import pandas as pd

    from avtaleanalyse import schema as S

    years = pd.read_parquet(corpus / S.DOCUMENTS_FILE, columns=[S.YEAR])[S.YEAR].dropna()
    return int(years.max()) if len(years) else time.gmtime().tm_year


def reproduce(
    root: Path,
    *,
    scale: str = "full",
    seed: int = DEFAULT_SEED,
    year: int | None = None,
    force: bool = False,
    n_jobs: int = 2,
    log: Callable[[str], None] = print,
) -> list[StageRun]:
    """Run every stage from the demo corpus to the report, skipping unchanged stages.

    Parameters
    ----------
    root
        Project folder; outputs go to ``root/data`` and ``root/reports``.
    scale, seed
        Demo corpus size and seed.
    year
        Report year (default: the latest year among the documents).
    force
        Run every stage even when its cache key matches.
    n_jobs
        Worker processes for ingestion and similarity (the tables do not depend on it).
    log
        Receives one progress line per stage.

    Returns
    -------
    list of StageRun
        One entry per stage, in order.
    """
    root = Path(root)
    paths = stage_paths(root, scale)
    runs: list[StageRun] = []

    def stage(name: str, out: Path, key: str, argv: list[str]) -> None:
        i = len(runs) + 1
        t0 = time.perf_counter()
        if not force and _cached(out, key):
            runs.append(StageRun(name, "cached", time.perf_counter() - t0, out, key))
            log(f"[{i}/6] {name:<11} uendret (hurtigbuffer)  -> {out}")
            return
        log(f"[{i}/6] {name:<11} kjører ...")
        _run_cli(argv)
        _store(out, name, key)
        runs.append(StageRun(name, "ran", time.perf_counter() - t0, out, key))
        log(f"[{i}/6] {name:<11} ferdig på {runs[-1].seconds:.1f} s  -> {out}")

    demo = paths["demo"]
    stage(
        "demo-corpus",
        demo,
        _key(
            "demo",
            seed,
            scale,
            _code_hash("demo", "resources/demo", "resources/reference", "reference"),
        ),
        ["demo-corpus", "--out", str(demo), "--seed", str(seed), "--scale", scale],
    )
    files, manifest = demo / "files", demo / "manifest.csv"
    corpus = paths["ingest"]
    inputs = [p for p in files.rglob("*") if p.is_file() or p.is_symlink()]
    stage(
        "ingest",
        corpus,
        _key(
            "ingest",
            _hash_files(inputs + [manifest], base=demo),
            _code_hash("ingest", "reference", "resources/reference"),
        ),
        [
            "ingest",
            str(files),
            "--out",
            str(corpus),
            "--manifest",
            str(manifest),
            "--quiet",
            "--n-jobs",
            str(n_jobs),
        ],
    )
    corpus_hash = _hash_files(_tables(corpus), base=corpus)
    sim = paths["similarity"]
    national = demo / "national_model.txt"
    nat_args = ["--national-model", str(national)] if national.exists() else []
    stage(
        "similarity",
        sim,
        _key(
            "similarity",
            corpus_hash,
            _hash_files([national], base=demo) if nat_args else "shared",
            _code_hash("similarity", "text.py", "resources/nn_nb_lemmas.tsv"),
        ),
        # n_jobs only divides the work: the tables do not depend on it
        [
            "similarity",
            "--corpus",
            str(corpus),
            "--out",
            str(sim),
            *nat_args,
            "--n-jobs",
            str(n_jobs),
        ],
    )
    # topics contrasts template text with the local passages found by similarity
    sim_hash = _hash_files(_tables(sim), base=sim)
    stage(
        "topics",
        paths["topics"],
        _key(
            "topics",
            corpus_hash,
            sim_hash,
            _code_hash("topics", "text.py", "resources/topics", "resources/nn_nb_lemmas.tsv"),
        ),
        [
            "topics",
            "--corpus",
            str(corpus),
            "--out",
            str(paths["topics"]),
            "--similarity",
            str(sim),
        ],
    )
    stage(
        "coverage",
        paths["coverage"],
        _key(
            "coverage",
            corpus_hash,
            _code_hash(
                "coverage", "text.py", "resources/dictionaries", "resources/nn_nb_lemmas.tsv"
            ),
        ),
        ["coverage", "--corpus", str(corpus), "--out", str(paths["coverage"])],
    )

    year = year or _latest_year(corpus)
    report = root / "reports" / str(year)
    upstream = "".join(
        _hash_files(_tables(paths[n]), base=paths[n])
        for n in ("ingest", "similarity", "topics", "coverage")
    )
    stage(
        "report",
        report,
        _key("report", year, upstream, _code_hash("report", "plotting")),
        [
            "report", "--corpus", str(corpus), "--year", str(year), "--out", str(report),
            "--similarity", str(paths["similarity"]), "--topics", str(paths["topics"]),
            "--coverage", str(paths["coverage"]),
        ],
    )  # fmt: skip
    return runs


def _peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024  # ru_maxrss is in KiB on Linux


def main(args: argparse.Namespace) -> int:
    """Run the command; returns the exit code."""
    t0 = time.perf_counter()
    runs = reproduce(
        args.root,
        scale=args.scale,
        seed=args.seed,
        year=args.year,
        force=args.force,
        n_jobs=args.n_jobs,
    )
    total = time.perf_counter() - t0
    print("\nOppsummering (avtaleanalyse reproduce):", file=sys.stdout)
    for r in runs:
        print(f"  {r.name:<11} {r.status:<6} {r.seconds:7.1f} s  {r.output}")
    report = runs[-1].output
    print(f"Rapport: {report / 'rapport.html'}")
    print(f"Tid totalt {total:.1f} s; høyeste minnebruk (RSS) {_peak_rss_mb():.0f} MB.")
    return 0
