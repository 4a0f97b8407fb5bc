"""Evidence behind every coverage figure: one offline HTML page and tables that link into it.

:func:`evidence_page` renders ``evidence.html``: organised theme → health trust → year (the
cells of ``trust_themes``) and municipality → year (the rows of ``municipality_checklist``).
Every block has a deterministic anchor (:func:`theme_anchor`, :func:`municipality_anchor`)
and lists the documents behind its number — those with a hit, each a collapsed ``<details>``
with its keyword-in-context sentences (the matched words in ``<mark>``), and those without,
so that the denominator can be checked. :func:`linked_trust_table` and
:func:`linked_checklist` give the notebook tables whose figures link to those anchors:
click 1 on a number, click 2 on a document to read its sentences.

Pure functions: they take tables and return strings or DataFrames; ``coverage.run`` writes.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable

import pandas as pd

from avtaleanalyse import schema as S
from avtaleanalyse.coverage.analysis import EVIDENCE_SEPARATOR
from avtaleanalyse.coverage.checklist import in_force

__all__ = [
    "EVIDENCE_FILE",
    "TRUST_MEASURES",
    "evidence_page",
    "linked_checklist",
    "linked_trust_table",
    "municipality_anchor",
    "slugify",
    "table_html",
    "theme_anchor",
]

EVIDENCE_FILE = "evidence.html"
UNKNOWN_TRUST = "(ukjent)"  # as in analysis.trust_themes

#: column of ``trust_themes`` → (theme, coverage column, value counted; None = ``present``),
#: in display order
TRUST_MEASURES: dict[str, tuple[str, str, str | None]] = {
    "brukermedvirkning_any": ("brukermedvirkning", S.PRESENT, None),
    "brukermedvirkning_concrete": ("brukermedvirkning", S.LEVEL, "concrete"),
    "pasient_brukererfaringer": ("pasient_brukererfaringer", S.PRESENT, None),
    "kompetanse_any": ("kompetanseoverforing", S.PRESENT, None),
    "kompetanse_mutual": ("kompetanseoverforing", S.DIRECTION, "mutual"),
    "kompetanse_hf_to_kommune": ("kompetanseoverforing", S.DIRECTION, "hf_to_kommune"),
}
_MEASURE_LABELS = {
    "brukermedvirkning_any": "Brukermedvirkning",
    "brukermedvirkning_concrete": "Konkret brukermedvirkning",
    "pasient_brukererfaringer": "Pasient- og brukererfaringer",
    "kompetanse_any": "Kompetanseoverføring",
    "kompetanse_mutual": "Gjensidig kompetanseoverføring",
    "kompetanse_hf_to_kommune": "Kompetanseoverføring fra HF til kommune",
}
_THEMES = {  # theme → (anchor prefix, heading)
    "brukermedvirkning": ("bm", "Brukermedvirkning"),
    "pasient_brukererfaringer": ("pbe", "Pasient- og brukererfaringer"),
    "kompetanseoverforing": ("ko", "Kompetanseoverføring"),
}
_LEVELS = {"concrete": "konkret", "generic": "generell", "none": "ingen"}
_DIRECTIONS = {
    "mutual": "gjensidig",
    "hf_to_kommune": "fra helseforetak til kommune",
    "unclear": "uklar retning",
    "none": "ingen",
}
_RANK = {"concrete": 0, "generic": 1, "mutual": 0, "hf_to_kommune": 1, "unclear": 2}
_KINDS = {
    "overordnet": "Overordnet samarbeidsavtale",
    "delavtale": "Delavtale",
    "tjenesteavtale": "Tjenesteavtale",
    "saeravtale": "Særavtale",
    "annet": "Annen avtale",
}
POINT_NAMES = {
    1: "ansvars- og oppgavefordeling",
    2: "innleggelse, utskrivning, habilitering, rehabilitering og lærings- og mestringstilbud",
    3: "innleggelse i sykehus",
    4: "døgnopphold for øyeblikkelig hjelp",
    5: "utskrivningsklare pasienter",
    6: "gjensidig kunnskapsoverføring, informasjonsutveksling, nettverk og hospitering",
    7: "forskning, utdanning, praksis og læretid",
    8: "jordmortjenester",
    9: "IKT-løsninger lokalt",
    10: "forebygging",
    11: "beredskapsplaner og den akuttmedisinske kjeden",
    12: "felles planlegging og utvikling av tjenester",
    13: "barn og unge med sammensatte behov",
}

_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "ae", "Ø": "o", "Å": "a"})
_MARK = re.compile(r"\[\[(.+?)\]\]")

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:62rem;margin:0 auto;padding:1rem 1.5rem;
line-height:1.45;color:#1b1b1b;background:#fff}
h1{font-size:1.6rem}h2{border-bottom:2px solid #1f4e79;padding-bottom:.2rem;margin-top:2.5rem}
h3{margin:1.6rem 0 .4rem}h4{margin:.4rem 0}
nav ul{columns:2}
.block{border:1px solid #d0d7de;border-radius:6px;padding:.5rem 1rem;margin:.8rem 0}
.block:target,.part:target,details:target{outline:3px solid #e69f00;background:#fff8e6}
.belegg{font-weight:600}.dokbak{margin:.5rem 0 .2rem;color:#444}
ul.docs{list-style:none;padding-left:0;margin:.2rem 0}
li.doc{margin:.25rem 0}
summary{cursor:pointer}
.meta{color:#555;font-size:.9em}
.none{color:#777}
ol.evidence{margin:.3rem 0 .6rem 1rem}
ol.evidence li{margin:.2rem 0}
mark{background:#ffe08a;padding:0 .1em}
.docid{color:#888;font-size:.8em;font-family:monospace}
.missing{color:#a00000}.covered{color:#00612e}
.top{font-size:.85em}
"""


# --- anchors ----------------------------------------------------------------------------


def slugify(text: object) -> str:
    """ASCII slug: lower case, æ→ae ø→o å→a, other accents dropped, runs of non-alphanumerics
    → ``-`` ("Helse Bergen HF" → ``helse-bergen-hf``); ``ukjent`` for an empty or null value."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return "ukjent"
    s = unicodedata.normalize("NFC", str(text)).lower().translate(_FOLD)
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("ascii")
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return s or "ukjent"


def _year(year: object) -> int | None:
    return None if year is None or pd.isna(year) else int(year)


def theme_anchor(theme: str, health_trust: object, year: object) -> str:
    """Anchor of the (theme, health trust, year) block, e.g. ``bm-helse-bergen-hf-2022``.

    Theme prefixes: ``bm`` brukermedvirkning, ``pbe`` pasient- og brukererfaringer, ``ko``
    kompetanseoverføring. A missing trust or year is ``ukjent``.
    """
    prefix = _THEMES[theme][0]
    trust = health_trust if isinstance(health_trust, str) and health_trust else UNKNOWN_TRUST
    return f"{prefix}-{slugify(trust)}-{slugify(_year(year))}"


def municipality_anchor(
    municipality: str,
    year: object,
    health_trust: object = None,
    point: int | None = None,
) -> str:
    """Anchor of a municipality's § 6-2 checklist block, e.g. ``kommune-bergen-2022``.

    With ``health_trust``: the part for the agreements with that trust
    (``kommune-bergen-2022-helse-bergen-hf``); with ``point`` too: that point
    (``kommune-bergen-2022-helse-bergen-hf-punkt-6``).
    """
    a = f"kommune-{slugify(municipality)}-{slugify(_year(year))}"
    if health_trust is not None or point is not None:
        trust = health_trust if isinstance(health_trust, str) and health_trust else UNKNOWN_TRUST
        a += f"-{slugify(trust)}"
    if point is not None:
        a += f"-punkt-{int(point)}"
    return a


# --- small formatting helpers ------------------------------------------------------------


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _text(value: object) -> str | None:
    if value is None or (not isinstance(value, (str, list, tuple)) and pd.isna(value)):
        return None
    s = str(value).strip()
    return s or None


def _percent(share: float) -> str:
    return f"{share * 100:.0f} %"


def _n_docs(n: int) -> str:
    return f"{n} dokument" if n == 1 else f"{n} dokumenter"


def _snippet(s: str) -> str:
    """Escape one keyword-in-context snippet and mark its ``[[hit]]`` words."""
    return _MARK.sub(r"<mark>\1</mark>", html.escape(s, quote=True))


def _snippets(evidence: object) -> list[str]:
    text = evidence if isinstance(evidence, str) else ""
    return [s for s in text.split(EVIDENCE_SEPARATOR) if s]


def _municipalities(value: object) -> list[str]:
    if value is None or isinstance(value, str):
        return [value] if value else []
    try:
        return [str(m) for m in value if isinstance(m, str) and m]
    except TypeError:
        return []


def _agreement(doc: dict) -> str:
    kind = _KINDS.get(doc.get(S.AGREEMENT_KIND) or "", "Avtale")
    label = _text(doc.get(S.AGREEMENT_LABEL))
    if label is None:
        number = doc.get(S.AGREEMENT_NUMBER)
        label = None if number is None or pd.isna(number) else str(int(number))
    return f"{kind} {label}" if label else kind


def _trust_key(value: object) -> str:
    """The checklist's health trust as a string ("" where missing), as its rows group it."""
    return value if isinstance(value, str) else ""


def _doc_meta(doc: dict, *, extra: Iterable[str] = ()) -> str:
    munis = _municipalities(doc.get(S.MUNICIPALITIES))
    parts = [
        f"Kommuner: {', '.join(munis)}" if munis else "Mal (ingen kommune)",
        f"Avtale: {_agreement(doc)}",
        *extra,
    ]
    return " · ".join(_e(p) for p in parts)


def _doc_title(doc: dict) -> str:
    return _e(_text(doc.get(S.TITLE)) or "(uten tittel)")


def _doc_item(doc: dict, *, present: bool, attrs: str, meta: str, body: str) -> str:
    """One document: a collapsed ``<details>`` with its sentences, or a line "ingen treff"."""
    head = (
        f'<li class="doc" data-doc-id="{_e(doc[S.DOC_ID])}" data-present="{str(present).lower()}"'
    )
    head += attrs + ">"
    docid = f'<span class="docid">{_e(doc[S.DOC_ID])}</span>'
    if present:
        return (
            f"{head}<details><summary><strong>{_doc_title(doc)}</strong>"
            f' <span class="meta">{meta}</span></summary>{body}{docid}</details></li>'
        )
    return (
        f'{head}<strong>{_doc_title(doc)}</strong> <span class="meta">{meta}</span>'
        f' <span class="none">— ingen treff</span> {docid}</li>'
    )


def _evidence_list(evidence: object) -> str:
    items = "".join(f"<li>{_snippet(s)}</li>" for s in _snippets(evidence))
    return f'<ol class="evidence">{items}</ol>' if items else ""


def _documents_by_id(documents: pd.DataFrame) -> dict[str, dict]:
    return {str(r[S.DOC_ID]): r for r in documents.to_dict("records")}


def _sort_key(doc: dict) -> tuple[str, str]:
    return (_text(doc.get(S.TITLE)) or "", str(doc[S.DOC_ID]))


# --- theme → health trust → year ----------------------------------------------------------


def _theme_frame(documents: pd.DataFrame, coverage: pd.DataFrame) -> pd.DataFrame:
    """Coverage rows of the three themes with the trust and year of ``trust_themes``."""
    cov = coverage[coverage[S.THEME].isin(list(_THEMES))]
    meta = documents[[S.DOC_ID, S.HEALTH_TRUST, S.YEAR]].drop_duplicates(S.DOC_ID)
    df = cov.merge(meta, on=S.DOC_ID, how="left")
    trust = df[S.HEALTH_TRUST].astype(object)
    df[S.HEALTH_TRUST] = trust.where(trust.notna() & (trust != ""), UNKNOWN_TRUST)
    df[S.YEAR] = df[S.YEAR].astype("Int64")
    return df


def _theme_block(theme: str, trust: str, year: object, rows: pd.DataFrame, docs: dict) -> str:
    prefix, heading = _THEMES[theme]
    anchor = theme_anchor(theme, trust, year)
    n = len(rows)
    present = rows[rows[S.PRESENT].astype(bool)]
    breakdown = ""
    if theme == "brukermedvirkning":
        counts = present[S.LEVEL].value_counts()
        breakdown = ", ".join(
            f"{_LEVELS[k]}: {int(counts.get(k, 0))}" for k in ("concrete", "generic")
        )
    elif theme == "kompetanseoverforing":
        counts = present[S.DIRECTION].value_counts()
        breakdown = ", ".join(
            f"{_DIRECTIONS[k]}: {int(counts.get(k, 0))}"
            for k in ("mutual", "hf_to_kommune", "unclear")
        )
    year_text = "ukjent år" if _year(year) is None else str(_year(year))
    share = len(present) / n if n else 0.0
    summary = f"Belegg: {len(present)} av {_n_docs(n)} har treff ({_percent(share)})"
    summary += f" — {breakdown}." if breakdown else "."

    def entry(r: dict, *, hit: bool) -> str:
        doc = {S.DOC_ID: r[S.DOC_ID], **docs.get(str(r[S.DOC_ID]), {})}
        attrs, extra = "", []
        if theme == "brukermedvirkning":
            attrs = f' data-level="{_e(r[S.LEVEL])}"'
            extra = [f"Nivå: {_LEVELS.get(r[S.LEVEL], r[S.LEVEL])}"] if hit else []
        elif theme == "kompetanseoverforing":
            attrs = f' data-direction="{_e(r[S.DIRECTION])}"'
            extra = [f"Retning: {_DIRECTIONS.get(r[S.DIRECTION], r[S.DIRECTION])}"] if hit else []
        return _doc_item(
            doc,
            present=hit,
            attrs=attrs,
            meta=_doc_meta(doc, extra=extra),
            body=_evidence_list(r[S.EVIDENCE]),
        )

    def order(r: dict) -> tuple:
        value = r[S.LEVEL] if theme == "brukermedvirkning" else r[S.DIRECTION]
        doc = {S.DOC_ID: r[S.DOC_ID], **docs.get(str(r[S.DOC_ID]), {})}
        return (_RANK.get(value, 9), *_sort_key(doc))

    records = rows.to_dict("records")
    hits = sorted((r for r in records if r[S.PRESENT]), key=order)
    misses = sorted((r for r in records if not r[S.PRESENT]), key=order)
    out = [
        f'<section class="block" id="{anchor}" data-theme="{_e(theme)}"'
        f' data-health-trust="{_e(trust)}" data-year="{_e(_year(year) or "")}"'
        f' data-n="{n}">',
        f"<h4>{_e(heading)} · {_e(trust)} · {_e(year_text)}</h4>",
        f'<p class="belegg">{_e(summary)}</p>',
        '<p class="dokbak">Dokumenter bak tallet (klikk for å lese setningene):</p>',
        '<ul class="docs hits">' + "".join(entry(r, hit=True) for r in hits) + "</ul>",
    ]
    if misses:
        out.append(
            f'<details class="absent"><summary>Uten treff: {_n_docs(len(misses))}'
            f' (ingen treff)</summary><ul class="docs misses">'
            + "".join(entry(r, hit=False) for r in misses)
            + "</ul></details>"
        )
    out.append("</section>")
    return "\n".join(out)


def _theme_sections(documents: pd.DataFrame, coverage: pd.DataFrame) -> tuple[str, list[str]]:
    df = _theme_frame(documents, coverage)
    docs = _documents_by_id(documents)
    html_out, nav = [], []
    for theme, (prefix, heading) in _THEMES.items():
        sub = df[df[S.THEME] == theme]
        nav.append(f'<li><a href="#tema-{prefix}">{_e(heading)}</a></li>')
        parts = [f'<section class="theme" id="tema-{prefix}"><h2>{_e(heading)}</h2>']
        for trust in sorted(sub[S.HEALTH_TRUST].unique()):
            t = sub[sub[S.HEALTH_TRUST] == trust]
            parts.append(
                f'<section class="trust" id="{prefix}-{slugify(trust)}"><h3>{_e(trust)}</h3>'
            )
            years = sorted(t[S.YEAR].dropna().unique().tolist())
            if t[S.YEAR].isna().any():
                years.append(None)
            for year in years:
                rows = t[t[S.YEAR].isna()] if year is None else t[t[S.YEAR] == year]
                parts.append(_theme_block(theme, trust, year, rows, docs))
            parts.append("</section>")
        parts.append("</section>")
        html_out.append("\n".join(parts))
    return "\n".join(html_out), nav


# --- municipality checklist ---------------------------------------------------------------


def _checklist_section(
    documents: pd.DataFrame, coverage: pd.DataFrame, checklist: pd.DataFrame
) -> str:
    if checklist is None or checklist.empty:
        return (
            '<section class="checklist" id="sjekkliste"><h2>Lovens minstekrav (§ 6-2) per'
            " kommune</h2><p>Ingen kommuner i sjekklisten.</p></section>"
        )
    docs = _documents_by_id(documents)
    pts = coverage[coverage[S.THEME].str.startswith("paragraph_6_2_point_")]
    evidence = {
        (str(r[S.DOC_ID]), int(r[S.THEME].rsplit("_", 1)[1])): r[S.EVIDENCE]
        for r in pts[pts[S.PRESENT].astype(bool)].to_dict("records")
    }
    years = sorted({int(y) for y in checklist[S.YEAR].dropna()})
    in_force_docs: dict[tuple[str, str, int], list[str]] = {}
    for year in years:
        current, _ = in_force(documents, year)
        exploded = (
            current[[S.DOC_ID, S.HEALTH_TRUST, S.MUNICIPALITIES]]
            .explode(S.MUNICIPALITIES)
            .dropna(subset=[S.MUNICIPALITIES])
        )
        for r in exploded.to_dict("records"):
            trust = r[S.HEALTH_TRUST] if isinstance(r[S.HEALTH_TRUST], str) else ""
            key = (str(r[S.MUNICIPALITIES]), trust, year)
            in_force_docs.setdefault(key, []).append(str(r[S.DOC_ID]))

    cl = checklist.assign(_trust=checklist[S.HEALTH_TRUST].map(_trust_key))
    out = [
        '<section class="checklist" id="sjekkliste">',
        f"<h2>Lovens minstekrav (§ 6-2) per kommune, avtaler i kraft i "
        f"{_e(', '.join(str(y) for y in years))}</h2>",
    ]
    for (muni, year), block in cl.groupby(["municipality", S.YEAR], sort=True):
        year = int(year)
        out.append(
            f'<section class="block municipality" id="{municipality_anchor(muni, year)}"'
            f' data-municipality="{_e(muni)}" data-year="{year}">'
            f"<h3>{_e(muni)} · {year}</h3>"
        )
        for trust, part in block.groupby("_trust", sort=True):
            out.append(_checklist_part(muni, year, trust, part, in_force_docs, docs, evidence))
        out.append("</section>")
    out.append("</section>")
    return "\n".join(out)


def _checklist_part(
    muni: str,
    year: int,
    trust: str,
    part: pd.DataFrame,
    in_force_docs: dict,
    docs: dict,
    evidence: dict,
) -> str:
    trust_name = trust or UNKNOWN_TRUST
    part = part.sort_values("point", kind="mergesort")
    required = part[part["required"].astype(bool)]
    covered = required[required["covered"].astype(bool)]
    missing = [int(p) for p in required.loc[~required["covered"].astype(bool), "point"]]
    doc_ids = sorted(set(in_force_docs.get((muni, trust, year), [])))
    listed = sorted(
        ({S.DOC_ID: d, **docs.get(d, {})} for d in doc_ids),
        key=_sort_key,
    )
    summary = (
        f"Belegg: {len(covered)} av {len(required)} lovpålagte punkter dekket av "
        f"{len(doc_ids)} {'avtale' if len(doc_ids) == 1 else 'avtaler'} i kraft."
    )
    list_id = municipality_anchor(muni, year, trust) + "-dokumenter"
    missing_links = ", ".join(
        f'<a href="#{municipality_anchor(muni, year, trust, p)}">{p}</a>' for p in missing
    )
    out = [
        f'<div class="part" id="{municipality_anchor(muni, year, trust)}"'
        f' data-health-trust="{_e(trust_name)}" data-n="{len(doc_ids)}">',
        f"<h4>Avtaler med {_e(trust_name)}</h4>",
        f'<p class="belegg">{_e(summary)}'
        + (f' <span class="missing">Mangler punkt {missing_links}.</span>' if missing else "")
        + "</p>",
        '<ul class="points">',
    ]
    for r in part.to_dict("records"):
        p = int(r["point"])
        ids = [d for d in str(r["doc_ids"] or "").split(";") if d]
        is_covered = bool(r["covered"])
        is_required = bool(r["required"])
        status = (
            f'<span class="covered">dekket ({_n_docs(len(ids))})</span>'
            if is_covered
            else f'<span class="missing">mangler — ingen treff i {_n_docs(len(doc_ids))}</span>'
            if is_required
            else '<span class="none">ikke lovpålagt dette året — ingen treff</span>'
        )
        items = []
        for d in sorted(ids, key=lambda d: _sort_key({S.DOC_ID: d, **docs.get(d, {})})):
            doc = {S.DOC_ID: d, **docs.get(d, {})}
            items.append(
                _doc_item(
                    doc,
                    present=True,
                    attrs=f' data-point="{p}"',
                    meta=_doc_meta(doc),
                    body=_evidence_list(evidence.get((d, p), "")),
                )
            )
        body = (
            f'<ul class="docs">{"".join(items)}</ul>'
            if items
            else f'<p class="none">Ingen treff i <a href="#{list_id}">avtalene i kraft</a>.</p>'
        )
        out.append(
            f'<li><details class="point" id="{municipality_anchor(muni, year, trust, p)}"'
            f' data-point="{p}" data-required="{str(is_required).lower()}"'
            f' data-covered="{str(is_covered).lower()}"><summary>Punkt {p} –'
            f" {_e(POINT_NAMES[p])}: {status}</summary>{body}</details></li>"
        )
    out.append("</ul>")
    out.append(
        f'<p class="dokbak" id="{list_id}">Dokumenter bak tallet (avtaler i kraft):</p>'
        '<ul class="docs in-force">'
    )
    for doc in listed:
        d = str(doc[S.DOC_ID])
        points = [p for p in range(1, 14) if (d, p) in evidence]
        extra = [f"År: {_year(doc.get(S.YEAR)) or 'ukjent'}"]
        extra.append(
            "Dekker punkt " + ", ".join(str(p) for p in points)
            if points
            else "Dekker ingen punkter"
        )
        body = "".join(f"<p>Punkt {p}:</p>{_evidence_list(evidence[(d, p)])}" for p in points)
        out.append(
            _doc_item(
                doc,
                present=bool(points),
                attrs="",
                meta=_doc_meta(doc, extra=extra),
                body=body,
            )
        )
    out.append("</ul></div>")
    return "\n".join(out)


# --- the page -----------------------------------------------------------------------------


def evidence_page(
    documents: pd.DataFrame,
    coverage: pd.DataFrame,
    checklist: pd.DataFrame | None = None,
    *,
    title: str = "Belegg for dekningstallene",
) -> str:
    """The self-contained evidence page (``evidence.html``) as a string.

    Parameters
    ----------
    documents
        The ``documents`` table (doc_id, title, health_trust, year, municipalities,
        agreement_kind, agreement_label/agreement_number).
    coverage
        ``coverage.parquet`` (:func:`avtaleanalyse.coverage.coverage_table`).
    checklist
        ``municipality_checklist.parquet``; the § 6-2 part is left out when ``None``.

    Returns
    -------
    str
        One HTML document with inline CSS, no scripts and no external resources; the same
        inputs always give the same string.
    """
    themes, nav = _theme_sections(documents, coverage)
    if checklist is not None:
        nav.append('<li><a href="#sjekkliste">Lovens minstekrav (§ 6-2) per kommune</a></li>')
    parts = [
        "<!DOCTYPE html>",
        '<html lang="nb">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>{_STYLE}</style></head>",
        '<body id="topp">',
        f"<h1>{_e(title)}</h1>",
        "<p>Hver blokk viser dokumentene bak ett tall i dekningstabellene. Klikk på et dokument"
        " for å lese setningene som ga treff; ordet som ga treffet er uthevet. Dokumenter uten"
        " treff er også med, slik at nevneren kan kontrolleres. Setningene er utdrag"
        " (nøkkelord i kontekst), ikke hele avtaleteksten.</p>",
        f"<nav><h2>Innhold</h2><ul>{''.join(nav)}</ul></nav>",
        themes,
    ]
    if checklist is not None:
        parts.append(_checklist_section(documents, coverage, checklist))
    parts.append('<p class="top"><a href="#topp">Til toppen</a></p>')
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


# --- linked tables for the notebook ---------------------------------------------------------


def _link(page: str, anchor: str, text: str) -> str:
    return f'<a href="{_e(page)}#{_e(anchor)}">{_e(text)}</a>'


def linked_trust_table(trust_themes: pd.DataFrame, *, page: str = EVIDENCE_FILE) -> pd.DataFrame:
    """``trust_themes`` with every share a link into the evidence page.

    Each share cell is HTML: ``<a href="{page}#{anchor}">64 % (18 av 28)</a>`` — the share,
    and the number of documents counted out of the documents of that trust and year. The
    anchor is :func:`theme_anchor` of the column's theme. Text cells are HTML-escaped; render
    with :func:`table_html`.
    """
    rows = []
    for r in trust_themes.to_dict("records"):
        trust, year, n = r[S.HEALTH_TRUST], r[S.YEAR], int(r["n_documents"])
        row = {
            "Helseforetak": _e(trust),
            "År": "ukjent" if _year(year) is None else str(_year(year)),
            "Dokumenter": str(n),
        }
        for col, (theme, _c, _v) in TRUST_MEASURES.items():
            share = float(r[col])
            count = int(round(share * n))
            row[_MEASURE_LABELS[col]] = _link(
                page, theme_anchor(theme, trust, year), f"{_percent(share)} ({count} av {n})"
            )
        rows.append(row)
    columns = ["Helseforetak", "År", "Dokumenter", *(_MEASURE_LABELS[c] for c in TRUST_MEASURES)]
    return pd.DataFrame(rows, columns=columns)


def linked_checklist(checklist: pd.DataFrame, *, page: str = EVIDENCE_FILE) -> pd.DataFrame:
    """One row per municipality, health trust and year of ``municipality_checklist``, linked.

    ``Dekket`` is ``<a href="{page}#kommune-…-{year}-{trust}">11 av 13</a>`` (required points
    covered, linking to the part of the municipality's block for the agreements with that
    trust); ``Mangler`` lists the missing required points,
    each linking to that point in the block. Render with :func:`table_html`.
    """
    columns = ["Kommune", "Helseforetak", "År", "Dekket", "Mangler"]
    if checklist is None or checklist.empty:
        return pd.DataFrame(columns=columns)
    cl = checklist.assign(_trust=checklist[S.HEALTH_TRUST].map(_trust_key))
    rows = []
    for (muni, trust, year), g in cl.groupby(["municipality", "_trust", S.YEAR], sort=True):
        year = int(year)
        g = g.sort_values("point", kind="mergesort")
        req = g[g["required"].astype(bool)]
        cov = req[req["covered"].astype(bool)]
        missing = [int(p) for p in req.loc[~req["covered"].astype(bool), "point"]]
        rows.append(
            {
                "Kommune": _e(muni),
                "Helseforetak": _e(trust or UNKNOWN_TRUST),
                "År": str(year),
                "Dekket": _link(
                    page, municipality_anchor(muni, year, trust), f"{len(cov)} av {len(req)}"
                ),
                "Mangler": ", ".join(
                    _link(page, municipality_anchor(muni, year, trust, p), str(p)) for p in missing
                )
                or "–",
            }
        )
    return pd.DataFrame(rows, columns=columns)


def table_html(table: pd.DataFrame) -> str:
    """HTML of a linked table (its cells are already escaped HTML), for ``IPython.display.HTML``."""
    return table.to_html(index=False, escape=False, border=0, classes="avtaleanalyse-belegg")
