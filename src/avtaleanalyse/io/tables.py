"""Reading and writing the pipeline's tables: atomic, deterministic, typed.

Every table is written to a temporary file in the destination folder and then
renamed over the target, so an interrupted run never leaves a half-written table.
Rows are sorted by the table's key before writing, and Parquet files are written
without a pandas index and with fixed writer options, so the same DataFrame always
gives the same bytes.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from avtaleanalyse import schema

__all__ = [
    "atomic_path",
    "read_corpus",
    "read_csv",
    "read_json",
    "read_table",
    "write_csv",
    "write_json",
    "write_table",
    "write_text",
]


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it over ``target`` on success.

    On any exception the temporary file is removed and ``target`` is left as it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def _sorted(df: pd.DataFrame, sort_by: Sequence[str] | None) -> pd.DataFrame:
    if sort_by:
        df = df.sort_values(list(sort_by), kind="mergesort", na_position="last")
    return df.reset_index(drop=True)


def write_table(
    df: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    sort_by: Sequence[str] | None = None,
    schema_: pa.Schema | None = None,
) -> Path:
    """Write ``df`` as Parquet atomically and deterministically.

    Parameters
    ----------
    df
        The table. It is not modified.
    path
        Destination file.
    sort_by
        Columns to sort rows by before writing (stable sort), so row order never
        depends on the file system or on set iteration.
    schema_
        Optional explicit Arrow schema (for typed nullable columns and list columns).

    Returns
    -------
    Path
        The written path.
    """
    df = _sorted(df, sort_by)
    table = pa.Table.from_pandas(df, schema=schema_, preserve_index=False)
    path = Path(path)
    with atomic_path(path) as tmp:
        pq.write_table(
            table,
            tmp,
            compression="zstd",
            use_dictionary=True,
            write_statistics=True,
            row_group_size=row_group_rows(table),
        )
    return path


#: Uncompressed bytes aimed at per Parquet row group (see :func:`row_group_rows`).
ROW_GROUP_BYTES = 32 << 20


def row_group_rows(table: pa.Table, target_bytes: int = ROW_GROUP_BYTES) -> int:
    """Rows per row group so that each holds about ``target_bytes`` of data.

    A reader decodes a row group at a time: with a 100,000-document corpus in one group,
    reading it took a gigabyte more at its peak than the table it gave (1 GB of text).
    Depends only on the table, so the same table still gives the same bytes.
    """
    n = table.num_rows
    if n == 0:
        return 1
    per_row = max(1, table.nbytes // n)
    return int(min(n, max(1024, target_bytes // per_row)))


def read_table(
    path: str | os.PathLike[str], *, columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """Read a Parquet table written by :func:`write_table`.

    ``columns``: read only these (those the file has, in its order); the others are never
    loaded, which matters for the text columns of a large corpus.
    """
    if columns is None:
        return pq.read_table(path).to_pandas()
    names = pq.read_schema(path).names
    wanted = set(columns)
    return pq.read_table(path, columns=[c for c in names if c in wanted]).to_pandas()


def write_csv(
    df: pd.DataFrame, path: str | os.PathLike[str], *, sort_by: Sequence[str] | None = None
) -> Path:
    """Write ``df`` as UTF-8 CSV atomically (Unix line endings, no index)."""
    df = _sorted(df, sort_by)
    path = Path(path)
    with atomic_path(path) as tmp:
        df.to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8")
    return path


def read_csv(path: str | os.PathLike[str], **kwargs) -> pd.DataFrame:
    """Read a UTF-8 CSV written by :func:`write_csv` (all columns as strings by default)."""
    kwargs.setdefault("dtype", str)
    kwargs.setdefault("keep_default_na", False)
    return pd.read_csv(path, encoding="utf-8", **kwargs)


def write_json(obj: object, path: str | os.PathLike[str]) -> Path:
    """Write ``obj`` as pretty, key-sorted UTF-8 JSON atomically."""
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_text(
            json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n",
            encoding="utf-8",
        )
    return path


def read_json(path: str | os.PathLike[str]) -> object:
    """Read a JSON file."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write_text(text: str, path: str | os.PathLike[str]) -> Path:
    """Write a UTF-8 text file atomically."""
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path


def read_corpus(
    corpus_dir: str | os.PathLike[str],
    *,
    document_columns: Sequence[str] | None = None,
    section_columns: Sequence[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read the ``documents`` and ``sections`` tables that ``ingest`` wrote.

    ``document_columns``, ``section_columns``: read only these columns (see
    :func:`read_table`); all by default.

    Raises
    ------
    FileNotFoundError
        With a message naming the missing table and the command that makes it.
    """
    corpus_dir = Path(corpus_dir)
    docs_path = corpus_dir / schema.DOCUMENTS_FILE
    secs_path = corpus_dir / schema.SECTIONS_FILE
    for p in (docs_path, secs_path):
        if not p.exists():
            raise FileNotFoundError(
                f"{p} not found: --corpus must be a folder written by "
                f"'avtaleanalyse ingest INPUT_DIR --out {corpus_dir}'"
            )
    return (
        read_table(docs_path, columns=document_columns),
        read_table(secs_path, columns=section_columns),
    )
