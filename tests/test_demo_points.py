"""The § 6-2 clause bank of the demo generator: wordings that format, differ and plant no theme.

The planted themes (user participation, user experience, competence transfer) must come only
from the clauses that record them in ``truth.csv``; a point clause that happened to mention
"brukerrepresentant" or "hospitering" would make the truth wrong for every document using it.
"""

from __future__ import annotations

import re

import pytest

from avtaleanalyse.coverage.dictionary import load_dictionary
from avtaleanalyse.coverage.matching import sentences
from avtaleanalyse.coverage.themes import ThemeMatcher
from avtaleanalyse.demo.phrases import bank, to_nynorsk

FMT = dict(
    kommune="Alta kommune",
    hf="Finnmarkssykehuset HF",
    hf_kort="Finnmarkssykehuset",
    avtalen="delavtalen",
    Avtalen="Delavtalen",
    avtale_ord="delavtale",
    tema="tema",
    rolle_k="kommunalsjef for helse",
    rolle_h="klinikksjef",
)
POINTS = bank("points")
CLAUSES = [(p, j, c) for p, e in POINTS.items() for j, c in enumerate(e["clauses"])]


def _shingles(text: str, n: int = 5) -> set[tuple[str, ...]]:
    w = re.findall(r"\w+", text.lower())
    return {tuple(w[i : i + n]) for i in range(len(w) - n + 1)}


@pytest.fixture(scope="module")
def matcher() -> ThemeMatcher:
    return ThemeMatcher(load_dictionary())


def test_every_point_has_enough_text_for_a_realistic_agreement():
    for point, entry in POINTS.items():
        words = sum(
            sum(len(t.split()) for t in c["text"]) / len(c["text"]) for c in entry["clauses"]
        )
        # with the frame text (parties, purpose, duration ...) this makes a 3-page agreement
        assert len(entry["clauses"]) >= 10, point
        assert words >= 550, (point, words)


@pytest.mark.parametrize("point,j,clause", CLAUSES, ids=[f"p{p}.{j}" for p, j, _ in CLAUSES])
def test_clause_wordings_format_and_differ(point, j, clause):
    assert len(clause["heading"]) >= 2
    assert len(clause["text"]) >= 2
    texts = [t.format(**FMT) for t in clause["text"]]
    assert all("{" not in t and "}" not in t for t in texts)
    sh = [_shingles(t) for t in texts]
    for a in range(len(sh)):
        for b in range(a + 1, len(sh)):
            jac = len(sh[a] & sh[b]) / max(1, len(sh[a] | sh[b]))
            # alternative wordings are what makes regional templates differ
            assert jac <= 0.3, (a, b, round(jac, 2))


@pytest.mark.parametrize("point,j,clause", CLAUSES, ids=[f"p{p}.{j}" for p, j, _ in CLAUSES])
def test_clauses_plant_no_theme(point, j, clause, matcher):
    """No theme, except that point 6 (competence transfer) may name hospitering undirected.

    Every point-6 agreement carries a directed competence section planted with its truth, and
    an undirected mention never overrides a directed one.
    """
    for t in clause["text"]:
        for text in (t.format(**FMT), to_nynorsk(t.format(**FMT))):
            ss = sentences(text)
            for r in (
                matcher.brukermedvirkning(ss),
                matcher.pasient_brukererfaringer(ss),
            ):
                assert not r.present, (r.theme, r.evidence)
            k = matcher.kompetanseoverforing(ss)
            if point == "6":
                assert k.direction in ("none", "unclear"), (k.direction, k.evidence)
            else:
                assert not k.present, k.evidence


def test_composed_local_sentences_plant_no_theme(matcher):
    """Every fragment of the local-sentence composer, in both written forms."""
    c = bank("local")["compose"]
    assert all(len(f.split()) <= 4 for k in ("who", "does", "when") for f in c[k])
    sentences_ = [f"{w} i Alta {d} {c['when'][0]}." for w in c["who"] for d in c["does"]]
    sentences_ += [f"{c['who'][0]} i Alta {c['does'][0]} {x}." for x in c["when"]]
    for t in sentences_:
        for text in (t.format(nabo="Kautokeino"), to_nynorsk(t).format(nabo="Kautokeino")):
            ss = sentences(text)
            for r in (
                matcher.brukermedvirkning(ss),
                matcher.pasient_brukererfaringer(ss),
                matcher.kompetanseoverforing(ss),
            ):
                assert not r.present, (r.theme, r.evidence)
