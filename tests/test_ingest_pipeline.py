"""Ingestion of a folder: every file accounted for, stable ids, manifest, determinism."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from avtaleanalyse import cli
from avtaleanalyse import schema as S
from avtaleanalyse.ingest.pipeline import doc_id_for, ingest_folder
from avtaleanalyse.ingest.readers import Reason
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
)

AGREEMENT = (
    "Tjenesteavtale 3 mellom Stord kommune og Helse Fonna HF\n\n1. Parter\n"
    "Avtalen er inngått mellom Stord kommune og Helse Fonna HF.\n\n2. Formål\n"
    "Avtalen skal sikre at pasienter får et helhetlig tilbud. Avtalen gjelder fra 1. juli 2012."
)


@pytest.fixture()
def folder(tmp_path):
    root = tmp_path / "inn"
    (root / "Helse Fonna" / "2012").mkdir(parents=True)
    sub = root / "Helse Fonna" / "2012"
    write_pdf(
        sub / "Tjenesteavtale 1 Stord.pdf", [BODY, ["3. Varighet"]], header="Tjenesteavtale 1"
    )
    write_docx(sub / "Delavtale 2 Stord.docx", numbered=["Parter", "Formål"])
    write_odt(
        sub / "Delavtale 6 Stord.odt",
        heading="Delavtale 6",
        paragraphs=["Hospitering."],
        items=["Fagnettverk"],
    )
    (sub / "side.html").write_text(HTML_PAGE, encoding="utf-8")
    (sub / "Tjenesteavtale 3 Stord.txt").write_text(AGREEMENT, encoding="cp1252")
    (sub / "kopi.txt").write_text(AGREEMENT, encoding="cp1252")  # duplicate content
    write_rtf(sub / "Tjenesteavtale 5.rtf")
    # bad files, one per reason
    (root / "tom.pdf").write_bytes(b"")
    docx_not_zip(root / "falsk.docx")
    encrypted_pdf(root / "låst.pdf", sub / "Tjenesteavtale 1 Stord.pdf")
    write_image_pdf(root / "skannet.pdf")
    (root / "regneark.xlsx").write_bytes(b"PK\x03\x04 not really")
    (root / "stor.txt").write_text("ord " * 400_000, encoding="utf-8")
    outside = tmp_path / "utenfor.txt"
    outside.write_text(AGREEMENT, encoding="utf-8")
    os.symlink(outside, root / "lenke.txt")
    return root


def test_every_file_is_a_document_or_a_reject_with_its_reason(folder):
    res = ingest_folder(folder, max_bytes=1_000_000)
    files = {
        p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() or p.is_symlink()
    }
    docs, rej = set(res.documents[S.SOURCE_PATH]), set(res.rejects[S.SOURCE_PATH])
    assert docs | rej == files and not docs & rej
    reasons = dict(zip(res.rejects[S.SOURCE_PATH], res.rejects[S.REASON], strict=True))
    assert reasons == {
        "tom.pdf": Reason.EMPTY,
        "falsk.docx": Reason.NOT_A_ZIP,
        "låst.pdf": Reason.ENCRYPTED_PDF,
        "skannet.pdf": Reason.NO_TEXT_LAYER,
        "regneark.xlsx": Reason.NOT_A_ZIP,
        "stor.txt": Reason.TOO_LARGE,
        "lenke.txt": Reason.SYMLINK_OUTSIDE,
        "Helse Fonna/2012/kopi.txt": Reason.DUPLICATE,
    }
    detail = res.rejects.set_index(S.SOURCE_PATH).loc["Helse Fonna/2012/kopi.txt", S.DETAIL]
    assert detail == "duplicate of Helse Fonna/2012/Tjenesteavtale 3 Stord.txt"
    assert res.n_files == len(files)


def test_documents_have_the_contract_columns_and_types(folder):
    docs = ingest_folder(folder).documents
    assert list(docs.columns) == list(S.DOCUMENT_COLUMNS)
    assert set(docs[S.FORMAT]) == {"pdf", "docx", "odt", "html", "txt", "rtf"}
    row = docs.set_index(S.SOURCE_PATH).loc["Helse Fonna/2012/Tjenesteavtale 3 Stord.txt"]
    assert row[S.DOC_ID] == doc_id_for(row[S.SHA256], "Helse Fonna/2012/Tjenesteavtale 3 Stord.txt")
    assert row[S.AGREEMENT_KIND] == "tjenesteavtale" and row[S.AGREEMENT_NUMBER] == 3
    assert row[S.HEALTH_TRUST] == "Helse Fonna HF"
    assert list(row[S.MUNICIPALITIES]) == ["Stord"]
    assert (
        row[S.N_WORDS] == len(row[S.TEXT].split()) - row[S.TEXT].count(" - ") or row[S.N_WORDS] > 20
    )
    assert docs[S.DOC_ID].is_monotonic_increasing


def test_sections_are_split_and_keyed(folder):
    res = ingest_folder(folder)
    secs = res.sections
    assert set(secs[S.DOC_ID]) <= set(res.documents[S.DOC_ID])
    doc = res.documents.set_index(S.SOURCE_PATH).loc[
        "Helse Fonna/2012/Tjenesteavtale 3 Stord.txt", S.DOC_ID
    ]
    mine = secs[secs[S.DOC_ID] == doc]
    assert {"1", "2"} <= set(mine[S.NUMBER].dropna())
    assert mine[S.SECTION_ID].is_unique


@pytest.mark.slow
def test_results_do_not_depend_on_the_number_of_workers(folder):
    a, b = ingest_folder(folder, n_jobs=1), ingest_folder(folder, n_jobs=2)
    pd.testing.assert_frame_equal(a.documents, b.documents)
    pd.testing.assert_frame_equal(a.sections, b.sections)
    pd.testing.assert_frame_equal(a.rejects, b.rejects)


@pytest.mark.slow
def test_manifest_values_win_and_missing_rows_are_rejected(folder, tmp_path):
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        "# kommentar\nsource_path,agreement_number,year\n"
        "Helse Fonna/2012/Tjenesteavtale 3 Stord.txt,7,2013\n"
        "finnes/ikke.pdf,,\n"
        "tom.pdf,,2012\n",
        encoding="utf-8",
    )
    out = tmp_path / "ut"
    assert (
        cli.main(["ingest", str(folder), "--out", str(out), "--manifest", str(manifest), "--quiet"])
        == 0
    )
    docs = pd.read_parquet(out / S.DOCUMENTS_FILE).set_index(S.SOURCE_PATH)
    assert docs.loc["Helse Fonna/2012/Tjenesteavtale 3 Stord.txt", S.AGREEMENT_NUMBER] == 7
    assert docs.loc["Helse Fonna/2012/Tjenesteavtale 3 Stord.txt", S.YEAR] == 2013
    rej = pd.read_csv(out / S.REJECTS_FILE).set_index(S.SOURCE_PATH)
    assert rej.loc["finnes/ikke.pdf", S.REASON] == Reason.MANIFEST_MISSING
    assert rej.loc["tom.pdf", S.REASON] == Reason.EMPTY  # keeps its own reason


def test_invalid_manifest_is_a_clear_error_naming_the_row(folder, tmp_path, capsys):
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("source_path,agreement_kind\nx.pdf,avtalebrev\n", encoding="utf-8")
    rc = cli.main(
        ["ingest", str(folder), "--out", str(tmp_path / "ut"), "--manifest", str(manifest)]
    )
    assert rc == 2
    err = capsys.readouterr().err
    assert "agreement_kind" in err and "2" in err


@pytest.mark.slow
def test_command_is_byte_identical_on_rerun_and_writes_a_manifest(folder, tmp_path):
    outs = []
    for name in ("a", "b"):
        out = tmp_path / name
        assert (
            cli.main(
                [
                    "ingest",
                    str(folder),
                    "--out",
                    str(out),
                    "--quiet",
                    "--write-manifest",
                    str(out / "m.csv"),
                ]
            )
            == 0
        )
        outs.append(out)
    for f in (S.DOCUMENTS_FILE, S.SECTIONS_FILE, S.REJECTS_FILE, "m.csv", "ingest_parameters.json"):
        assert (outs[0] / f).read_bytes() == (outs[1] / f).read_bytes(), f
    # the written manifest is accepted back and changes nothing
    out = tmp_path / "c"
    assert (
        cli.main(
            [
                "ingest",
                str(folder),
                "--out",
                str(out),
                "--quiet",
                "--manifest",
                str(outs[0] / "m.csv"),
            ]
        )
        == 0
    )
    a = pd.read_parquet(outs[0] / S.DOCUMENTS_FILE).drop(columns=[S.METADATA_SOURCE])
    c = pd.read_parquet(out / S.DOCUMENTS_FILE).drop(columns=[S.METADATA_SOURCE])
    pd.testing.assert_frame_equal(a, c)


def test_missing_input_folder_is_a_clear_error(tmp_path, capsys):
    assert cli.main(["ingest", str(tmp_path / "nei"), "--out", str(tmp_path / "ut")]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_real_samples_ingest_without_rejects(real_samples_dir, tmp_path):
    res = ingest_folder(real_samples_dir)
    assert len(res.documents) == len(list(real_samples_dir.glob("*.txt")))
    assert set(res.rejects[S.SOURCE_PATH]) == {"labels.csv"}
    assert res.rejects[S.REASON].tolist() == [Reason.UNSUPPORTED]
