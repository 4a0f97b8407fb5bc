"""Cleaning: each step on its own, and every chrome style of the real samples."""

from __future__ import annotations

import re

import pytest

from avtaleanalyse.ingest.cleaning import (
    clean_pages,
    clean_text,
    dehyphenate,
    docplayer_title,
    remove_page_numbers,
    remove_running_lines,
    resolve_soft_hyphens,
    strip_bullets,
    strip_docplayer,
    strip_web_chrome,
)

DOCPLAYER = """Delavtale 10 - Samarbeid om forebygging

Størrelse: px
Begynne med side:

Download "Delavtale 10 - Samarbeid om forebygging"

Transkript

1 Delavtale 10 1. Parter Avtalen er inngått mellom kommunen og Ahus.

2 2. Bakgrunn Avtalen bygger på loven.

3. Formål er å bidra."""


def test_docplayer_wrapper_and_page_numbers_are_removed_but_headings_kept():
    out = clean_text(DOCPLAYER)
    assert out.startswith("Delavtale 10 1. Parter")
    assert "\n\n2. Bakgrunn" in out  # page number "2" gone, heading "2." kept
    assert "3. Formål" in out  # not a page number: never removed
    assert docplayer_title(DOCPLAYER) == "Delavtale 10 - Samarbeid om forebygging"
    assert docplayer_title("Ingen chrome her.") is None


def test_strip_docplayer_leaves_other_text_alone():
    text = "Transkript\n\n1 Dette er ikke docplayer"
    assert strip_docplayer(text) == text


@pytest.mark.parametrize(
    "line",
    [
        "Logo blå saman.no",
        "Logo blue saman.no",
        "We recommend that you upgrade to the latest version of your browser.",
        "Vi bruker informasjonskapsler for å forbedre tjenesten.",
        "Save this PDF as:",
        "Hopp til hovedinnhold",
        "Skriv ut | Del på e-post | Last ned som PDF | Tekststørrelse: A A A",
        "Del · Skriv ut",
    ],
)
def test_site_chrome_lines_are_dropped(line):
    assert strip_web_chrome(f"{line}\nTenesteavtale 2") == "Tenesteavtale 2"


def test_agreement_sentences_about_download_or_logo_are_kept():
    text = (
        "Logoen til helseføretaket skal brukast på alle dokument.\nLast ned skjema fra nettsiden.\n"
        "Del | ansvar og oppgaver"
    )
    assert strip_web_chrome(text) == text


def test_running_headers_footers_and_page_numbers_are_removed():
    pages = [
        f"Tjenesteavtale 5 – Stord kommune\n{body}\nSide {i} av 3" for i, body in enumerate(["Første side.", "Andre side.", "Tredje side."], 1)
    ]  # fmt: skip
    out = clean_pages(pages)
    assert out == "Første side.\n\nAndre side.\n\nTredje side."
    assert remove_running_lines(["bare én side"]) == ["bare én side"]


@pytest.mark.parametrize("line", ["3", "- 3 -", "Side 3 av 12", "side 4", "3/12", "Page 2 of 9"])
def test_page_number_lines(line):
    assert remove_page_numbers(f"Tekst\n{line}\nMer") == "Tekst\nMer"


def test_numbered_headings_survive_page_number_removal():
    assert remove_page_numbers("3. Formål\n3.1 Mål") == "3. Formål\n3.1 Mål"


def test_dehyphenation_joins_broken_words_but_keeps_coordinated_compounds():
    assert dehyphenate("spesialisthelse-\ntjenesten") == "spesialisthelsetjenesten"
    assert dehyphenate("helse-\nog omsorgstjenester") == "helse- og omsorgstjenester"
    assert dehyphenate("inn- og utskriving") == "inn- og utskriving"
    assert dehyphenate("Nord-\nNorge") == "Nord-Norge"


def test_pdfium_soft_hyphen_marks_are_resolved():
    text = "helse\x02og omsorg, samar\x02beid, Midt\ufffe\r\nNorge, covid\x0219"
    assert resolve_soft_hyphens(text) == "helse- og omsorg, samarbeid, Midt-Norge, covid-19"


def test_bullets_including_word_private_use_glyph():
    assert strip_bullets("\uf0b7 første\n • andre") == "første\nandre"
    assert strip_bullets("tiltak: • første • andre") == "tiltak:\nførste\nandre"


def test_unicode_and_whitespace():
    out = clean_text("Helse\u00a0Bergen  HF\r\n\r\n\r\n\r\nSam\u00adarbeid \n   \n")
    assert out == "Helse Bergen HF\n\nSamarbeid"


def test_no_real_sample_starts_with_chrome_after_cleaning(real_samples_dir):
    chrome = re.compile(r"Størrelse|Download|Transkript|Logo|We recommend|Begynne med", re.I)
    for path in sorted(real_samples_dir.glob("*.txt")):
        cleaned = clean_text(path.read_text(encoding="utf-8"))
        first = cleaned.split("\n", 1)[0]
        assert not chrome.search(cleaned[:400]), path.name
        assert re.match(r"[A-ZÆØÅ0-9]", first), (path.name, first)


def test_cleaned_real_samples_start_with_their_title_words(real_samples_dir):
    import csv

    with (real_samples_dir / "labels.csv").open(encoding="utf-8") as fh:
        labels = {r["file"]: r for r in csv.DictReader(fh)}
    hits = 0
    for name, row in labels.items():
        cleaned = clean_text((real_samples_dir / name).read_text(encoding="utf-8"))
        head = cleaned[:300].lower()
        words = [w for w in re.findall(r"\w{5,}", row["title"].lower())][:3]
        hits += all(w in head for w in words)
    assert hits >= 0.9 * len(labels)


def test_a_sentence_running_over_a_page_break_stays_one_sentence():
    from avtaleanalyse.ingest.cleaning import join_pages

    pages = [
        "Partene skal ha rutiner for gjensidig kunnskapsoverføring\n3",
        "og informasjonsutveksling. Disse skal være konkrete.\n4",
        "Nytt avsnitt på neste side.",
        "spesialisthelse-",
        "tjenesten har ansvaret.",
    ]
    out = clean_pages(pages)
    assert "kunnskapsoverføring\nog informasjonsutveksling" in out  # no blank line between
    assert "konkrete.\n\nNytt avsnitt" in out  # a finished sentence keeps its paragraph break
    assert "spesialisthelsetjenesten har" in out  # hyphen over the page break joined
    assert join_pages(["Slutt.", "", "Ny side"]) == "Slutt.\n\nNy side"
