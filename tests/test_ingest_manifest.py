"""Manifest: reading, validation errors naming row and column, applying, round trip."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from avtaleanalyse import schema as S
from avtaleanalyse.ingest.manifest import (
    MISSING_FILE_REASON,
    ManifestError,
    apply_manifest,
    read_manifest,
    to_manifest,
)


def write(tmp_path, text):
    path = tmp_path / "manifest.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_read_canonicalises_and_keeps_blanks(tmp_path):
    path = write(
        tmp_path,
        "# a comment\n"
        "source_path,agreement_kind,agreement_number,health_trust,municipalities,year,language_form,comment\n"
        "b/ta3.pdf,tjenesteavtale,3,Helgelandssykehuset,Herøy;Vefsn,2012,bokmål,checked\n"
        "# another comment\n"
        "a.docx,,,,,,,\n",
    )
    m = read_manifest(path)
    assert list(m[S.SOURCE_PATH]) == ["a.docx", "b/ta3.pdf"]
    row = m.iloc[1]
    assert row[S.HEALTH_TRUST] == "Helgelandssykehuset HF"
    assert row[S.MUNICIPALITIES] == ["Herøy (Nordland)", "Vefsn"]
    assert row[S.AGREEMENT_NUMBER] == 3 and row[S.YEAR] == 2012
    assert row[S.LANGUAGE_FORM] == "bokmal"
    blank = m.iloc[0]
    assert pd.isna(blank[S.AGREEMENT_KIND]) and blank[S.MUNICIPALITIES] is None
    assert pd.isna(blank[S.YEAR])


@pytest.mark.parametrize(
    ("header", "cells", "column"),
    [
        ("source_path,kind", "a.pdf,delavtale", "kind"),
        ("source_path,agreement_kind", "a.pdf,rammeverk", "agreement_kind"),
        ("source_path,year", "a.pdf,2012b", "year"),
        ("source_path,agreement_number", "a.pdf,tre", "agreement_number"),
        ("source_path,health_trust", "a.pdf,Helse Oslo HF", "health_trust"),
        ("source_path,municipalities", "a.pdf,Bergen;Gotham", "municipalities"),
        ("source_path,municipalities", "a.pdf,Herøy", "municipalities"),  # ambiguous
        ("source_path,language_form", "a.pdf,riksmål", "language_form"),
        ("title", "x", "source_path"),
    ],
)
def test_invalid_manifest_names_row_and_column(tmp_path, header, cells, column):
    path = write(tmp_path, f"# comment\n{header}\nok.pdf{',' * header.count(',')}\n{cells}\n")
    with pytest.raises(ManifestError) as info:
        read_manifest(path)
    message = str(info.value)
    assert repr(column) in message
    assert "row" in message
    assert isinstance(info.value, ValueError)
    if column != "source_path" and not header.endswith("kind"):
        assert "row 4" in message


def test_duplicate_path_is_an_error(tmp_path):
    path = write(tmp_path, "source_path,year\na.pdf,2012\na.pdf,2013\n")
    with pytest.raises(ManifestError, match="row 3"):
        read_manifest(path)


def documents():
    return pd.DataFrame(
        {
            S.SOURCE_PATH: ["a.pdf", "b.pdf"],
            S.TITLE: ["A", "B"],
            S.AGREEMENT_KIND: ["delavtale", "annet"],
            S.AGREEMENT_NUMBER: pd.array([2, None], dtype="Int64"),
            S.AGREEMENT_LABEL: ["2", None],
            S.HEALTH_TRUST: ["Helse Bergen HF", None],
            S.MUNICIPALITIES: [["Bergen"], []],
            S.MUNICIPALITY_NUMBERS: [["4601"], []],
            S.YEAR: pd.array([2012, None], dtype="Int64"),
            S.LANGUAGE_FORM: ["nynorsk", "bokmal"],
            S.IS_TEMPLATE: [False, True],
        }
    )


def test_apply_manifest_wins_where_not_blank(tmp_path):
    path = write(
        tmp_path,
        "source_path,agreement_kind,agreement_number,municipalities,year\n"
        "b.pdf,tjenesteavtale,7,Oslo,\n"
        "missing.pdf,delavtale,,,\n",
    )
    docs = documents()
    out, rejects = apply_manifest(docs, read_manifest(path))
    assert docs[S.AGREEMENT_KIND].tolist() == ["delavtale", "annet"]  # input untouched
    b = out.set_index(S.SOURCE_PATH).loc["b.pdf"]
    assert b[S.AGREEMENT_KIND] == "tjenesteavtale" and b[S.AGREEMENT_NUMBER] == 7
    assert b[S.AGREEMENT_LABEL] == "7"
    assert b[S.MUNICIPALITIES] == ["Oslo"] and b[S.MUNICIPALITY_NUMBERS] == ["0301"]
    assert not b[S.IS_TEMPLATE]
    assert pd.isna(b[S.YEAR])  # blank: inferred value kept
    source = json.loads(b[S.METADATA_SOURCE])
    assert source[S.AGREEMENT_KIND] == "manifest" and source[S.YEAR] == "inferred"
    a = out.set_index(S.SOURCE_PATH).loc["a.pdf"]
    assert set(json.loads(a[S.METADATA_SOURCE]).values()) == {"inferred"}
    assert rejects.to_dict("records") == [
        {
            S.SOURCE_PATH: "missing.pdf",
            S.REASON: MISSING_FILE_REASON,
            S.DETAIL: rejects[S.DETAIL][0],
        }
    ]
    assert list(rejects.columns) == list(S.REJECT_COLUMNS)


def test_to_manifest_round_trips(tmp_path):
    docs = documents()
    table = to_manifest(docs)
    path = tmp_path / "written.csv"
    table.to_csv(path, index=False)
    back = read_manifest(path)
    applied, rejects = apply_manifest(docs.assign(**{S.AGREEMENT_KIND: "annet"}), back)
    assert rejects.empty
    for col in (S.AGREEMENT_KIND, S.HEALTH_TRUST, S.LANGUAGE_FORM, S.TITLE):
        assert applied[col].tolist() == docs[col].tolist()
    assert applied[S.MUNICIPALITIES].tolist() == [["Bergen"], []]
    assert applied[S.AGREEMENT_NUMBER].tolist()[0] == 2 and pd.isna(applied[S.YEAR][1])
    assert table.loc[1, S.MUNICIPALITIES] == "-"


def test_float_numbers_from_parquet_or_spreadsheets(tmp_path):
    docs = documents().astype({S.AGREEMENT_NUMBER: "float64", S.YEAR: "float64"})
    table = to_manifest(docs)
    assert table.loc[0, S.AGREEMENT_NUMBER] == "2" and table.loc[0, S.YEAR] == "2012"
    path = write(tmp_path, "source_path,agreement_number\na.pdf,4.0\n")
    assert read_manifest(path)[S.AGREEMENT_NUMBER].tolist() == [4]
