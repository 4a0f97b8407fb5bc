"""Render demo documents as the files users get: PDF, DOCX, ODT, HTML, TXT, RTF, and the
broken ones. Every writer is deterministic (fixed dates, fixed zip timestamps)."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import textwrap
import zipfile
from xml.sax.saxutils import escape

from avtaleanalyse.demo.damage import hyphenate_word, ocr_damage
from avtaleanalyse.demo.generate import (
    SYNTHETIC_LABEL,
    DemoDocument,
    national_model_text,
    rng_for,
)

__all__ = ["render"]

FIXED = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
ZIP_DATE = (2024, 1, 1, 0, 0, 0)
_LATIN1_FIX = str.maketrans(
    {"–": "-", "—": "-", "’": "'", "“": '"', "”": '"', "…": "...", "\u00a0": " "}
)


def _latin1(s: str) -> str:
    return s.translate(_LATIN1_FIX).encode("latin-1", "replace").decode("latin-1")


def _zip(parts: list[tuple[str, bytes]], stored_first: bool = False) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for i, (name, data) in enumerate(parts):
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = (
                zipfile.ZIP_STORED if (stored_first and i == 0) else zipfile.ZIP_DEFLATED
            )
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return buf.getvalue()


# --------------------------------------------------------------------------- PDF
def _wrap(text: str, width: int, hyphenate: bool) -> list[str]:
    if not hyphenate:
        return textwrap.wrap(text, width) or [""]
    lines, cur = [], ""
    for w in text.split():
        if not cur:
            cur = w
        elif len(cur) + 1 + len(w) <= width:
            cur += " " + w
        else:
            h = hyphenate_word(w)
            if h and len(cur) + 1 + len(h[0]) <= width:
                lines.append(cur + " " + h[0])
                cur = h[1]
            else:
                lines.append(cur)
                cur = w
    lines.append(cur)
    return lines


def _pdf(d: DemoDocument, text_lines: list[tuple[str, str]]) -> bytes:
    from fpdf import FPDF

    header = _latin1(d.header)

    class Doc(FPDF):
        def header(self):
            self.set_font("Helvetica", "I", 8)
            self.cell(0, 5, header, new_x="LMARGIN", new_y="NEXT", align="R")
            self.ln(2)

        def footer(self):
            self.set_y(-12)
            self.set_font("Helvetica", "", 8)
            self.cell(0, 5, f"Side {self.page_no()}", align="C")

    pdf = Doc(format="A4")
    pdf.set_margins(25, 20, 25)
    pdf.set_creation_date(FIXED)
    pdf.set_title(_latin1(d.title.split("\n")[0]))
    pdf.set_producer("avtaleanalyse demokorpus")
    pdf.set_subject(SYNTHETIC_LABEL)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_page()
    for style, line in text_lines:
        if style == "T":
            pdf.set_font("Helvetica", "B", 13)
            pdf.multi_cell(0, 6, _latin1(line), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif style == "H":
            pdf.ln(2)
            pdf.set_font("Helvetica", "B", 10.5)
            pdf.cell(0, 6, _latin1(line), new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.set_font("Helvetica", "", 11)
            for ln in _wrap(_latin1(line), 86, d.hyphenate):
                pdf.cell(0, 5.6, ln, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2.5)
    return bytes(pdf.output())


def _image_pdf(d: DemoDocument) -> bytes:
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    lines = []
    for para in _latin1(d.plain_text()).split("\n"):
        lines.extend(textwrap.wrap(para, 90) or [""])
    pdf = FPDF(format="A4")
    pdf.set_creation_date(FIXED)
    pdf.set_producer("scanner")
    for start in range(0, min(len(lines), 120), 60):
        img = Image.new("L", (1240, 1754), 255)
        draw = ImageDraw.Draw(img)
        for i, ln in enumerate(lines[start : start + 60]):
            draw.text((90, 90 + i * 26), ln, fill=0)
        pdf.add_page()
        pdf.image(img, x=0, y=0, w=210, h=297)
    return bytes(pdf.output())


def _encrypt(data: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    from pypdf.generic import ArrayObject, ByteStringObject

    fixed = ByteStringObject(hashlib.md5(data).digest())
    w._ID = ArrayObject([fixed, fixed])  # fixed file ID: same input, same encrypted bytes
    w.generate_file_identifiers = lambda: None  # pypdf would draw a random second ID
    w.encrypt(user_password="samhandling", owner_password="eier", algorithm="RC4-128")
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


# --------------------------------------------------------------------------- DOCX / ODT
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def _docx(d: DemoDocument, lines: list[tuple[str, str]]) -> bytes:
    def p(style, text):
        st = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
        return f'<w:p>{st}<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'

    body = "".join(p({"T": "Title", "H": "Heading1"}.get(s, ""), t) for s, t in lines)
    doc = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {_W}><w:body>{body}'
        '<w:sectPr><w:headerReference w:type="default" r:id="rIdH"/></w:sectPr></w:body></w:document>'
    )
    styles = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles {_W}>'
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
        '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/></w:style>'
        '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/>'
        '<w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style></w:styles>'
    )
    header = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:hdr {_W}>{p("", d.header)}</w:hdr>'
    ct = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
        '<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        "</Relationships>"
    )
    drels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        '<Relationship Id="rIdH" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>'
        "</Relationships>"
    )
    core = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(d.title.split(chr(10))[0])}</dc:title><dc:description>{SYNTHETIC_LABEL}</dc:description>"
        '<dcterms:created xsi:type="dcterms:W3CDTF">2024-01-01T00:00:00Z</dcterms:created>'
        "</cp:coreProperties>"
    )
    return _zip(
        [
            ("[Content_Types].xml", ct.encode()),
            ("_rels/.rels", rels.encode()),
            ("word/document.xml", doc.encode()),
            ("word/_rels/document.xml.rels", drels.encode()),
            ("word/styles.xml", styles.encode()),
            ("word/header1.xml", header.encode()),
            ("docProps/core.xml", core.encode()),
        ]
    )


_ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.2"'
)


def _odt(d: DemoDocument, lines: list[tuple[str, str]]) -> bytes:
    body = []
    for s, t in lines:
        if s == "T":
            body.append(f'<text:h text:outline-level="1">{escape(t)}</text:h>')
        elif s == "H":
            body.append(f'<text:h text:outline-level="2">{escape(t)}</text:h>')
        else:
            body.append(f"<text:p>{escape(t)}</text:p>")
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODF_NS}>'
        f"<office:body><office:text>{''.join(body)}</office:text></office:body></office:document-content>"
    )
    styles = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {_ODF_NS}>'
        '<office:master-styles><style:master-page style:name="Standard">'
        f"<style:header><text:p>{escape(d.header)}</text:p></style:header>"
        "</style:master-page></office:master-styles></office:document-styles>"
    )
    meta = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {_ODF_NS}><office:meta>'
        f"<dc:title>{escape(d.title.split(chr(10))[0])}</dc:title><dc:description>{SYNTHETIC_LABEL}</dc:description>"
        "<meta:creation-date>2024-01-01T00:00:00</meta:creation-date><meta:generator>avtaleanalyse</meta:generator>"
        "</office:meta></office:document-meta>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    return _zip(
        [
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("content.xml", content.encode()),
            ("styles.xml", styles.encode()),
            ("meta.xml", meta.encode()),
            ("META-INF/manifest.xml", manifest.encode()),
        ],
        stored_first=True,
    )


# --------------------------------------------------------------------------- HTML, TXT, RTF
def _html(d: DemoDocument, lines: list[tuple[str, str]]) -> bytes:
    trust = d.truth["health_trust"]
    chrome_top = [
        f'<div class="logo">{html.escape(trust)} – samhandling</div>'
        '<nav><ul><li><a href="/">Forside</a></li><li><a href="/samhandling">Samhandling</a></li>'
        '<li><a href="/avtaler">Samarbeidsavtaler</a></li><li><a href="/kontakt">Kontakt oss</a></li></ul></nav>',
        '<div class="cookie">Vi bruker informasjonskapsler for å forbedre nettstedet. '
        "<button>Godta alle</button> <button>Bare nødvendige</button></div>"
        f'<header><a href="/">{html.escape(trust)}</a> › Fag og samhandling › Avtaler</header>',
        '<div class="toolbar">Skriv ut | Del på e-post | Last ned som PDF | Tekststørrelse: A A A</div>',
    ]
    parts = ['<!DOCTYPE html>\n<html lang="no"><head><meta charset="utf-8">']
    parts.append(f"<title>{html.escape(d.title.split(chr(10))[0])}</title></head><body>")
    parts.append(chrome_top[d.chrome % 3])
    if d.chrome != 0:
        parts.append(chrome_top[0])
    parts.append("<main><article>")
    for s, t in lines:
        tag = {"T": "h1", "H": "h2"}.get(s, "p")
        parts.append(f"<{tag}>{html.escape(t)}</{tag}>")
    parts.append("</article></main>")
    parts.append(
        "<footer><p>Sist oppdatert: 1.1.2024</p><p>Personvern · Tilgjengelighetserklæring · "
        f"Om nettstedet</p><p>{SYNTHETIC_LABEL}</p></footer></body></html>\n"
    )
    return "\n".join(parts).encode("utf-8")


def _txt(d: DemoDocument, text: str) -> bytes:
    if d.encoding == "cp1252":
        return text.replace("\n", "\r\n").encode("cp1252", "replace")
    if d.encoding == "utf-16":
        return "\ufeff".encode("utf-16-le") + text.encode("utf-16-le")
    return text.encode("utf-8")


def _rtf_escape(s: str) -> str:
    out = []
    for ch in s:
        if ch in "\\{}":
            out.append("\\" + ch)
        elif ord(ch) < 128:
            out.append(ch)
        else:
            try:
                out.append(f"\\'{ch.encode('cp1252')[0]:02x}")
            except UnicodeEncodeError:
                out.append(f"\\u{ord(ch)}?")
    return "".join(out)


def _rtf(d: DemoDocument, lines: list[tuple[str, str]]) -> bytes:
    out = [
        r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Times New Roman;}}",
        r"{\header\pard " + _rtf_escape(d.header) + r"\par}",
    ]
    for s, t in lines:
        if s == "T":
            out.append(r"\pard\b\fs28 " + _rtf_escape(t) + r"\b0\fs24\par")
        elif s == "H":
            out.append(r"\pard\b " + _rtf_escape(t) + r"\b0\par")
        else:
            out.append(r"\pard " + _rtf_escape(t) + r"\par")
    out.append("}")
    return "\n".join(out).encode("ascii")


# --------------------------------------------------------------------------- dispatch
def _lines(d: DemoDocument, seed: int) -> list[tuple[str, str]]:
    out = [("T", t) for t in d.title.split("\n")]
    for s in d.sections:
        out.append(("H", f"{s.number} {s.heading}".strip()))
        out.extend(("P", p) for p in s.paras)
    if d.ocr:
        r = rng_for(seed, "ocr", d.duplicate_of or d.source_path)  # a copy keeps its damage
        out = [(s, ocr_damage("\n" + t, r).lstrip("\n")) if s != "T" else (s, t) for s, t in out]
    return out


def render(d: DemoDocument, seed: int) -> bytes:
    """The file's bytes for one document (including the broken kinds)."""
    if d.broken == "zero":
        return b""
    if d.broken == "xlsx":
        sheet = f"<workbook><sheet name={escape(d.source_path)!r}/></workbook>".encode()
        return _zip([("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", sheet)])
    if d.broken == "jpg":
        from PIL import Image

        buf = io.BytesIO()
        r = rng_for(seed, "jpg", d.source_path)
        colour = (r.randrange(256), r.randrange(256), r.randrange(256))
        Image.new("RGB", (64, 48), colour).save(buf, "JPEG", quality=80)
        return buf.getvalue()
    if d.broken == "undecodable":
        return b"\xff\xfe" + d.plain_text()[:200].encode("utf-16-le") + b"\x00\xd8\x41"
    if d.broken == "notzip":
        return ("Dette dokumentet kunne ikke lagres riktig.\n" + d.plain_text()[:300]).encode(
            "utf-8"
        )
    if d.broken == "image":
        return _image_pdf(d)
    lines = _lines(d, seed)
    f = d.format
    if f == "pdf":
        data = _pdf(d, lines)
        if d.broken == "truncated":
            return data[: len(data) // 3]
        if d.broken == "encrypted":
            return _encrypt(data)
        return data
    if f == "docx":
        return _docx(d, lines)
    if f == "odt":
        return _odt(d, lines)
    if f == "html":
        return _html(d, lines)
    if f == "rtf":
        return _rtf(d, lines)
    text = "\n\n".join(t for _, t in lines) + "\n"
    return _txt(d, text)


# --------------------------------------------------------------------------- corpus
MANIFEST_HEADER = (
    "source_path",
    "title",
    "agreement_kind",
    "agreement_number",
    "agreement_label",
    "health_trust",
    "municipalities",
    "year",
    "language_form",
    "comment",
)
TRUTH_COLUMNS = (
    "source_path",
    "doc_key",
    "municipalities",
    "municipality_numbers",
    "health_trust",
    "rhf",
    "agreement_kind",
    "agreement_number",
    "agreement_label",
    "year",
    "generation",
    "language_form",
    "format",
    "template_family",
    "adaptation_share",
    "adaptation_kind",
    "brukermedvirkning_level",
    "brukererfaringer_present",
    "kompetanse_direction",
    "paragraph_points",
    "is_template",
    "ocr_damaged",
    "expected_status",
    "expected_reject_reason",
    "duplicate_of",
    "metadata_noise",
)


def manifest_rows(corpus) -> list[dict]:
    """The deliberately incomplete manifest: ~70 % of files, about half the cells filled.

    Returns
    -------
    list of dict
        Keys :data:`MANIFEST_HEADER`; blank = unknown. Never contradicts truth.csv.
    """
    rows = []
    for d in corpus.documents:
        r = rng_for(corpus.seed, "manifest", d.source_path)
        if r.random() >= 0.7:
            continue
        t = d.truth
        row = dict.fromkeys(MANIFEST_HEADER, "")
        row["source_path"] = d.source_path
        fill = {
            "title": d.title.split("\n")[0],
            "agreement_kind": t["agreement_kind"],
            "agreement_number": t["agreement_number"],
            "agreement_label": t["agreement_label"],
            "health_trust": t["health_trust"],
            "municipalities": t["municipalities"] or "-",
            "year": t["year"],
            "language_form": t["language_form"],
        }
        for k, v in fill.items():
            if r.random() < 0.5:
                row[k] = v
        if r.random() < 0.1:
            row["comment"] = r.choice(
                ("lastet ned fra nettsiden", "skannet kopi", "mottatt på e-post", "signert versjon")
            )
        rows.append(row)
    return rows


def _csv(path, header, rows, comment: str | None = None) -> None:
    import csv

    with open(path, "w", encoding="utf-8", newline="") as f:
        if comment:
            f.write(comment + "\n")
        w = csv.DictWriter(f, fieldnames=list(header), lineterminator="\n")
        w.writeheader()
        for row in rows:
            w.writerow({k: row.get(k, "") for k in header})


README = """# {label}

Dette er et **syntetisk** korpus av samarbeidsavtaler mellom kommuner og helseforetak, laget av
`avtaleanalyse demo-corpus` (seed {seed}, scale {scale}). Tekstene er prosjektets egne og er ikke
kopiert fra virkelige avtaler; kommune- og helseforetaksnavn er ekte, men avtalene er oppdiktet.

- `files/`: {n_files} filer (PDF, DOCX, ODT, HTML, TXT, RTF og noen ødelagte filer).
- `manifest.csv`: bevisst ufullstendig metadata, slik en ekte manifestfil ofte er.
- `truth.csv`: fasit for hver fil (les aldri denne i analysekoden).
- `truth_passages.csv`: lokalt lagt til, endret og fjernet tekst.
- `national_model.txt`: den nasjonale modellavtalen slik helseforetakene fikk den (til
  `avtaleanalyse similarity --national-model`).

Bruk: `avtaleanalyse ingest DIR/files --out X --manifest DIR/manifest.csv` (DIR er denne mappen).
Modellen er beskrevet i `data/README.md` i prosjektet.
"""


def write_corpus(corpus, out_dir) -> dict:
    """Write the corpus: ``files/**``, ``manifest.csv``, ``truth.csv``, ``truth_passages.csv``,
    ``national_model.txt``, ``README.md``.

    Returns
    -------
    dict
        Counts: ``n_files``, ``n_manifest_rows``.
    """
    from pathlib import Path

    out = Path(out_dir)
    files = out / "files"
    files.mkdir(parents=True, exist_ok=True)
    for d in corpus.documents:
        p = files / d.source_path
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(render(d, corpus.seed))
    label = (
        f"# {SYNTHETIC_LABEL} (generert av avtaleanalyse, seed {corpus.seed}, scale {corpus.scale})"
    )
    rows = manifest_rows(corpus)
    _csv(out / "manifest.csv", MANIFEST_HEADER, rows, comment=label)
    truth = corpus.truth()
    _csv(out / "truth.csv", TRUTH_COLUMNS, truth.to_dict("records"), comment=label)
    _csv(
        out / "truth_passages.csv",
        ("source_path", "kind", "text"),
        corpus.passages().to_dict("records"),
        comment=label,
    )
    (out / "national_model.txt").write_text(national_model_text(), encoding="utf-8")
    (out / "README.md").write_text(
        README.format(
            label=SYNTHETIC_LABEL,
            seed=corpus.seed,
            scale=corpus.scale,
            n_files=len(corpus.documents),
            out=out.name,
        ),
        encoding="utf-8",
    )
    return {"n_files": len(corpus.documents), "n_manifest_rows": len(rows)}
