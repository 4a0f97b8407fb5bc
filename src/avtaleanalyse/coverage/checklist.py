"""The § 6-2 checklist: which minimum points each document covers, and the roll-up per
municipality for the agreements in force in a year."""

from __future__ import annotations

import re

import pandas as pd

from avtaleanalyse import schema as S
from avtaleanalyse.coverage.dictionary import Dictionary, phrase
from avtaleanalyse.coverage.matching import PhraseIndex, kwic, sentences

__all__ = ["PointFinder", "in_force", "municipality_checklist", "required_points"]

_AGREEMENT_NUMBER = re.compile(
    r"\b(?:delavtale|tjenesteavtale|tenesteavtale|samarbeidsavtale|avtale)\s+(?:nr\.?\s*)?(\d{1,2})[a-zA-Z]?\b",
    re.IGNORECASE,
)
_LABEL_NUMBERS = re.compile(r"\d{1,2}")


class PointFinder:
    """Points 1–13 of § 6-2 covered by a document, each with the evidence that decided it.

    Order of evidence: words of the title naming a point's subject; an overordnet agreement
    covers point 1 (and 12 where it sets up the health community, *helsefellesskap*); the
    agreement's own number(s) ("Tenesteavtale 11 og 12"); a specification of other numbered
    agreements ("konkretisering av delavtale 2A og delavtale 10").
    """

    def __init__(self, dictionary: Dictionary):
        cl = dictionary.data["checklist"]
        self.title = {
            int(p): PhraseIndex(phrase(str(e)) for e in entries)
            for p, entries in cl["title_terms"].items()
        }
        self.implied = int(cl.get("admission_and_discharge_imply", 2))
        self.references = PhraseIndex(phrase(str(e)) for e in cl.get("references", []))
        self.overordnet = {
            int(p): PhraseIndex(phrase(str(e)) for e in entries)
            for p, entries in cl.get("overordnet_content", {}).items()
        }
        self.negations = dictionary.negations
        self.window = dictionary.negation_window

    def points(
        self, *, title: str, text: str, kind: str | None, number, label: str | None
    ) -> dict[int, str]:
        """``{point: evidence}`` for one document."""
        found: dict[int, str] = {}
        # the title as metadata has it, and the document's own first line (capped, so that a
        # table of contents flattened into the first line cannot name every point)
        first_line = (text or "").lstrip().split("\n", 1)[0][:150]
        title_sents = sentences(f"{title or ''}\n{first_line}")
        for p, index in self.title.items():
            hits = index.find(title_sents, negations=self.negations, window=self.window)
            if hits:
                found[p] = "tittel: " + kwic(title_sents, hits[0])
        if 2 in found:  # point 2 is the joint guideline for admission, discharge, rehabilitation …
            found.pop(3, None)
            found.pop(5, None)
        elif 3 in found and 5 in found:
            found[self.implied] = "tittel: både innleggelse og utskriving"
        if kind == "overordnet":
            found.setdefault(1, "overordnet samarbeidsavtale")
            head = sentences(text[:20000])
            for p, index in self.overordnet.items():
                hits = index.find(head, negations=self.negations, window=self.window)
                if hits:
                    found.setdefault(p, kwic(head, hits[0]))
        label = label if isinstance(label, str) else ""
        merged = [int(n) for n in _LABEL_NUMBERS.findall(label) if 1 <= int(n) <= 13]
        if len(merged) > 1 and any(n in found for n in merged):
            # a merged agreement ("Tenesteavtale 11 og 12") whose title names one subject
            # covers every agreement it merges
            for n in merged:
                found.setdefault(n, f"avtalenummer {label}")
        if not found:
            numbers = [int(n) for n in _LABEL_NUMBERS.findall(label)] or (
                [int(number)] if number is not None and not pd.isna(number) else []
            )
            for n in numbers:
                if 1 <= n <= 13:
                    found[n] = f"avtalenummer {label or n}"
        if not found:
            head = sentences(text[:3000])
            for h in self.references.find(head):
                for n in _AGREEMENT_NUMBER.findall(head[h.sentence].text):
                    if 1 <= int(n) <= 13:
                        found.setdefault(int(n), kwic(head, h))
        return dict(sorted(found.items()))


def required_points(year: int) -> list[int]:
    """Minimum points in force in ``year``: 1–11 since 2012, 12 and 13 from 1 August 2022."""
    return list(range(1, 14)) if year >= 2022 else list(range(1, 12))


def in_force(
    documents: pd.DataFrame, year: int, *, adoption_span: int = 1
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split documents into the generation in force in ``year`` and the earlier one.

    Per health trust, the generation in force is the documents from the latest year not
    after ``year`` and the ``adoption_span`` years before it (municipalities adopt a revised
    set over months that often span two calendar years: 2012–2013, 2022–2023); earlier
    documents form the previous generation; documents from after ``year`` are in neither.
    Documents without a year count as in force.

    Returns
    -------
    (current, earlier) : tuple of pandas.DataFrame
    """
    y = documents[S.YEAR].astype("Float64")
    docs = documents[(y <= year).fillna(True).to_numpy()]
    y = docs[S.YEAR].astype("Float64")
    latest = y.groupby(docs[S.HEALTH_TRUST].fillna("").to_numpy()).transform("max")
    current = ((y >= latest - adoption_span).fillna(True) | latest.isna()).to_numpy()
    return docs[current], docs[~current]


def municipality_checklist(
    documents: pd.DataFrame, coverage: pd.DataFrame, *, year: int
) -> pd.DataFrame:
    """Which § 6-2 points each municipality's agreements in force in ``year`` cover.

    Templates (documents naming no municipality) are not counted for any municipality.

    Returns
    -------
    pandas.DataFrame
        Columns ``municipality``, ``health_trust``, ``year``, ``point`` (1–13), ``required``
        (bool: in force in that year), ``covered`` (bool), ``doc_ids`` (';'-joined), sorted by
        municipality and point.
    """
    current, _ = in_force(documents, year)
    pts = coverage[coverage[S.THEME].str.startswith("paragraph_6_2_point_") & coverage[S.PRESENT]]
    pts = pts.assign(point=pts[S.THEME].str.rsplit("_", n=1).str[-1].astype(int))
    by_doc = pts.groupby(S.DOC_ID)["point"].apply(set).to_dict()
    required = set(required_points(year))
    rows = []
    exploded = (
        current[[S.DOC_ID, S.HEALTH_TRUST, S.MUNICIPALITIES]]
        .explode(S.MUNICIPALITIES)
        .dropna(subset=[S.MUNICIPALITIES])
    )
    for (muni, trust), group in exploded.groupby(
        [S.MUNICIPALITIES, exploded[S.HEALTH_TRUST].fillna("")]
    ):
        covered: dict[int, list[str]] = {}
        for doc in sorted(group[S.DOC_ID]):
            for p in by_doc.get(doc, ()):
                covered.setdefault(p, []).append(doc)
        for p in range(1, 14):
            rows.append(
                {
                    "municipality": muni,
                    S.HEALTH_TRUST: trust or None,
                    S.YEAR: year,
                    "point": p,
                    "required": p in required,
                    "covered": p in covered,
                    "doc_ids": ";".join(covered.get(p, [])),
                }
            )
    cols = ["municipality", S.HEALTH_TRUST, S.YEAR, "point", "required", "covered", "doc_ids"]
    return (
        pd.DataFrame(rows, columns=cols)
        .sort_values(["municipality", "point"], kind="mergesort")
        .reset_index(drop=True)
    )
