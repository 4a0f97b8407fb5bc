"""Readers: one file's bytes -> extracted text, for PDF, DOCX, ODT, HTML, TXT and RTF.

The format is decided from the file's first bytes (magic numbers) before its extension, so
a ``.pdf`` that is really an HTML page is read as HTML and a ``.docx`` that is not a zip
archive is rejected with that reason. Every failure raises :class:`ReadError` with a reason
from :data:`REJECT_REASONS` and a detail for the user; the pipeline turns it into a row of
``rejects.csv``. Extraction keeps reading order and list/section numbers.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from avtaleanalyse.ingest.cleaning import resolve_soft_hyphens

__all__ = [
    "REJECT_REASONS",
    "RawDocument",
    "ReadError",
    "Reason",
    "decode_text",
    "read_document",
    "sniff_format",
]


class Reason:
    """The fixed vocabulary of reject reasons (``rejects.csv`` column ``reason``)."""

    EMPTY = "empty file (0 bytes)"
    TOO_LARGE = "file over the size limit"
    UNSUPPORTED = "unsupported format"
    CORRUPT_PDF = "corrupt or truncated PDF"
    ENCRYPTED_PDF = "encrypted PDF (password required)"
    NO_TEXT_LAYER = "no text layer — needs OCR"
    NOT_A_ZIP = "not a valid DOCX/ODT (not a zip archive)"
    ZIP_BOMB = "archive too large when uncompressed (zip bomb?)"
    CORRUPT_DOCUMENT = "corrupt document"
    UNDECODABLE = "undecodable text (no reliable encoding)"
    NO_TEXT = "no text extracted"
    DUPLICATE = "duplicate of another file (same sha256)"
    SYMLINK_OUTSIDE = "symlink leaving INPUT_DIR"
    SYMLINK_FOLDER = "symlink to a folder (its files are read at the target)"
    UNREADABLE = "file cannot be read"
    MANIFEST_MISSING = "listed in manifest but file missing"


#: Every reason a file can be rejected with.
REJECT_REASONS = tuple(v for k, v in vars(Reason).items() if k.isupper())


class ReadError(Exception):
    """A file that cannot become a document: ``reason`` (vocabulary) and ``detail``."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class RawDocument:
    """Text as extracted, before cleaning.

    ``pages`` holds per-page text for paginated formats (PDF), so running headers, footers
    and page numbers can be recognised across pages; ``text`` is the pages joined.
    """

    text: str
    format: str
    pages: tuple[str, ...] | None = None
    title_hint: str | None = None
    n_pages: int | None = None
    needs_ocr: bool = False
    encoding: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


# --------------------------------------------------------------------------- sniffing
_HTML_START = re.compile(
    rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title)\b", re.I | re.S
)
_TEXT_EXT = {".txt", ".text", ".md", ""}
_HTML_EXT = {".html", ".htm", ".xhtml"}
_KNOWN_BINARY = {
    b"\xff\xd8\xff": "JPEG image",
    b"\x89PNG": "PNG image",
    b"GIF8": "GIF image",
    b"\xd0\xcf\x11\xe0": "legacy Office file (.doc/.xls: save as DOCX)",
    b"II*\x00": "TIFF image",
    b"MM\x00*": "TIFF image",
}


def sniff_format(head: bytes, suffix: str) -> str:
    """The reader format for a file from its first bytes and its extension.

    Returns one of ``pdf, docx, odt, html, txt, rtf, zip`` (a zip archive that is neither
    DOCX nor ODT) or raises :class:`ReadError` for an unsupported format.
    """
    suffix = suffix.lower()
    if head.startswith(b"%PDF-") or (b"%PDF-" in head[:1024] and suffix == ".pdf"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.lstrip(b"\xef\xbb\xbf").startswith(b"{\\rtf"):
        return "rtf"
    for magic, what in _KNOWN_BINARY.items():
        if head.startswith(magic):
            raise ReadError(Reason.UNSUPPORTED, what)
    probe = head.lstrip(b"\xef\xbb\xbf")
    if _HTML_START.match(probe) or suffix in _HTML_EXT:
        return "html"
    if suffix in (".docx", ".odt"):
        raise ReadError(Reason.NOT_A_ZIP, f"{suffix} file does not start with a zip header")
    if suffix == ".pdf":
        raise ReadError(Reason.CORRUPT_PDF, "no %PDF- header")
    if suffix == ".rtf":
        raise ReadError(Reason.CORRUPT_DOCUMENT, "no {\\rtf header")
    if suffix in _TEXT_EXT:
        return "txt"
    raise ReadError(Reason.UNSUPPORTED, f"extension {suffix!r}")


# --------------------------------------------------------------------------- text decoding
_NORWEGIAN = set("æøåÆØÅ")
_MOJIBAKE = re.compile("Ã[¥¦¸…†˜]|Ã¦|Ã¸|Ã¥|â€")


def _plausible_text(text: str) -> bool:
    """Whether decoded text looks like natural-language text, not binary garbage."""
    if not text.strip():
        return True
    sample = text[:200_000]
    controls = sum(1 for c in sample if (unicodedata.category(c) == "Cc" and c not in "\t\n\r\f"))
    if controls > max(2, len(sample) // 1000):
        return False
    visible = [c for c in sample if not c.isspace()]
    letters = sum(c.isalpha() for c in visible)
    return letters >= 0.55 * max(1, len(visible))


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode plain-text bytes, detecting the encoding; never guess silently wrong.

    BOMs first (UTF-8, UTF-16 LE/BE), then strict UTF-8, then BOM-less UTF-16 (NUL bytes at
    alternating positions), then the single-byte Western encodings cp1252 / latin-1 checked
    with charset-normalizer and a plausibility test (letters, no control characters).

    Returns
    -------
    (text, encoding)

    Raises
    ------
    ReadError
        ``Reason.UNDECODABLE`` when no encoding gives plausible text.
    """
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise ReadError(Reason.UNDECODABLE, f"invalid {enc} after BOM: {exc}") from exc
    try:
        text = data.decode("utf-8")
        if _plausible_text(text):
            return text, "utf-8"
        raise ReadError(Reason.UNDECODABLE, "valid UTF-8 but not text (control characters)")
    except UnicodeDecodeError:
        pass
    nul_even = data[0::2].count(0)
    nul_odd = data[1::2].count(0)
    if len(data) >= 4 and max(nul_even, nul_odd) > len(data) // 4:
        enc = "utf-16-le" if nul_odd > nul_even else "utf-16-be"
        try:
            text = data.decode(enc)
            if _plausible_text(text):
                return text, enc
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["cp1252", "latin_1"]).best()
    candidates = [best.encoding] if best is not None else []
    candidates += [e for e in ("cp1252", "latin_1") if e not in candidates]
    for enc in candidates:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _plausible_text(text) and not _MOJIBAKE.search(text):
            return text, enc
    raise ReadError(Reason.UNDECODABLE, "not UTF-8, UTF-16, cp1252 or latin-1 text")


# --------------------------------------------------------------------------- PDF
def _read_pdf(path: Path) -> RawDocument:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        msg = str(exc).lower()
        if "password" in msg:
            raise ReadError(Reason.ENCRYPTED_PDF, str(exc)) from exc
        raise ReadError(Reason.CORRUPT_PDF, str(exc)) from exc
    try:
        n = len(pdf)
        if n == 0:
            raise ReadError(Reason.CORRUPT_PDF, "no pages")
        pages = []
        for i in range(n):
            page = pdf[i]
            textpage = page.get_textpage()
            raw = textpage.get_text_bounded()
            textpage.close()
            page.close()
            # pdfium marks a line-break hyphen with U+FFFE or U+0002: join the word halves
            # (or keep the hyphen before "og"/"eller" and capitals).
            raw = resolve_soft_hyphens(raw)
            pages.append(raw.replace("\r\n", "\n").replace("\r", "\n"))
        meta = pdf.get_metadata_dict(skip_empty=True)
        encrypted = pdfium_c.FPDF_GetSecurityHandlerRevision(pdf.raw) != -1
    finally:
        pdf.close()
    chars = [len(re.sub(r"\s", "", p)) for p in pages]
    if sum(chars) == 0:
        raise ReadError(Reason.NO_TEXT_LAYER, f"{n} page(s), no extractable text")
    # Mostly image pages with a little text (a stamp, a header): keep, flag for OCR.
    needs_ocr = sum(c < 40 for c in chars) > n / 2
    notes = ("encrypted (opened without a password)",) if encrypted else ()
    return RawDocument(
        text="\n\n".join(pages),
        format="pdf",
        pages=tuple(pages),
        title_hint=(meta.get("Title") or None),
        n_pages=n,
        needs_ocr=needs_ocr,
        notes=notes,
    )


# --------------------------------------------------------------------------- zip-based
def _check_zip(path: Path, *, max_uncompressed: int) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise ReadError(Reason.NOT_A_ZIP, str(exc)) from exc
    total = sum(i.file_size for i in zf.infolist())
    packed = sum(i.compress_size for i in zf.infolist()) or 1
    if total > max_uncompressed or (total > 10_000_000 and total / packed > 100):
        zf.close()
        raise ReadError(
            Reason.ZIP_BOMB,
            f"{total:,} bytes uncompressed from {packed:,} (limit {max_uncompressed:,})",
        )
    return zf


_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]  # fmt: skip


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter", "a", "A"):
        s = ""
        while n > 0:
            n, r = divmod(n - 1, 26)
            s = chr(ord("a") + r) + s
        return s.upper() if fmt in ("upperLetter", "A") else s
    if fmt in ("lowerRoman", "upperRoman", "i", "I"):
        s, rest = "", n
        for value, sym in _ROMAN:
            while rest >= value:
                s, rest = s + sym, rest - value
        return s.upper() if fmt in ("upperRoman", "I") else s
    if fmt in ("bullet", "none", ""):
        return ""
    return str(n)


class _ListNumbering:
    """Word list numbering (numbering.xml) replayed over the document's paragraphs."""

    def __init__(self, doc):
        from docx.oxml.ns import qn

        self._qn = qn
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, list[int]] = {}
        try:
            root = doc.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {}
        for an in root.findall(qn("w:abstractNum")):
            lv = {}
            for lvl in an.findall(qn("w:lvl")):
                ilvl = int(lvl.get(qn("w:ilvl")))
                fmt_el, text_el, start_el = (
                    lvl.find(qn("w:numFmt")),
                    lvl.find(qn("w:lvlText")),
                    lvl.find(qn("w:start")),
                )
                lv[ilvl] = (
                    fmt_el.get(qn("w:val")) if fmt_el is not None else "decimal",
                    text_el.get(qn("w:val")) if text_el is not None else "",
                    int(start_el.get(qn("w:val"))) if start_el is not None else 1,
                )
            abstract[an.get(qn("w:abstractNumId"))] = lv
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            if ref is not None:
                self.levels[num.get(qn("w:numId"))] = abstract.get(ref.get(qn("w:val")), {})

    def _num_pr(self, paragraph):
        qn = self._qn
        ppr = paragraph._p.pPr
        num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
        if num_pr is None and paragraph.style is not None:
            style = paragraph.style
            while style is not None and num_pr is None:
                sppr = style.element.pPr
                num_pr = sppr.find(qn("w:numPr")) if sppr is not None else None
                style = style.base_style
        if num_pr is None:
            return None
        num_id_el, ilvl_el = num_pr.find(qn("w:numId")), num_pr.find(qn("w:ilvl"))
        if num_id_el is None:
            return None
        ilvl = int(ilvl_el.get(qn("w:val"))) if ilvl_el is not None else 0
        return num_id_el.get(qn("w:val")), ilvl

    def label(self, paragraph) -> str:
        """The list label ("1.", "2.1", "a)", "•") of a paragraph, or ``""``."""
        found = self._num_pr(paragraph)
        if not found or found[0] not in self.levels or found[0] == "0":
            return ""
        num_id, ilvl = found
        levels = self.levels[num_id]
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, [0] * 9)
        fmt, text, start = levels[ilvl]
        counters[ilvl] = counters[ilvl] + 1 if counters[ilvl] else start
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = 0
        if fmt == "bullet":
            return "•"
        if fmt == "none":
            return ""

        def repl(m):
            k = int(m.group(1)) - 1
            value = counters[k] or levels.get(k, ("decimal", "", 1))[2]
            return _format_number(value, levels.get(k, ("decimal",))[0])

        return re.sub(r"%(\d)", repl, text).strip()


def _read_docx(path: Path, *, max_uncompressed: int) -> RawDocument:
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    zf = _check_zip(path, max_uncompressed=max_uncompressed)
    names = set(zf.namelist())
    zf.close()
    if "word/document.xml" not in names:
        if "mimetype" in names or "content.xml" in names:
            return _read_odt(path, max_uncompressed=max_uncompressed)
        raise ReadError(Reason.CORRUPT_DOCUMENT, "zip archive without word/document.xml")
    try:
        doc = Document(str(path))
    except Exception as exc:  # python-docx raises many kinds on malformed XML
        raise ReadError(Reason.CORRUPT_DOCUMENT, f"DOCX: {exc}") from exc
    numbering = _ListNumbering(doc)
    lines: list[str] = []
    for block in doc.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            para = Paragraph(block, doc)
            label = numbering.label(para)
            text = para.text
            lines.append(f"{label} {text}".strip() if label else text)
        elif tag == "tbl":
            for row in Table(block, doc).rows:
                seen: list[str] = []
                for cell in row.cells:  # merged cells repeat: keep each once
                    t = cell.text.strip()
                    if t and (not seen or seen[-1] != t):
                        seen.append(t)
                if seen:
                    lines.append("  ".join(seen))
            lines.append("")
    title = (doc.core_properties.title or "").strip() or None
    return RawDocument(text="\n".join(lines), format="docx", title_hint=title)


# --------------------------------------------------------------------------- ODT
def _read_odt(path: Path, *, max_uncompressed: int) -> RawDocument:
    from odf import teletype
    from odf.namespaces import STYLENS, TABLENS, TEXTNS
    from odf.opendocument import load
    from odf.table import TableRow
    from odf.text import ListStyle

    _check_zip(path, max_uncompressed=max_uncompressed).close()
    try:
        doc = load(str(path))
    except Exception as exc:  # odfpy raises KeyError/XML errors on malformed files
        raise ReadError(Reason.CORRUPT_DOCUMENT, f"ODT: {exc}") from exc

    # list style name -> {level: (kind, num_format, suffix)}
    list_styles: dict[str, dict[int, tuple[str, str, str]]] = {}
    for container in (doc.automaticstyles, doc.styles):
        for ls in container.getElementsByType(ListStyle):
            levels = {}
            for child in ls.childNodes:
                kind = child.qname[1]
                level = int(child.attributes.get((TEXTNS, "level"), "1"))
                fmt = child.attributes.get((STYLENS, "num-format"), "")
                suffix = child.attributes.get((STYLENS, "num-suffix"), "")
                levels[level] = (kind, fmt, suffix)
            list_styles[ls.attributes.get((STYLENS, "name"), "")] = levels

    lines: list[str] = []

    def walk_list(node, style: str, level: int, prefix: list[int]):
        style = node.attributes.get((TEXTNS, "style-name"), style)
        counter = 0
        for item in node.childNodes:
            if item.qname != (TEXTNS, "list-item"):
                continue
            counter += 1
            kind, fmt, suffix = list_styles.get(style, {}).get(
                level, ("list-level-style-bullet", "", "")
            )
            if kind == "list-level-style-number" and fmt:
                label = _format_number(counter, fmt) + (suffix or ".")
            else:
                label = "•"
            first = True
            for child in item.childNodes:
                if child.qname == (TEXTNS, "list"):
                    walk_list(child, style, level + 1, [*prefix, counter])
                elif child.qname in ((TEXTNS, "p"), (TEXTNS, "h")):
                    text = teletype.extractText(child)
                    lines.append(f"{label} {text}" if first else text)
                    first = False

    def walk(node):
        for child in node.childNodes:
            q = child.qname
            if q in ((TEXTNS, "p"), (TEXTNS, "h")):
                lines.append(teletype.extractText(child))
            elif q == (TEXTNS, "list"):
                walk_list(child, "", 1, [])
            elif q == (TABLENS, "table"):
                for row in child.getElementsByType(TableRow):
                    cells = [teletype.extractText(c).strip() for c in row.childNodes]
                    cells = [c for c in cells if c]
                    if cells:
                        lines.append("  ".join(cells))
                lines.append("")
            elif q in ((TEXTNS, "section"), (TEXTNS, "soft-page-break")) or q[1] == "section":
                walk(child)

    walk(doc.text)
    title = None
    for el in doc.meta.childNodes:
        if el.qname[1] == "title":
            title = teletype.extractText(el).strip() or None
    return RawDocument(text="\n".join(lines), format="odt", title_hint=title)


# --------------------------------------------------------------------------- HTML
_CHROME_ATTR = re.compile(
    r"cookie|consent|banner|breadcrumb|navbar|\bnav\b|menu|skip-?link|site-?header|site-?footer"
    r"|browser-?warning|outdated|share|social",
    re.I,
)
_BLOCK_TAGS = (
    "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li",
    "tr", "table", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "address", "caption",
)  # fmt: skip


def _read_html(data: bytes) -> RawDocument:
    from bs4 import BeautifulSoup, NavigableString

    soup = BeautifulSoup(data, "lxml")
    title_el = soup.find("title")
    h1 = soup.find("h1")
    title = (title_el.get_text(" ", strip=True) if title_el else "") or (
        h1.get_text(" ", strip=True) if h1 else ""
    )
    for tag in soup(["script", "style", "noscript", "nav", "header", "footer", "aside",
                     "form", "iframe", "svg", "button", "template", "head"]):  # fmt: skip
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed or tag.name in ("html", "body", "main", "article"):
            continue
        attrs = " ".join(
            [tag.get("id") or ""] + list(tag.get("class") or []) + [tag.get("role") or ""]
        )
        if attrs.strip() and _CHROME_ATTR.search(attrs):
            tag.decompose()
    for ol in soup.find_all("ol"):
        try:
            n = int(ol.get("start", 1))
        except ValueError:
            n = 1
        for li in ol.find_all("li", recursive=False):
            li.insert(0, NavigableString(f"{n}. "))
            n += 1
    for ul in soup.find_all("ul"):
        for li in ul.find_all("li", recursive=False):
            li.insert(0, NavigableString("• "))
    for br in soup.find_all("br"):
        br.replace_with(NavigableString("\n"))
    for cell in soup.find_all(["td", "th"]):
        cell.append(NavigableString("  "))
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before(NavigableString("\n"))
        tag.append(NavigableString("\n"))
    body = soup.body or soup
    return RawDocument(text=body.get_text(), format="html", title_hint=title or None)


# --------------------------------------------------------------------------- RTF
def _read_rtf(data: bytes) -> RawDocument:
    from striprtf.striprtf import rtf_to_text

    raw = data.decode("latin-1")
    m = re.search(r"\\ansicpg(\d+)", raw[:2000])
    encoding = f"cp{m.group(1)}" if m else "cp1252"
    try:
        codecs.lookup(encoding)
    except LookupError:
        encoding = "cp1252"
    try:
        text = rtf_to_text(raw, encoding=encoding, errors="strict")
    except (UnicodeDecodeError, ValueError) as exc:
        raise ReadError(Reason.CORRUPT_DOCUMENT, f"RTF: {exc}") from exc
    return RawDocument(text=text, format="rtf", encoding=encoding)


# --------------------------------------------------------------------------- dispatch
def read_document(path: str | Path, *, max_uncompressed: int = 200 * 1024 * 1024) -> RawDocument:
    """Extract the text of one file.

    Parameters
    ----------
    path
        The file.
    max_uncompressed
        Limit on the uncompressed size of DOCX/ODT archives (zip-bomb guard).

    Returns
    -------
    RawDocument

    Raises
    ------
    ReadError
        With a reason from :data:`REJECT_REASONS`.
    """
    path = Path(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise ReadError(Reason.UNREADABLE, str(exc)) from exc
    if not head:
        raise ReadError(Reason.EMPTY)
    fmt = sniff_format(head, path.suffix)
    if fmt == "pdf":
        return _read_pdf(path)
    if fmt == "zip":
        suffix = path.suffix.lower()
        zf = _check_zip(path, max_uncompressed=max_uncompressed)
        with zf:
            names = set(zf.namelist())
            mimetype = zf.read("mimetype").decode("ascii", "replace") if "mimetype" in names else ""
        if "word/document.xml" in names or suffix == ".docx":
            return _read_docx(path, max_uncompressed=max_uncompressed)
        if "opendocument.text" in mimetype or suffix == ".odt":
            return _read_odt(path, max_uncompressed=max_uncompressed)
        raise ReadError(
            Reason.UNSUPPORTED, f"zip archive ({suffix or 'no extension'}), not DOCX/ODT"
        )
    data = path.read_bytes()
    if fmt == "html":
        return _read_html(data)
    if fmt == "rtf":
        return _read_rtf(data)
    text, encoding = decode_text(data)
    return RawDocument(text=text, format="txt", encoding=encoding)
