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


def test_nynorsk_passives_compounds_and_new_forms():
    nb = (
        "Sykepleiere i hjemmetjenesten dokumenteres. Utredningen gjennomføres innen fire uker, "
        "og flere enheter bekrefter beslutningen senere."
    )
    nn = to_nynorsk(nb)
    for w in ("Sjukepleiarar", "heimetenesta", "dokumenterast", "Utgreiinga", "gjennomførast"):
        assert w in nn, (w, nn)
    for w in ("veker", "fleire", "einingar", "avgjerda", "seinare"):
        assert w in nn, (w, nn)


def test_nynorsk_conversion_of_the_phrase_banks_maps_back_to_bokmal():
    """Few bokmål-only words survive, and the nn→nb lemma map undoes most of the conversion.

    Measured on the banks in Nov 2026: 9.1 % of tokens are words simplemma knows as bokmål
    but not nynorsk (most of them valid nynorsk missing from its list, such as 'tilvising'),
    and 94.7 % of the nynorsk lemmas (via ``to_bokmal``) are found in the bokmål original.
    """
    import collections
    import re

    import simplemma

    from avtaleanalyse.text import to_bokmal

    texts: list[str] = []

    def walk(x):
        if isinstance(x, str):
            texts.append(x)
        elif isinstance(x, dict):
            for k, v in x.items():
                if not str(k).endswith("_nn") and k != "nynorsk":
                    walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    for name in ("points", "national", "local"):
        walk(bank(name))
    word = re.compile(r"[a-zæøå]+")
    tokens = leaks = shared = 0
    for t in texts:
        nn = word.findall(to_nynorsk(t).lower())
        tokens += len(nn)
        leaks += sum(
            simplemma.is_known(w, lang="nb") and not simplemma.is_known(w, lang="nn") for w in nn
        )
        a = collections.Counter(to_bokmal(w, "bokmal") for w in word.findall(t.lower()))
        b = collections.Counter(to_bokmal(w, "nynorsk") for w in nn)
        shared += sum((a & b).values())
    assert leaks / tokens < 0.10
    assert shared / tokens > 0.93


def test_nynorsk_copy_keeps_most_five_word_shingles():
    """What family detection needs: 5-word shingles of a clause survive its nynorsk copy.

    Common-form tokens (``normalize_tokens``) of each bank text against its nynorsk
    conversion, Nov 2026: 0.784 of the nynorsk 5-grams were in the bokmål original before
    the final-form rows of ``nn_nb_lemmas.tsv`` ('heil' -> 'hel', 'innanfor' -> 'innenfor',
    'partere' -> 'part', ...), 0.832 after. Most of the rest is grammar, not spelling: the
    nynorsk passive 'blir + participle' and 'kva for' for 'hvilken'.
    """
    import re

    from avtaleanalyse.similarity.normalize import normalize_tokens
    from avtaleanalyse.text import to_bokmal

    assert to_bokmal("heil", "nynorsk") == "hel"
    assert to_bokmal("innanfor", "nynorsk") == "innenfor"
    assert to_bokmal("partene", "bokmal") == to_bokmal("partane", "nynorsk") == "part"
    texts: list[str] = []

    def walk(x):
        if isinstance(x, str):
            texts.append(re.sub(r"\{[^}]*\}", "X", x))
        elif isinstance(x, dict):
            for k, v in x.items():
                if not str(k).endswith("_nn") and k != "nynorsk":
                    walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    for name in ("points", "national"):
        walk(bank(name))
    total = kept = 0
    for t in texts:
        a, _ = normalize_tokens(t, language_form="bokmal")
        b, _ = normalize_tokens(to_nynorsk(t), language_form="nynorsk")
        ref = {tuple(a[i : i + 5]) for i in range(len(a) - 4)}
        grams = [tuple(b[i : i + 5]) for i in range(len(b) - 4)]
        total += len(grams)
        kept += sum(g in ref for g in grams)
    assert kept / total > 0.82
