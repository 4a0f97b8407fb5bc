"""Cleaning extracted text: pure ``str -> str`` steps joined by :func:`make_pipeline`.

Real agreements arrive wrapped in web-page chrome (docplayer's "Størrelse: px / Download /
Transkript", site logos, cookie and browser banners), with running page headers, footers
and page numbers, line-break hyphens, Word bullet glyphs and stray whitespace. Each step
here removes one of those and nothing else, so they can be tested and reordered one by one.

>>> clean_text("Logo blå saman.no\\n\\nTenesteavtale 2\\n\\n • Lovverk og tilhøyrande forskrifter.")
'Tenesteavtale 2\\n\\nLovverk og tilhøyrande forskrifter.'
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence

__all__ = [
    "CHROME_LINE",
    "clean_pages",
    "join_pages",
    "clean_text",
    "dehyphenate",
    "docplayer_title",
    "make_pipeline",
    "normalize_unicode",
    "normalize_whitespace",
    "remove_page_numbers",
    "remove_running_lines",
    "resolve_soft_hyphens",
    "strip_bullets",
    "strip_docplayer",
    "strip_web_chrome",
]

Step = Callable[[str], str]


def make_pipeline(*steps: Step) -> Step:
    """Compose ``str -> str`` steps left to right into one function."""

    def pipeline(text: str) -> str:
        for step in steps:
            text = step(text)
        return text

    pipeline.__doc__ = "Cleaning pipeline: " + " -> ".join(s.__name__ for s in steps)
    return pipeline


# --------------------------------------------------------------------------- unicode
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff\ufffe"), None)
_INVISIBLE.update(dict.fromkeys([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F], None))
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2009\u200a\u3000\t\v\f"), " ")


def normalize_unicode(text: str) -> str:
    """NFC, Unix line ends, no soft hyphens, zero-width or control characters, plain spaces."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    return text.translate(_INVISIBLE).translate(_SPACES)


# --------------------------------------------------------------------------- web chrome
_TOOL = (
    r"(?:Skriv ut(?: siden)?|Del(?: på [\w-]+| siden)?|Last ned(?: som PDF)?|Print|Share|"
    r"Tekststørrelse:?(?:\s*A){0,3}|Lytt|Les opp|Send på e-post)"
)
#: A whole line that is web-page chrome, never agreement text.
CHROME_LINE = re.compile(
    r"^\s*(?:"
    r"Størrelse:\s*px|Begynne med side:?|Download\s+\".*|Last ned\s+\".*|Transkript|"
    r"Save this PDF as:?.*|Lagre denne PDF.*|"
    r"Logo(?:\s+\w+)?\s+[\w.-]+\.(?:no|com|org)|"
    r"We recommend that you upgrade.*|Your browser is (?:out of date|outdated).*|"
    r"Vi anbefaler (?:at du oppgraderer|deg å oppgradere).*|Du bruker en (?:gammel|utdatert) nettleser.*|"
    r"Nettlesaren din er utdatert.*|"
    r".{0,120}\b(?:informasjonskapsler|cookies?)\b.{0,160}|"
    r"Hopp til (?:innhold|hovudinnhald|hovedinnhold)|Skip to (?:main )?content|"
    r"(?:Godta|Aksepter|Accept)(?: alle)?(?: cookies| informasjonskapsler)?|"
    r"Del på (?:Facebook|Twitter|LinkedIn|e-post)|Skriv ut(?: siden)?|Til toppen|"
    # a toolbar: several of its items on one line, separated by | · •
    rf"{_TOOL}(?:\s*[|·•]\s*{_TOOL})+"
    r")\s*$",
    re.IGNORECASE,
)


def strip_web_chrome(text: str) -> str:
    """Drop whole lines of web-page chrome (logos, downloads, cookie/browser banners)."""
    return "\n".join(line for line in text.split("\n") if not CHROME_LINE.match(line))


_TRANSCRIPT = re.compile(r"^\s*Transkript\s*$", re.MULTILINE)
_DOCPLAYER_MARK = re.compile(r"^\s*Størrelse:\s*px\s*$", re.MULTILINE)


def docplayer_title(text: str) -> str | None:
    """The page title above docplayer's chrome (its first non-blank line), if docplayer."""
    if not (_DOCPLAYER_MARK.search(text) and _TRANSCRIPT.search(text)):
        return None
    for line in text.split("\n"):
        if line.strip():
            return line.strip()
    return None


def strip_docplayer(text: str) -> str:
    """Remove docplayer's wrapper: everything up to "Transkript", and its page numbers.

    docplayer prints a page's number before its text ("1 Tjenesteavtale 3 …", a blank line,
    "2 1. Parter …"); the numbers run 1, 2, 3 … at the start of paragraphs and are removed
    only in that sequence, so a numbered heading such as "2. Bakgrunn" is never touched.
    """
    m = _TRANSCRIPT.search(text)
    if not (m and _DOCPLAYER_MARK.search(text[: m.start()])):
        return text
    body = text[m.end() :]
    out, expected = [], 1
    for para in re.split(r"\n\s*\n", body):
        stripped = para.lstrip()
        mark = re.match(rf"{expected}(?:\s+|$)", stripped)
        if mark and not re.match(rf"{expected}[.)]", stripped):
            para, expected = stripped[mark.end() :], expected + 1
        out.append(para)
    return "\n\n".join(out)


# --------------------------------------------------------------------------- pages
_PAGE_NUMBER = re.compile(
    r"^\s*(?:(?:side|sida|page|s\.)\s*)?[-–—]?\s*\d{1,4}\s*[-–—]?\s*"
    r"(?:(?:av|of|/|frå|fra)\s*\d{1,4})?\s*$",
    re.IGNORECASE,
)


def remove_page_numbers(text: str) -> str:
    """Drop lines that hold only a page number ("3", "- 3 -", "Side 3 av 12", "3/12")."""
    return "\n".join(line for line in text.split("\n") if not _PAGE_NUMBER.match(line))


def _line_key(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip().lower())


def remove_running_lines(
    pages: Sequence[str], *, edge: int = 3, min_share: float = 0.5
) -> list[str]:
    """Remove running headers and footers: edge lines repeated on most pages.

    A line among the first or last ``edge`` non-blank lines of a page whose shape (digits
    folded, so "Side 2 av 9" matches "Side 3 av 9") recurs on at least ``min_share`` of the
    pages (and on 2 pages or more) is removed from every page.
    """
    if len(pages) < 2:
        return list(pages)
    counts: Counter[str] = Counter()
    for page in pages:
        lines = [ln for ln in page.split("\n") if ln.strip()]
        counts.update({_line_key(ln) for ln in lines[:edge] + lines[-edge:]})
    need = max(2, int(min_share * len(pages) + 0.999))
    running = {k for k, c in counts.items() if c >= need}
    out = []
    for page in pages:
        lines = page.split("\n")
        nonblank = [i for i, ln in enumerate(lines) if ln.strip()]
        edges = set(nonblank[:edge] + nonblank[-edge:])
        out.append(
            "\n".join(
                ln for i, ln in enumerate(lines) if not (i in edges and _line_key(ln) in running)
            )
        )
    return out


# --------------------------------------------------------------------------- words
_KEEP_HYPHEN_BEFORE = r"(?:og|eller|and|samt|til|som|enn|mot)\b"


def dehyphenate(text: str) -> str:
    """Join words split by a line-break hyphen, keeping "helse- og omsorg" style hyphens.

    "spesialisthelse-\\ntjenesten" becomes "spesialisthelsetjenesten"; a hyphen followed by
    a conjunction ("helse- og omsorgstjenester", "inn- og utskriving") is kept with its space,
    and a hyphen before a capital or a digit is kept without one ("Nord-\\nNorge" becomes
    "Nord-Norge").
    """
    text = re.sub(
        rf"(\w)-[ \t]*\n[ \t]*(?!{_KEEP_HYPHEN_BEFORE})([a-zæøå])",
        r"\1\2",
        text,
    )
    text = re.sub(rf"(\w)-[ \t]*\n[ \t]*(?={_KEEP_HYPHEN_BEFORE})", r"\1- ", text)
    return re.sub(r"(\w)-[ \t]*\n[ \t]*(?=[A-ZÆØÅ\d])", r"\1-", text)


#: Marks pdfium puts where a word was hyphenated at a line end (the line break is dropped).
_SOFT_HYPHEN_MARK = re.compile("[\x02\ufffe][ \t]*(?:\r?\n)?[ \t]*")


def resolve_soft_hyphens(text: str) -> str:
    """Turn pdfium's line-end hyphen marks (U+0002, U+FFFE) into de-hyphenated text.

    The word halves are joined ("samar|beid" becomes "samarbeid"), except before a
    conjunction ("helse|og omsorg" becomes "helse- og omsorg") or a capital or a digit
    ("Nord|Norge" becomes "Nord-Norge").
    """

    def repl(m: re.Match[str]) -> str:
        rest = text[m.end() : m.end() + 8]
        if re.match(_KEEP_HYPHEN_BEFORE, rest):
            return "- "
        if re.match(r"[A-ZÆØÅ\d]", rest):
            return "-"
        return ""

    return _SOFT_HYPHEN_MARK.sub(repl, text)


_BULLETS = "•\uf0b7\uf0a7\uf076\uf0d8\uf0fc▪■□◦●○·►▶➢✓✔⁃∙"
_LINE_BULLET = re.compile(rf"^[ \t]*[{_BULLETS}][ \t]*", re.MULTILINE)
_INLINE_BULLET = re.compile(rf"(?<=\S)[ \t]+[{_BULLETS}][ \t]+")


def strip_bullets(text: str) -> str:
    """Remove bullet glyphs (•, Word's U+F0B7, ▪ …); an inline bullet starts a new line."""
    text = _INLINE_BULLET.sub("\n", text)
    return _LINE_BULLET.sub("", text)


def normalize_whitespace(text: str) -> str:
    """Single spaces, no trailing spaces, blank-only lines emptied, at most one blank line."""
    text = re.sub(r"[ ]{2,}", " ", text)
    text = re.sub(r"[ ]+\n", "\n", text)
    text = re.sub(r"\n[ ]+", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


#: The default cleaning of one document's text (after page-level cleaning for PDFs).
clean_text = make_pipeline(
    resolve_soft_hyphens,
    normalize_unicode,
    strip_docplayer,
    strip_web_chrome,
    remove_page_numbers,
    dehyphenate,
    strip_bullets,
    normalize_whitespace,
)


_SENTENCE_END = re.compile(r"[.!?:;)»\"]\s*$")


def join_pages(pages: Sequence[str]) -> str:
    """Join pages with a blank line, or a single line break where a sentence runs on.

    A page whose last line ends without sentence punctuation, followed by a page whose first
    line starts with a lower-case letter, continues one sentence (or a word split by a
    hyphen) across the page break; a blank line there would cut it in two for every later
    step that splits text into sentences or paragraphs.
    """
    out = ""
    for page in pages:
        page = page.strip("\n")
        if not page:
            continue
        if out:
            runs_on = not _SENTENCE_END.search(out) and page.lstrip()[:1].islower()
            out += "\n" if runs_on else "\n\n"
        out += page
    return out


def clean_pages(pages: Sequence[str]) -> str:
    """Clean a paginated document: running headers/footers and page numbers off each page,
    pages joined (:func:`join_pages`), then :func:`clean_text`."""
    pages = [remove_page_numbers(normalize_unicode(p)) for p in pages]
    return clean_text(join_pages(remove_running_lines(pages)))
