"""Candidate pairs by LSH banding, then exact Jaccard and both containments.

The banding follows :class:`datasketch.MinHashLSH` exactly: the same ``(b, r)`` from
``datasketch.lsh._optimal_param`` and the same rule (two signatures are candidates when all
``r`` values of some band agree). It is split into a map step (:func:`band_keys`, one
partition of signatures in, band keys out) and a reduce step (:func:`pairs_from_band_keys`,
a group-by over all keys), so a distributed engine can run it unchanged.

Exact overlaps of the candidates are counted pair by pair in a compiled loop
(:func:`overlap_counts`), at a cost linear in the candidates; :func:`all_pairs_exact`, the
reference, takes every pair at once from the sparse matrix product ``X @ X.T``.
"""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import scipy.sparse as sp

from avtaleanalyse import schema
from avtaleanalyse.similarity.minhash import pair_minhash_jaccard
from avtaleanalyse.similarity.shingles import (
    Shingled,
    _offsets,
    in_sorted,
    sort_with_order,
    sorted_unique,
    unique_inverse,
)

__all__ = [
    "MAX_PAIRWISE_ROWS",
    "SignatureGroups",
    "all_pairs_exact",
    "band_keys",
    "first_equal_rows",
    "grouped_signatures",
    "lsh_candidates",
    "lsh_params",
    "member_mask",
    "overlap_counts",
    "pairs_from_band_keys",
    "pairwise_overlaps",
    "score_pairs",
    "sets_without",
    "verify_pairs",
    "VerifiedPairs",
]

_U64 = np.uint64
#: Pairs per chunk where a step over all candidates would otherwise make 64-bit temporaries.
_CHUNK = 1 << 22


def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """``(bands, rows)`` that :class:`datasketch.MinHashLSH` picks for ``threshold`` (equal weights)."""
    from datasketch.lsh import _optimal_param

    b, r = _optimal_param(threshold, num_perm, 0.5, 0.5)
    return int(b), int(r)


def band_keys(signatures: np.ndarray, *, bands: int, rows: int) -> np.ndarray:
    """64-bit key of each band of each signature (map step; one partition in, keys out).

    Returns
    -------
    numpy.ndarray
        ``(n, bands)`` uint64. Equal keys ⇔ equal band values (up to a 2**-64 collision).
    """
    from avtaleanalyse.similarity.kernels import band_hashes

    if bands * rows > signatures.shape[1]:
        raise ValueError(f"{bands} bands of {rows} rows need {bands * rows} signature values")
    out = np.empty((len(signatures), bands), dtype=np.uint64)
    # one compiled pass, signature by signature:
    # acc_k = 0x9E3779B97F4A7C15 + k; per value v: acc = (acc ^ v) * 0xBF58476D1CE4E5B9,
    # acc ^= acc >> 29 (mod 2**64)
    band_hashes(np.ascontiguousarray(signatures, dtype=np.uint32), bands, rows, out)
    return out


def pairs_from_band_keys(
    keys: np.ndarray,
    *,
    valid: np.ndarray | None = None,
    max_bucket: int = 20_000,
    n_jobs: int = 1,
) -> np.ndarray:
    """All pairs ``(i, j)``, ``i < j``, that share a key in some band (reduce step).

    Each band is sorted once by key (its buckets); a compiled loop then walks the rows in
    order, gathers each row's later bucket mates over all bands, drops repeats (a pair
    recurs in many bands) and writes them sorted, after a first pass has counted them. The
    memory is the output and three int32 numbers per row and band; no pair is held twice
    (at 100k seed-scaled demo documents the pair codes and their deduplication took
    2.1 GB above the 63.6M candidates).

    Parameters
    ----------
    keys
        ``(n, bands)`` output of :func:`band_keys` over the whole corpus.
    valid
        Boolean mask of rows that take part (e.g. non-empty documents).
    max_bucket
        Buckets larger than this are skipped (a guard against degenerate signatures).
    n_jobs
        Threads (the result does not depend on it).

    Returns
    -------
    numpy.ndarray
        ``(n_pairs, 2)`` row indices (int32 below 2**31 rows, else int64), sorted, distinct.
    """
    from avtaleanalyse.similarity.kernels import band_pair_counts, band_pairs

    n, bands = keys.shape
    rows = np.arange(n, dtype=np.int64) if valid is None else np.flatnonzero(valid)
    m = len(rows)
    members = np.empty((bands, m), dtype=np.int32)
    pos = np.empty((bands, m), dtype=np.int32)  # each row's place in members[k]
    end = np.empty((bands, m), dtype=np.int32)  # where its bucket ends (or pos + 1)
    place = np.arange(m, dtype=np.int32)
    for k in range(bands):
        col = keys[rows, k]
        order = np.argsort(col, kind="stable")  # members of a bucket ascend
        sk = col[order]
        del col
        brk = np.flatnonzero(sk[1:] != sk[:-1]) + 1
        starts = np.concatenate(([0], brk))
        sizes = np.diff(np.concatenate((starts, [m])))
        ends = np.repeat(starts + sizes, sizes)
        keep = np.repeat((sizes >= 2) & (sizes <= max_bucket), sizes)
        members[k] = order
        pos[k, order] = place
        end[k, order] = np.where(keep, ends, place + 1)
    counts = np.zeros(m, dtype=np.int64)
    # rows in blocks, many per thread: the early rows have the most later mates
    jobs = max(1, n_jobs)
    step = max(1, -(-m // (jobs * 16)))
    blocks = [(lo, min(lo + step, m)) for lo in range(0, m, step)]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for job in [
            pool.submit(band_pair_counts, members, pos, end, lo, hi, counts) for lo, hi in blocks
        ]:
            job.result()
        offsets = _offsets(counts)
        del counts
        out = np.empty((int(offsets[-1]), 2), dtype=_row_dtype(n))
        running = [
            pool.submit(band_pairs, members, pos, end, lo, hi, offsets, rows, out)
            for lo, hi in blocks
        ]
        for job in running:
            job.result()
    return out


def _row_dtype(n: int) -> type:
    """int32 for row indices of fewer than 2**31 rows (half the memory per pair), else int64."""
    return np.int32 if n < 2**31 else np.int64


def lsh_candidates(
    signatures: np.ndarray,
    *,
    threshold: float = 0.4,
    valid: np.ndarray | None = None,
    n_jobs: int = 1,
) -> np.ndarray:
    """Candidate pairs as :class:`datasketch.MinHashLSH` at ``threshold`` would return them.

    Returns
    -------
    numpy.ndarray
        ``(n_pairs, 2)`` row indices (as :func:`pairs_from_band_keys`), ``i < j``, sorted.
    """
    b, r = lsh_params(threshold, signatures.shape[1])
    return pairs_from_band_keys(band_keys(signatures, bands=b, rows=r), valid=valid, n_jobs=n_jobs)


def member_mask(values: np.ndarray, ref: np.ndarray, *, chunk: int = 1 << 22) -> np.ndarray:
    """``values ∈ ref`` for a sorted ``ref``, in chunks (bounded memory)."""
    return in_sorted(values, ref, chunk=chunk)


def _excluded_counts(shingled: Shingled, exclude: np.ndarray) -> np.ndarray:
    """Per unit, how many distinct hashes of ``exclude`` (sorted, distinct) its sequence
    holds: one compiled scan that looks every position up in a hash table of ``exclude``
    (no key per hit: boilerplate is a large share of all positions)."""
    from avtaleanalyse.similarity.kernels import code_table, count_distinct_keys

    n = len(shingled)
    counts = np.zeros(n, dtype=np.int64)
    if len(exclude) == 0 or n == 0:
        return counts
    keys = np.ascontiguousarray(exclude, dtype=np.uint32)
    bits = max(4, int(2 * len(keys)).bit_length())
    slots = code_table(keys, bits)
    count_distinct_keys(shingled.seq, shingled.seq_offsets, keys, slots, bits, counts)
    return counts


def sets_without(shingled: Shingled, exclude: np.ndarray | None) -> Shingled:
    """``shingled`` with the hashes in ``exclude`` (sorted uint32) removed from every set.

    Without stored sets (:meth:`~avtaleanalyse.similarity.shingles.Shingled.without_sets`)
    none are built: the exclusion and the new set sizes are recorded, and each set is
    rebuilt from its sequence where it is needed (bounded memory).
    """
    ex = np.asarray(exclude if exclude is not None else [], dtype=np.uint32)
    prev = shingled.excluded
    if not shingled.has_sets:
        if prev is not None and len(prev):
            ex = ex[~in_sorted(ex, prev)]
        sizes = shingled.set_sizes()  # stored, or computed from the sequences
        if len(ex) == 0:
            if shingled.set_offsets is not None:
                return shingled
            return dataclasses.replace(shingled, set_offsets=_offsets(sizes))
        sizes = sizes - _excluded_counts(shingled, ex)
        both = ex if prev is None or len(prev) == 0 else sorted_unique(np.concatenate([prev, ex]))
        return dataclasses.replace(shingled, set_offsets=_offsets(sizes), sets=None, excluded=both)
    if len(ex) == 0:
        return shingled
    keep = ~member_mask(shingled.sets, ex)
    gone = np.flatnonzero(~keep)  # few: only boilerplate occurrences
    unit = np.searchsorted(shingled.set_offsets, gone, side="right") - 1
    per_unit = np.bincount(unit, minlength=len(shingled))
    offs = shingled.set_offsets.copy()
    offs[1:] -= np.cumsum(per_unit)
    both = ex if prev is None or len(prev) == 0 else sorted_unique(np.concatenate([prev, ex]))
    return dataclasses.replace(shingled, set_offsets=offs, sets=shingled.sets[keep], excluded=both)


def _incidence(shingled: Shingled, rows: np.ndarray) -> sp.csr_matrix:
    vals, lens = shingled.sets_of(np.asarray(rows, dtype=np.int64))
    uniq, cols = unique_inverse(vals)
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(lens, out=indptr[1:])
    data = np.ones(len(cols), dtype=np.float32)
    return sp.csr_matrix((data, cols.astype(np.int64), indptr), shape=(len(rows), len(uniq)))


def overlap_counts(shingled: Shingled, pairs: np.ndarray, *, n_jobs: int = 1) -> np.ndarray:
    """Exact ``|A ∩ B|`` for each pair of rows of ``shingled``.

    A compiled loop (:func:`~avtaleanalyse.similarity.kernels.pair_overlaps`) puts each
    distinct first member's set into a small cuckoo table once; each pair then costs two
    branch-free look-ups per shingle of its second member. The sets are the stored ones or,
    without them, each unit's distinct shingles that are not excluded, taken from its
    sequence in one compiled pass (:func:`~avtaleanalyse.similarity.kernels.
    distinct_values`; 4 bytes per set member, for as long as the counting runs). Pairs
    sorted by their first member (as the LSH and :func:`verify_pairs` give them) build each
    table once; any order is exact. No code, component or copy of the pairs is made.
    ``n_jobs`` threads take equal slices of the pairs.

    Returns
    -------
    numpy.ndarray
        int32, one count per pair.
    """
    from avtaleanalyse.similarity.kernels import pair_overlaps

    pairs = np.asarray(pairs).reshape(-1, 2)
    n = len(shingled)
    if pairs.dtype != _row_dtype(n):
        pairs = pairs.astype(_row_dtype(n))
    out = np.empty(len(pairs), dtype=np.int32)
    if len(pairs) == 0:
        return out
    jobs = max(1, n_jobs)
    if shingled.has_sets:
        values, offsets = shingled.sets, np.asarray(shingled.set_offsets, dtype=np.int64)
    else:
        values, offsets = _distinct_sets(shingled, jobs)
    a, b = pairs[:, 0], pairs[:, 1]  # strided views, not copies
    cuts = [len(pairs) * q // jobs for q in range(jobs + 1)]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        running = [
            pool.submit(pair_overlaps, values, offsets, a[lo:hi], b[lo:hi], out[lo:hi])
            for lo, hi in zip(cuts[:-1], cuts[1:], strict=True)
            if hi > lo
        ]
        for job in running:
            job.result()
    return out


#: Seed of the random keys that group identical posting lists (:func:`pairwise_overlaps`).
_LIST_KEY_SEED = 20121
#: Largest number of rows :func:`pairwise_overlaps` takes (its matrix has their square).
MAX_PAIRWISE_ROWS = 20_000


def pairwise_overlaps(shingled: Shingled, *, n_jobs: int = 1) -> np.ndarray:
    """Exact ``|A ∩ B|`` for every pair of rows, as an ``n × n`` int32 matrix: entry
    ``[i, j]`` for ``i < j`` (zero on and below the diagonal).

    Counted from the posting lists (the rows that hold each shingle): a pair gains one for
    each list that holds both. Agreements copied from templates share most shingles with
    the same rows, so most lists repeat; each distinct list is added once, weighted by how
    many shingles have it. (Of 3,000 delavtale 6 documents of the 100k seed-scaled demo,
    25,832 distinct shingles had 8,334 distinct lists: 0.34 billion additions, against 6.5
    billion look-ups pair by pair and 2.0 billion for every list.) Lists are grouped by
    two sums of seeded random 64-bit keys of their rows and then compared in full, so the
    grouping is exact. ``n_jobs`` threads share the lists, each adding into its own matrix.
    """
    from avtaleanalyse.similarity.kernels import list_pair_sums, same_lists

    n = len(shingled)
    if n > MAX_PAIRWISE_ROWS:
        raise ValueError(
            f"{n} rows: a dense matrix of every pair is for at most {MAX_PAIRWISE_ROWS}"
        )
    out = np.zeros((n, n), dtype=np.int32)
    if n < 2:
        return out
    vals, lens = shingled.sets_of(np.arange(n))
    rows = np.repeat(np.arange(n, dtype=np.uint64), lens)
    key = np.sort((vals.astype(np.uint64) << np.uint64(32)) | rows)  # by shingle, then row
    del vals, rows
    value = key >> np.uint64(32)
    members = (key & np.uint64(0xFFFFFFFF)).astype(np.int32)
    del key
    starts = np.flatnonzero(np.concatenate(([True], value[1:] != value[:-1])))
    del value
    offsets = np.append(starts, len(members)).astype(np.int64)
    lengths = np.diff(offsets)
    # identical lists: same length and the same two keys, then confirmed member by member
    rng = np.random.default_rng(_LIST_KEY_SEED)
    r1, r2 = (rng.integers(0, 2**63, size=n, dtype=np.uint64) for _ in range(2))
    with np.errstate(over="ignore"):
        k1 = np.add.reduceat(r1[members], starts)
        k2 = np.add.reduceat(r2[members], starts)
    order = np.lexsort((k2, k1, lengths))
    lengths, k1, k2 = lengths[order], k1[order], k2[order]
    first = np.concatenate(
        ([True], (lengths[1:] != lengths[:-1]) | (k1[1:] != k1[:-1]) | (k2[1:] != k2[:-1]))
    )
    group = np.cumsum(first) - 1
    reps = order[first]
    if not same_lists(members, offsets, order, reps[group]):  # pragma: no cover
        raise AssertionError("two different posting lists share both random keys")
    weights = np.bincount(group).astype(np.int32)
    keep = lengths[first] > 1  # a list of one row makes no pair
    reps, weights = reps[keep], weights[keep]
    # threads take lists of about equal work (the square of their length)
    jobs = max(1, min(n_jobs, len(reps)))
    cost = np.cumsum(lengths[first][keep].astype(np.float64) ** 2)
    cuts = np.searchsorted(cost, cost[-1] * np.arange(1, jobs) / jobs) if len(cost) else []
    bounds = [0, *(int(c) for c in cuts), len(reps)]
    parts = [(lo, hi) for lo, hi in zip(bounds[:-1], bounds[1:], strict=True) if hi > lo]
    mats = [out] + [np.zeros((n, n), dtype=np.int32) for _ in parts[1:]]
    with ThreadPoolExecutor(max_workers=max(1, len(parts))) as pool:
        running = [
            pool.submit(list_pair_sums, members, offsets, reps[lo:hi], weights[lo:hi], m)
            for (lo, hi), m in zip(parts, mats, strict=True)
        ]
        for job in running:
            job.result()
    for m in mats[1:]:
        out += m
    return out


def _distinct_sets(shingled: Shingled, jobs: int) -> tuple[np.ndarray, np.ndarray]:
    """Each unit's distinct, not excluded shingles in first-occurrence order (CSR), read
    from the sequences by ``jobs`` threads over ranges of units."""
    from avtaleanalyse.similarity.kernels import code_table, distinct_values

    ex = shingled.excluded if shingled.excluded is not None else np.empty(0, np.uint32)
    ex = np.ascontiguousarray(ex, dtype=np.uint32)
    ex_bits = max(4, int(2 * max(len(ex), 1) - 1).bit_length())
    ex_slots = code_table(ex, ex_bits)
    offsets = np.zeros(len(shingled) + 1, dtype=np.int64)
    np.cumsum(shingled.set_sizes(), out=offsets[1:])
    values = np.empty(int(offsets[-1]), dtype=np.uint32)
    seq_offsets = np.asarray(shingled.seq_offsets, dtype=np.int64)
    n = len(shingled)
    cuts = [n * q // jobs for q in range(jobs + 1)]
    args = (shingled.seq, seq_offsets, ex, ex_slots, ex_bits)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        running = [
            pool.submit(distinct_values, *args, lo, hi, offsets, values)
            for lo, hi in zip(cuts[:-1], cuts[1:], strict=True)
            if hi > lo
        ]
        for job in running:
            job.result()
    return values, offsets


def first_equal_rows(a: np.ndarray) -> np.ndarray:
    """For each row of a 2-D array, the index of the first row equal to it.

    Rows are grouped by a 64-bit key of all their values (:func:`band_keys` with one band),
    then every row is compared with its group's first; if any differs (a key collision)
    the grouping is redone with ``np.unique(axis=0)``, so the result is always exact. Much
    faster than ``np.unique(axis=0)``, which sorts the rows as opaque byte strings.

    Returns
    -------
    numpy.ndarray
        int64, ``first[i] <= i`` and ``a[first[i]] == a[i]``.
    """
    n = len(a)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    key = band_keys(a, bands=1, rows=a.shape[1])[:, 0]
    order, skey = sort_with_order(key)
    starts = np.flatnonzero(np.concatenate(([True], skey[1:] != skey[:-1])))
    first = np.minimum.reduceat(order, starts)
    out = np.empty(n, dtype=np.int64)
    out[order] = np.repeat(first, np.diff(np.append(starts, n)))
    if all(np.array_equal(a[s : s + 65536], a[out[s : s + 65536]]) for s in range(0, n, 65536)):
        return out
    _, idx, inv = np.unique(a, axis=0, return_index=True, return_inverse=True)
    return idx[inv.ravel()].astype(np.int64)


@dataclasses.dataclass(frozen=True)
class SignatureGroups:
    """Units grouped by equal MinHash signatures, with the signatures of the groups' first
    units only (:func:`grouped_signatures`).

    Attributes
    ----------
    first
        int64 per unit: the first unit with an equal signature (as :func:`first_equal_rows`).
    reps
        int64, sorted: the units that are first of their group.
    signatures
        ``(len(reps), num_perm)`` uint32, row-aligned with ``reps``.
    """

    first: np.ndarray
    reps: np.ndarray
    signatures: np.ndarray

    def rep_rows(self, units: np.ndarray) -> np.ndarray:
        """Row in :attr:`signatures` of each of ``units`` (which must be representatives)."""
        return np.searchsorted(self.reps, units)


def grouped_signatures(
    shingled: Shingled,
    *,
    num_perm: int = 128,
    seed: int = 1,
    block: int = 1 << 16,
    n_jobs: int = 1,
) -> SignatureGroups:
    """:func:`first_equal_rows` of the units' signatures, without holding them all.

    Signatures are computed ``block`` units at a time and keyed as in
    :func:`first_equal_rows`; only the first unit of each key keeps its signature, and
    every later unit with that key is compared with it value by value. Where many units are
    verbatim copies (sections of one template: 4 % of the seed-scaled demo's sections are
    first of their group) this holds a small part of the signatures. If two different
    signatures ever shared a key, the grouping is redone from all signatures, so the
    result always equals ``first_equal_rows(signatures(shingled))``. ``n_jobs``: threads
    computing the signatures.
    """
    from avtaleanalyse.similarity.minhash import signatures

    n = len(shingled)
    keys = np.empty(n, dtype=np.uint64)
    seen = np.empty(0, dtype=np.uint64)  # sorted keys of the stored signatures
    seen_at = np.empty(0, dtype=np.int64)  # their place in the store
    store = np.empty((max(1, min(n, block)), num_perm), dtype=np.uint32)
    store_rows = np.empty(len(store), dtype=np.int64)
    n_store = 0
    for lo in range(0, n, block):
        hi = min(n, lo + block)
        sig = signatures(
            shingled.take(np.arange(lo, hi)), num_perm=num_perm, seed=seed, n_jobs=n_jobs
        )
        k = band_keys(sig, bands=1, rows=num_perm)[:, 0]
        keys[lo:hi] = k
        uk, first_in = np.unique(k, return_index=True)
        new = ~in_sorted(uk, seen)
        add = first_in[new]
        if n_store + len(add) > len(store):  # grow (doubling) the store
            cap = max(2 * len(store), n_store + len(add))
            store = np.concatenate(
                [store[:n_store], np.empty((cap - n_store, num_perm), store.dtype)]
            )
            store_rows = np.concatenate([store_rows[:n_store], np.empty(cap - n_store, np.int64)])
        store[n_store : n_store + len(add)] = sig[add]
        store_rows[n_store : n_store + len(add)] = lo + add
        at = np.concatenate([seen_at, np.arange(n_store, n_store + len(add))])
        n_store += len(add)
        seen = np.concatenate([seen, uk[new]])
        order = np.argsort(seen, kind="stable")
        seen, seen_at = seen[order], at[order]
        if not np.array_equal(sig, store[seen_at[np.searchsorted(seen, k)]]):
            # two different signatures with one key: the exact grouping of all of them
            full = signatures(shingled, num_perm=num_perm, seed=seed, n_jobs=n_jobs)
            first = first_equal_rows(full)
            reps = np.flatnonzero(first == np.arange(n))
            return SignatureGroups(first, reps, full[reps])
    first = store_rows[seen_at[np.searchsorted(seen, keys)]] if n else np.zeros(0, np.int64)
    order = np.argsort(store_rows[:n_store], kind="stable")
    return SignatureGroups(first, store_rows[:n_store][order], store[:n_store][order])


def all_pairs_exact(
    shingled: Shingled, *, min_jaccard: float = 0.0, block_rows: int = 2000
) -> pd.DataFrame:
    """Exact Jaccard and containments for every pair with a shared shingle (the reference).

    Returns
    -------
    pandas.DataFrame
        Columns ``i``, ``j`` (row indices, ``i < j``), ``intersection``, ``jaccard``,
        ``containment_ij``, ``containment_ji``.
    """
    n = len(shingled)
    x = _incidence(shingled, np.arange(n))
    xt = x.T.tocsr()
    sizes = shingled.set_sizes()
    frames = []
    for s in range(0, n, block_rows):
        gram = sp.triu((x[s : s + block_rows] @ xt).tocsr(), k=s + 1).tocoo()
        i = gram.row.astype(np.int64) + s
        j = gram.col.astype(np.int64)
        inter = gram.data.astype(np.int64)
        frames.append(pd.DataFrame({"i": i, "j": j, "intersection": inter}))
    df = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame({"i": [], "j": [], "intersection": []})
    )
    union = sizes[df["i"]] + sizes[df["j"]] - df["intersection"].to_numpy()
    df["jaccard"] = df["intersection"] / np.maximum(union, 1)
    df["containment_ij"] = df["intersection"] / np.maximum(sizes[df["i"]], 1)
    df["containment_ji"] = df["intersection"] / np.maximum(sizes[df["j"]], 1)
    df = df[df["jaccard"] >= min_jaccard]
    return df.sort_values(["i", "j"], kind="mergesort").reset_index(drop=True)


@dataclasses.dataclass(frozen=True)
class VerifiedPairs:
    """Candidate pairs with their exact overlaps, as row indices (no id per pair).

    The families read every verified candidate, tens of millions at 100k documents, but
    only the reported pairs need their ids and MinHash estimate: :meth:`to_frame` builds
    those columns for the rows kept (:meth:`take`).

    Attributes
    ----------
    ids
        Unit ids, row-aligned with the sets (not copied).
    row_a, row_b
        int32 rows, ordered so that ``ids[row_a] < ids[row_b]`` and sorted by that pair
        of ids (code-point order, as the strings sort).
    overlap
        int32, ``|A ∩ B|``.
    sizes
        int32 set size of every unit (row-aligned with ``ids``): a pair's sizes are
        looked up where needed, not stored per pair (8 bytes a pair fewer).
    """

    ids: np.ndarray
    row_a: np.ndarray
    row_b: np.ndarray
    overlap: np.ndarray
    sizes: np.ndarray

    def __len__(self) -> int:
        return len(self.row_a)

    @property
    def size_a(self) -> np.ndarray:
        """int32 set size of each pair's first unit."""
        return self.sizes[self.row_a]

    @property
    def size_b(self) -> np.ndarray:
        """int32 set size of each pair's second unit."""
        return self.sizes[self.row_b]

    def _per_chunk(self, fn, dtype=np.float64) -> np.ndarray:
        """``fn(overlap, size_a, size_b)`` computed a chunk of pairs at a time into one
        array: the temporaries of each formula are a chunk long, not tens of millions."""
        out = np.empty(len(self), dtype=dtype)
        for s in range(0, len(self), _CHUNK):
            e = s + _CHUNK
            sa, sb = self.sizes[self.row_a[s:e]], self.sizes[self.row_b[s:e]]
            out[s:e] = fn(self.overlap[s:e], sa, sb)
        return out

    @staticmethod
    def _jaccard(ov, sa, sb):
        inter = ov.astype(np.float64)
        union = sa.astype(np.int64) + sb.astype(np.int64) - inter
        return inter / np.maximum(union, 1)

    @staticmethod
    def _c_ab(ov, sa, sb):
        return ov.astype(np.float64) / np.maximum(sa.astype(np.int64), 1)

    @staticmethod
    def _c_ba(ov, sa, sb):
        return ov.astype(np.float64) / np.maximum(sb.astype(np.int64), 1)

    def jaccard(self) -> np.ndarray:
        """float64 ``|A ∩ B| / |A ∪ B|`` (0 for two empty sets)."""
        return self._per_chunk(self._jaccard)

    def containment_ab(self) -> np.ndarray:
        """float64 share of a's shingles found in b."""
        return self._per_chunk(self._c_ab)

    def containment_ba(self) -> np.ndarray:
        """float64 share of b's shingles found in a."""
        return self._per_chunk(self._c_ba)

    def mean_containment(self) -> np.ndarray:
        """float64 ``(C(a→b) + C(b→a)) / 2``, the same values as from the two columns."""
        return self._per_chunk(
            lambda ov, sa, sb: (self._c_ab(ov, sa, sb) + self._c_ba(ov, sa, sb)) / 2
        )

    def report_mask(self, min_jaccard: float, min_containment: float) -> np.ndarray:
        """bool: ``J >= min_jaccard`` or ``max(C(a→b), C(b→a)) >= min_containment``."""
        return self._per_chunk(
            lambda ov, sa, sb: (
                (self._jaccard(ov, sa, sb) >= min_jaccard)
                | (np.maximum(self._c_ab(ov, sa, sb), self._c_ba(ov, sa, sb)) >= min_containment)
            ),
            dtype=bool,
        )

    def __getitem__(self, column: str) -> np.ndarray:
        """A measure by its column name in the pairs table (``jaccard``, ``containment_ab``,
        ``containment_ba``), computed on request."""
        measures = {
            schema.JACCARD: self.jaccard,
            schema.CONTAINMENT_AB: self.containment_ab,
            schema.CONTAINMENT_BA: self.containment_ba,
        }
        if column not in measures:
            raise KeyError(column)
        return measures[column]()

    def take(self, keep: np.ndarray) -> VerifiedPairs:
        """The pairs at ``keep`` (a boolean mask or positions), in their order."""
        return VerifiedPairs(
            self.ids,
            self.row_a[keep],
            self.row_b[keep],
            self.overlap[keep],
            self.sizes,
        )

    def to_frame(
        self,
        signatures: np.ndarray | None = None,
        *,
        a_column: str = schema.DOC_A,
        b_column: str = schema.DOC_B,
        rows: bool = True,
    ) -> pd.DataFrame:
        """The pairs as a table: ids, ``jaccard``, both containments, ``jaccard_minhash``
        (from row-aligned ``signatures``; NaN without) and, with ``rows``, ``row_a``,
        ``row_b`` (int64)."""
        ra = self.row_a.astype(np.int64)
        rb = self.row_b.astype(np.int64)
        # the ids as one string array, the columns taken from it (converting a Python
        # object per pair took seconds for millions of pairs)
        names = pd.array(np.asarray(self.ids, dtype=object), dtype="str")
        # one column at a time, each a block of its own (no stacked copy of all the columns)
        df = pd.DataFrame({a_column: names.take(ra), b_column: names.take(rb)})
        df[schema.JACCARD] = self.jaccard()
        df[schema.CONTAINMENT_AB] = self.containment_ab()
        df[schema.CONTAINMENT_BA] = self.containment_ba()
        df[schema.JACCARD_MINHASH] = (
            pair_minhash_jaccard(signatures, ra, rb)
            if signatures is not None
            else np.full(len(ra), np.nan)
        )
        if rows:
            df["row_a"] = ra
            df["row_b"] = rb
        return df


def _in_id_order(pairs: np.ndarray, order: np.ndarray) -> bool:
    """Whether ``pairs`` are already as :func:`verify_pairs` orders them: the rows are in
    id order (``order``, the stable argsort of the ids, is the identity), and the pairs are
    distinct, ``a < b`` and sorted by ``(a, b)``. Checked in chunks (bounded memory)."""
    if not np.array_equal(order, np.arange(len(order))):
        return False
    for s in range(0, len(pairs), _CHUNK):
        a = pairs[s : s + _CHUNK + 1, 0]
        b = pairs[s : s + _CHUNK + 1, 1]
        if not (a < b).all():
            return False
        up = (a[1:] > a[:-1]) | ((a[1:] == a[:-1]) & (b[1:] > b[:-1]))
        if not up.all():
            return False
    return True


def verify_pairs(shingled: Shingled, pairs: np.ndarray, *, n_jobs: int = 1) -> VerifiedPairs:
    """Exact overlaps of candidate pairs, oriented and sorted by id (no per-pair strings).

    Parameters
    ----------
    shingled
        Shingle sets (boilerplate already removed if wanted, see :func:`sets_without`).
    pairs
        ``(n, 2)`` row indices, each unordered pair once.
    n_jobs
        Threads counting the overlaps (:func:`overlap_counts`; the result does not depend
        on it).
    """
    pairs = np.asarray(pairs).reshape(-1, 2)
    n = len(shingled)
    ids = np.asarray(shingled.ids)
    # ids compared through their place in a stable sort of the strings (code-point order,
    # equal ids by row): each pair becomes one 64-bit key (smaller place, larger place),
    # and sorting the keys orders the pairs as sorting (doc_a, doc_b) would
    order = np.argsort(ids.astype(str), kind="stable")
    if _in_id_order(pairs, order):  # as the LSH gives them when the rows are in id order
        if pairs.dtype != _row_dtype(n):
            pairs = pairs.astype(_row_dtype(n))
        inter = overlap_counts(shingled, pairs, n_jobs=n_jobs)
        sizes = shingled.set_sizes().astype(np.int32)
        ra, rb = pairs[:, 0], pairs[:, 1]  # views: no second copy of the candidates
        return VerifiedPairs(ids, ra, rb, inter, sizes)
    place = np.empty(n, dtype=np.uint64)
    place[order] = np.arange(n, dtype=np.uint64)
    bits = _U64(max(1, (n - 1).bit_length()))
    if 2 * int(bits) > 64:  # pragma: no cover - more than 2**32 units
        raise ValueError("too many units for 64-bit pair keys")
    key = np.empty(len(pairs), dtype=np.uint64)
    for s in range(0, len(pairs), _CHUNK):
        pa, pb = place[pairs[s : s + _CHUNK, 0]], place[pairs[s : s + _CHUNK, 1]]
        key[s : s + _CHUNK] = (np.minimum(pa, pb) << bits) | np.maximum(pa, pb)
    del pairs
    key.sort()
    row_of = order.astype(_row_dtype(n))
    ra = np.empty(len(key), dtype=row_of.dtype)
    rb = np.empty(len(key), dtype=row_of.dtype)
    low = _U64((1 << int(bits)) - 1)
    for s in range(0, len(key), _CHUNK):
        ra[s : s + _CHUNK] = row_of[(key[s : s + _CHUNK] >> bits).astype(np.int64)]
        rb[s : s + _CHUNK] = row_of[(key[s : s + _CHUNK] & low).astype(np.int64)]
    del key
    inter = overlap_counts(shingled, np.stack([ra, rb], axis=1), n_jobs=n_jobs)
    return VerifiedPairs(ids, ra, rb, inter, shingled.set_sizes().astype(np.int32))


def score_pairs(
    shingled: Shingled,
    pairs: np.ndarray,
    *,
    signatures: np.ndarray | None = None,
    a_column: str = schema.DOC_A,
    b_column: str = schema.DOC_B,
    n_jobs: int = 1,
) -> pd.DataFrame:
    """Exact Jaccard, both containments and the MinHash estimate for candidate pairs.

    :func:`verify_pairs` as a table (:meth:`VerifiedPairs.to_frame`).

    Parameters
    ----------
    shingled
        Shingle sets (boilerplate already removed if wanted, see :func:`sets_without`).
    pairs
        ``(n, 2)`` row indices.
    signatures
        Row-aligned signatures for the ``jaccard_minhash`` column (NaN without).
    n_jobs
        Threads counting the overlaps (:func:`overlap_counts`; the result does not depend
        on it).

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_a``, ``doc_b`` (ids, ``doc_a < doc_b``), ``jaccard``,
        ``containment_ab`` (share of a's shingles found in b), ``containment_ba``,
        ``jaccard_minhash``, and ``row_a``, ``row_b`` (row indices).
    """
    return verify_pairs(shingled, pairs, n_jobs=n_jobs).to_frame(
        signatures, a_column=a_column, b_column=b_column
    )
