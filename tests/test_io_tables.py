"""Parquet tables: row groups sized by bytes, and reading only the columns a stage needs."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from avtaleanalyse import schema
from avtaleanalyse.io import read_corpus, read_table, write_table
from avtaleanalyse.io.tables import row_group_rows


def _docs(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            schema.DOC_ID: [f"d{i:05d}" for i in range(n)],
            schema.TEXT: [f"avtale nummer {i} " * 40 for i in range(n)],  # ~700 bytes a row
            "raw_text": [f"RÅ TEKST {i} " * 40 for i in range(n)],
            schema.YEAR: [2012 + i % 10 for i in range(n)],
        }
    )


def test_row_groups_hold_about_the_target_bytes_and_read_back_whole(tmp_path):
    df = _docs(5000)
    table_rows = row_group_rows(pa.Table.from_pandas(df, preserve_index=False), 1 << 20)
    assert 1024 <= table_rows < 5000  # ~1 MB of ~1.4 kB rows, never below 1,024 rows
    path = write_table(df, tmp_path / "docs.parquet")
    meta = pq.read_metadata(path)
    assert meta.num_rows == 5000
    pd.testing.assert_frame_equal(read_table(path), df)
    again = write_table(df, tmp_path / "again.parquet")
    assert path.read_bytes() == again.read_bytes()  # same table, same bytes


def test_small_target_splits_into_several_groups(tmp_path, monkeypatch):
    from avtaleanalyse.io import tables

    monkeypatch.setattr(
        tables, "row_group_rows", lambda t, target_bytes=1 << 20: row_group_rows(t, target_bytes)
    )
    path = write_table(_docs(5000), tmp_path / "docs.parquet")
    assert pq.read_metadata(path).num_row_groups >= 3


def test_read_only_the_wanted_columns_in_file_order(tmp_path):
    path = write_table(_docs(10), tmp_path / "docs.parquet")
    got = read_table(path, columns=[schema.YEAR, schema.DOC_ID, "not_in_the_file"])
    assert list(got.columns) == [schema.DOC_ID, schema.YEAR]
    pd.testing.assert_frame_equal(got, _docs(10)[[schema.DOC_ID, schema.YEAR]])


def test_read_corpus_passes_the_columns_and_names_a_missing_table(tmp_path):
    write_table(_docs(3), tmp_path / schema.DOCUMENTS_FILE)
    secs = pd.DataFrame({schema.DOC_ID: ["d00000"], schema.SECTION_ID: ["d00000-1"],
                         schema.TEXT: ["x"], schema.HEADING: ["h"]})  # fmt: skip
    write_table(secs, tmp_path / schema.SECTIONS_FILE)
    docs, sections = read_corpus(
        tmp_path,
        document_columns=[schema.DOC_ID, schema.TEXT],
        section_columns=[schema.SECTION_ID],
    )
    assert list(docs.columns) == [schema.DOC_ID, schema.TEXT]
    assert list(sections.columns) == [schema.SECTION_ID]
    whole, _ = read_corpus(tmp_path)
    assert "raw_text" in whole
    (tmp_path / schema.SECTIONS_FILE).unlink()
    with pytest.raises(FileNotFoundError, match="avtaleanalyse ingest"):
        read_corpus(tmp_path)
