"""Word n-gram shingles hashed to stable 32-bit values, vectorised over a partition.

Each distinct comparison token is hashed once with BLAKE2b (8 bytes, little-endian, so the
value never depends on the process or platform); an n-gram's hash combines its tokens' hashes
with an order-sensitive multiply-xor mix in numpy and is folded to 32 bits (the width of
datasketch's ``affine32`` scheme). :func:`shingle_hash` is the scalar reference of the same
value, used as the ``hashfunc`` that makes datasketch produce identical signatures.

A partition of documents (a DataFrame) goes in, a :class:`Shingled` comes out: pure, so a
distributed engine can map it over partitions.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from avtaleanalyse import schema
from avtaleanalyse.similarity.normalize import (
    PARTY_TOKEN,
    TokenView,
    final_token,
    mask_spans,
    party_table,
    raw_tokens_marked_many,
)

__all__ = [
    "Shingled",
    "concat_shingled",
    "in_sorted",
    "party_names",
    "shingle_hash",
    "shingle_partition",
    "shingle_sequence",
    "sort_with_order",
    "sorted_unique",
    "unique_counts",
    "unique_inverse",
    "token_hash",
]

_U64 = np.uint64
_MASK64 = (1 << 64) - 1
_SEED = 0x9E3779B97F4A7C15
_MUL = 0xBF58476D1CE4E5B9
_F1, _F2 = 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53


def token_hash(token: str) -> int:
    """Stable unsigned 64-bit hash of a token (BLAKE2b, 8-byte digest)."""
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "little")


def _fmix64_int(h: int) -> int:
    h ^= h >> 33
    h = (h * _F1) & _MASK64
    h ^= h >> 33
    h = (h * _F2) & _MASK64
    return h ^ (h >> 33)


def shingle_hash(tokens: Sequence[str]) -> int:
    """32-bit hash of one shingle (scalar reference of the vectorised path).

    >>> shingle_hash(["a", "b"]) == shingle_hash(["a", "b"]) != shingle_hash(["b", "a"])
    True
    """
    acc = _SEED
    for tok in tokens:
        acc = ((acc ^ token_hash(tok)) * _MUL) & _MASK64
        acc ^= acc >> 31
    acc = _fmix64_int(acc)
    return ((acc >> 32) ^ acc) & 0xFFFFFFFF


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values by sorting (numpy 2.4's hash-based ``np.unique`` is slow here)."""
    a = np.sort(np.asarray(values))
    if len(a) < 2:
        return a
    return a[np.concatenate(([True], a[1:] != a[:-1]))]


def unique_counts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values and how often each occurs (sort-based)."""
    a = np.sort(np.asarray(values))
    if len(a) == 0:
        return a, np.zeros(0, dtype=np.int64)
    first = np.flatnonzero(np.concatenate(([True], a[1:] != a[:-1])))
    return a[first], np.diff(np.append(first, len(a)))


def unique_inverse(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values and the index of each input value among them (sort-based)."""
    v = np.asarray(values)
    order, a = sort_with_order(v)
    flag = np.concatenate(([True], a[1:] != a[:-1])) if len(a) else np.zeros(0, dtype=bool)
    inv = np.empty(len(v), dtype=np.int64)
    inv[order] = np.cumsum(flag) - 1
    return a[flag], inv


def sort_with_order(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A sorting permutation of ``v`` and ``v`` sorted (ties in any order).

    Unsigned values that leave room for the position in 64 bits are sorted together with it
    as one key (a plain sort is several times faster than an argsort).
    """
    n = len(v)
    if n > 1 and v.dtype.kind == "u" and v.dtype.itemsize <= 8:
        bits = (n - 1).bit_length()
        if v.dtype.itemsize * 8 + bits <= 64 or int(v.max()) >> (64 - bits) == 0:
            key = (v.astype(np.uint64) << _U64(bits)) | np.arange(n, dtype=np.uint64)
            key.sort()
            order = (key & _U64((1 << bits) - 1)).astype(np.int64)
            key >>= _U64(bits)
            return order, key.astype(v.dtype)
    order = np.argsort(v, kind="stable")
    return order, v[order]


def in_sorted(values: np.ndarray, ref: np.ndarray, *, chunk: int = 1 << 22) -> np.ndarray:
    """``values ∈ ref`` for a sorted ``ref`` (exact; chunked, so the temporaries stay small).

    A handful of reference values are compared directly; a reference that is small next to
    the values is first looked up in a bitmap of its low bits; otherwise each chunk of values
    is sorted first (a cache-friendly binary search).
    """
    values = np.asarray(values)
    ref = np.asarray(ref)
    out = np.zeros(len(values), dtype=bool)
    if len(ref) == 0 or len(values) == 0:
        return out
    if len(ref) <= 8:
        for s in range(0, len(values), chunk):
            v, o = values[s : s + chunk], out[s : s + chunk]
            for r in ref.tolist():
                o |= v == r
        return out
    if len(values) >= _BITMAP_MIN_RATIO * len(ref) and len(ref) <= _BITMAP_MAX_REF:
        # few reference values among many: a bitmap of their low bits passes about one
        # value in 16 that is not in ref; only those are searched
        bits = max(16, (16 * len(ref) - 1).bit_length())
        low = values.dtype.type((1 << bits) - 1) if values.dtype.kind in "ui" else None
        if low is not None:
            seen = np.zeros(1 << bits, dtype=bool)
            seen[(ref & ref.dtype.type((1 << bits) - 1)).astype(np.intp)] = True
            for s in range(0, len(values), chunk):
                v = values[s : s + chunk]
                maybe = np.flatnonzero(seen[(v & low).astype(np.intp)])
                vm = v[maybe]
                pos = np.searchsorted(ref, vm)
                pos[pos >= len(ref)] = 0
                out[s + maybe] = ref[pos] == vm
            return out
    for s in range(0, len(values), chunk):
        order, vs = sort_with_order(values[s : s + chunk])
        pos = np.searchsorted(ref, vs)
        pos[pos >= len(ref)] = 0
        out[s + order] = ref[pos] == vs
    return out


#: in_sorted uses a bitmap of the reference's low bits when the reference has at most this
#: many values and the values outnumber them this many times.
_BITMAP_MAX_REF = 1 << 20
_BITMAP_MIN_RATIO = 16


def _gather(
    values: np.ndarray, offsets: np.ndarray, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The CSR segments ``rows`` of ``values`` concatenated, and their lengths."""
    rows = np.asarray(rows, dtype=np.int64)
    lens = offsets[rows + 1] - offsets[rows]
    if len(rows) and rows[-1] - rows[0] == len(rows) - 1 and (np.diff(rows) == 1).all():
        return values[offsets[rows[0]] : offsets[rows[-1] + 1]], lens
    out_off = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(lens, out=out_off[1:])
    idx = np.arange(int(out_off[-1]), dtype=np.int64) - np.repeat(
        out_off[:-1] - offsets[rows], lens
    )
    return values[idx], lens


def distinct_per_unit(
    values: np.ndarray, lengths: np.ndarray, exclude: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct uint32 values of each consecutive segment, minus ``exclude`` (sorted).

    Returns
    -------
    values : numpy.ndarray
        uint32, segment after segment.
    counts : numpy.ndarray
        int64, how many values each segment kept.
    """
    n = len(lengths)
    unit = np.repeat(np.arange(n, dtype=np.uint64), lengths)
    combo = sorted_unique((unit << _U64(32)) | np.asarray(values, dtype=np.uint64))
    del unit
    vals = (combo & _U64(0xFFFFFFFF)).astype(np.uint32)
    if exclude is not None and len(exclude):
        keep = ~in_sorted(vals, exclude)
        if not keep.all():
            vals, combo = vals[keep], combo[keep]
    counts = np.bincount((combo >> _U64(32)).astype(np.int64), minlength=n)
    return vals, counts


def _fmix64(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> _U64(33))
    h = h * _U64(_F1)
    h = h ^ (h >> _U64(33))
    h = h * _U64(_F2)
    return h ^ (h >> _U64(33))


def _fold32(acc: np.ndarray) -> np.ndarray:
    acc = _fmix64(acc)
    return ((acc >> _U64(32)) ^ acc).astype(np.uint32)


def shingle_sequence(token_hashes: np.ndarray, *, ngram: int = 5) -> np.ndarray:
    """Hashes (uint32) of the consecutive ``ngram``-token windows of one document, in order.

    A document shorter than ``ngram`` tokens (but not empty) gives one shingle of all its
    tokens.
    """
    th = np.asarray(token_hashes, dtype=np.uint64)
    n = len(th)
    if n == 0:
        return np.empty(0, dtype=np.uint32)
    k = min(ngram, n)
    m = n - k + 1
    with np.errstate(over="ignore"):
        acc = np.full(m, _SEED, dtype=np.uint64)
        for j in range(k):
            acc = (acc ^ th[j : j + m]) * _U64(_MUL)
            acc ^= acc >> _U64(31)
        return _fold32(acc)


@dataclass(frozen=True)
class Shingled:
    """Shingles of a set of units (documents or sections).

    Attributes
    ----------
    ids : numpy.ndarray of str
        Unit ids in order.
    seq_offsets, seq : numpy.ndarray
        CSR layout of each unit's shingle hashes in text order (uint32): unit ``i`` has
        ``seq[seq_offsets[i]:seq_offsets[i+1]]``; shingle ``j`` covers tokens ``j..j+n-1``.
    set_offsets, sets : numpy.ndarray or None
        CSR layout of each unit's sorted distinct shingle hashes (uint32). Without stored
        ``sets`` (:meth:`without_sets`, bounded memory) a unit's set is rebuilt from its
        sequence where needed; ``set_offsets`` then only gives the set sizes (``None``:
        unknown, computed on demand).
    n_tokens : numpy.ndarray
        Number of comparison tokens per unit.
    ngram : int
    excluded : numpy.ndarray or None
        Sorted uint32 hashes left out of every set (:func:`~avtaleanalyse.similarity.
        candidates.sets_without`); stored sets already lack them.
    mark_offsets, marks : numpy.ndarray or None
        CSR layout of each unit's *marks*, rows ``(character offset in the NFC text,
        comparison token index)`` where a comparison token begins, about every
        :data:`~avtaleanalyse.similarity.normalize.MARK_CHARS` characters: a slice of the
        tokens is found again from the mark before it
        (:func:`~avtaleanalyse.similarity.normalize.comparison_slice`), not from the start.
    """

    ids: np.ndarray
    seq_offsets: np.ndarray
    seq: np.ndarray
    set_offsets: np.ndarray | None
    sets: np.ndarray | None
    n_tokens: np.ndarray
    ngram: int
    excluded: np.ndarray | None = None
    mark_offsets: np.ndarray | None = None
    marks: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def has_sets(self) -> bool:
        """Whether the sets are stored (otherwise rebuilt from the sequences on demand)."""
        return self.sets is not None and self.set_offsets is not None

    def set_of(self, i: int) -> np.ndarray:
        """Sorted distinct shingle hashes of unit ``i`` (from the sequence if sets were dropped)."""
        if self.has_sets:
            return self.sets[self.set_offsets[i] : self.set_offsets[i + 1]]
        s = sorted_unique(self.seq_of(i))
        if self.excluded is not None and len(self.excluded):
            s = s[~in_sorted(s, self.excluded)]
        return s

    def sets_of(self, rows: Sequence[int] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Sets of the units ``rows`` at once: their values concatenated, and their sizes."""
        rows = np.asarray(rows, dtype=np.int64)
        if self.has_sets:
            return _gather(self.sets, self.set_offsets, rows)
        # rebuilt a block of about _SET_BLOCK sequence values at a time: the rebuild's
        # temporaries are several 64-bit arrays as long as its input
        seq_lens = self.seq_offsets[rows + 1] - self.seq_offsets[rows]
        parts, sizes = [], []
        for lo, hi in _unit_blocks(_offsets(seq_lens), _SET_BLOCK):
            vals, lens = _gather(self.seq, self.seq_offsets, rows[lo:hi])
            vals, lens = distinct_per_unit(vals, lens, self.excluded)
            parts.append(vals)
            sizes.append(lens)
        if len(parts) == 1:
            return parts[0], sizes[0]
        if not parts:
            return np.empty(0, dtype=np.uint32), np.zeros(0, dtype=np.int64)
        return np.concatenate(parts), np.concatenate(sizes)

    def without_sets(self) -> Shingled:
        """The same shingles without the stored sets (saves memory; sets rebuilt on demand).

        Their sizes are kept.
        """
        return dataclasses.replace(self, sets=None)

    def marks_of(self, i: int) -> np.ndarray | None:
        """Marks of unit ``i``: rows ``(character offset, comparison token index)``."""
        if self.marks is None or self.mark_offsets is None:
            return None
        return self.marks[self.mark_offsets[i] : self.mark_offsets[i + 1]]

    def seq_of(self, i: int) -> np.ndarray:
        """Shingle hashes of unit ``i`` in text order."""
        return self.seq[self.seq_offsets[i] : self.seq_offsets[i + 1]]

    def set_sizes(self) -> np.ndarray:
        """Number of distinct shingles per unit."""
        if self.set_offsets is not None:
            return np.diff(self.set_offsets)
        out = np.zeros(len(self), dtype=np.int64)
        if self.excluded is None or not len(self.excluded):
            from avtaleanalyse.similarity.kernels import distinct_counts

            # counted in hash tables, one compiled pass (building the sets sorts them)
            distinct_counts(self.seq, self.seq_offsets, out)
            return out
        for lo, hi in _unit_blocks(self.seq_offsets, 1 << 22):
            out[lo:hi] = self.sets_of(np.arange(lo, hi))[1]
        return out

    def take(self, idx: Sequence[int]) -> Shingled:
        """A new :class:`Shingled` with the units at positions ``idx`` (stored sets stay
        stored; without, the set sizes are kept where known)."""
        idx = np.asarray(idx, dtype=np.int64)
        seq, seq_len = _gather(self.seq, self.seq_offsets, idx)
        sets, set_offsets = None, None
        if self.has_sets:
            sets, set_len = _gather(self.sets, self.set_offsets, idx)
            set_offsets = _offsets(set_len)
        elif self.set_offsets is not None:
            set_offsets = _offsets(np.diff(self.set_offsets)[idx])
        marks, mark_offsets = None, None
        if self.marks is not None and self.mark_offsets is not None:
            marks, mark_len = _gather(self.marks, self.mark_offsets, idx)
            mark_offsets = _offsets(mark_len)
        return Shingled(
            ids=self.ids[idx],
            seq_offsets=_offsets(seq_len),
            seq=seq,
            set_offsets=set_offsets,
            sets=sets,
            n_tokens=self.n_tokens[idx],
            ngram=self.ngram,
            excluded=self.excluded,
            mark_offsets=mark_offsets,
            marks=marks,
        )


def _stack_marks(marks: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(marks) if marks else np.zeros((0, 2), dtype=np.int64)


def _unit_blocks(offsets: np.ndarray, size: int):
    """``(lo, hi)`` ranges of whole units holding about ``size`` values each (at least one unit)."""
    n = len(offsets) - 1
    lo = 0
    while lo < n:
        hi = int(np.searchsorted(offsets, offsets[lo] + size, side="right")) - 1
        hi = min(max(hi, lo + 1), n)
        yield lo, hi
        lo = hi


#: Sequence values per block when sets are rebuilt (:meth:`Shingled.sets_of`).
_SET_BLOCK = 1 << 22


def _offsets(lengths: Sequence[int]) -> np.ndarray:
    out = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(np.asarray(lengths, dtype=np.int64), out=out[1:])
    return out


def party_names(row_munis: object, row_hf: object) -> tuple[str, ...]:
    """Names to mask for one document: its municipalities and health trust (with and without HF)."""
    names: list[str] = []
    if row_munis is not None and not (isinstance(row_munis, float) and np.isnan(row_munis)):
        names.extend(str(m) for m in list(row_munis))
    if isinstance(row_hf, str) and row_hf:
        names.append(row_hf)
        if row_hf.endswith(" HF"):
            names.append(row_hf[:-3])
    return tuple(names)


def shingle_partition(
    units: pd.DataFrame,
    *,
    ngram: int = 5,
    common_form: bool = True,
    id_column: str = schema.DOC_ID,
    text_column: str = schema.TEXT,
    mask_generic: bool = True,
    cuts: Sequence[Sequence[int]] | None = None,
    sets: bool = True,
) -> Shingled:
    """Shingle a partition of documents (or sections) with one vectorised hashing pass.

    Parameters
    ----------
    units
        Rows with ``id_column``, ``text_column`` and optionally ``language_form``,
        ``municipalities`` and ``health_trust`` (their names are masked).
    ngram
        Words per shingle.
    common_form
        Map tokens to bokmål lemmas (nynorsk and bokmål versions compare equal).
    mask_generic
        Mask generic party patterns and all known health-trust names.
    cuts
        Per unit, sorted NFC character offsets that become marks (where its sections
        begin and end, :mod:`~avtaleanalyse.similarity.spans`); the shingles are the same.
    sets
        Store each unit's distinct shingles; without, only their number is kept (as
        :meth:`Shingled.without_sets`, which builds them first).

    Returns
    -------
    Shingled
        Shingle sequences and sets per unit, in the order of ``units``.
    """
    n = len(units)
    texts = units[text_column].fillna("").astype(str).tolist()
    lforms = (
        units[schema.LANGUAGE_FORM].fillna("bokmal").astype(str).tolist()
        if schema.LANGUAGE_FORM in units
        else ["bokmal"] * n
    )
    munis = units[schema.MUNICIPALITIES].tolist() if schema.MUNICIPALITIES in units else [None] * n
    hfs = units[schema.HEALTH_TRUST].tolist() if schema.HEALTH_TRUST in units else [None] * n
    codes, uniques, raw_len, mark_count, mark_chars, mark_raw = raw_tokens_marked_many(texts, cuts)
    del texts
    uniques = [*uniques, PARTY_TOKEN]
    party_code = len(uniques) - 1
    # masking: only positions whose token can start a mask are inspected in Python
    tables = [
        party_table(party_names(m, h), generic=mask_generic)
        for m, h in zip(munis, hfs, strict=True)
    ]
    all_keys = frozenset().union(*(k for _, k in tables)) if tables else frozenset()
    hit_codes = np.array([i for i, u in enumerate(uniques[:-1]) if u in all_keys], dtype=np.int64)
    keep = np.ones(len(codes), dtype=bool)
    starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(raw_len, out=starts[1:])
    if len(hit_codes):
        raw_codes = codes.tolist()  # read item by item while masking
        hit_pos = np.flatnonzero(np.isin(codes, hit_codes))
        hit_doc = np.searchsorted(starts, hit_pos, side="right") - 1
        brk = np.flatnonzero(np.diff(hit_doc)) + 1
        for grp in np.split(np.arange(len(hit_pos)), brk) if len(hit_pos) else []:
            d = int(hit_doc[grp[0]])
            seqs, keys = tables[d]
            # the document's tokens as read
            toks = TokenView(uniques, raw_codes, int(starts[d]), int(starts[d + 1]))
            local = [int(p) - int(starts[d]) for p in hit_pos[grp]]
            local = [i for i in local if toks[i] in keys]
            for sa, sb in mask_spans(toks, local, seqs, generic=mask_generic):
                g = int(starts[d])
                codes[g + sa] = party_code
                keep[g + sa + 1 : g + sb] = False
    dropped = np.zeros(len(keep) + 1, dtype=np.int64)
    np.cumsum(~keep, out=dropped[1:])
    removed = dropped[starts[1:]] - dropped[starts[:-1]]
    lengths = raw_len - removed
    mark_offsets, marks = _comparison_marks(
        mark_count, mark_chars, mark_raw, raw_len, starts, keep, dropped
    )
    codes = codes[keep]
    # language form per token (as int code) so nn and nb lemmatise separately
    is_nn = np.repeat(np.array([lf == "nynorsk" for lf in lforms], dtype=bool), lengths)
    nu = len(uniques)
    key = codes * 2 + is_nn.astype(np.int64)
    inv, ukey = pd.factorize(key, sort=False)
    inv = np.asarray(inv, dtype=np.int64)
    ukey = np.asarray(ukey, dtype=np.int64)
    hashes_u = np.empty(len(ukey), dtype=np.uint64)
    cache: dict[str, int] = {}
    for j, kk in enumerate(ukey.tolist()):
        tok = uniques[kk // 2] if nu else ""
        lf = "nynorsk" if kk % 2 else "bokmal"
        ft = final_token(tok, lf, common_form)
        hv = cache.get(ft)
        if hv is None:
            hv = cache[ft] = token_hash(ft)
        hashes_u[j] = hv
    tok_hashes = hashes_u[inv] if len(key) else np.empty(0, dtype=np.uint64)
    doc_starts = _offsets(lengths)
    # vectorised windows over the whole partition; drop windows crossing a document end
    seq_parts: list[np.ndarray] = []
    total = len(tok_hashes)
    k = ngram
    if total >= k:
        m = total - k + 1
        with np.errstate(over="ignore"):
            acc = np.full(m, _SEED, dtype=np.uint64)
            for j in range(k):
                acc = (acc ^ tok_hashes[j : j + m]) * _U64(_MUL)
                acc ^= acc >> _U64(31)
        all_sh = _fold32(acc)
    else:
        all_sh = np.empty(0, dtype=np.uint32)
    seq_len = np.maximum(lengths - k + 1, 0)
    short = (lengths > 0) & (lengths < k)
    seq_len[short] = 1
    for i in np.flatnonzero(short):
        a = doc_starts[i]
        seq_parts.append((i, shingle_sequence(tok_hashes[a : a + lengths[i]], ngram=k)))
    seq_offsets = _offsets(seq_len)
    if len(all_sh):
        m = len(all_sh)
        tok_doc = np.repeat(np.arange(n, dtype=np.int64), lengths)[:m]
        valid = np.arange(m, dtype=np.int64) + k <= doc_starts[1:][tok_doc]
        seq_normal = all_sh[valid]
    else:
        seq_normal = np.empty(0, dtype=np.uint32)
    if seq_parts:
        seq = np.empty(int(seq_offsets[-1]), dtype=np.uint32)
        is_short = np.repeat(short, seq_len)
        seq[~is_short] = seq_normal
        seq[is_short] = np.concatenate([arr for _, arr in seq_parts])
    else:
        seq = seq_normal
    if sets:
        # distinct sorted sets per unit: sort by (unit, hash) once
        unit_of = np.repeat(np.arange(n, dtype=np.uint64), seq_len)
        combo = np.sort((unit_of << _U64(32)) | seq.astype(np.uint64))
        if len(combo):
            combo = combo[np.concatenate(([True], combo[1:] != combo[:-1]))]
        set_values = (combo & _U64(0xFFFFFFFF)).astype(np.uint32)
        set_counts = np.bincount((combo >> _U64(32)).astype(np.int64), minlength=n)
    else:
        from avtaleanalyse.similarity.kernels import distinct_counts

        set_values = None
        set_counts = np.zeros(n, dtype=np.int64)
        distinct_counts(seq, seq_offsets, set_counts)  # the sizes only: no sort
    return Shingled(
        ids=units[id_column].astype(str).to_numpy(),
        seq_offsets=seq_offsets,
        seq=seq,
        set_offsets=_offsets(set_counts),
        sets=set_values,
        n_tokens=lengths,
        ngram=ngram,
        mark_offsets=mark_offsets,
        marks=marks,
    )


def _comparison_marks(
    mark_count: np.ndarray,
    mark_chars: np.ndarray,
    mark_raw: np.ndarray,
    raw_len: np.ndarray,
    starts: np.ndarray,
    keep: np.ndarray,
    dropped: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Marks at raw tokens turned into marks at comparison tokens (CSR offsets, rows).

    A mark whose raw token is inside a masked name (not its first token) is dropped, as is
    one past the unit's last token; the first mark of a unit, ``(0, 0)``, always stays.
    """
    unit = np.repeat(np.arange(len(mark_count), dtype=np.int64), mark_count)
    g = starts[unit] + mark_raw
    inside = mark_raw < raw_len[unit]
    ok = mark_raw == 0
    ok[inside] |= keep[g[inside]]
    token = mark_raw - (dropped[np.minimum(g, len(keep))] - dropped[starts[unit]])
    rows = np.stack([mark_chars[ok], token[ok]], axis=1).astype(np.int64, copy=False)
    return _offsets(np.bincount(unit[ok], minlength=len(mark_count))), rows


class _Appender:
    """Append-only array kept in large fixed-size chunks, joined once at the end.

    Chunks are far above the allocator's mmap threshold, so each one freed while joining
    goes straight back to the operating system: the peak is the result plus one chunk,
    not the parts plus their concatenation.
    """

    def __init__(self, dtype: np.dtype, chunk: int = 1 << 24) -> None:
        self.dtype = np.dtype(dtype)
        self.chunk = chunk
        self.chunks: list[np.ndarray] = []
        self.fill = 0
        self.total = 0

    def append(self, values: np.ndarray) -> None:
        pos = 0
        while pos < len(values):
            if not self.chunks or self.fill == self.chunk:
                self.chunks.append(np.empty(self.chunk, dtype=self.dtype))
                self.fill = 0
            take = min(len(values) - pos, self.chunk - self.fill)
            self.chunks[-1][self.fill : self.fill + take] = values[pos : pos + take]
            self.fill += take
            pos += take
        self.total += len(values)

    def join(self) -> np.ndarray:
        out = np.empty(self.total, dtype=self.dtype)
        pos = 0
        while self.chunks:
            c = self.chunks.pop(0)
            k = min(len(c), self.total - pos)
            out[pos : pos + k] = c[:k]
            pos += k
            del c
        return out


def concat_shingled(parts: Iterable[Shingled]) -> Shingled:
    """Concatenate partition results (in order).

    ``parts`` may be a generator: each part is copied into the result as it arrives and can
    be freed at once, so the partitions never all exist beside their concatenation.
    """
    it = iter(parts)
    first = next(it, None)
    if first is None:
        raise ValueError("no partitions to concatenate")
    second = next(it, None)
    if second is None:
        return first
    ngram, excluded = first.ngram, first.excluded
    seq = _Appender(first.seq.dtype)
    sets: _Appender | None = _Appender(np.uint32) if first.has_sets else None
    ids, n_tokens, seq_len, set_len = [], [], [], []
    mark_len: list[np.ndarray] | None = [] if first.marks is not None else None
    mark_rows: list[np.ndarray] = []
    have_sizes = True
    rest = itertools.chain((first, second), it)
    del first, second
    for p in rest:
        if p.ngram != ngram:
            raise ValueError(
                f"cannot concatenate shingles of different n-gram sizes: {{{ngram}, {p.ngram}}}"
            )
        if not _same_excluded(p.excluded, excluded):
            raise ValueError("cannot concatenate shingles with different exclusions")
        ids.append(p.ids)
        n_tokens.append(p.n_tokens)
        seq_len.append(np.diff(p.seq_offsets))
        seq.append(p.seq)
        have_sizes = have_sizes and p.set_offsets is not None
        if have_sizes:
            set_len.append(np.diff(p.set_offsets))
        if sets is not None and p.has_sets:
            sets.append(p.sets)
        else:
            sets = None
        if mark_len is not None and p.marks is not None:
            mark_len.append(np.diff(p.mark_offsets))
            mark_rows.append(p.marks)
        else:
            mark_len = None
        del p
    return Shingled(
        ids=np.concatenate(ids),
        seq_offsets=_offsets(np.concatenate(seq_len)),
        seq=seq.join(),
        set_offsets=_offsets(np.concatenate(set_len)) if have_sizes else None,
        sets=sets.join() if sets is not None and have_sizes else None,
        n_tokens=np.concatenate(n_tokens),
        ngram=ngram,
        excluded=excluded,
        mark_offsets=_offsets(np.concatenate(mark_len)) if mark_len is not None else None,
        marks=_stack_marks(mark_rows) if mark_len is not None else None,
    )


def _same_excluded(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    if a is None or len(a) == 0:
        return b is None or len(b) == 0
    return b is not None and np.array_equal(a, b)
