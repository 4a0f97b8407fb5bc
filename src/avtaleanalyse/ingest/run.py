"""Read a folder of agreements (recursively) into documents.parquet, sections.parquet and rejects.csv.

Every file ends up in exactly one of documents.parquet or rejects.csv (with a plain reason).
Metadata is inferred from title, text and file name; a --manifest CSV's values win.
--write-manifest writes the inferred metadata as a manifest to correct by hand and feed back.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

__all__ = ["add_arguments", "main", "summary"]

INGEST_PARAMETERS_FILE = "ingest_parameters.json"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the command (contract: DESIGN.md)."""
    parser.add_argument("input_dir", type=Path, metavar="INPUT_DIR")
    parser.add_argument("--out", type=Path, required=True, help="folder for the corpus tables")
    parser.add_argument("--manifest", type=Path, help="CSV of metadata whose values win")
    parser.add_argument(
        "--write-manifest", type=Path, help="write the inferred metadata as an editable manifest"
    )
    parser.add_argument("--n-jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--max-mb", type=float, default=50, help="size limit per file in MB")
    parser.add_argument("--quiet", action="store_true", help="no progress bar or summary")


def summary(result) -> str:
    """One paragraph describing an :class:`~avtaleanalyse.ingest.pipeline.IngestResult`."""
    from avtaleanalyse import schema as S

    docs, rej = result.documents, result.rejects

    def counts(series) -> str:
        c = Counter(x for x in series if x is not None and x == x)
        return (
            ", ".join(f"{k} {v}" for k, v in sorted(c.items(), key=lambda kv: (-kv[1], str(kv[0]))))
            or "none"
        )

    return (
        f"Read {result.n_files} files: {len(docs)} accepted, {len(rej)} rejected"
        + (f" ({counts(rej[S.REASON])})" if len(rej) else "")
        + f". Formats: {counts(docs[S.FORMAT])}. Language forms: {counts(docs[S.LANGUAGE_FORM])}."
        + f" Kinds: {counts(docs[S.AGREEMENT_KIND])}. Needing OCR: {int(docs[S.NEEDS_OCR].sum())}."
        + f" Sections: {len(result.sections)}."
    )


def main(args: argparse.Namespace) -> int:
    """Run the command; returns the exit code."""
    from avtaleanalyse import schema as S
    from avtaleanalyse.ingest.manifest import read_manifest, to_manifest
    from avtaleanalyse.ingest.pipeline import (
        DOCUMENTS_SCHEMA,
        SECTIONS_SCHEMA,
        ingest_folder,
    )
    from avtaleanalyse.io import provenance, write_csv, write_json, write_table

    manifest = None
    comments: list[str] = []
    if args.manifest is not None:
        if not args.manifest.exists():
            raise FileNotFoundError(f"manifest {args.manifest} not found")
        manifest = read_manifest(args.manifest)
        comments = [
            line[1:].strip()
            for line in args.manifest.read_text(encoding="utf-8-sig").splitlines()
            if line.startswith("#")
        ]
    result = ingest_folder(
        args.input_dir,
        manifest=manifest,
        max_bytes=int(args.max_mb * 1024 * 1024),
        n_jobs=args.n_jobs,
        progress=not args.quiet and sys.stderr.isatty(),
    )
    out: Path = args.out
    write_table(
        result.documents, out / S.DOCUMENTS_FILE, sort_by=[S.DOC_ID], schema_=DOCUMENTS_SCHEMA
    )
    write_table(
        result.sections,
        out / S.SECTIONS_FILE,
        sort_by=[S.DOC_ID, S.POSITION],
        schema_=SECTIONS_SCHEMA,
    )
    write_csv(result.rejects, out / S.REJECTS_FILE, sort_by=[S.SOURCE_PATH, S.REASON])
    record = provenance(
        stage="ingest",
        parameters={
            "input_dir_name": Path(args.input_dir).resolve().name,
            "manifest": args.manifest.name if args.manifest else None,
            "max_mb": args.max_mb,
        },
    )
    record["manifest_comments"] = comments
    record["counts"] = {
        "files": result.n_files,
        "documents": len(result.documents),
        "rejects": len(result.rejects),
        "sections": len(result.sections),
    }
    write_json(record, out / INGEST_PARAMETERS_FILE)
    if args.write_manifest is not None:
        write_csv(to_manifest(result.documents), args.write_manifest, sort_by=[S.SOURCE_PATH])
    if not args.quiet:
        print(summary(result))
        print(
            f"Tables written to {out}/ ({S.DOCUMENTS_FILE}, {S.SECTIONS_FILE}, {S.REJECTS_FILE})."
        )
    return 0
