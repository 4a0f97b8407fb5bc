"""The yearly report: executes the report notebook (papermill) and writes rapport.html.

Writes OUT/rapport.html (self-contained, readable offline), OUT/rapport.ipynb (the executed
notebook), OUT/figures/*.png|svg, OUT/tables/*.csv and OUT/provenance.json. Give the stage
folders (--similarity, --topics, --coverage) to include their sections; a section whose stage
has not run says so. --pdf also prints the page to rapport.pdf with headless Chromium.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
from importlib import resources
from pathlib import Path

__all__ = ["REPORT_NOTEBOOK", "add_arguments", "main", "pdf_tool", "render_report"]

REPORT_NOTEBOOK = "05_arsrapport.ipynb"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the command (contract: DESIGN.md)."""
    parser.add_argument("--corpus", type=Path, required=True, help="folder written by ingest")
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--similarity", type=Path, help="folder written by 'similarity'")
    parser.add_argument("--topics", type=Path, help="folder written by 'topics'")
    parser.add_argument("--coverage", type=Path, help="folder written by 'coverage'")
    parser.add_argument("--region", help="a health trust (e.g. 'Helse Bergen HF') or RHF name")
    parser.add_argument("--language", default="nb", choices=("nb",), help="report language")
    parser.add_argument("--notebook", type=Path, help="a report notebook to use instead of ours")
    parser.add_argument(
        "--pdf", action="store_true", help="also write rapport.pdf (needs chromium)"
    )


def pdf_tool() -> str | None:
    """The headless browser used for --pdf, or None when none is installed."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _template() -> Path:
    return Path(str(resources.files("avtaleanalyse.report").joinpath("templates", REPORT_NOTEBOOK)))


def render_report(
    corpus: Path,
    year: int,
    out: Path,
    *,
    similarity: Path | None = None,
    topics: Path | None = None,
    coverage: Path | None = None,
    region: str | None = None,
    language: str = "nb",
    notebook: Path | None = None,
) -> Path:
    """Execute the report notebook and write rapport.html and its assets; returns the HTML path."""
    import nbformat
    import papermill

    from avtaleanalyse.io import write_text
    from avtaleanalyse.report.html import notebook_to_html

    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    parameters = {
        "corpus": str(Path(corpus).resolve()),
        "year": int(year),
        "region": region,
        "similarity": str(Path(similarity).resolve()) if similarity else None,
        "topics": str(Path(topics).resolve()) if topics else None,
        "coverage": str(Path(coverage).resolve()) if coverage else None,
        "language": language,
        "figures": str(out / "figures"),
        "tables": str(out / "tables"),
    }
    executed = out / "rapport.ipynb"
    papermill.execute_notebook(
        str(notebook or _template()),
        str(executed),
        parameters=parameters,
        kernel_name="python3",
        progress_bar=False,
        log_output=False,
        cwd=str(out),
    )
    nb = nbformat.read(executed, as_version=4)
    title = f"Samarbeidsavtaler – årsrapport {year}" + (f" – {region}" if region else "")
    footer = f"Laget med avtaleanalyse. Kildetabeller: {parameters['corpus']}. Se provenance.json."
    html = out / "rapport.html"
    write_text(notebook_to_html(nb, title=title, footer=footer), html)
    _write_provenance(out, parameters)
    return html


def _write_provenance(out: Path, parameters: dict) -> None:
    import json

    from avtaleanalyse.io import provenance, write_json
    from avtaleanalyse.io.provenance import git_commit, tables_hash

    record = provenance(stage="report", parameters=parameters)
    corpus = Path(parameters["corpus"])
    record["corpus_hash"] = tables_hash(sorted(corpus.glob("*.parquet")))
    record["git_commit"] = git_commit()
    stages = {}
    for name in ("similarity", "topics", "coverage"):
        folder = parameters.get(name)
        p = Path(folder) / "parameters.json" if folder else None
        if p is not None and p.exists():
            stages[name] = json.loads(p.read_text(encoding="utf-8")).get("parameters", {})
    record["stage_parameters"] = stages
    write_json(record, out / "provenance.json")


def _print_pdf(html: Path) -> Path:
    tool = pdf_tool()
    if tool is None:
        raise FileNotFoundError(
            "--pdf needs headless Chromium, which is not installed "
            "(Debian/Ubuntu: apt-get install chromium). rapport.html was written."
        )
    pdf = html.with_suffix(".pdf")
    subprocess.run(
        [tool, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--print-to-pdf={pdf}", "--no-pdf-header-footer", html.as_uri()],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return pdf


def main(args: argparse.Namespace) -> int:
    """Run the command; returns the exit code."""
    html = render_report(
        args.corpus,
        args.year,
        args.out,
        similarity=args.similarity,
        topics=args.topics,
        coverage=args.coverage,
        region=args.region,
        language=args.language,
        notebook=args.notebook,
    )
    print(f"Rapport skrevet: {html}")
    if args.pdf:
        print(f"PDF skrevet: {_print_pdf(html)}")
    return 0
