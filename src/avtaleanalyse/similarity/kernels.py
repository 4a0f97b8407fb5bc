"""Compiled loops (numba) for the steps NumPy cannot express without quadratic work.

Imported lazily by the functions that use them, so that importing the package does not load
numba. Every kernel is ``nogil``: callers run several at once in threads on disjoint slices
of their output.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = [
    "code_table",
    "component_labels",
    "count_distinct_keys",
    "count_holders",
    "distinct_counts",
    "pair_overlaps",
]


@numba.njit(nogil=True, cache=True)
def pair_overlaps(
    indptr: np.ndarray, cols: np.ndarray, a: np.ndarray, b: np.ndarray, n_cols: int, out: np.ndarray
) -> None:  # pragma: no cover - compiled; tested through ``overlap_counts``
    """``out[k] = |set a[k] ∩ set b[k]|`` for sets in CSR form (``cols[indptr[i]:indptr[i+1]]``).

    Each distinct ``a[k]`` stamps its columns into a scratch array once; each pair then costs
    one look-up per column of ``b[k]``. Pairs sorted by ``a`` stamp every set once; unsorted
    pairs are still exact, only slower.
    """
    stamp = np.full(n_cols, -1, np.int32)
    current = -1
    for k in range(len(a)):
        i = a[k]
        if i != current:
            for p in range(indptr[i], indptr[i + 1]):
                stamp[cols[p]] = i
            current = i
        j = b[k]
        count = 0
        for p in range(indptr[j], indptr[j + 1]):
            if stamp[cols[p]] == i:
                count += 1
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
    mask = (1 << bits) - 1
    last = np.full(len(keys), -1, np.int64)
    for u in units:
        for p in range(offsets[u], offsets[u + 1]):
            v = seq[p]
            h = _slot(v, bits)
            c = slots[h]
            while c != -1 and keys[c] != v:
                h = (h + 1) & mask
                c = slots[h]
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
    mask = (1 << bits) - 1
    last = np.full(len(keys), -1, np.int64)
    for u in range(len(offsets) - 1):
        for p in range(offsets[u], offsets[u + 1]):
            v = seq[p]
            h = _slot(v, bits)
            c = slots[h]
            while c != -1 and keys[c] != v:
                h = (h + 1) & mask
                c = slots[h]
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
    top = 4
    while (1 << top) < 2 * longest:
        top += 1
    vals = np.zeros(1 << top, np.uint32)
    owner = np.full(1 << top, -1, np.int64)
    for u in range(n):
        length = offsets[u + 1] - offsets[u]
        bits = 4
        while (1 << bits) < 2 * length:
            bits += 1
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
def _root(parent: np.ndarray, v: int) -> int:  # pragma: no cover - compiled
    while parent[v] != v:
        parent[v] = parent[parent[v]]  # path halving
        v = parent[v]
    return v


@numba.njit(nogil=True, cache=True)
def component_labels(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:  # pragma: no cover
    """Connected components of the undirected graph on ``n`` nodes with edges ``a[k]–b[k]``:
    int32 label per node, components numbered in the order of their smallest node (as
    :func:`scipy.sparse.csgraph.connected_components` numbers them). Union–find: memory
    is the labels alone, where a sparse matrix of the edges costs about 13 bytes an edge."""
    parent = np.arange(n, dtype=np.int32)
    for k in range(len(a)):
        ra = _root(parent, a[k])
        rb = _root(parent, b[k])
        if ra != rb:
            if ra < rb:
                parent[rb] = ra
            else:
                parent[ra] = rb
    labels = np.empty(n, dtype=np.int32)
    label_of_root = np.full(n, -1, dtype=np.int32)
    nxt = 0
    for v in range(n):
        r = _root(parent, v)
        if label_of_root[r] == -1:
            label_of_root[r] = nxt
            nxt += 1
        labels[v] = label_of_root[r]
    return labels
