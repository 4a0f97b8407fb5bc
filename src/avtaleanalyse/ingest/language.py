"""Bokmål or nynorsk: a vote of marker words that differ between the two written forms.

Statute and regulation titles are quoted in bokmål even in nynorsk agreements ("Lov om
spesialisthelsetjenesten m.m."), so such titles and words ending in ``-loven`` are removed
before counting. Function words carry most of the weight (they are frequent and nearly
never shared); a few content words and endings add to it.

>>> detect_language_form("Avtalen gjeld ikkje for dei kommunane som ikkje har skrive under.")
'nynorsk'
>>> detect_language_form("Avtalen gjelder ikke for de kommunene som ikke har skrevet under.")
'bokmal'
"""

from __future__ import annotations

import re

__all__ = ["detect_language_form", "language_scores"]

# word -> weight; each list holds words of one form that the other form writes differently
_NYNORSK = {
    "ikkje": 3,
    "eit": 2,
    "frå": 3,
    "kva": 2,
    "dei": 2,
    "vere": 2,
    "ein": 1,
    "berre": 2,
    "korleis": 3,
    "kven": 2,
    "vert": 2,
    "vart": 1,
    "gjeld": 2,
    "òg": 2,
    "desse": 2,
    "noko": 2,
    "nokon": 2,
    "sjølv": 1,
    "heile": 1,
    "mykje": 2,
    "medan": 2,
    "hjå": 3,
    "saman": 1,
    "innan": 1,
    "dersom": 0,
    "kommunane": 2,
    "partane": 3,
    "teneste": 2,
    "tenester": 2,
    "tenesta": 2,
    "tenestene": 2,
    "helseføretak": 1,
    "helseføretaket": 2,
    "føretak": 1,
    "sjukehus": 1,
    "sjukehuset": 1,
    "verksemd": 2,
    "oppgåver": 2,
    "tilhøyrande": 2,
    "følgjande": 2,
    "byggjer": 2,
    "rettleiar": 2,
    "brukarar": 2,
    "pasientar": 2,
    "pårørande": 2,
    "avtalar": 2,
    "kommunar": 2,
    "skal": 0,
    "blir": 0,
    "seg": 0,
    "fylgje": 2,
    "difor": 2,
    "derfor": 0,
    "slik": 0,
    "utgreiing": 2,
    "tilsette": 2,
    "arbeidet": 0,
    "hovudsak": 2,
    "framleis": 2,
    "tidlegare": 2,
    "døme": 2,
    "nærare": 2,
    "ansvaret": 0,
    "omsyn": 2,
    "høve": 2,
    "gjennom": 0,
    "vedteke": 2,
    "oppfølging": 0,
    "samarbeidet": 0,
    "utskriving": 1,
    "innlegging": 1,
    "tilvising": 2,
    "meistring": 2,
}
_BOKMAL = {
    "ikke": 3,
    "et": 2,
    "fra": 3,
    "hva": 2,
    "de": 2,
    "være": 2,
    "en": 1,
    "bare": 2,
    "hvordan": 3,
    "hvem": 2,
    "ble": 1,
    "disse": 2,
    "noe": 2,
    "noen": 2,
    "selv": 1,
    "hele": 1,
    "mye": 2,
    "mens": 2,
    "hos": 3,
    "sammen": 1,
    "innen": 1,
    "kommunene": 2,
    "partene": 3,
    "tjeneste": 2,
    "tjenester": 2,
    "tjenesten": 2,
    "tjenestene": 2,
    "helseforetak": 1,
    "helseforetaket": 2,
    "foretak": 1,
    "sykehus": 1,
    "sykehuset": 1,
    "virksomhet": 2,
    "oppgaver": 2,
    "tilhørende": 2,
    "følgende": 2,
    "bygger": 1,
    "veileder": 2,
    "brukere": 2,
    "pasienter": 2,
    "pårørende": 2,
    "avtaler": 2,
    "kommuner": 2,
    "utredning": 2,
    "ansatte": 2,
    "hovedsak": 2,
    "fortsatt": 2,
    "tidligere": 1,
    "eksempel": 2,
    "nærmere": 2,
    "hensyn": 2,
    "vedtatt": 2,
    "utskrivning": 1,
    "innleggelse": 1,
    "henvisning": 2,
    "mestring": 2,
    "gjelder": 2,
}

# statute/regulation titles and law nicknames: quoted in bokmål in either form
_QUOTE_RE = re.compile(
    r"\b(?:lov|forskrift|rundskriv)\s+(?:om|for)\b[^.;:()\n\[\]]{0,120}"
    r"|\b\w+(?:loven|lova|forskriften|forskrifta)\b",
    re.IGNORECASE,
)
_WORD_RE = re.compile(r"[a-zæøåòéüäö]+")


def language_scores(text: str) -> tuple[float, float]:
    """Weighted counts of nynorsk and bokmål marker words in ``text`` (quotations removed)."""
    stripped = _QUOTE_RE.sub(" ", text.lower())
    nn = bm = 0.0
    for word in _WORD_RE.findall(stripped):
        if word in _NYNORSK:
            nn += _NYNORSK[word]
        elif word in _BOKMAL:
            bm += _BOKMAL[word]
    return nn, bm


def detect_language_form(text: str, *, default: str = "bokmal") -> str:
    """``"nynorsk"`` or ``"bokmal"`` by the weighted marker vote (``default`` on a tie)."""
    nn, bm = language_scores(text)
    if nn == bm:
        return default
    return "nynorsk" if nn > bm else "bokmal"
