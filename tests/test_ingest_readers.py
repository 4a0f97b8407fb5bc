"""Readers: every format extracts its text in reading order with list numbers; bad files fail clearly."""

from __future__ import annotations

import pytest

from avtaleanalyse.ingest.readers import (
    REJECT_REASONS,
    ReadError,
    Reason,
    decode_text,
    read_document,
)
from ingest_files import (
    BODY,
    HTML_PAGE,
    docx_not_zip,
    encrypted_pdf,
    write_docx,
    write_image_pdf,
    write_odt,
    write_pdf,
    write_rtf,
    zip_bomb_docx,
)


def test_pdf_pages_text_and_title(tmp_path):
    path = write_pdf(tmp_path / "a.pdf", [BODY, ["3. Varighet", "Avtalen gjelder fra 1. juli 2012."]],
                     header="Tjenesteavtale 1 - Stord kommune", title="Tjenesteavtale 1")  # fmt: skip
    raw = read_document(path)
    assert raw.format == "pdf" and raw.n_pages == 2 and not raw.needs_ocr
    assert raw.title_hint == "Tjenesteavtale 1"
    assert "Avtalen er inngått mellom Stord kommune" in raw.pages[0]
    assert "3. Varighet" in raw.pages[1]
    assert raw.text.index("1. Parter") < raw.text.index("2. Formål") < raw.text.index("3. Varighet")


def test_pdf_line_end_hyphens_are_joined_except_before_og(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for line in [
        "Kommunale helse-",
        "og omsorgstjenester i samar-",
        "beid med Helse Midt-",
        "Norge.",
    ]:
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(tmp_path / "h.pdf")
    text = " ".join(read_document(tmp_path / "h.pdf").text.split())
    assert text == "Kommunale helse- og omsorgstjenester i samarbeid med Helse Midt-Norge."


def test_image_only_pdf_is_rejected_as_needing_ocr(tmp_path):
    with pytest.raises(ReadError) as err:
        read_document(write_image_pdf(tmp_path / "scan.pdf"))
    assert err.value.reason == Reason.NO_TEXT_LAYER


def test_mostly_image_pdf_with_some_text_is_kept_and_flagged(tmp_path):
    raw = read_document(write_image_pdf(tmp_path / "scan.pdf", stamp="Mottatt 12.03.2013"))
    assert raw.needs_ocr and "Mottatt" in raw.text


def test_encrypted_pdf_is_rejected(tmp_path):
    src = write_pdf(tmp_path / "a.pdf", [BODY])
    with pytest.raises(ReadError) as err:
        read_document(encrypted_pdf(tmp_path / "locked.pdf", src))
    assert err.value.reason == Reason.ENCRYPTED_PDF


def test_truncated_pdf_is_rejected_as_corrupt(tmp_path):
    src = write_pdf(tmp_path / "a.pdf", [BODY])
    bad = tmp_path / "cut.pdf"
    bad.write_bytes(src.read_bytes()[:300])
    with pytest.raises(ReadError) as err:
        read_document(bad)
    assert err.value.reason == Reason.CORRUPT_PDF


def test_docx_keeps_word_list_numbering_tables_and_drops_the_header(tmp_path):
    path = write_docx(tmp_path / "a.docx", numbered=["Parter", "Formål", "\tDelmål", "\tTiltak", "\t\tførste", "Varighet"],
                      header="Samarbeidsavtale Stord", title="Delavtale 2")  # fmt: skip
    raw = read_document(path)
    lines = raw.text.splitlines()
    assert lines[:6] == [
        "1. Parter",
        "2. Formål",
        "2.1 Delmål",
        "2.2 Tiltak",
        "a) første",
        "3. Varighet",
    ]
    assert "Kontaktperson  Kommunalsjef helse" in raw.text
    assert "Samarbeidsavtale Stord" not in raw.text  # page header is not body text
    assert raw.title_hint == "Delavtale 2"


def test_odt_heading_paragraphs_and_numbered_list(tmp_path):
    path = write_odt(tmp_path / "a.odt", heading="Delavtale 6", paragraphs=["Gjensidig kunnskapsoverføring."],
                     items=["Hospitering", "Fagnettverk"])  # fmt: skip
    raw = read_document(path)
    assert raw.format == "odt"
    assert raw.text.splitlines() == [
        "Delavtale 6",
        "Gjensidig kunnskapsoverføring.",
        "1. Hospitering",
        "2. Fagnettverk",
    ]


def test_html_drops_scripts_navigation_and_banners_keeps_lists(tmp_path):
    path = tmp_path / "side.html"
    path.write_text(HTML_PAGE, encoding="utf-8")
    raw = read_document(path)
    assert raw.title_hint == "Tenesteavtale 2 - saman.no"
    words = " ".join(raw.text.split())
    assert "Tenesteavtale 2 Retningsliner for samarbeid" in words
    assert "1. Partane skal samarbeide. 2. Kommunen skal varslast." in words
    for chrome in ("skript", "upgrade", "informasjonskapsler", "Avtalar", "Personvern"):
        assert chrome not in raw.text


def test_pdf_extension_on_an_html_page_is_read_as_html(tmp_path):
    path = tmp_path / "lastet_ned.pdf"
    path.write_text(HTML_PAGE, encoding="utf-8")
    assert read_document(path).format == "html"


def test_rtf_decodes_code_page_escapes(tmp_path):
    raw = read_document(write_rtf(tmp_path / "a.rtf"))
    assert raw.format == "rtf"
    assert "samme døgn. Blå resept og ærlig samarbeid." in raw.text


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("Kommunen skal sørge for døgnopphold.".encode(), "utf-8"),
        ("Kommunen skal sørge for døgnopphold.".encode("utf-8-sig"), "utf-8-sig"),
        ("Kommunen skal sørge for døgnopphold.".encode("utf-16"), "utf-16"),
        ("Kommunen skal sørge for døgnopphold – «straks».".encode("cp1252"), "cp1252"),
        ("Kommunen skal sørge for døgnopphold.".encode("utf-16-le"), "utf-16-le"),
    ],
)
def test_text_encodings_are_detected(data, encoding):
    text, found = decode_text(data)
    assert text.startswith("Kommunen skal sørge for døgnopphold")
    assert found.replace("_", "-") == encoding or (
        encoding == "cp1252" and found in ("cp1252", "latin_1")
    )


def test_random_bytes_are_undecodable_not_guessed(tmp_path):
    import random

    rng = random.Random(7)
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes(rng.randrange(256) for _ in range(4000)))
    with pytest.raises(ReadError) as err:
        read_document(path)
    assert err.value.reason == Reason.UNDECODABLE


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: (p / "tom.txt").write_bytes(b"") and None or p / "tom.txt", Reason.EMPTY),
        (lambda p: docx_not_zip(p / "falsk.docx"), Reason.NOT_A_ZIP),
        (lambda p: zip_bomb_docx(p / "bombe.docx", size=300 * 1024 * 1024 // 100), None),
        (lambda p: (p / "bilde.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"0" * 100) and p / "bilde.jpg", Reason.UNSUPPORTED),
        (lambda p: (p / "tabell.xlsx").write_bytes(b"x,y\n1,2\n") and p / "tabell.xlsx", Reason.UNSUPPORTED),
        (lambda p: (p / "gammel.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100) and p / "gammel.doc", Reason.UNSUPPORTED),
    ],
)  # fmt: skip
def test_bad_files_raise_with_their_reason(tmp_path, make, reason):
    path = make(tmp_path)
    if reason is None:  # the zip bomb: rejected under a small limit
        with pytest.raises(ReadError) as err:
            read_document(path, max_uncompressed=1_000_000)
        assert err.value.reason == Reason.ZIP_BOMB
        return
    with pytest.raises(ReadError) as err:
        read_document(path)
    assert err.value.reason == reason
    assert err.value.reason in REJECT_REASONS
