"""Extraction speed: PDF pages per second (pypdfium2 vs pypdf, side by side) and documents per
second through the whole ingestion (read, clean, metadata, sections) on generated files.

Usage: ``python bench/bench_ingest.py [--docs 120] [--seed 1]``. Files are generated in a
temporary folder: agreement-like Norwegian text, 5–15 pages per PDF with running headers and
page numbers, plus DOCX, HTML and TXT files of the same text.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

SENTENCES = [
    "Partene skal samarbeide om innleggelse og utskrivning av pasienter med behov for koordinerte tjenester.",
    "Kommunen skal varsles så tidlig som mulig når en pasient antas å bli utskrivningsklar.",
    "Helseforetaket gir veiledning og undervisning til helsepersonell i kommunen etter avtale.",
    "Avvik skal meldes skriftlig til den andre parten og behandles i det faste samarbeidsutvalget.",
    "Uenighet om forståelsen av avtalen løses først ved forhandlinger mellom partene.",
    "Avtalen gjelder fra signering og revideres årlig etter initiativ fra en av partene.",
    "Brukerrepresentanter skal delta i utviklingen av rutiner for samhandling.",
    "Kommunen tilbyr døgnopphold for øyeblikkelig hjelp for pasienter som kan behandles lokalt.",
]


def make_files(folder: Path, n_docs: int, seed: int) -> tuple[list[Path], int]:
    """Write ``n_docs`` files (half PDF, the rest DOCX/HTML/TXT); returns PDFs and their page count."""
    from docx import Document
    from fpdf import FPDF

    rng = random.Random(seed)
    pdfs, pages_total = [], 0
    for i in range(n_docs):
        n_pages = rng.randint(5, 15)
        paragraphs = [
            f"{k}. " + " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(4, 9)))
            for k in range(1, n_pages * 4 + 1)
        ]
        kind = ("pdf", "pdf", "docx", "html", "txt", "pdf")[i % 6]
        path = folder / f"Tjenesteavtale {i % 11 + 1} kommune {i:04d}.{kind}"
        if kind == "pdf":
            pdf = FPDF()
            pdf.set_auto_page_break(True, margin=20)
            pdf.set_font("helvetica", size=11)
            for p in range(n_pages):
                pdf.add_page()
                pdf.cell(
                    0, 8, f"Tjenesteavtale {i % 11 + 1} - samarbeid", new_x="LMARGIN", new_y="NEXT"
                )
                for para in paragraphs[p * 4 : p * 4 + 4]:
                    pdf.multi_cell(0, 5, para, new_x="LMARGIN", new_y="NEXT")
            path.write_bytes(bytes(pdf.output()))
            pdfs.append(path)
        elif kind == "docx":
            doc = Document()
            for para in paragraphs:
                doc.add_paragraph(para)
            doc.save(path)
        elif kind == "html":
            body = "".join(f"<p>{p}</p>" for p in paragraphs)
            path.write_text(
                f"<html><head><title>Avtale {i}</title></head><body>{body}</body></html>", "utf-8"
            )
        else:
            path.write_text("\n\n".join(paragraphs), encoding="utf-8")
    for p in pdfs:
        import pypdfium2 as pdfium

        with pdfium.PdfDocument(str(p)) as d:
            pages_total += len(d)
    return pdfs, pages_total


def pdf_pages_per_second(pdfs: list[Path], pages: int) -> dict[str, float]:
    import pypdf
    import pypdfium2 as pdfium

    def with_pdfium():
        for p in pdfs:
            doc = pdfium.PdfDocument(str(p))
            for page in doc:
                tp = page.get_textpage()
                tp.get_text_bounded()
                tp.close()
                page.close()
            doc.close()

    def with_pypdf():
        for p in pdfs:
            for page in pypdf.PdfReader(p).pages:
                page.extract_text()

    out = {}
    for name, fn in (("pypdfium2", with_pdfium), ("pypdf", with_pypdf)):
        t0 = time.perf_counter()
        fn()
        out[name] = pages / (time.perf_counter() - t0)
    return out


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=120)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    from avtaleanalyse.ingest.pipeline import ingest_folder

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pdfs, pages = make_files(folder, args.docs, args.seed)
        speeds = pdf_pages_per_second(pdfs, pages)
        print(f"PDF text extraction on {len(pdfs)} PDFs, {pages} pages (5-15 pages each):")
        for name, v in speeds.items():
            print(f"  {name:10s} {v:8.0f} pages/s")
        print(f"  ratio pypdfium2/pypdf: {speeds['pypdfium2'] / speeds['pypdf']:.1f}x")
        for n_jobs in (1, 2):
            t0 = time.perf_counter()
            res = ingest_folder(folder, n_jobs=n_jobs)
            dt = time.perf_counter() - t0
            print(
                f"Whole ingestion (read, clean, metadata, sections), n_jobs={n_jobs}: "
                f"{len(res.documents)} documents in {dt:.1f} s = {len(res.documents) / dt:.1f} documents/s"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
