"""Sections as character spans of their documents: their shingles read from the documents'.

A section's text is (almost always) a stretch of its document's text, and the document has
already been tokenised, masked, lemmatised and hashed. Shingling every section again costs
more than shingling the documents (hundreds of thousands of short units, each with its own
Python overhead). Instead:

1. :func:`locate_spans` finds each section's text in its document's NFC text;
2. the documents are shingled with the span ends as *cuts*
   (:func:`~avtaleanalyse.similarity.normalize.raw_tokens_marked`), so each end is a mark:
   the index of the comparison token that begins there is known;
3. :func:`span_shingles` reads a section's tokens between its two marks and takes the
   document's shingles that lie wholly inside them.

That is exactly what shingling the section's own text gives whenever no masked party name
crosses either end (the mark is then dropped), the token after the section's end is not one
that masks the token before it ("Stord" is masked before "kommune" only;
:func:`~avtaleanalyse.similarity.normalize.masks_previous_token`), and the section has no
tokens or at least ``ngram`` of them (a shorter unit gets one shingle of all its tokens,
which the document does not have). Sections that cannot be read so are shingled on their own, and
:func:`merge_units` puts both kinds back in order. Tests compare the two ways section by
section.
"""

from __future__ import annotations

import dataclasses
import re
import sys
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from avtaleanalyse.similarity.normalize import (
    KOMMUNE_WORDS,
    masks_previous_token,
    nfc,
    word_characters,
)
from avtaleanalyse.similarity.shingles import Shingled, _offsets

__all__ = [
    "Spans",
    "cuts_per_unit",
    "locate_spans",
    "merge_units",
    "scatter_segments",
    "span_shingles",
    "span_tokens",
    "span_texts",
]

#: A raw token, as the tokeniser finds them.
_TOKEN_RE = re.compile(r"\w+", re.UNICODE)


@dataclasses.dataclass(frozen=True)
class Spans:
    """Where each section's text lies in its document's NFC text.

    Attributes
    ----------
    rows : numpy.ndarray
        int64 row of the section's document among the shingled documents (-1: none).
    starts, ends : numpy.ndarray
        int64 NFC character offsets ``[start, end)``; -1 where the text was not found.
    last : numpy.ndarray
        bool: no token of the document begins at or after the span's end (its end has no
        mark then; the span's tokens run to the document's last).
    masked_ahead : numpy.ndarray
        bool: the document's next token after the span can mask the span's last token
        (:func:`~avtaleanalyse.similarity.normalize.masks_previous_token`).
    """

    rows: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    last: np.ndarray
    masked_ahead: np.ndarray

    def take(self, idx: np.ndarray) -> Spans:
        """The spans at positions ``idx``."""
        return Spans(
            self.rows[idx], self.starts[idx], self.ends[idx], self.last[idx], self.masked_ahead[idx]
        )

    @staticmethod
    def concat(parts: Sequence[Spans]) -> Spans:
        """The spans of ``parts`` one after the other (a table located batch by batch)."""
        if not parts:
            return locate_spans([], np.empty(0, dtype=np.int64), [])
        return Spans(
            *(
                np.concatenate([getattr(x, f.name) for x in parts])
                for f in dataclasses.fields(Spans)
            )
        )

    @property
    def found(self) -> np.ndarray:
        """Sections whose text was found in their document."""
        return self.starts >= 0


#: How many bytes from where its document's previous section ended a section is looked for
#: in by the compiled pass (it is almost always right there); the rest by ``str.find``.
PLACE_WINDOW = 4096


@lru_cache(maxsize=1)
def _nfc_safe() -> np.ndarray:
    """Code points below U+3000 of which any text is in NFC: each is NFC alone, blocks no
    reordering (combining class 0) and is no second part of a composition, so NFC changes
    nothing (Hangul vowels and final consonants compose by rule, not by the table)."""
    seconds = set()
    for c in range(sys.maxunicode + 1):
        d = unicodedata.decomposition(chr(c))
        if d and not d.startswith("<") and len(parts := d.split()) == 2:
            seconds.add(int(parts[1], 16))
    safe = np.zeros(0x3000, dtype=np.bool_)
    for c in range(len(safe)):
        ch = chr(c)
        safe[c] = (
            unicodedata.combining(ch) == 0
            and unicodedata.is_normalized("NFC", ch)
            and c not in seconds
            and not (0x1161 <= c <= 0x1175 or 0x11A8 <= c <= 0x11C2)
        )
    return safe


@dataclasses.dataclass(frozen=True)
class _Utf8:
    """Texts as UTF-8 bytes: text ``t`` is ``data[offsets[t]:offsets[t+1]]``."""

    data: np.ndarray
    offsets: np.ndarray

    def text(self, t: int) -> str:
        return (
            self.data[self.offsets[t] : self.offsets[t + 1]]
            .tobytes()
            .decode("utf-8", "surrogatepass")
        )


def _utf8_nfc(values: Sequence[str] | pa.Array | pa.ChunkedArray) -> _Utf8:
    """The texts (a missing or non-string value as empty) in NFC as UTF-8: an Arrow string
    array's own buffers where no text needs normalising (a compiled pass finds the texts
    with a code point outside :func:`_nfc_safe`; only those are checked as strings)."""
    from avtaleanalyse.similarity.kernels import unsafe_texts

    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.Array):
        if values.null_count:
            values = pc.fill_null(values, "")
        values = values.cast(pa.large_string())
        buffers = values.buffers()
        offsets = np.frombuffer(buffers[1], dtype=np.int64)
        offsets = offsets[values.offset : values.offset + len(values) + 1]
        data = np.frombuffer(buffers[2] or b"", dtype=np.uint8)
    else:
        parts = [v.encode("utf-8", "surrogatepass") if isinstance(v, str) else b"" for v in values]
        offsets = _offsets(np.fromiter(map(len, parts), dtype=np.int64, count=len(parts)))
        data = np.frombuffer(b"".join(parts), dtype=np.uint8)
    out = _Utf8(data, offsets)
    unsafe = np.empty(len(offsets) - 1, dtype=np.bool_)
    unsafe_texts(data, offsets, _nfc_safe(), unsafe)
    changed = {}
    for t in np.flatnonzero(unsafe).tolist():
        text = out.text(t)
        if not unicodedata.is_normalized("NFC", text):
            changed[t] = unicodedata.normalize("NFC", text).encode("utf-8", "surrogatepass")
    if not changed:
        return out
    parts = [
        changed.get(t) or data[offsets[t] : offsets[t + 1]].tobytes() for t in range(len(unsafe))
    ]
    offsets = _offsets(np.fromiter(map(len, parts), dtype=np.int64, count=len(parts)))
    return _Utf8(np.frombuffer(b"".join(parts), dtype=np.uint8), offsets)


def _take_sorted(values: pa.Array | pa.ChunkedArray, rows: np.ndarray) -> pa.Array:
    """``values.take(rows)`` for ascending ``rows``, chunk by chunk (a chunked array's own
    ``take`` first joins all its chunks: the whole text column for every batch)."""
    if isinstance(values, pa.Array):
        return values.take(pa.array(rows, type=pa.int64()))
    bounds = np.cumsum([0, *(len(c) for c in values.chunks)])
    cut = np.searchsorted(rows, bounds)
    parts = [
        chunk.take(pa.array(rows[a:b] - lo, type=pa.int64()))
        for chunk, lo, a, b in zip(values.chunks, bounds[:-1], cut[:-1], cut[1:], strict=True)
        if b > a
    ]
    return pa.concat_arrays(parts) if parts else pa.array([], type=values.type)


@lru_cache(maxsize=1)
def _masking_filter() -> tuple[np.ndarray, int]:
    """ASCII characters that can occur in a token :func:`masks_previous_token` accepts
    (lower-cased; any other character may), and the longest such token (lower-casing never
    shortens a text): a superset, each candidate is then checked by the function itself."""
    letters = set("".join(KOMMUNE_WORDS))
    maybe = np.array([chr(c).lower() in letters for c in range(128)], dtype=np.bool_)
    return maybe, max(map(len, KOMMUNE_WORDS))


def locate_spans(
    doc_texts: Sequence[str] | pa.Array | pa.ChunkedArray,
    rows: np.ndarray,
    texts: Sequence[str] | pa.Array | pa.ChunkedArray,
    *,
    resume: dict[int, int] | None = None,
) -> Spans:
    """Find each section's text (``texts[i]``) in its document's text (``doc_texts[rows[i]]``).

    Both are compared in NFC. The search starts where the document's previous section
    ended (sections come in reading order) and falls back to the whole text. A section whose
    text is empty or missing, or that is not a stretch of its document's text (its
    whitespace was tidied, say), is not found.

    ``resume``: where each document's previous section ended, updated in place; pass the
    same dict to locate a table batch by batch exactly as in one call.

    The texts may be Arrow string arrays (read as they are, no string per text). A compiled
    pass compares their UTF-8 bytes from where the document's previous section ended (a few
    thousand bytes); a section not found there is looked for with ``str.find`` as the
    definition says, and the pass goes on after it.
    """
    from avtaleanalyse.similarity.kernels import place_sections

    rows = np.asarray(rows, dtype=np.int64)
    n = len(rows)
    if len(texts) != n:
        raise ValueError(f"{len(texts)} section texts for {n} rows")
    starts = np.full(n, -1, dtype=np.int64)
    ends = np.full(n, -1, dtype=np.int64)
    last = np.zeros(n, dtype=bool)
    ahead = np.zeros(n, dtype=bool)
    resume = {} if resume is None else resume
    sec = _utf8_nfc(texts)
    usable = (rows >= 0) & (np.diff(sec.offsets) > 0)
    docs, where_usable = np.unique(rows[usable], return_inverse=True)
    where = np.full(n, -1, dtype=np.int64)
    where[usable] = where_usable
    if isinstance(doc_texts, pa.Array | pa.ChunkedArray):
        doc = _utf8_nfc(_take_sorted(doc_texts, docs))
    else:
        doc = _utf8_nfc([doc_texts[r] for r in docs.tolist()])
    strings: dict[int, str] = {}  # documents read as strings (resumed or looked through)

    def doc_string(d: int) -> str:
        if d not in strings:
            strings[d] = doc.text(d)
        return strings[d]

    at_char = np.fromiter((resume.get(r, 0) for r in docs.tolist()), np.int64, len(docs))
    at_byte = np.zeros(len(docs), dtype=np.int64)
    for d in np.flatnonzero(at_char).tolist():
        at_byte[d] = len(doc_string(d)[: at_char[d]].encode("utf-8", "surrogatepass"))
    before = at_char.copy()
    tok_start = np.full(n, -1, dtype=np.int64)
    tok_end = np.full(n, -1, dtype=np.int64)
    maybe, max_len = _masking_filter()
    i = 0
    while True:
        i = place_sections(
            doc.data, doc.offsets, sec.data, sec.offsets, where, at_byte, at_char,
            word_characters(), maybe, max_len, PLACE_WINDOW, i, starts, ends, last,
            tok_start, tok_end,
        )  # fmt: skip
        if i >= n:
            break
        d = int(where[i])
        text, t = doc_string(d), sec.text(i)
        pos = text.find(t, at_char[d])
        if pos < 0:
            pos = text.find(t)
        if pos >= 0:
            end = pos + len(t)
            starts[i], ends[i] = pos, end
            at_char[d], at_byte[d] = end, len(text[:end].encode("utf-8", "surrogatepass"))
            nxt = _TOKEN_RE.search(text, end)
            last[i] = nxt is None
            ahead[i] = nxt is not None and masks_previous_token(nxt.group())
        i += 1
    for i in np.flatnonzero(tok_start >= 0).tolist():
        s0 = doc.offsets[where[i]]
        token = doc.data[s0 + tok_start[i] : s0 + tok_end[i]].tobytes()
        ahead[i] = masks_previous_token(token.decode("utf-8", "surrogatepass"))
    for d in np.flatnonzero(at_char != before).tolist():
        resume[int(docs[d])] = int(at_char[d])
    return Spans(rows=rows, starts=starts, ends=ends, last=last, masked_ahead=ahead)


def span_texts(doc_texts: Sequence[str], spans: Spans, idx: np.ndarray) -> list[str | None]:
    """The text of spans ``idx`` cut from their documents' NFC text (``None`` if not found).

    A found span's text is the NFC form of the section's own text, which shingles the same
    (shingling normalises to NFC first), so a section table need not keep the texts it
    was located by.
    """
    out: list[str | None] = []
    cache_row, cache_text = -1, ""
    for i in np.asarray(idx, dtype=np.int64).tolist():
        r = int(spans.rows[i])
        if spans.starts[i] < 0 or r < 0:
            out.append(None)
            continue
        if r != cache_row:
            d = doc_texts[r]
            cache_row, cache_text = r, nfc(d) if isinstance(d, str) else ""
        out.append(cache_text[spans.starts[i] : spans.ends[i]])
    return out


def cuts_per_unit(spans: Spans, n_units: int) -> list[np.ndarray]:
    """The sorted distinct span ends (starts and ends) of each unit: its cuts."""
    ok = spans.found
    unit = np.concatenate([spans.rows[ok], spans.rows[ok]])
    chars = np.concatenate([spans.starts[ok], spans.ends[ok]])
    key = np.sort((unit << 32) | chars)  # chars < 2**32
    key = key[np.concatenate(([True], key[1:] != key[:-1]))] if len(key) else key
    unit, chars = key >> 32, key & 0xFFFFFFFF
    bounds = np.searchsorted(unit, np.arange(n_units + 1))
    return [chars[bounds[u] : bounds[u + 1]] for u in range(n_units)]


def _token_at(sh: Shingled, rows: np.ndarray, chars: np.ndarray) -> np.ndarray:
    """Comparison token index of the mark at ``chars`` of unit ``rows`` (-1: no such mark)."""
    counts = np.diff(sh.mark_offsets)
    unit = np.repeat(np.arange(len(sh), dtype=np.int64), counts)
    key = (unit << 32) | sh.marks[:, 0]  # ascending: marks are in text order per unit
    want = (rows << 32) | chars
    pos = np.searchsorted(key, want)
    pos[pos >= len(key)] = 0
    hit = (key[pos] == want) & (rows >= 0) & (chars >= 0)
    return np.where(hit, sh.marks[pos, 1], -1)


def span_tokens(sh: Shingled, spans: Spans) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which spans can be read from the documents' shingles ``sh`` (shingled with
    :func:`cuts_per_unit` as cuts), and their first comparison token and token count.

    Returns
    -------
    derived : numpy.ndarray
        bool per span: readable (the others must be shingled on their own).
    first, n_tokens : numpy.ndarray
        int64 per span (meaningful where ``derived``).
    """
    if sh.marks is None or sh.mark_offsets is None:
        raise ValueError("the documents were shingled without marks")
    t0 = _token_at(sh, spans.rows, spans.starts)
    t1 = _token_at(sh, spans.rows, spans.ends)
    ok = spans.found & ~spans.masked_ahead
    at_end = ok & spans.last
    t1[at_end] = sh.n_tokens[spans.rows[at_end]]
    n_tok = t1 - t0
    k = sh.ngram
    derived = ok & (t0 >= 0) & (t1 >= 0) & (n_tok >= 0) & ((n_tok == 0) | (n_tok >= k))
    return derived, t0, n_tok


def scatter_segments(
    out: np.ndarray,
    dst_starts: np.ndarray,
    src: np.ndarray,
    src_starts: np.ndarray,
    lengths: np.ndarray,
) -> None:
    """``out[dst_starts[u] : dst_starts[u] + lengths[u]] = src[src_starts[u] : ...]`` for
    every segment ``u``, in one compiled pass, segment after segment: ``out`` may be
    ``src`` itself when every segment moves forward (``dst <= src``, in order)."""
    from avtaleanalyse.similarity.kernels import copy_segments

    lengths = np.ascontiguousarray(lengths, dtype=np.int64)
    dst_starts = np.ascontiguousarray(dst_starts, dtype=np.int64)
    src_starts = np.ascontiguousarray(src_starts, dtype=np.int64)
    if not len(lengths):
        return
    # the compiled copy does not check its bounds: checked here, for all segments at once
    if (
        lengths.min() < 0
        or dst_starts.min() < 0
        or src_starts.min() < 0
        or (dst_starts + lengths).max() > len(out)
        or (src_starts + lengths).max() > len(src)
    ):
        raise IndexError("a segment lies outside its array")
    if out.dtype != src.dtype:
        raise TypeError(f"cannot copy {src.dtype} segments into {out.dtype}")
    copy_segments(out, dst_starts, src, src_starts, lengths)


def span_shingles(sh: Shingled, spans: Spans, ids: np.ndarray) -> tuple[Shingled, np.ndarray]:
    """Shingles of the spans read from the documents' shingles ``sh`` (shingled with
    :func:`cuts_per_unit` as cuts, so with marks at the span ends).

    Returns
    -------
    Shingled
        Without sets or marks, the derived spans in their order, ids from ``ids``.
    derived : numpy.ndarray
        bool per span: whether it is in the result (the others must be shingled on their own).
    """
    derived, first, n_tok = span_tokens(sh, spans)
    rows, first, n_tok = spans.rows[derived], first[derived], n_tok[derived]
    lens = np.maximum(n_tok - sh.ngram + 1, 0)
    offs = _offsets(lens)
    seq = np.empty(int(offs[-1]), dtype=sh.seq.dtype)
    # from the document's shingle at the span's first token
    scatter_segments(seq, offs[:-1], sh.seq, sh.seq_offsets[rows] + first, lens)
    out = Shingled(
        ids=np.asarray(ids)[derived],
        seq_offsets=offs,
        seq=seq,
        set_offsets=None,
        sets=None,
        n_tokens=n_tok.astype(sh.n_tokens.dtype, copy=False),
        ngram=sh.ngram,
    )
    return out, derived


def merge_units(a: Shingled, b: Shingled, from_a: np.ndarray) -> Shingled:
    """Units of ``a`` and ``b`` interleaved: unit ``i`` is the next of ``a`` where
    ``from_a[i]``, else the next of ``b``. Sequences only (sets are rebuilt on demand)."""
    from_a = np.asarray(from_a, dtype=bool)
    if a.ngram != b.ngram:
        raise ValueError(f"cannot merge shingles of different n-gram sizes: {a.ngram}, {b.ngram}")
    if int(from_a.sum()) != len(a) or len(from_a) - len(a) != len(b):
        raise ValueError("from_a does not match the sizes of the two parts")
    lens = np.zeros(len(from_a), dtype=np.int64)
    lens[from_a] = np.diff(a.seq_offsets)
    lens[~from_a] = np.diff(b.seq_offsets)
    offs = _offsets(lens)
    seq = np.empty(int(offs[-1]), dtype=np.uint32)
    for part, mask in ((a, from_a), (b, ~from_a)):
        where = np.flatnonzero(mask)
        plens = np.diff(part.seq_offsets)
        dst = np.arange(len(part.seq), dtype=np.int64) - np.repeat(
            part.seq_offsets[:-1] - offs[where], plens
        )
        seq[dst] = part.seq
    ids = np.empty(len(from_a), dtype=object)
    ids[from_a], ids[~from_a] = a.ids, b.ids
    n_tokens = np.zeros(len(from_a), dtype=np.int64)
    n_tokens[from_a], n_tokens[~from_a] = a.n_tokens, b.n_tokens
    return Shingled(
        ids=ids,
        seq_offsets=offs,
        seq=seq,
        set_offsets=None,
        sets=None,
        n_tokens=n_tokens,
        ngram=a.ngram,
    )
