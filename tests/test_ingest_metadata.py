"""Metadata inference: kind/number, trust, municipalities, templates, year, language form."""

from __future__ import annotations

import pytest

from avtaleanalyse.ingest import language, metadata
from avtaleanalyse.ingest.metadata import infer_metadata

KEYS = {
    "title",
    "language_form",
    "agreement_kind",
    "agreement_number",
    "agreement_label",
    "health_trust",
    "municipalities",
    "municipality_numbers",
    "year",
    "is_template",
}


@pytest.mark.parametrize(
    ("title", "kind", "label"),
    [
        ("Tenesteavtale 11 og 12", "tjenesteavtale", "11 og 12"),
        ("Delavtale 2A - psykisk helse og rus", "delavtale", "2A"),
        ("Tjenesteavtale nr. 5 Utskrivningsklare pasienter", "tjenesteavtale", "5"),
        ("Særavtale til Tjenesteavtale 7. Helsefagarbeidere", "saeravtale", "7"),
        ("Overordna samarbeidsavtale og tenesteavtale 1", "overordnet", "1"),
        (
            "Overordnet samarbeidsavtale mellom Vefsn kommune og Helgelandssykehuset HF",
            "overordnet",
            None,
        ),
        ("Underavtale til delavtale 2A", "saeravtale", "2A"),
        (
            "Lokal samarbeidsavtale på Jæren. Underavtale til lovpålagt samarbeidsavtale",
            "saeravtale",
            None,
        ),
        ("Avtale om samhandling. Tjenesteavtale 3. Retningslinjer", "tjenesteavtale", "3"),
        ("Samarbeid om turnusteneste for legar", None, None),
        ("Samarbeidsavtale mellom Vefsn kommune og Helgelandssykehuset HF", "overordnet", None),
        ("Samarbeidsavtale mellom Vefsn kommune og NLSH. Tjenesteavtale 6", "tjenesteavtale", "6"),
        ("Samarbeidsavtale om behandlingsforløp", None, None),
        ("Rutinar for tenesteavtalar og delavtalar", None, None),  # plurals never count
    ],
)
def test_find_kind_and_number(title, kind, label):
    assert metadata.find_kind_and_number(title) == (kind, label)


def test_keys_and_types():
    meta = infer_metadata(
        "Tenesteavtale 4\nAvtalen er inngått mellom Kvinnherad kommune og Helse Fonna HF.",
        title_hint=None,
        source_path="x.txt",
    )
    assert set(meta) == KEYS
    assert meta["agreement_number"] == 4 and meta["agreement_label"] == "4"
    assert meta["municipalities"] == ["Kvinnherad"]
    assert meta["municipality_numbers"] == ["4617"]
    assert meta["health_trust"] == "Helse Fonna HF"


def test_file_name_is_a_fallback_for_kind_number_and_municipality():
    text = "Avtalen gjeld mellom partane. Helse Fonna HF skal ikkje gjere dette åleine."
    meta = infer_metadata(text, title_hint=None, source_path="2012/Tenesteavtale 10 Kvinnherad.pdf")
    assert (meta["agreement_kind"], meta["agreement_number"]) == ("tjenesteavtale", 10)
    assert meta["municipalities"] == ["Kvinnherad"]
    assert meta["language_form"] == "nynorsk"


def test_title_beats_file_name_and_body():
    text = "Delavtale 3\nDenne tjenesteavtalen gjelder mellom Bærum kommune og Vestre Viken HF."
    meta = infer_metadata(text, title_hint=None, source_path="tjenesteavtale 9.pdf")
    assert (meta["agreement_kind"], meta["agreement_number"]) == ("delavtale", 3)


@pytest.mark.parametrize(
    "party",
    [
        "xx kommune",
        "XX kommune",
        "xxxxx kommune",
        ".......... kommune",
        "…… kommune",
        "______ kommune",
        "(kommunenavn) kommune",
        "<navn> kommune",
    ],
)
def test_placeholders_make_a_template(party):
    text = f"Delavtale 5\nAvtalen er inngått mellom {party} og Sykehuset Telemark HF."
    meta = infer_metadata(text, title_hint=None, source_path="a.txt")
    assert meta["is_template"] is True
    assert meta["municipalities"] == [] and meta["municipality_numbers"] == []
    assert meta["health_trust"] == "Sykehuset Telemark HF"


def test_blank_signature_line_is_a_template():
    text = "Særavtale til Tjenesteavtale 7 mellom Helse Bergen og kommuner. Denne avtalen gjelder for. kommune"
    meta = infer_metadata(text, title_hint=None, source_path="a.txt")
    assert meta["is_template"] and meta["municipalities"] == []


def test_list_of_municipalities_and_private_dps_under_hf():
    text = (
        "Lokal samarbeidsavtale mellom Sandnes DPS og Klepp, Time, Hå og Gjesdal kommune.\n"
        "Avtalen er en underavtale til samarbeidsavtalene mellom Helse Stavanger HF og kommunene."
    )
    meta = infer_metadata(text, title_hint=None, source_path="a.txt")
    assert meta["municipalities"] == ["Gjesdal", "Hå", "Klepp", "Time"]
    assert meta["health_trust"] == "Helse Stavanger HF"
    assert meta["agreement_kind"] == "saeravtale" and meta["agreement_number"] is None


def test_homonym_resolved_by_trust_region():
    text = "Tjenesteavtale 2 mellom Herøy kommune og Helgelandssykehuset HF."
    assert infer_metadata(text, title_hint=None, source_path="a")["municipalities"] == [
        "Herøy (Nordland)"
    ]
    text = "Tenesteavtale 2 mellom Herøy kommune og Helse Møre og Romsdal HF."
    assert infer_metadata(text, title_hint=None, source_path="a")["municipalities"] == [
        "Herøy (Møre og Romsdal)"
    ]


def test_public_hf_beats_private_hospital_and_city_names_are_not_trusts():
    text = (
        "Avtalen gjeld mellom kommunane i Helse Bergen sitt føretaksområde og Helse Bergen HF, "
        "Haraldsplass Diakonale Sykehus AS og Haraldsplass."
    )
    meta = infer_metadata(text, title_hint="Tenesteavtale 3", source_path="a")
    assert meta["health_trust"] == "Helse Bergen HF"
    assert meta["municipalities"] == [] and meta["is_template"]


def test_trust_from_municipality_county_when_not_named():
    text = "Delavtale 4\nAvtale mellom Arendal kommune og sykehuset om øyeblikkelig hjelp."
    assert (
        infer_metadata(text, title_hint=None, source_path="a")["health_trust"]
        == "Sørlandet sykehus HF"
    )


def test_no_kind_word_uses_trust_custom():
    text = "Avtale mellom xx kommune og Helse Førde HF\nSamarbeid om turnusteneste for legar."
    assert infer_metadata(text, title_hint=None, source_path="a")["agreement_kind"] == "delavtale"
    text = "Avtale mellom xx kommune og UNN HF om noko."
    assert (
        infer_metadata(text, title_hint=None, source_path="a")["agreement_kind"] == "tjenesteavtale"
    )
    assert (
        infer_metadata("Referat frå møte.", title_hint=None, source_path="a")["agreement_kind"]
        == "annet"
    )


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("Avtalen gjeld frå 01.08.2022 og erstattar avtalen inngått 01.07.2012.", 2022),
        ("Vedtatt i kommunestyret 14. desember 2011. Signert 20.01.2012.", 2011),
        ("Lov om kommunale helse- og omsorgstjenester av 24. juni 2011. Dato: 15.03.2016", 2016),
        ("Lov om spesialisthelsetjenesten (1999-07-02-61). Ingen dato.", None),
        ("Utdanningen ble fra august 2006 erstattet.", None),
    ],
)
def test_find_year(text, year):
    assert metadata.find_year(text) == year


def test_year_from_file_name():
    assert metadata.find_year("ingen dato", source_path="avtalar/2019/ta3 2019.pdf") == 2019


def test_strip_chrome():
    text = 'Størrelse: px\nBegynne med side:\nDownload "x"\nTranskript\nLogo blå saman.no\nTekst'
    assert metadata.strip_chrome(text) == "Tekst"


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("Partane skal ikkje gjere dette åleine, men saman med kommunane.", "nynorsk"),
        ("Partene skal ikke gjøre dette alene, men sammen med kommunene.", "bokmal"),
        (
            "Avtalen byggjer på Lov om spesialisthelsetjenesten m.m. og Lov om kommunale helse- "
            "og omsorgstjenester m.m. og helsepersonelloven. Partane skal ikkje gjere noko.",
            "nynorsk",
        ),
    ],
)
def test_language_form(text, form):
    assert language.detect_language_form(text) == form


def test_title_from_hint_or_first_line():
    assert (
        infer_metadata("Tekst", title_hint="Delavtale 1 | saman.no", source_path="a")["title"]
        == "Delavtale 1"
    )
    assert (
        infer_metadata("\n\nTenesteavtale 2\nMeir", title_hint=None, source_path="a")["title"]
        == "Tenesteavtale 2"
    )


def test_parties_beat_municipalities_named_in_passing():
    text = (
        "Tjenesteavtale 11\nAvtalen er inngått mellom Askøy kommune og Helse Bergen HF.\n\n"
        "Legevakta er lagt til Bergen kommune som vertskommune."
    )
    assert infer_metadata(text, title_hint=None, source_path="a")["municipalities"] == ["Askøy"]


def test_pdf_metadata_title_hint():
    meta = infer_metadata(
        "Avtalen er inngått mellom Bodø kommune og Nordlandssykehuset HF.",
        title_hint="Microsoft Word - TA 6 Bodø.docx",
        source_path="x.pdf",
    )
    assert meta["title"] == "TA 6 Bodø"
    assert (meta["agreement_kind"], meta["agreement_number"]) == ("tjenesteavtale", 6)
    assert meta["municipalities"] == ["Bodø"] and meta["health_trust"] == "Nordlandssykehuset HF"


def test_upper_case_party_and_historic_name():
    text = "SAMARBEIDSAVTALE\nmellom\nFUSA KOMMUNE\nog\nHelse Bergen HF\nInngått 15.06.2012"
    meta = infer_metadata(text, title_hint=None, source_path="a.pdf")
    assert meta["agreement_kind"] == "overordnet"
    assert meta["municipalities"] == ["Fusa"] and meta["municipality_numbers"] == ["1241"]
    assert meta["year"] == 2012


def test_kind_on_a_later_head_line():
    text = (
        "Samarbeidsavtale om behandlingsforløp for pasienter med psykiske lidelser\n"
        "Delavtale 2A\nmellom Stavanger kommune og Helse Stavanger HF"
    )
    meta = infer_metadata(text, title_hint="Samarbeidsavtale om behandlingsforløp", source_path="a")
    assert (meta["agreement_kind"], meta["agreement_label"], meta["agreement_number"]) == (
        "delavtale",
        "2A",
        2,
    )


def test_ocr_damaged_kommune_and_oslo_city_district():
    text = "Tjenesteavtale 3 mellom Herøy kornrnune og Helgelandssykehuset HR"
    assert infer_metadata(text, title_hint=None, source_path="a")["municipalities"] == [
        "Herøy (Nordland)"
    ]
    text = "Delavtale 3 mellom bydel St. Hanshaugen og Lovisenberg Diakonale Sykehus"
    meta = infer_metadata(text, title_hint=None, source_path="a")
    assert meta["municipalities"] == ["Oslo"]
    assert meta["health_trust"] == "Lovisenberg Diakonale Sykehus AS"


def test_self_reference_in_body_decides_kind_without_kind_word_in_head():
    text = (
        "Avtale om samhandling mellom Vefsn kommune og Helgelandssykehuset HF\n"
        "Denne samarbeidsavtalen regulerer Vefsn kommunes og helseforetakets ansvar."
    )
    meta = infer_metadata(text, title_hint=None, source_path="a")
    assert meta["agreement_kind"] == "overordnet" and meta["agreement_number"] is None
    assert meta["municipalities"] == ["Vefsn"] and meta["municipality_numbers"] == ["1824"]


def test_municipality_names_containing_og():
    text = "Delavtale 3 mellom Evje og Hornnes kommune og Sørlandet sykehus HF"
    assert infer_metadata(text, title_hint=None, source_path="a")["municipalities"] == [
        "Evje og Hornnes"
    ]
    text = "Tenesteavtale 3 mellom Nore og Uvdal kommune og Vestre Viken HF"
    assert infer_metadata(text, title_hint=None, source_path="a")["municipalities"] == [
        "Nore og Uvdal"
    ]


def test_year_from_folder_when_the_text_and_file_name_have_none():
    assert (
        metadata.find_year("ingen dato", source_path="Vestre Viken HF/avtaler 2022/x.pdf") == 2022
    )
    assert metadata.find_year("ingen dato", source_path="arkiv/x.pdf") is None


def test_municipality_from_lower_case_slug_only_inside_the_trusts_catchment():
    text = "Delavtale 3 – Retningslinjer for innleggelse\n\nHelse Nord-Trøndelag HF skal varsle."
    meta = infer_metadata(
        text, title_hint=None, source_path="Helse Nord-Trøndelag HF/2022/delavtale_3_overhalla.pdf"
    )
    assert meta["municipalities"] == ["Overhalla"]
    # the same slug under a trust whose catchment does not include Overhalla names no one
    text2 = text.replace("Helse Nord-Trøndelag HF", "Finnmarkssykehuset HF")
    meta2 = infer_metadata(text2, title_hint=None, source_path="x/delavtale_3_overhalla.pdf")
    assert meta2["municipalities"] == []


def test_municipalities_from_folder_name():
    text = "Delavtale 10 – Forebygging\n\nHelse Nord-Trøndelag HF og kommunane samarbeider."
    path = "Helse Nord-Trøndelag HF/Kommunene Lierne, Røyrvik og Namsskogan/2012/delavtale_10.pdf"
    meta = infer_metadata(text, title_hint=None, source_path=path)
    assert meta["municipalities"] == ["Lierne", "Namsskogan", "Røyrvik"]
