"""Section splitting: numbering styles, flattened TOC, one-line docplayer text, letters."""

from __future__ import annotations

from avtaleanalyse.ingest.sections import split_sections


def numbers(sections):
    return [s["number"] for s in sections]


def test_line_headings_with_preamble():
    text = "Tenesteavtale 3\n1. Partar\nAvtalen er inngått mellom A og B.\n2. Formål\nBetre samhandling for alle."
    sections = split_sections(text)
    assert numbers(sections) == [None, "1", "2"]
    assert [s["heading"] for s in sections] == ["", "Partar", "Formål"]
    assert sections[0]["level"] == 0 and sections[1]["level"] == 1
    assert sections[1]["text"] == "Avtalen er inngått mellom A og B."
    assert sections[0]["text"] == "Tenesteavtale 3"


def test_decimal_styles_and_levels():
    text = (
        "1.0 Parter\nPartene er kommunen og helseforetaket i fellesskap.\n"
        "2.0 Formål\nFormålet er klart beskrevet her.\n"
        "2.1 Delmål\nEt delmål er beskrevet her i teksten.\n"
        "2.2 Andre mål\nEt annet mål er beskrevet her.\n"
        "3.0 Varighet\nAvtalen varer i tre år fra signering."
    )
    sections = split_sections(text)
    assert numbers(sections) == ["1.0", "2.0", "2.1", "2.2", "3.0"]
    assert [s["level"] for s in sections] == [1, 1, 2, 2, 1]
    assert sections[3]["heading"] == "Andre mål"


def test_headings_with_trailing_dot_and_paragraph_signs():
    text = (
        "§ 1 Formål\nTeksten om formålet med avtalen.\n§ 2 Partar\nPartane i avtalen er desse to.\n"
    )
    assert [(s["number"], s["heading"]) for s in split_sections(text)] == [
        ("1", "Formål"),
        ("2", "Partar"),
    ]
    text = (
        "1. Parter.\nPartene er to i denne avtalen.\n2. Bakgrunn.\nBakgrunnen for avtalen er loven."
    )
    assert [s["heading"] for s in split_sections(text)] == ["Parter", "Bakgrunn"]


def test_chapter_style():
    text = "Kap. 1 Innleiing\nDette er innleiinga til avtalen.\nKap. 2 Ansvar\nAnsvaret ligg hjå partane."
    assert numbers(split_sections(text)) == ["1", "2"]


def test_docplayer_one_line_text():
    text = (
        "1 Samarbeidsavtaler Delavtale 10 - Samarbeid om forebygging 1. Parter Avtalen er inngått "
        "mellom xx kommune og helseforetaket. 2. Bakgrunn og lovgrunnlag Denne avtalen er inngått "
        "i henhold til overordnet samarbeidsavtale pkt. 5. Avtalen har lovgrunnlag i loven. "
        "3. Formål Avtalen skal bidra til bedre forebygging i kommunen og sykehuset."
    )
    sections = split_sections(text)
    assert numbers(sections) == [None, "1", "2", "3"]
    assert [s["heading"] for s in sections[1:]] == ["Parter", "Bakgrunn og lovgrunnlag", "Formål"]
    assert "pkt. 5. Avtalen har" in sections[2]["text"]  # a reference, not a heading


def test_flattened_toc_goes_to_preamble():
    toc = "Innhald 1 1. Partar 2 2. Bakgrunn 2 3. Formål 2 4. Verkeområde 3 5. Avvik 3 6. Iverksetjing 4"
    body = (
        "\n1. Partar\nAvtalen er inngått mellom kommunen og helseføretaket i fylket.\n"
        "2. Bakgrunn\nLova krev at partane inngår samarbeidsavtalar om tenestene.\n"
        "3. Formål\nAvtalen skal sikre gode og samanhengande tenester for pasientane.\n"
        "4. Verkeområde\nAvtalen gjeld alle pasientgrupper som treng tenester frå begge.\n"
        "5. Avvik\nAvvik skal meldast til den andre parten så snart som mogleg.\n"
        "6. Iverksetjing\nAvtalen tek til å gjelde når begge partar har signert."
    )
    sections = split_sections(toc + body)
    assert numbers(sections) == [None, "1", "2", "3", "4", "5", "6"]
    assert sections[0]["text"].startswith("Innhald 1 1. Partar")


def test_lettered_items_become_subsections():
    text = (
        "1. Ansvar\nPartane skal:\na) melde avvik\nb) rette avvik\nc) lære av avvik\n"
        "2. Varigheit\nAvtalen gjeld i fire år frå signering."
    )
    sections = split_sections(text)
    assert numbers(sections) == ["1", "a", "b", "c", "2"]
    assert [s["level"] for s in sections] == [1, 2, 2, 2, 1]
    assert sections[2]["text"] == "rette avvik"


def test_no_numbering_gives_one_preamble_section_and_empty_text_nothing():
    sections = split_sections("Berre løpande tekst utan nummer.")
    assert sections == [
        {"number": None, "heading": "", "level": 0, "text": "Berre løpande tekst utan nummer."}
    ]
    assert split_sections("  \n ") == []


def test_law_references_and_dates_are_not_headings():
    text = (
        "1. Lovgrunnlag\nJf. helse- og omsorgstjenesteloven § 6-2 nr. 3 og 01.01.2012 Gjeldende rett.\n"
        "2. Formål\nFormålet er å sikre gode tjenester."
    )
    assert numbers(split_sections(text)) == ["1", "2"]


def test_sections_cover_all_text_in_order():
    text = "Innleiing om avtalen.\n1. Partar\nA og B er partane her.\n2. Formål\nGode tenester til alle."
    joined = " ".join(s["text"] for s in split_sections(text))
    for word in ("Innleiing", "partane", "tenester"):
        assert word in joined


def test_numbered_sentences_inside_a_section_do_not_replace_headings():
    text = (
        "1. Parter\nAvtalen gjelder mellom kommunen og helseforetaket.\n"
        "2. Plikter\nPartene har disse pliktene:\n"
        "1. Kommunen skal melde inn behov for plasser i god tid før hver periode.\n"
        "2. Helseforetaket skal gi råd og veiledning til kommunens ansatte ved behov.\n"
        "3. Partene skal møtes minst to ganger i året for å gå gjennom avtalen.\n"
        "3. Avvik\nAvvik meldes skriftlig til den andre parten.\n"
        "4. Varighet\nAvtalen gjelder i fire år."
    )
    sections = split_sections(text)
    assert [(s["number"], s["heading"]) for s in sections] == [
        ("1", "Parter"),
        ("2", "Plikter"),
        ("3", "Avvik"),
        ("4", "Varighet"),
    ]
    assert "møtes minst to ganger" in sections[1]["text"]
