"""Accuracy of the inferred metadata: real samples (hand labels) and, optionally, a demo corpus.

Usage::

    .venv/bin/python bench/eval_metadata.py [--samples ../shared/real_samples] [--demo OUT]

``--demo OUT`` is a folder written by ``avtaleanalyse demo-corpus --out OUT`` (``OUT/files/``,
``OUT/truth.csv``); its files are ingested *without* the manifest and scored against
``truth.csv`` (goal: >= 95 % per field). The real samples are scored against ``labels.csv``
(target: >= 90 % per field). Prints one table per corpus and the wrong cases.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import time
from pathlib import Path

import pandas as pd

from avtaleanalyse import schema as S
from avtaleanalyse.ingest.evaluation import metadata_accuracy, normalise_truth
from avtaleanalyse.ingest.metadata import infer_metadata

REPO = Path(__file__).resolve().parents[1]
REAL_FIELDS = (
    S.LANGUAGE_FORM,
    S.AGREEMENT_KIND,
    S.AGREEMENT_NUMBER,
    S.HEALTH_TRUST,
    S.MUNICIPALITIES,
)


def ingest_documents(folder: Path) -> pd.DataFrame:
    """Documents table for ``folder`` through the ingestion pipeline (no manifest)."""
    from avtaleanalyse.ingest.pipeline import ingest_folder

    result = ingest_folder(folder)
    if isinstance(result, pd.DataFrame):
        return result
    if isinstance(result, tuple | list):
        return result[0]
    if isinstance(result, dict):
        return result["documents"]
    return result.documents


def infer_txt_folder(folder: Path) -> pd.DataFrame:
    """Fallback without the pipeline: infer from each ``*.txt`` as it is on disk."""
    rows = []
    for path in sorted(folder.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        first = text.splitlines()[0] if text else ""
        hint = first if re.search(r"Størrelse:\s*px", text[:600]) else None
        meta = infer_metadata(text, title_hint=hint, source_path=path.name)
        rows.append({S.SOURCE_PATH: path.name, **meta})
    return pd.DataFrame(rows)


def documents_for(folder: Path) -> tuple[pd.DataFrame, str]:
    try:
        return ingest_documents(folder), "pipeline"
    except (ImportError, NotImplementedError):
        return infer_txt_folder(folder), "infer_metadata on .txt (pipeline not available)"


def report(
    name: str, docs: pd.DataFrame, truth: pd.DataFrame, fields, *, by_name: bool
) -> pd.DataFrame:
    acc, errors = metadata_accuracy(
        docs, normalise_truth(truth), fields=fields, match_on_name=by_name
    )
    print(f"\n== {name}: {len(truth)} labelled documents")
    print(acc.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    if len(errors):
        print("-- wrong (first 40):")
        print(errors.head(40).to_string(index=False, max_colwidth=60))
    return acc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=Path, default=REPO.parent / "shared" / "real_samples")
    parser.add_argument("--demo", type=Path, help="demo corpus folder (files/ and truth.csv)")
    parser.add_argument("--limit", type=int, help="score only the first N truth rows of --demo")
    args = parser.parse_args(argv)
    ok = True
    if (args.samples / "labels.csv").exists():
        docs, how = documents_for(args.samples)
        print(f"real samples via {how}")
        labels = pd.read_csv(args.samples / "labels.csv", dtype=str, keep_default_na=False)
        acc = report("real samples", docs, labels, REAL_FIELDS, by_name=True)
        ok &= bool((acc["accuracy"] >= 0.9).all())
    if args.demo:
        with open(args.demo / "truth.csv", encoding="utf-8") as fh:  # '#' lines: comments
            lines = [line for line in fh if not line.startswith("#")]
        truth = pd.read_csv(io.StringIO("".join(lines)), dtype=str, keep_default_na=False)
        if "expected_status" in truth.columns:  # rejects and duplicates are not scored
            truth = truth[truth["expected_status"] == "accepted"]
        if args.limit:
            truth = truth.head(args.limit)
        files = args.demo / "files"
        t0 = time.perf_counter()
        docs, how = documents_for(files)
        print(f"\ndemo corpus via {how}: {len(docs)} documents in {time.perf_counter() - t0:.1f} s")
        # truth paths may be relative to OUT or to OUT/files
        truth = normalise_truth(truth)
        truth[S.SOURCE_PATH] = truth[S.SOURCE_PATH].str.replace(r"^files/", "", regex=True)
        truth = truth[truth[S.SOURCE_PATH].isin(set(docs[S.SOURCE_PATH]))]
        fields = (*REAL_FIELDS, S.YEAR)
        acc = report("demo corpus (no manifest)", docs, truth, fields, by_name=False)
        ok &= bool((acc["accuracy"] >= 0.95).all())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
