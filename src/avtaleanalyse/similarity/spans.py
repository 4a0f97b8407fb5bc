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
from collections.abc import Sequence

import numpy as np

from avtaleanalyse.similarity.normalize import masks_previous_token, nfc
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


def locate_spans(
    doc_texts: Sequence[str],
    rows: np.ndarray,
    texts: Sequence[str],
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
    """
    rows = np.asarray(rows, dtype=np.int64)
    n = len(rows)
    starts = np.full(n, -1, dtype=np.int64)
    ends = np.full(n, -1, dtype=np.int64)
    last = np.zeros(n, dtype=bool)
    ahead = np.zeros(n, dtype=bool)
    token = _TOKEN_RE.search
    cache_row, cache_text = -1, ""
    resume = {} if resume is None else resume
    for i, (r, t) in enumerate(zip(rows.tolist(), texts, strict=True)):
        if r < 0 or not isinstance(t, str) or not t:  # missing text: shingled alone
            continue
        if r != cache_row:
            d = doc_texts[r]
            cache_row, cache_text = r, nfc(d) if isinstance(d, str) else ""
        t = nfc(t)
        pos = cache_text.find(t, resume.get(r, 0))
        if pos < 0:
            pos = cache_text.find(t)
            if pos < 0:
                continue
        starts[i], ends[i] = pos, pos + len(t)
        nxt = token(cache_text, pos + len(t))
        last[i] = nxt is None
        ahead[i] = nxt is not None and masks_previous_token(nxt.group())
        resume[r] = pos + len(t)
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
