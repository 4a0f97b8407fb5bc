"""Catchment table and the bokmål→nynorsk converter of the demo generator."""

from __future__ import annotations

import random

import pandas as pd

from avtaleanalyse.demo.catchment import build_catchment, load_catchment
from avtaleanalyse.demo.damage import hyphenate_word, ocr_damage
from avtaleanalyse.demo.phrases import bank, to_nynorsk
from avtaleanalyse.reference import health_trusts, municipalities


def test_catchment_covers_every_municipality_once():
    c = load_catchment()
    assert len(c) == len(municipalities()) == c.kommunenummer.nunique()
    kinds = health_trusts().set_index("canonical_name")["kind"]
    assert set(kinds[c.health_trust]) == {"hf"}
    pd.testing.assert_frame_equal(c, build_catchment())


def test_catchment_exceptions():
    c = load_catchment().set_index("canonical_name")["health_trust"]
    assert c["Bindal"] == "Helse Nord-Trøndelag HF"
    assert c["Haugesund"] == "Helse Fonna HF"
    assert c["Stavanger"] == "Helse Stavanger HF"
    assert c["Herøy (Nordland)"] == "Helgelandssykehuset HF"
    assert c["Herøy (Møre og Romsdal)"] == "Helse Møre og Romsdal HF"
    assert c["Alta"] == "Finnmarkssykehuset HF"
    assert c["Tromsø"] == "Universitetssykehuset Nord-Norge HF"


def test_user_catchment_overrides(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text(
        "kommunenummer,health_trust\n301,Lovisenberg Diakonale Sykehus AS\n", encoding="utf-8"
    )
    c = load_catchment(p)
    assert c.loc[0, "canonical_name"] == "Oslo"
    assert c.loc[0, "rhf"] == "Helse Sør-Øst RHF"


def test_nynorsk_word_forms():
    nb = "Helseforetaket skal ikke sende et varsel fra sykehuset til de ansatte i tjenestene. Avvik skal meldes."
    nn = to_nynorsk(nb)
    for w in (
        "Helseføretaket",
        "ikkje",
        "eit",
        "frå",
        "sjukehuset",
        "dei",
        "tilsette",
        "tenestene",
        "meldast",
    ):
        assert w in nn, (w, nn)


def test_banks_have_alternatives_for_every_point():
    pts = bank("points")
    assert sorted(pts, key=int) == [str(i) for i in range(1, 14)]
    for p in pts.values():
        assert all(len(c["text"]) >= 2 for c in p["clauses"])
    nat = bank("national")
    assert set(nat["nynorsk"]) <= set(nat["bokmal"])


def test_ocr_damage_and_hyphenation():
    text = "Tittel\n" + "kommunen samarbeider om tjenestene i helseforetaket " * 40
    out = ocr_damage(text, random.Random(1), rate=0.3)
    assert out.startswith("Tittel\n") and out != text
    assert hyphenate_word("samhandlingsavtale") is not None
    assert hyphenate_word("kort") is None
