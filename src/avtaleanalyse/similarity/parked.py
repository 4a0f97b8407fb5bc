"""The documents' texts held compressed while the steps that do not read them run.

Only shingling, the standardisation indices, the local passages and the prototypes read
the documents' text; candidates, verification and families, the steps with the largest
arrays, do not. At 100k seed-scaled demo documents the text column is 1.0 GB as read and
60 MB as zstd-compressed Arrow IPC (the agreements repeat their templates), compressed
in about 2 s and unpacked in about 3 s. :func:`park_texts` takes the column out of the
documents table; the stage unpacks it (:meth:`ParkedTexts.load`) for the steps that
need it and drops it again after them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa

from avtaleanalyse import schema

__all__ = ["ParkedTexts", "park_texts"]


class ParkedTexts:
    """One text column as zstd-compressed Arrow IPC record batches, in row order."""

    def __init__(self, column: pd.Series) -> None:
        # the column's own Arrow buffers where it has them (no copy), in record batches
        # of a bounded size: :meth:`pick` unpacks one at a time
        table = pa.Table.from_pandas(column.to_frame(schema.TEXT), preserve_index=False)
        batches = table.to_batches(max_chunksize=_BATCH_ROWS)
        sink = pa.BufferOutputStream()
        options = pa.ipc.IpcWriteOptions(compression="zstd")
        with pa.ipc.new_stream(sink, table.schema, options=options) as writer:
            for batch in batches:
                writer.write_batch(batch)
        self._buffer = sink.getvalue()
        self._dtype = column.dtype
        self._index = column.index
        self.n_rows = len(column)

    @property
    def nbytes(self) -> int:
        """Size of the compressed texts."""
        return self._buffer.size

    def _batches(self) -> Iterable[pa.RecordBatch]:
        return pa.ipc.open_stream(self._buffer)

    def load(self) -> pd.Series:
        """The column as it was parked (same values, dtype and index)."""
        column = pa.Table.from_batches(list(self._batches())).column(0)
        if pd.api.types.is_object_dtype(self._dtype):  # Python strings and None, as given
            values = column.to_numpy(zero_copy_only=False)
            return pd.Series(values, index=self._index, dtype=object, name=schema.TEXT)
        out = column.to_pandas().set_axis(self._index).rename(schema.TEXT)
        return out if out.dtype == self._dtype else out.astype(self._dtype)

    def pick(self, rows: Iterable[int]) -> dict[int, str | None]:
        """The texts of ``rows`` (positions), unpacking one record batch at a time."""
        out: dict[int, str | None] = {}
        for part in self.pick_batches(rows):
            out.update(part)
        return out

    def pick_batches(self, rows: Iterable[int]) -> Iterator[dict[int, str | None]]:
        """The texts of ``rows`` one record batch at a time (a dict per batch that holds
        any of them), so that a caller need not hold all of them at once."""
        wanted = np.unique(np.asarray(list(rows), dtype=np.int64))
        start = 0
        for batch in self._batches():
            end = start + batch.num_rows
            lo, hi = np.searchsorted(wanted, [start, end])
            if hi > lo:
                col = batch.column(0)
                yield {r: col[r - start].as_py() for r in wanted[lo:hi].tolist()}
            start = end


#: Rows per compressed record batch (512 agreements: about 5 MB unpacked).
_BATCH_ROWS = 1 << 9


def park_texts(documents: pd.DataFrame) -> tuple[pd.DataFrame, ParkedTexts]:
    """``documents`` without its ``text`` column, and the column parked.

    A caller that rebinds its documents to the first value (``docs, texts =
    park_texts(docs)``) no longer holds the uncompressed texts."""
    texts = ParkedTexts(documents[schema.TEXT])
    return documents.drop(columns=[schema.TEXT]), texts
