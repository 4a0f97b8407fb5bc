"""Dictionary-based coverage: brukermedvirkning, kompetanseoverføring, the § 6-2 checklist.

Writes coverage.parquet (document × theme, with evidence), municipality_checklist.parquet
(municipality × § 6-2 point for the agreements in force in --year), trust_themes.parquet
(shares per health trust and year), evidence.html (the documents and sentences behind every
share and checklist row, one offline page) and parameters.json. --export-coding-sample writes a
stratified sample for manual coding (CSV + HTML); --score-coding scores coded files.
"""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["add_arguments", "main"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the command (contract: DESIGN.md)."""
    parser.add_argument("--corpus", type=Path, required=True, help="folder written by ingest")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--dictionary", type=Path, help="a theme dictionary YAML instead of ours")
    parser.add_argument("--year", type=int, help="year of the checklist roll-up (default: latest)")
    parser.add_argument(
        "--export-coding-sample", type=Path, metavar="CSV", help="write a sample for manual coding"
    )
    parser.add_argument(
        "--sample-size", type=int, default=10, help="rows per theme and hit/non-hit"
    )
    parser.add_argument("--seed", type=int, default=2012, help="seed of the coding sample")
    parser.add_argument(
        "--score-coding",
        type=Path,
        nargs="+",
        metavar="CSV",
        help="coded sample(s): scores (and kappa for two)",
    )


def main(args: argparse.Namespace) -> int:
    """Run the command; returns the exit code."""
    import pandas as pd

    from avtaleanalyse import schema as S
    from avtaleanalyse.coverage import (
        cohen_kappa,
        coverage_table,
        load_dictionary,
        municipality_checklist,
        score_coding,
        trust_themes,
    )
    from avtaleanalyse.coverage.coding import coding_sample, coding_sample_html
    from avtaleanalyse.coverage.evidence import EVIDENCE_FILE, evidence_page
    from avtaleanalyse.io import (
        provenance,
        read_corpus,
        write_csv,
        write_json,
        write_table,
        write_text,
    )

    if args.score_coding:
        coded = [pd.read_csv(p, dtype=str, keep_default_na=False) for p in args.score_coding]
        print(score_coding(coded[0]).to_string(index=False))
        if len(coded) == 2:
            print(f"Cohen's kappa between the two coders: {cohen_kappa(coded[0], coded[1]):.3f}")
        return 0
    documents, _sections = read_corpus(args.corpus)
    dictionary = load_dictionary(args.dictionary)
    coverage = coverage_table(documents, dictionary=dictionary)
    years = documents[S.YEAR].dropna()
    year = args.year or (int(years.max()) if len(years) else 2022)
    out: Path = args.out
    write_table(coverage, out / S.COVERAGE_FILE)
    checklist = municipality_checklist(documents, coverage, year=year)
    write_table(checklist, out / "municipality_checklist.parquet")
    write_table(trust_themes(documents, coverage), out / "trust_themes.parquet")
    write_text(evidence_page(documents, coverage, checklist), out / EVIDENCE_FILE)
    write_json(
        provenance(
            stage="coverage",
            parameters={
                "dictionary": dictionary.source,
                "dictionary_version": dictionary.version,
                "year": year,
            },
        ),
        out / S.PARAMETERS_FILE,
    )
    if args.export_coding_sample:
        sample = coding_sample(coverage, documents, per_stratum=args.sample_size, seed=args.seed)
        write_csv(sample, args.export_coding_sample)
        write_text(coding_sample_html(sample), Path(args.export_coding_sample).with_suffix(".html"))
    n = coverage[S.DOC_ID].nunique()
    present = coverage[coverage[S.PRESENT]].groupby(S.THEME)[S.DOC_ID].nunique()
    print(
        f"Coverage of {n} documents written to {out}/: brukermedvirkning in "
        f"{present.get('brukermedvirkning', 0)}, pasient- og brukererfaringer in "
        f"{present.get('pasient_brukererfaringer', 0)}, kompetanseoverføring in "
        f"{present.get('kompetanseoverforing', 0)}."
    )
    return 0
