"""Infer an agreement's metadata from its title, text and file name.

Rules (general, not per sample):

* **kind and number** — from the title first, then the document's first line, then the file
  name, then the body's own words for itself ("denne tjenesteavtalen"); a særavtale /
  underavtale named anywhere in a title wins over the agreement it belongs to
  ("Særavtale til tjenesteavtale 7" is a særavtale with number 7); plural mentions
  ("tenesteavtalar") never count. With no kind word at all, an agreement between a
  municipality and a trust gets the trust's customary word for sub-agreements.
* **health trust** — public trusts (HF) named in the title, else the most mentioned one
  (early mentions count more); a private hospital or a private DPS only if no HF is named.
  A local sub-agreement signed by a private DPS under an HF's agreement therefore belongs to
  that HF — the statutory agreement is the HF's. Failing any name, the one HF whose catchment
  covers the municipalities' counties.
* **municipalities** — "<Name> kommune", lists "X, Y og Z kommune(ne)", "kommunane X, Y og Z",
  in the title and the first part of the text (the parties); homonyms resolved by the trust's
  counties. Placeholders ("xx kommune", ".......... kommune", "Denne avtalen gjelder for.
  kommune") make a template: no municipalities.
* **year** — the first "gjeld frå / gjelder fra / vedtatt / inngått / godkjent / signert …"
  date, else the latest full date, else a year in the title or file name; statute dates are
  ignored.
* **language form** — :func:`avtaleanalyse.ingest.language.detect_language_form`.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import PurePath

from avtaleanalyse.ingest.language import detect_language_form
from avtaleanalyse.reference.matching import (
    find_health_trusts,
    health_trust_counties,
    municipality_number,
    resolve_municipality,
)

__all__ = [
    "find_kind_and_number",
    "find_municipalities",
    "find_year",
    "infer_metadata",
    "is_template_text",
    "strip_chrome",
]

HEAD_CHARS = 1500

# --- chrome that may survive cleaning ---------------------------------------------
_CHROME_LINE_RE = re.compile(
    r"^\s*(?:Størrelse:\s*px|Begynne med side:?|Download\b.*|Last ned\b.*|Transkript|"
    r"Save this PDF as.*|Logo\b.*|We recommend\b.*|Vi anbefaler\b.*|.*\bcookies?\b.*|"
    r"Hopp til (?:innhold|hovedinnhold)|Skip to (?:main )?content)\s*$",
    re.IGNORECASE,
)


def strip_chrome(text: str) -> str:
    """Drop lines that are web-page chrome (docplayer, site logos, browser banners)."""
    return "\n".join(line for line in text.splitlines() if not _CHROME_LINE_RE.match(line))


def _first_line(text: str, *, limit: int = 250) -> str:
    for line in text.splitlines():
        line = re.sub(r"^\s*\d{1,3}\s+(?=[A-ZÆØÅ])", "", line.strip())  # docplayer page no.
        if len(line) >= 4:
            return line[:limit]
    return ""


def _first_lines(text: str, *, n: int, limit: int = 250) -> list[str]:
    out = []
    for line in text.splitlines():
        line = re.sub(r"^\s*\d{1,3}\s+(?=[A-ZÆØÅ])", "", line.strip())
        if len(line) >= 4:
            out.append(line[:limit])
            if len(out) == n:
                break
    return out


# --- kind and number ----------------------------------------------------------------
_NUM = r"(?:nr\.?\s*|no\.?\s*|nummer\s+)?(\d{1,2}[A-Ha-h]?(?![\w])(?:\s*(?:og|,|&|\+)\s*\d{1,2}[A-Ha-h]?(?![\w]))*)"
_SINGULAR = r"(?:en|n|a)?(?![\wæøå])"
_KIND_PATTERNS = {
    "saeravtale": re.compile(
        rf"\b(?:s(?:æ|ae)ravtale|underavtale|tilleggsavtale|lokal\s+samarbeidsavtale){_SINGULAR}",
        re.I,
    ),
    "overordnet": re.compile(
        rf"\b(?:overordn\w*\s+samarbeidsavtale{_SINGULAR}|rammeavtale{_SINGULAR}|"
        rf"hovud?e?avtale{_SINGULAR})",
        re.I,
    ),
    # a bare "Samarbeidsavtale mellom ..." title: overordnet unless a numbered kind follows
    "generic": re.compile(rf"^\s*samarbeidsavtale{_SINGULAR}(?!\s+(?:om|for)\b)", re.I),
    "tjenesteavtale": re.compile(rf"\bt(?:j)?enesteavtale{_SINGULAR}", re.I),
    "delavtale": re.compile(rf"\bdelavtale{_SINGULAR}", re.I),
}
_NUMBERED_SUB_RE = re.compile(
    rf"\b(?:t(?:j)?enesteavtale|delavtale|s(?:æ|ae)ravtale){_SINGULAR}\s*{_NUM}", re.I
)
_FILE_ABBREV_RE = re.compile(r"(?<![a-z])(ta|da|sa)[\s_-]?(\d{1,2}[a-h]?)(?![\da-z])", re.I)
_ABBREV_KIND = {"ta": "tjenesteavtale", "da": "delavtale", "sa": "saeravtale"}

# customary word for sub-agreements where a text names no kind (Helse Nord and Helse Bergen
# number "tjenesteavtaler"; most other trusts "delavtaler")
_TJENESTEAVTALE_TRUSTS = {
    "Helse Bergen HF",
    "Haraldsplass Diakonale Sykehus AS",
    "Helgelandssykehuset HF",
    "Nordlandssykehuset HF",
    "Universitetssykehuset Nord-Norge HF",
    "Finnmarkssykehuset HF",
}


def _label_to_number(label: str | None) -> int | None:
    if not label:
        return None
    m = re.match(r"\d+", label)
    return int(m.group(0)) if m else None


def _clean_label(label: str) -> str:
    label = re.sub(r"\s+", " ", label.strip())
    label = re.sub(r"\s*,\s*", ", ", label)
    return label.upper() if re.fullmatch(r"\d+[a-h]", label) else label


def _number_after(text: str, start: int) -> str | None:
    m = re.match(rf"\s*{_NUM}", text[start:], re.I)
    return _clean_label(m.group(1)) if m else None


def find_kind_and_number(text: str) -> tuple[str | None, str | None]:
    """Kind and number label named in a title-like string, or ``(None, None)``.

    >>> find_kind_and_number("Særavtale til Tjenesteavtale 7. Helsefagarbeidere")
    ('saeravtale', '7')
    >>> find_kind_and_number("Overordna samarbeidsavtale og tenesteavtale 1")
    ('overordnet', '1')
    >>> find_kind_and_number("Tenesteavtale 11 og 12")
    ('tjenesteavtale', '11 og 12')
    """
    if not text:
        return None, None
    sub = _KIND_PATTERNS["saeravtale"].search(text)
    if sub:
        label = _number_after(text, sub.end())
        if label is None:  # "Særavtale til tjenesteavtale 7"
            m = re.match(
                rf"\s+til\s+(?:t(?:j)?enesteavtale|delavtale)\s*{_NUM}", text[sub.end() :], re.I
            )
            label = _clean_label(m.group(1)) if m else None
        return "saeravtale", label
    best = None
    for kind in ("overordnet", "tjenesteavtale", "delavtale"):
        m = _KIND_PATTERNS[kind].search(text)
        if m and (best is None or m.start() < best[1].start()):
            best = (kind, m)
    if best is None:
        m = _KIND_PATTERNS["generic"].search(text)
        if m is None:
            return None, None
        best = ("overordnet", m)
    kind, m = best
    if kind == "overordnet":
        sub_m = _NUMBERED_SUB_RE.search(text, m.end(), m.end() + 40)
        return kind, (_clean_label(sub_m.group(1)) if sub_m else None)
    return kind, _number_after(text, m.end())


def _kind_from_path(source_path: str) -> tuple[str | None, str | None]:
    stem = PurePath(source_path).stem.replace("_", " ")
    kind, label = find_kind_and_number(re.sub(r"(?<=[a-zæøå])(?=\d)", " ", stem))
    if kind:
        return kind, label
    m = _FILE_ABBREV_RE.search(stem)
    if m:
        return _ABBREV_KIND[m.group(1).lower()], _clean_label(m.group(2))
    return None, None


def _kind_from_body(text: str) -> tuple[str | None, str | None]:
    counts: Counter[str] = Counter()
    for kind in ("tjenesteavtale", "delavtale", "saeravtale"):
        counts[kind] = len(
            re.findall(
                {
                    "tjenesteavtale": r"\bt(?:j)?enesteavtal(?:en|a)\b",
                    "delavtale": r"\bdelavtal(?:en|a)\b",
                    "saeravtale": r"\b(?:s(?:æ|ae)ravtal|underavtal)(?:en|a)\b",
                }[kind],
                text,
                re.I,
            )
        )
    counts["saeravtale"] += 2 * len(
        re.findall(r"\ber\s+(?:en|ei|ein)\s+(?:s(?:æ|ae)ravtale|underavtale)\b", text, re.I)
    )
    counts["overordnet"] += 2 * len(
        re.findall(r"\bdenne\s+(?:overordn\w*\s+)?samarbeidsavtal(?:en|a)\b", text, re.I)
    )
    if not counts or counts.most_common(1)[0][1] == 0:
        return None, None
    return counts.most_common(1)[0][0], None


# --- placeholders / templates ------------------------------------------------------
_PLACEHOLDER_RE = re.compile(
    r"(?:\b[xX]{2,}[xX]*|\bN\.?\s?N\.?|\.{2,}|…+|_{2,}|<[^>]{0,20}>|\[[^\]]{0,20}\]|"
    r"\((?:[Kk]ommune)?(?:navn|namn)\)|\b[Kk]ommune(?:navn|namn))\s*"
    r"(?:kommune|kommunar|KOMMUNE)\b"
    r"|\b(?:gjelder|gjeld|for|mellom)\s*[.,]\s+kommune\b",
)
_REGIONAL_RE = re.compile(
    r"\bkommun(?:ane|ene|er|ar)\s+(?:i|innanfor|innenfor)\s+(?:[\wæøå-]+\s+){1,4}?"
    r"(?:sitt|sin|si|sine)?\s*(?:føretaksområde|foretaksområde|opptaksområde|region)"
    r"|\b(?:de|dei)\s+kommun(?:er|ar)\s+(?:innenfor|innanfor|i)\b",
    re.I,
)


def is_template_text(text: str) -> bool:
    """Whether ``text`` holds a municipality placeholder ("xx kommune", "…… kommune")."""
    return bool(_PLACEHOLDER_RE.search(text))


# --- municipalities ----------------------------------------------------------------
_NAME = r"[A-ZÆØÅ][\wæøåÆØÅáčđŋšŧž]*(?:-[A-ZÆØÅa-zæøå][\wæøå]*)*"
_MULTI = rf"{_NAME}(?:\s+{_NAME}){{0,2}}"
_KOMMUNE_RE = re.compile(
    rf"({_MULTI}(?:\s*,\s*{_MULTI})*(?:\s+og\s+{_MULTI})?)\s+(?i:k[o0](?:m|rn){{2}}une(?:r|ne|ar|ane|s)?)\b"
)
# Oslo's city districts sign agreements with their trust (Ahus, OUS, Lovisenberg, Diakonhjemmet)
_OSLO_DISTRICTS = (
    "Gamle Oslo|Grünerløkka|Sagene|St\\.? ?Hanshaugen|Frogner|Ullern|Vestre Aker|Nordre Aker|"
    "Bjerke|Grorud|Stovner|Alna|Østensjø|Nordstrand|Søndre Nordstrand"
)
_OSLO_DISTRICT_RE = re.compile(rf"\b(?i:bydel)\s+(?:{_OSLO_DISTRICTS})\b")
_KOMMUNANE_RE = re.compile(
    rf"\b(?i:kommun(?:ane|ene))\s+({_MULTI}(?:\s*,\s*{_MULTI})*(?:\s+og\s+{_MULTI})?)"
)
_NOT_NAMES = {
    "den",
    "denne",
    "dette",
    "hver",
    "kvar",
    "alle",
    "ein",
    "en",
    "vår",
    "var",
    "din",
    "deres",
    "sin",
    "sine",
    "og",
    "eller",
    "i",
    "for",
    "til",
    "med",
    "hf",
    "as",
    "dps",
}


@cache
def _og_names_re() -> re.Pattern[str]:
    """Municipality names that contain "og" ("Nore og Uvdal", "Evje og Hornnes")."""
    from avtaleanalyse.reference import municipalities

    names = sorted({n for n in municipalities()["name"] if " og " in n}, key=len, reverse=True)
    return re.compile("|".join(rf"\b{re.escape(n)}\b" for n in names), re.I)


def _resolve_phrase(phrase: str, counties: tuple[str, ...]) -> list[str]:
    """Canonical municipalities in a list phrase ("Klepp, Time, Hå og Gjesdal")."""
    out = []
    for m in _og_names_re().finditer(phrase):  # keep "Nore og Uvdal" whole
        entry = resolve_municipality(m.group(0).title().replace(" Og ", " og "), counties=None)
        if entry:
            out.append(entry.canonical_name)
    phrase = _og_names_re().sub(",", phrase)
    for item in re.split(r"\s*,\s*|\s+og\s+", phrase):
        words = item.split()
        # try the longest tail first ("Helgelandssykehuset HF og Nordre Follo")
        for i in range(len(words)):
            cand = " ".join(words[i:])
            if cand.lower() in _NOT_NAMES:
                continue
            cand = cand if not cand.isupper() else cand.title()
            entry = resolve_municipality(cand, counties=counties or None)
            if entry:
                out.append(entry.canonical_name)
                break
    return out


_PARTY_CUE_RE = re.compile(r"\b(?:mellom|inngått\s+av|partar|parter|partane|partene)\b", re.I)


def find_municipalities(
    text: str, *, counties: tuple[str, ...] = (), prefer_parties: bool = False
) -> list[str]:
    """Municipalities named as such in ``text`` (canonical names, in order of first mention).

    With ``prefer_parties``, if some mentions follow a party cue ("mellom", "partane") within
    the same sentence, only those are returned (a host municipality named in passing is not
    a party).
    """
    found: list[tuple[str, bool]] = []
    for regex in (_KOMMUNE_RE, _KOMMUNANE_RE):
        for m in regex.finditer(text):
            before = text[max(0, m.start() - 100) : m.start()]
            before = re.split(r"[.!?]\s|\n\s*\n", before)[-1]
            cue = bool(_PARTY_CUE_RE.search(before))
            for name in _resolve_phrase(m.group(1), counties):
                found.append((name, cue))
    for m in _OSLO_DISTRICT_RE.finditer(text):
        before = re.split(r"[.!?]\s|\n\s*\n", text[max(0, m.start() - 100) : m.start()])[-1]
        found.append(("Oslo", bool(_PARTY_CUE_RE.search(before))))
    if prefer_parties and any(cue for _, cue in found):
        found = [f for f in found if f[1]]
    return list(dict.fromkeys(name for name, _ in found))


def _municipalities_by_frequency(text: str, counties: tuple[str, ...]) -> list[str]:
    counts: Counter[str] = Counter()
    for m in _KOMMUNE_RE.finditer(text):
        counts.update(_resolve_phrase(m.group(1), counties))
    if not counts:
        return []
    top = counts.most_common(1)[0][1]
    return [n for n, c in counts.items() if c >= max(2, top / 2)]


def _municipalities_from_path(source_path: str, counties: tuple[str, ...]) -> list[str]:
    """Municipalities named in the file name, else in the folder names.

    Capitalised words count anywhere; lower-case slugs ("delavtale_3_overhalla") only when the
    health trust is known, so that the name must also lie in its catchment.
    """
    path = PurePath(source_path)
    for part, lower_ok in ((path.stem, bool(counties)), *((d, False) for d in path.parts[-2::-1])):
        for hit in find_health_trusts(part):
            part = part.replace(hit.alias, " ")
        out = []
        for word in re.split(r"[\s_\-.,]+", part):
            if len(word) < 3 or word.isupper() or not (word[:1].isupper() or lower_ok):
                continue
            entry = resolve_municipality(word, counties=counties or None)
            if entry and (not word[:1].islower() or entry.county in counties):
                out.append(entry.canonical_name)
        if out:
            return list(dict.fromkeys(out))
    return []


# --- health trust ------------------------------------------------------------------
def _choose_health_trust(title: str, text: str) -> str | None:
    title_hits = [h for h in find_health_trusts(title) if h.kind == "hf"]
    if title_hits:
        return title_hits[0].canonical_name
    hits = find_health_trusts(text)
    for kind in ("hf", "private"):
        scores: Counter[str] = Counter()
        first: dict[str, int] = {}
        for h in hits:
            if h.kind != kind:
                continue
            scores[h.canonical_name] += 3 if h.start < HEAD_CHARS else 1
            first.setdefault(h.canonical_name, h.start)
        if scores:
            return sorted(scores, key=lambda n: (-scores[n], first[n]))[0]
    title_private = find_health_trusts(title)
    return title_private[0].canonical_name if title_private else None


def _trust_from_counties(municipalities: list[str]) -> str | None:
    """The one public HF whose catchment touches the municipalities' counties, else None."""
    from avtaleanalyse.reference import health_trusts
    from avtaleanalyse.reference.matching import municipality_candidates

    counties = {
        e.county
        for name in municipalities
        for e in municipality_candidates(name)
        if e.canonical_name == name
    }
    if not counties:
        return None
    table = health_trusts()
    touching = [
        row
        for row in table.itertuples(index=False)
        if row.kind == "hf" and counties & set(row.counties.split(";"))
    ]
    if len(touching) == 1 and set(touching[0].counties.split(";")) >= counties:
        return touching[0].canonical_name
    return None


# --- year ----------------------------------------------------------------------------
_MONTHS = r"januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember"
_DATE = rf"(?:\d{{1,2}}\s*[./-]\s*\d{{1,2}}\s*[./-]\s*((?:19|20)\d{{2}})|\d{{1,2}}\.?\s+(?:{_MONTHS})\s+((?:19|20)\d{{2}})|(?:{_MONTHS})\s+((?:19|20)\d{{2}})|(?<![\w-])((?:19|20)\d{{2}})-\d{{2}}-\d{{2}}(?![\w-]))"
_PHRASE_YEAR_RE = re.compile(
    r"\b(?:gjeld(?:er)?\s+(?:frå|fra|f\.\s?o\.\s?m\.?|med\s+verknad\s+frå|med\s+virkning\s+fra)|"
    r"gjeldande\s+frå|gjeldende\s+fra|gyldig\s+fr[aå]|"
    r"vedteke[n]?|vedtatt|vedtekne|vedtok|inngått|inngatt|inngjeng|godkjent|godkjend|"
    r"signert|underskreve[nt]?|underteikna|iverksett|iverksatt|sett\s+i\s+(?:verk|kraft)|"
    r"trer\s+i\s+kraft|trådte\s+i\s+kraft|trådde\s+i\s+kraft|tek\s+til\s+å\s+gjelde|"
    r"revidert|oppdatert|datert|dato:)(?!\w)[^.\n]{0,60}?"
    rf"(?:{_DATE}|\b((?:19|20)\d{{2}})\b)",
    re.I,
)
_DATE_RE = re.compile(_DATE, re.I)
_LAW_BEFORE_RE = re.compile(r"(?:\blov\w*|\bforskrift\w*|LOV-|FOR-|\bav)\s*[\w. ]{0,25}$", re.I)


def _plausible(year: int) -> bool:
    return 2011 <= year <= 2035


def find_year(text: str, *, title: str = "", source_path: str = "") -> int | None:
    """Year of adoption or validity (see the module docstring), or None."""
    for m in _PHRASE_YEAR_RE.finditer(text):
        year = next((int(g) for g in m.groups() if g), None)
        if year and _plausible(year):
            return year
    years = []
    for m in _DATE_RE.finditer(text):
        if _LAW_BEFORE_RE.search(text[max(0, m.start() - 30) : m.start()]):
            continue
        year = next((int(g) for g in m.groups() if g), None)
        if year and _plausible(year):
            years.append(year)
    if years:
        return max(years)
    path = PurePath(source_path) if source_path else None
    for s in (title, path.name if path else "", *(path.parts[-2::-1] if path else ())):
        found = [int(y) for y in re.findall(r"(?<!\d)(20[0-3]\d)(?!\d)", s)]
        found = [y for y in found if _plausible(y)]
        if found:
            return max(found)
    return None


# --- title ---------------------------------------------------------------------------
_GENERIC_TITLE_RE = re.compile(
    r"^(?:[\w.-]+\.(?:no|com|org)|untitled|uten tittel|utan tittel|ingen tittel|"
    r"dokument\s*\d*|document\s*\d*|microsoft word.*|slide\s*\d*|side\s*\d+|\d+)$",
    re.I,
)


def _clean_hint(title_hint: str | None) -> str:
    """A reader's title without "Microsoft Word - " prefixes and file extensions."""
    hint = re.sub(r"\s+", " ", title_hint or "").strip()
    hint = re.sub(r"^(?:microsoft\s+word|microsoft\s+powerpoint|word)\s*-\s*", "", hint, flags=re.I)
    return re.sub(r"\.(?:docx?|odt|pdf|rtf|txt|html?)$", "", hint, flags=re.I).strip()


def _title(title_hint: str | None, text: str, source_path: str) -> str:
    hint = _clean_hint(title_hint)
    hint = re.sub(r"\s*[|–-]\s*(?:saman\.no|docplayer\.me|[\w.]+\.no)\s*$", "", hint, flags=re.I)
    if len(hint) >= 6 and not _GENERIC_TITLE_RE.match(hint):
        return hint
    line = _first_line(text, limit=200)
    if line:
        if len(line) == 200:
            line = line.rsplit(" ", 1)[0]
        return line
    return PurePath(source_path).stem


# --- public --------------------------------------------------------------------------
def infer_metadata(text: str, *, title_hint: str | None, source_path: str) -> dict:
    """Infer the metadata of one agreement.

    Parameters
    ----------
    text : str
        Cleaned text (leftover web chrome is tolerated).
    title_hint : str or None
        Title from the reader (HTML ``<title>``, docplayer first line, PDF metadata).
    source_path : str
        Path relative to the input folder; its file name is a fallback source.

    Returns
    -------
    dict
        Keys ``title``, ``language_form`` (bokmal|nynorsk), ``agreement_kind``
        (overordnet|delavtale|tjenesteavtale|saeravtale|annet), ``agreement_number``
        (int or None), ``agreement_label`` (str or None), ``health_trust`` (canonical name
        or None), ``municipalities`` (sorted canonical names; empty for a template),
        ``municipality_numbers`` (4-digit str, same order), ``year`` (int or None),
        ``is_template`` (bool).
    """
    text = strip_chrome(text or "")
    title = _title(title_hint, text, source_path)
    first = _first_line(text)
    head = text[:HEAD_CHARS]
    hint = _clean_hint(title_hint)

    language_form = detect_language_form(text or title)

    health_trust = _choose_health_trust(f"{hint}\n{first}", text)
    counties = health_trust_counties(health_trust) if health_trust else ()

    # municipalities and templates: the parties are named in the title and the head
    party_text = f"{hint}\n{head}"
    placeholder = is_template_text(party_text)
    municipalities = (
        []
        if placeholder
        else find_municipalities(party_text, counties=counties, prefer_parties=True)
    )
    regional = bool(_REGIONAL_RE.search(party_text))
    if not municipalities and not placeholder and not regional:
        municipalities = _municipalities_by_frequency(text, counties)
        if not municipalities:
            municipalities = _municipalities_from_path(source_path, counties)
    is_template = placeholder or (not municipalities and (regional or is_template_text(text)))
    if is_template:
        municipalities = []
    if health_trust is None and municipalities:
        health_trust = _trust_from_counties(municipalities)

    kind, label = None, None
    for source in (hint, *_first_lines(text, n=4)):
        kind, label = find_kind_and_number(source)
        if kind:
            break
    if kind is None and hint:
        kind, label = _kind_from_path(hint + ".x")  # abbreviations such as "TA 6 Bodø"
    if kind is None:
        kind, label = _kind_from_path(source_path)
    if kind is None:
        kind, label = _kind_from_body(text)
    if kind is None:
        if health_trust and (municipalities or is_template or re.search(r"\bavtale", first, re.I)):
            kind = "tjenesteavtale" if health_trust in _TJENESTEAVTALE_TRUSTS else "delavtale"
        else:
            kind = "annet"

    municipalities = sorted(municipalities)
    return {
        "title": title,
        "language_form": language_form,
        "agreement_kind": kind,
        "agreement_number": _label_to_number(label),
        "agreement_label": label,
        "health_trust": health_trust,
        "municipalities": municipalities,
        "municipality_numbers": [municipality_number(m) or "" for m in municipalities],
        "year": find_year(text, title=title, source_path=source_path),
        "is_template": bool(is_template),
    }
