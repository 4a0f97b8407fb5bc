"""Generators of real test files in every input format (and broken ones), for the ingest tests."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

BODY = [
    "1. Parter",
    "Avtalen er inngått mellom Stord kommune og Helse Fonna HF.",
    "2. Formål",
    "Avtalen skal sikre gode og samanhengande helse- og omsorgstenester.",
]


def write_pdf(
    path: Path, pages: list[list[str]], *, header: str | None = None, title: str | None = None
) -> Path:
    """A text PDF (fpdf2, core font) with an optional running header and page numbers."""
    from fpdf import FPDF

    pdf = FPDF()
    if title:
        pdf.set_title(title)
    pdf.set_font("helvetica", size=11)
    for i, lines in enumerate(pages, start=1):
        pdf.add_page()
        if header:
            pdf.cell(0, 8, header, new_x="LMARGIN", new_y="NEXT")
        for line in lines:
            pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
        pdf.set_auto_page_break(False)  # the footer sits in the bottom margin
        pdf.set_y(-20)
        pdf.cell(0, 8, f"Side {i} av {len(pages)}", align="C")
        pdf.set_auto_page_break(True, margin=25)
    path.write_bytes(bytes(pdf.output()))
    return path


def write_image_pdf(path: Path, *, stamp: str | None = None) -> Path:
    """A scanned-looking PDF: one page that is an image; ``stamp`` adds a little real text."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (600, 300), "white")
    ImageDraw.Draw(img).text((20, 20), "Tjenesteavtale 3 (skannet)", fill="black")
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(buf, x=10, y=10, w=180)
    if stamp:
        pdf.set_font("helvetica", size=8)
        pdf.set_y(-15)
        pdf.cell(0, 5, stamp)
    path.write_bytes(bytes(pdf.output()))
    return path


def write_docx(
    path: Path, *, numbered: list[str], header: str = "Samarbeidsavtale", title: str = ""
) -> Path:
    """A DOCX whose headings are a real Word numbered list (numPr), with a page header."""
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    doc = Document()
    doc.core_properties.title = title
    doc.sections[0].header.paragraphs[0].text = header
    numbering = doc.part.numbering_part.element
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), "90")
    for ilvl, (fmt, text) in enumerate(
        [("decimal", "%1."), ("decimal", "%1.%2"), ("lowerLetter", "%3)")]
    ):
        lvl = OxmlElement("w:lvl")
        lvl.set(qn("w:ilvl"), str(ilvl))
        for tag, val in (("w:start", "1"), ("w:numFmt", fmt), ("w:lvlText", text)):
            el = OxmlElement(tag)
            el.set(qn("w:val"), val)
            lvl.append(el)
        abstract.append(lvl)
    numbering.insert(0, abstract)
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), "90")
    ref = OxmlElement("w:abstractNumId")
    ref.set(qn("w:val"), "90")
    num.append(ref)
    numbering.append(num)
    for item in numbered:
        level = item.count("\t")
        para = doc.add_paragraph(item.strip("\t"))
        ppr = para._p.get_or_add_pPr()
        num_pr = OxmlElement("w:numPr")
        for tag, val in (("w:ilvl", str(level)), ("w:numId", "90")):
            el = OxmlElement(tag)
            el.set(qn("w:val"), val)
            num_pr.append(el)
        ppr.append(num_pr)
    doc.add_paragraph("\uf0b7 Punkt med Word-kulepunkt")
    table = doc.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Kontaktperson"
    table.rows[0].cells[1].text = "Kommunalsjef helse"
    doc.save(path)
    return path


def write_odt(path: Path, *, heading: str, paragraphs: list[str], items: list[str]) -> Path:
    """An ODT with a heading, paragraphs and a numbered list."""
    from odf.opendocument import OpenDocumentText
    from odf.style import ListLevelProperties
    from odf.text import H, List, ListItem, ListLevelStyleNumber, ListStyle, P

    doc = OpenDocumentText()
    ls = ListStyle(name="Numbered")
    lvl = ListLevelStyleNumber(level=1, numformat="1", numsuffix=".")
    lvl.addElement(ListLevelProperties())
    ls.addElement(lvl)
    doc.automaticstyles.addElement(ls)
    doc.text.addElement(H(outlinelevel=1, text=heading))
    for p in paragraphs:
        doc.text.addElement(P(text=p))
    lst = List(stylename="Numbered")
    for it in items:
        li = ListItem()
        li.addElement(P(text=it))
        lst.addElement(li)
    doc.text.addElement(lst)
    doc.save(str(path))
    return path


HTML_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Tenesteavtale 2 - saman.no</title>
<script>var x = "skript";</script><style>body{}</style></head><body>
<div class="browser-warning">We recommend that you upgrade to the latest version of your browser.</div>
<div id="cookie-consent">Vi bruker informasjonskapsler. <button>Godta</button></div>
<nav><a href="/">Heim</a> <a href="/avtalar">Avtalar</a></nav>
<main><h1>Tenesteavtale 2</h1><p>Retningsliner for samarbeid om innlegging og utskriving.</p>
<ol><li>Partane skal samarbeide.</li><li>Kommunen skal varslast.</li></ol>
<ul><li>Lovverk og forskrifter</li></ul></main>
<footer>Kontakt oss | Personvern</footer></body></html>"""


def write_rtf(path: Path) -> Path:
    r"""An RTF file in cp1252 with \'xx escapes for æ, ø, å."""
    path.write_bytes(
        rb"{\rtf1\ansi\ansicpg1252\deff0 {\fonttbl{\f0 Times;}}"
        rb"\f0 Tjenesteavtale 5 om utskrivningsklare pasienter\par "
        rb"Kommunen skal ta imot pasienten samme d\'f8gn. Bl\'e5 resept og \'e6rlig samarbeid.\par}"
    )
    return path


def docx_not_zip(path: Path) -> Path:
    path.write_bytes(b"This is not a zip file but claims to be a DOCX.\n" * 3)
    return path


def zip_bomb_docx(path: Path, *, size: int) -> Path:
    """A DOCX-shaped zip whose document.xml expands to ``size`` bytes of zeros."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"0" * size)
    return path


def encrypted_pdf(path: Path, source: Path) -> Path:
    """``source`` re-written with a user password (pypdf)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(source).pages:
        writer.add_page(page)
    writer.encrypt(user_password="hemmelig", owner_password="eier")
    with path.open("wb") as fh:
        writer.write(fh)
    return path
