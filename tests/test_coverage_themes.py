"""Coverage themes: levels, negation, direction, evidence — on sentences written for the test."""

from __future__ import annotations

import pytest

from avtaleanalyse.coverage.dictionary import load_dictionary, phrase
from avtaleanalyse.coverage.matching import PhraseIndex, sentences
from avtaleanalyse.coverage.themes import ThemeMatcher


@pytest.fixture(scope="module")
def m():
    return ThemeMatcher(load_dictionary())


def test_phrase_globs_and_any_word():
    idx = PhraseIndex([phrase("representant* fra bruker*"), phrase("lære ? kommunen")])
    sents = sentences(
        "To representanter fra brukerorganisasjonene deltar. Sykehuset skal lære av kommunen."
    )
    assert [h.phrase for h in idx.find(sents)] == ["representant* fra bruker*", "lære ? kommunen"]


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Avtalen regulerer innleggelse i sykehus.", "none"),
        ("Brukermedvirkning skal ivaretas i alle ledd av samarbeidet.", "generic"),
        ("Samarbeidet skal vere prega av brukarmedverknad.", "generic"),
        ("Tenestene skal involvere brukarar og leggje til rette for medverknad.", "generic"),
        ("Samarbeidsutvalget har to brukerrepresentanter oppnevnt av brukerutvalget.", "concrete"),
        ("Det lokale brukarrådet har ein fast plass i samhandlingsutvalet.", "concrete"),
        ("Det er ikke etablert brukerutvalg for dette området.", "none"),
    ],
)
def test_user_participation_level(m, text, level):
    assert m.brukermedvirkning(sentences(text)).level == level


def test_patients_and_users_receiving_services_is_not_participation(m):
    text = "Samarbeidet skal medverke til at pasientar og brukarar får eit heilskapleg tilbod."
    assert m.brukermedvirkning(sentences(text)).level == "none"


def test_patient_user_experience(m):
    yes = m.pasient_brukererfaringer(
        sentences("Pasient- og brukererfaringer skal brukes i forbedringsarbeidet.")
    )
    no = m.pasient_brukererfaringer(sentences("Pasienten skal få informasjon om behandlingen."))
    assert yes.present and "[[pasient- og brukererfaringer]]" in yes.evidence[0]
    assert not no.present and no.evidence == ()


@pytest.mark.parametrize(
    ("text", "direction"),
    [
        ("Avtalen gjelder utskrivningsklare pasienter.", "none"),
        ("Helseforetaket gir veiledning til kommunen for å styrke kompetansen.", "hf_to_kommune"),
        ("Helseforetaket skal gi råd og veiledning til kommunen når det trengs.", "none"),
        ("Samhandlingen skjer i samarbeidsutvalg, faglige nettverk og i det daglige.", "none"),
        (
            "Retningslinjer for gjensidig kunnskapsoverføring og informasjonsutveksling. "
            "Helseforetaket bidrar med kompetanse til kommunen.",
            "hf_to_kommune",
        ),
        (
            "Spesialisthelsetjenesten skal gi undervisning til helsepersonell i kommunen.",
            "hf_to_kommune",
        ),
        ("Partene legger til rette for hospitering begge veier.", "mutual"),
        ("Partane skal sikre gjensidig kunnskapsoverføring.", "mutual"),
        ("Kompetanseoverføring er et felles ansvar.", "unclear"),
        ("Veiledning av lærlingen gis av fagpersoner i helseforetaket.", "none"),
    ],
)
def test_competence_transfer_direction(m, text, direction):
    assert m.kompetanseoverforing(sentences(text)).direction == direction


def test_direction_markers_of_both_ways_make_it_mutual(m):
    text = "Helseforetaket tilbyr hospitering for ansatte i kommunen, og kommunen tilbyr hospitering til helseforetaket."
    assert m.kompetanseoverforing(sentences(text)).direction == "mutual"


def test_involving_the_other_party_is_not_user_participation():
    m = ThemeMatcher(load_dictionary())
    other_party = "Helseforetaket skal involvere kommunen når pasienten har behov for tjenester."
    assert m.brukermedvirkning(sentences(other_party)).level == "none"
    assert m.brukermedvirkning(sentences("Pasienten skal involveres i planen.")).level == "generic"


@pytest.mark.parametrize(
    ("text", "direction"),
    [
        # study days open to the municipality's staff: one way, from the hospital
        (
            "Helseforetaket arrangerer fagdager som er åpne for ansatte i kommunen.",
            "hf_to_kommune",
        ),
        # staff of both parties hospitering with each other
        (
            "Ansatte i kommunen kan hospitere i helseforetaket, og ansatte i helseforetaket "
            "skal hospitere i kommunens tjenester.",
            "mutual",
        ),
        ("Partene skal vurdere behovet for kompetanseoverføring.", "unclear"),
    ],
)
def test_direction_from_staff_and_study_days(text, direction):
    r = ThemeMatcher(load_dictionary()).kompetanseoverforing(sentences(text))
    assert r.present and r.direction == direction


def test_ocr_digit_in_the_law_quote_does_not_make_it_mutual(m):
    """§ 6-2 nr. 6 quoted with an OCR '0' for 'o' is still the law's "gjensidig"."""
    text = (
        "Hver part skal ha et kontaktpunkt som tar imot henvendelser om gjensidig\n"
        "kunnskaps0verføring og informasjonsutveksling.\n"
        "Helseforetaket skal tilby veiledning og undervisning til kommunens helsepersonell."
    )
    assert m.kompetanseoverforing(sentences(text)).direction == "hf_to_kommune"
    assert m.kompetanseoverforing(sentences(text.replace("0", "o"))).direction == "hf_to_kommune"


def test_ocr_capital_i_for_l_keeps_the_direction(m):
    text = "Helseforetaket skal tilby veiledning og undervisning til kommunens heIsepersonell."
    assert m.kompetanseoverforing(sentences(text)).direction == "hf_to_kommune"
