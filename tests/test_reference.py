"""Reference tables and name matching."""

from __future__ import annotations

import pytest

from avtaleanalyse import reference
from avtaleanalyse.reference import matching


def test_tables_have_expected_shape():
    kommuner = reference.municipalities()
    assert len(kommuner) == 356
    trusts = reference.health_trusts()
    assert {"canonical_name", "rhf", "kind", "aliases", "counties"} <= set(trusts.columns)
    assert trusts["canonical_name"].is_unique
    counties = set(kommuner["county"])
    for value in trusts["counties"]:
        assert set(value.split(";")) <= counties


def test_historic_successors_are_current_municipalities():
    historic = reference.historic_municipalities()
    current = set(reference.municipalities()["canonical_name"])
    assert set(historic["successor_name"]) <= current
    assert historic["kommunenummer"].str.fullmatch(r"\d{4}").all()
    assert historic["merge_year"].astype(int).between(2017, 2020).all()


@pytest.mark.parametrize(
    ("name", "counties", "expected"),
    [
        ("Herøy", ["Nordland"], "Herøy (Nordland)"),
        ("Herøy", ["Møre og Romsdal"], "Herøy (Møre og Romsdal)"),
        ("Herøy", None, None),  # ambiguous without a region
        ("Herøy (Nordland)", None, "Herøy (Nordland)"),
        ("Våler", ["Viken"], "Våler (Viken)"),
        ("HERØY", ["Nordland"], "Herøy (Nordland)"),
        ("Kvinnherad", None, "Kvinnherad"),
        ("Fusa", None, "Fusa"),  # merged into Bjørnafjorden 2020, kept as signed
        ("Os", ["Vestland"], "Os (Hordaland)"),
        ("Os", ["Innlandet"], "Os"),
        ("Bergen", None, "Bergen"),
        ("Atlantis", None, None),
    ],
)
def test_canonical_municipality(name, counties, expected):
    assert reference.canonical_municipality(name, counties=counties) == expected


def test_municipality_numbers():
    assert reference.municipality_number("Oslo") == "0301"
    assert reference.municipality_number("Herøy (Nordland)") == "1818"
    assert reference.municipality_number("Fusa") == "1241"
    assert reference.municipality_number("Nowhere") is None


@pytest.mark.parametrize(
    ("alias", "expected"),
    [
        ("Ahus", "Akershus universitetssykehus HF"),
        ("Sjukehuset Innlandet", "Sykehuset Innlandet HF"),
        ("helse bergen", "Helse Bergen HF"),
        ("St Olavs hospital", "St. Olavs hospital HF"),
        ("Universitetssjukehuset Nord-Noreg", "Universitetssykehuset Nord-Norge HF"),
        ("Helse Finnmark", "Finnmarkssykehuset HF"),
        ("Helse Oslo", None),
    ],
)
def test_canonical_health_trust(alias, expected):
    assert reference.canonical_health_trust(alias) == expected


def test_find_health_trusts_word_boundaries_and_case():
    text = "Avtale mellom Stavanger kommune og Helse Stavanger HF. SUSANNE og unn er ikkje UNN."
    hits = matching.find_health_trusts(text)
    assert [h.canonical_name for h in hits] == [
        "Helse Stavanger HF",
        "Universitetssykehuset Nord-Norge HF",
    ]
    assert hits[1].alias == "UNN"


def test_find_health_trusts_prefers_longest_alias():
    hits = matching.find_health_trusts("Akershus universitetssykehus HF (Ahus)")
    assert [(h.canonical_name, h.alias) for h in hits] == [
        ("Akershus universitetssykehus HF", "Akershus universitetssykehus HF"),
        ("Akershus universitetssykehus HF", "Ahus"),
    ]
