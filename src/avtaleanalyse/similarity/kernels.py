"""Compiled loops (numba) for the steps NumPy cannot express without quadratic work.

Imported lazily by the functions that use them, so that importing the package does not load
numba. Every kernel is ``nogil``: callers run several at once in threads on disjoint slices
of their output.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = [
    "band_pair_counts",
    "band_pairs",
    "code_table",
    "count_distinct_keys",
    "count_holders",
    "distinct_counts",
    "pair_overlaps",
]


@numba.njit(nogil=True, cache=True)
def _table_bits(length: int) -> int:  # pragma: no cover - compiled
    # slots for an open-addressing table at most half full
    bits = 4
    while (1 << bits) < 2 * length:
        bits += 1
    return bits


@numba.njit(nogil=True, cache=True)
def _key_index(
    v: np.uint32, keys: np.ndarray, slots: np.ndarray, bits: int
) -> int:  # pragma: no cover
    # index of ``v`` in ``keys`` (``slots`` from :func:`code_table`), -1 if absent
    mask = (1 << bits) - 1
    h = _slot(v, bits)
    c = slots[h]
    while c != -1 and keys[c] != v:
        h = (h + 1) & mask
        c = slots[h]
    return c


@numba.njit(nogil=True, cache=True)
def pair_overlaps(
    values: np.ndarray,
    offsets: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    ex_keys: np.ndarray,
    ex_slots: np.ndarray,
    ex_bits: int,
    out: np.ndarray,
) -> None:  # pragma: no cover - compiled; tested through ``overlap_counts``
    """``out[k] = |set(a[k]) ∩ set(b[k])|``, the sets being the distinct values of each
    unit's ``values[offsets[i]:offsets[i+1]]`` that are not in ``ex_keys`` (``ex_slots``
    from :func:`code_table`; empty ``ex_keys``: nothing excluded).

    Each distinct ``a[k]`` puts its set into an open-addressing table (at least twice its
    length, so it stays in cache); each pair then costs one look-up per value of ``b[k]``,
    and a value counts once per pair however often ``b[k]`` repeats it. Slots are stamped
    with their unit and the pair that last counted them, so the table is never cleared
    and unsorted pairs are exact too (only slower: a set is rebuilt whenever ``a`` changes).
    No set, code or copy of the pairs is made: the memory is the table alone.
    """
    longest = 0
    for k in range(len(a)):
        longest = max(longest, offsets[a[k] + 1] - offsets[a[k]])
    top = _table_bits(longest)
    vals = np.zeros(1 << top, np.uint32)
    owner = np.full(1 << top, -1, np.int64)
    hit = np.full(1 << top, -1, np.int64)
    has_ex = len(ex_keys) > 0
    current = -1
    bits = 4
    mask = 15
    for k in range(len(a)):
        i = a[k]
        if i != current:
            current = i
            bits = _table_bits(offsets[i + 1] - offsets[i])
            mask = (1 << bits) - 1
            for p in range(offsets[i], offsets[i + 1]):
                v = values[p]
                if has_ex and _key_index(v, ex_keys, ex_slots, ex_bits) != -1:
                    continue
                h = _slot(v, bits)
                while owner[h] == i and vals[h] != v:
                    h = (h + 1) & mask
                if owner[h] != i:
                    owner[h] = i
                    vals[h] = v
        j = b[k]
        count = 0
        for p in range(offsets[j], offsets[j + 1]):
            v = values[p]
            h = _slot(v, bits)
            while owner[h] == i:
                if vals[h] == v:
                    if hit[h] != k:
                        hit[h] = k
                        count += 1
                    break
                h = (h + 1) & mask
        out[k] = count


@numba.njit(nogil=True, cache=True)
def _slot(value: np.uint32, bits: int) -> int:  # pragma: no cover - compiled
    # Fibonacci hashing of a 32-bit value to `bits` bits
    h = (np.uint64(value) * np.uint64(2654435761)) & np.uint64(0xFFFFFFFF)
    return np.int64(h >> np.uint64(32 - bits))


@numba.njit(nogil=True, cache=True)
def code_table(keys: np.ndarray, bits: int) -> np.ndarray:  # pragma: no cover - compiled
    """Open-addressing table of ``2**bits`` slots: the index of each distinct ``keys`` value
    (uint32) at its slot or after it (linear probing), -1 in empty slots."""
    mask = (1 << bits) - 1
    slots = np.full(1 << bits, -1, np.int32)
    for c in range(len(keys)):
        h = _slot(keys[c], bits)
        while slots[h] != -1:
            h = (h + 1) & mask
        slots[h] = c
    return slots


@numba.njit(nogil=True, cache=True)
def count_holders(
    seq: np.ndarray,
    offsets: np.ndarray,
    units: np.ndarray,
    keys: np.ndarray,
    slots: np.ndarray,
    bits: int,
    counts: np.ndarray,
) -> None:  # pragma: no cover - compiled; tested through ``singleton_references``
    """``counts[c] += 1`` for every unit of ``units`` (distinct) whose sequence
    ``seq[offsets[u]:offsets[u+1]]`` holds ``keys[c]`` at least once (``slots`` from
    :func:`code_table`)."""
    last = np.full(len(keys), -1, np.int64)
    for u in units:
        for p in range(offsets[u], offsets[u + 1]):
            c = _key_index(seq[p], keys, slots, bits)
            if c != -1 and last[c] != u:
                last[c] = u
                counts[c] += 1


@numba.njit(nogil=True, cache=True)
def count_distinct_keys(
    seq: np.ndarray,
    offsets: np.ndarray,
    keys: np.ndarray,
    slots: np.ndarray,
    bits: int,
    counts: np.ndarray,
) -> None:  # pragma: no cover - compiled; tested through ``sets_without``
    """``counts[u]`` = how many distinct values of ``keys`` unit ``u``'s sequence
    ``seq[offsets[u]:offsets[u+1]]`` holds (``slots`` from :func:`code_table`)."""
    last = np.full(len(keys), -1, np.int64)
    for u in range(len(offsets) - 1):
        for p in range(offsets[u], offsets[u + 1]):
            c = _key_index(seq[p], keys, slots, bits)
            if c != -1 and last[c] != u:
                last[c] = u
                counts[u] += 1


@numba.njit(nogil=True, cache=True)
def distinct_counts(
    seq: np.ndarray, offsets: np.ndarray, counts: np.ndarray
) -> None:  # pragma: no cover - compiled; tested through ``Shingled.set_sizes``
    """``counts[u]`` = number of distinct values in ``seq[offsets[u]:offsets[u+1]]``.

    Each unit's values go into an open-addressing table of at least twice its length;
    slots are marked with the unit's number, so the table is never cleared."""
    n = len(offsets) - 1
    longest = 0
    for u in range(n):
        longest = max(longest, offsets[u + 1] - offsets[u])
    top = _table_bits(longest)
    vals = np.zeros(1 << top, np.uint32)
    owner = np.full(1 << top, -1, np.int64)
    for u in range(n):
        bits = _table_bits(offsets[u + 1] - offsets[u])
        mask = (1 << bits) - 1
        c = 0
        for p in range(offsets[u], offsets[u + 1]):
            v = seq[p]
            h = _slot(v, bits)
            while owner[h] == u and vals[h] != v:
                h = (h + 1) & mask
            if owner[h] != u:
                owner[h] = u
                vals[h] = v
                c += 1
        counts[u] = c


@numba.njit(nogil=True, cache=True)
def _bucket_neighbours(
    members: np.ndarray, pos: np.ndarray, end: np.ndarray, r: int, mark: np.ndarray, buf: np.ndarray
) -> int:  # pragma: no cover - compiled
    # the distinct rows q > r that share a bucket with r in some band, written to buf;
    # within a bucket the members ascend, so those after r's own place are the q > r
    c = 0
    for k in range(members.shape[0]):
        for t in range(pos[k, r] + 1, end[k, r]):
            q = members[k, t]
            if mark[q] != r:
                mark[q] = r
                buf[c] = q
                c += 1
    return c


@numba.njit(nogil=True, cache=True)
def band_pair_counts(
    members: np.ndarray, pos: np.ndarray, end: np.ndarray, lo: int, hi: int, counts: np.ndarray
) -> None:  # pragma: no cover - compiled; tested through ``pairs_from_band_keys``
    """``counts[r]`` for rows ``lo <= r < hi``: how many rows ``q > r`` share a bucket with
    ``r`` in at least one band. Band ``k`` lists its rows bucket by bucket, ascending
    within a bucket (``members[k]``); row ``r`` stands at ``pos[k, r]`` and its bucket ends
    at ``end[k, r]`` (``end <= pos + 1``: no bucket that counts)."""
    m = members.shape[1]
    mark = np.full(m, -1, np.int64)
    buf = np.empty(m, np.int64)
    for r in range(lo, hi):
        counts[r] = _bucket_neighbours(members, pos, end, r, mark, buf)


@numba.njit(nogil=True, cache=True)
def band_pairs(
    members: np.ndarray,
    pos: np.ndarray,
    end: np.ndarray,
    lo: int,
    hi: int,
    offsets: np.ndarray,
    rows: np.ndarray,
    out: np.ndarray,
) -> None:  # pragma: no cover - compiled; tested through ``pairs_from_band_keys``
    """The pairs :func:`band_pair_counts` counted, for rows ``lo <= r < hi``: row ``r``'s
    go to ``out[offsets[r]:offsets[r+1]]`` as ``(rows[r], rows[q])``, ascending in ``q``."""
    m = members.shape[1]
    mark = np.full(m, -1, np.int64)
    buf = np.empty(m, np.int64)
    for r in range(lo, hi):
        c = _bucket_neighbours(members, pos, end, r, mark, buf)
        got = np.sort(buf[:c])
        o = offsets[r]
        for t in range(c):
            out[o + t, 0] = rows[r]
            out[o + t, 1] = rows[got[t]]
