"""Name matching against the reference tables: municipalities and health trusts.

Pure functions over the package's reference tables. Municipality names resolve to the
canonical names of ``kommuner.csv`` (with the county in brackets for homonyms such as
"Herøy (Nordland)"); names of municipalities merged away 2017–2020 resolve to their own
historic name (``historic_kommuner.csv``), so a 2012 agreement with "Fusa kommune" keeps
its signatory. Homonyms are told apart by a set of counties (usually those of the
agreement's health trust).

>>> canonical_municipality("Herøy", counties=["Nordland"])
'Herøy (Nordland)'
>>> canonical_health_trust("Sjukehuset Innlandet")
'Sykehuset Innlandet HF'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import pandas as pd

from avtaleanalyse.reference import _read

__all__ = [
    "HealthTrustHit",
    "MunicipalityEntry",
    "canonical_health_trust",
    "canonical_municipality",
    "find_health_trusts",
    "health_trust_counties",
    "historic_municipalities",
    "municipality_candidates",
    "municipality_number",
    "resolve_municipality",
]

# 2012 counties -> the 2020-2023 county that holds their area
_COUNTY_2020 = {
    "Østfold": "Viken",
    "Akershus": "Viken",
    "Buskerud": "Viken",
    "Hedmark": "Innlandet",
    "Oppland": "Innlandet",
    "Vestfold": "Vestfold og Telemark",
    "Telemark": "Vestfold og Telemark",
    "Aust-Agder": "Agder",
    "Vest-Agder": "Agder",
    "Hordaland": "Vestland",
    "Sogn og Fjordane": "Vestland",
    "Sør-Trøndelag": "Trøndelag",
    "Nord-Trøndelag": "Trøndelag",
    "Troms": "Troms og Finnmark",
    "Finnmark": "Troms og Finnmark",
}


def _key(name: str) -> str:
    """Lookup key of a name: NFC, lower case, one space, no brackets' content."""
    name = unicodedata.normalize("NFC", name)
    name = re.sub(r"\s*\(.*?\)\s*", " ", name)
    name = name.replace("–", "-").replace("—", "-")
    return re.sub(r"\s+", " ", name).strip().lower()


@dataclass(frozen=True)
class MunicipalityEntry:
    """One municipality a name may refer to."""

    canonical_name: str
    number: str
    county: str  # 2020-2023 county
    historic: bool


def historic_municipalities() -> pd.DataFrame:
    """Municipalities of 2012 merged away by 2020 (partial list; see the file's header).

    Returns
    -------
    pandas.DataFrame
        Columns ``kommunenummer`` (2012 number), ``name``, ``county_2012``,
        ``successor_name`` (canonical name in ``kommuner.csv``), ``merge_year``.
    """
    return _read("historic_kommuner.csv").copy()


@cache
def _municipality_index() -> dict[str, tuple[MunicipalityEntry, ...]]:
    index: dict[str, list[MunicipalityEntry]] = {}
    current = _read("kommuner.csv")
    current_names = set()
    for row in current.itertuples(index=False):
        entry = MunicipalityEntry(row.canonical_name, row.kommunenummer, row.county, False)
        names = {row.canonical_name, row.name, *row.official_names.split(";")}
        for name in names:
            if name:
                index.setdefault(_key(name), []).append(entry)
                current_names.add(_key(name))
    for row in _read("historic_kommuner.csv").itertuples(index=False):
        key = _key(row.name)
        if key == _key(row.successor_name):
            continue  # merged into a municipality of the same name: the current one
        county = _COUNTY_2020.get(row.county_2012, row.county_2012)
        canonical = row.name
        if key in current_names and "(" not in canonical:
            canonical = f"{row.name} ({row.county_2012})"
        entry = MunicipalityEntry(canonical, row.kommunenummer, county, True)
        index.setdefault(key, []).append(entry)
    return {k: tuple(dict.fromkeys(v)) for k, v in index.items()}


def municipality_candidates(name: str) -> tuple[MunicipalityEntry, ...]:
    """Every municipality (current or historic) that ``name`` may denote."""
    index = _municipality_index()
    entries = index.get(_key(name), ())
    if not entries and "(" in name:  # "Herøy (Nordland)": pick by the bracket
        bracket = name[name.index("(") + 1 : name.rindex(")")] if ")" in name else ""
        entries = index.get(_key(name), ())
        entries = tuple(e for e in entries if bracket in (e.county, e.canonical_name))
    if "(" in name:
        exact = tuple(e for e in entries if e.canonical_name == name.strip())
        if exact:
            return exact
    return entries


def resolve_municipality(
    name: str, *, counties: list[str] | tuple[str, ...] | None = None
) -> MunicipalityEntry | None:
    """The one municipality ``name`` denotes, or None if unknown or ambiguous.

    Parameters
    ----------
    name : str
        A name as written ("Herøy", "herøy", "Herøy (Nordland)", "Fusa").
    counties : sequence of str, optional
        2020–2023 counties in which to prefer a match (the agreement's health trust's
        catchment). Among several candidates, current municipalities beat historic ones.
    """
    entries = municipality_candidates(name)
    if len(entries) <= 1:
        return entries[0] if entries else None
    if counties:
        inside = tuple(e for e in entries if e.county in counties)
        if len(inside) == 1:
            return inside[0]
        if inside:
            entries = inside
    current = tuple(e for e in entries if not e.historic)
    if len(current) == 1 and not counties:
        return current[0]
    return None


def canonical_municipality(
    name: str, *, counties: list[str] | tuple[str, ...] | None = None
) -> str | None:
    """Canonical name of the municipality ``name`` denotes (None if unknown/ambiguous)."""
    entry = resolve_municipality(name, counties=counties)
    return entry.canonical_name if entry else None


def municipality_number(canonical_name: str) -> str | None:
    """The 4-digit number of a canonical municipality name (2012 number for historic ones)."""
    for entries in _municipality_index().values():
        for e in entries:
            if e.canonical_name == canonical_name:
                return e.number
    return None


# --- health trusts ----------------------------------------------------------------


@dataclass(frozen=True)
class HealthTrustHit:
    """One mention of a health trust in a text."""

    canonical_name: str
    kind: str  # hf | private
    start: int
    alias: str


@cache
def _trust_table() -> tuple[tuple[str, str, str, tuple[str, ...]], ...]:
    rows = []
    for row in _read("health_trusts.csv").itertuples(index=False):
        aliases = {row.canonical_name, *[a for a in row.aliases.split(";") if a]}
        rows.append((row.canonical_name, row.kind, row.counties, tuple(sorted(aliases))))
    return tuple(rows)


_WORD = re.compile(r"\w+")
_ALIAS_GAP = re.compile(r"[\s\-.]*")


@cache
def _trust_index() -> dict[str, tuple[tuple[tuple[str, ...], bool, str, str], ...]]:
    """Aliases as word sequences, keyed by their first word (lower case), longest first.

    Short all-caps abbreviations (UNN, SUS, OUS) are kept case-sensitive.
    """
    index: dict[str, list[tuple[tuple[str, ...], bool, str, str]]] = {}
    for canonical, kind, _counties, aliases in _trust_table():
        for alias in aliases:
            words = tuple(_WORD.findall(alias))
            if not words:
                continue
            exact = alias.replace("-", "").isupper() and len(alias) <= 5
            key = words if exact else tuple(w.lower() for w in words)
            index.setdefault(words[0].lower(), []).append((key, exact, canonical, kind))
    return {k: tuple(sorted(v, key=lambda t: (-len(t[0]), t[0]))) for k, v in index.items()}


def find_health_trusts(text: str) -> list[HealthTrustHit]:
    """Every non-overlapping mention of a health trust in ``text``, in text order.

    Aliases match as whole-word sequences (words separated by spaces, hyphens or dots, not
    preceded by a hyphen); short all-caps abbreviations (UNN, SUS, OUS) only in capitals.
    At each position the longest alias wins. One pass over the words of the text.
    """
    index = _trust_index()
    tokens = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    hits: list[HealthTrustHit] = []
    i, n = 0, len(tokens)
    while i < n:
        start, _end, word = tokens[i]
        candidates = index.get(word.lower())
        width = 0
        if candidates and not (start > 0 and text[start - 1] == "-"):
            for words, exact, canonical, kind in candidates:
                k = len(words)
                seg = tokens[i : i + k]
                if len(seg) < k:
                    continue
                if any(
                    (t[2] if exact else t[2].lower()) != w for t, w in zip(seg, words, strict=True)
                ):
                    continue
                if any(
                    not _ALIAS_GAP.fullmatch(text, seg[j][1], seg[j + 1][0]) for j in range(k - 1)
                ):
                    continue
                hits.append(HealthTrustHit(canonical, kind, start, text[start : seg[-1][1]]))
                width = k
                break
        i += width or 1
    return hits


def canonical_health_trust(name: str) -> str | None:
    """Canonical name for a trust's name or alias (exact, case-insensitive), else None."""
    key = _key(name).replace(".", "").replace("-", " ")
    for canonical, _kind, _counties, aliases in _trust_table():
        for alias in aliases:
            if _key(alias).replace(".", "").replace("-", " ") == key:
                return canonical
    return None


def health_trust_counties(canonical_name: str) -> tuple[str, ...]:
    """The 2020–2023 counties of a trust's catchment area (empty if unknown)."""
    for canonical, _kind, counties, _aliases in _trust_table():
        if canonical == canonical_name:
            return tuple(c for c in counties.split(";") if c)
    return ()
