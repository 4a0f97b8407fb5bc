"""Candidate pairs by LSH banding, then exact Jaccard and both containments.

The banding follows :class:`datasketch.MinHashLSH` exactly: the same ``(b, r)`` from
``datasketch.lsh._optimal_param`` and the same rule (two signatures are candidates when all
``r`` values of some band agree). It is split into a map step (:func:`band_keys`, one
partition of signatures in, band keys out) and a reduce step (:func:`pairs_from_band_keys`,
a group-by over all keys), so a distributed engine can run it unchanged.

Exact overlaps are computed per connected component of the candidate graph with a sparse
matrix product (``X @ X.T`` on that component's shingle incidence matrix), the same
computation that :func:`all_pairs_exact` runs on the whole corpus as the reference.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

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
    "all_pairs_exact",
    "band_keys",
    "first_equal_rows",
    "identical_columns",
    "lsh_candidates",
    "lsh_params",
    "member_mask",
    "overlap_counts",
    "pairs_from_band_keys",
    "score_pairs",
    "sets_without",
]

_U64 = np.uint64
#: Pending candidate codes above which (and above the distinct ones so far) they are merged.
_DEDUP_AT = 1 << 22


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
    n = len(signatures)
    out = np.empty((n, bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(bands):
            acc = np.full(n, _U64(0x9E3779B97F4A7C15) + _U64(k), dtype=np.uint64)
            for j in range(k * rows, (k + 1) * rows):
                # one column at a time (no uint64 copy of all signatures)
                acc = (acc ^ signatures[:, j].astype(np.uint64)) * _U64(0xBF58476D1CE4E5B9)
                acc ^= acc >> _U64(29)
            out[:, k] = acc
    return out


def pairs_from_band_keys(
    keys: np.ndarray, *, valid: np.ndarray | None = None, max_bucket: int = 20_000
) -> np.ndarray:
    """All pairs ``(i, j)``, ``i < j``, that share a key in some band (reduce step).

    Parameters
    ----------
    keys
        ``(n, bands)`` output of :func:`band_keys` over the whole corpus.
    valid
        Boolean mask of rows that take part (e.g. non-empty documents).
    max_bucket
        Buckets larger than this are skipped (a guard against degenerate signatures).

    Returns
    -------
    numpy.ndarray
        ``(n_pairs, 2)`` int64, sorted, distinct.
    """
    n, bands = keys.shape
    rows_all = np.arange(n, dtype=np.int64) if valid is None else np.flatnonzero(valid)
    # pairs as codes i * n + j, deduplicated whenever the pending ones outgrow the distinct
    # ones found so far (bounded memory: a pair recurs in many bands)
    found = np.empty(0, dtype=np.int64)
    chunks: list[np.ndarray] = []
    pending = 0
    tri_cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for k in range(bands):
        col = keys[rows_all, k]
        order = np.argsort(col, kind="stable")
        sk = col[order]
        if len(sk) < 2:
            continue
        brk = np.flatnonzero(sk[1:] != sk[:-1]) + 1
        starts = np.concatenate(([0], brk))
        ends = np.concatenate((brk, [len(sk)]))
        sizes = ends - starts
        for size in np.unique(sizes[(sizes >= 2) & (sizes <= max_bucket)]):
            size = int(size)
            if size not in tri_cache:
                tri_cache[size] = np.triu_indices(size, 1)
            ti, tj = tri_cache[size]
            st = starts[sizes == size]
            members = order[st[:, None] + np.arange(size)[None, :]]  # (groups, size)
            a = rows_all[members[:, ti]].ravel()
            b = rows_all[members[:, tj]].ravel()
            chunks.append(np.minimum(a, b) * np.int64(n) + np.maximum(a, b))
            pending += len(chunks[-1])
        if pending > max(len(found), _DEDUP_AT):
            found = sorted_unique(np.concatenate([found, *chunks]))
            chunks, pending = [], 0
    if chunks:
        found = sorted_unique(np.concatenate([found, *chunks]))
    del chunks
    return np.stack([found // n, found % n], axis=1)


def lsh_candidates(
    signatures: np.ndarray, *, threshold: float = 0.4, valid: np.ndarray | None = None
) -> np.ndarray:
    """Candidate pairs as :class:`datasketch.MinHashLSH` at ``threshold`` would return them.

    Returns
    -------
    numpy.ndarray
        ``(n_pairs, 2)`` int64 row indices, ``i < j``, sorted.
    """
    b, r = lsh_params(threshold, signatures.shape[1])
    return pairs_from_band_keys(band_keys(signatures, bands=b, rows=r), valid=valid)


def member_mask(values: np.ndarray, ref: np.ndarray, *, chunk: int = 1 << 22) -> np.ndarray:
    """``values ∈ ref`` for a sorted ``ref``, in chunks (bounded memory)."""
    return in_sorted(values, ref, chunk=chunk)


def _excluded_counts(
    shingled: Shingled, exclude: np.ndarray, *, chunk: int = 1 << 24
) -> np.ndarray:
    """Per unit, how many distinct hashes of ``exclude`` its sequence holds."""
    n = len(shingled)
    counts = np.zeros(n, dtype=np.int64)
    if len(exclude) == 0 or n == 0:
        return counts
    seq, offs = shingled.seq, shingled.seq_offsets
    keys = []
    for s in range(0, len(seq), chunk):
        hit = np.flatnonzero(in_sorted(seq[s : s + chunk], exclude)) + s
        if len(hit):
            unit = np.searchsorted(offs, hit, side="right") - 1
            keys.append((unit.astype(np.uint64) << _U64(32)) | seq[hit].astype(np.uint64))
    if keys:
        k = sorted_unique(np.concatenate(keys))
        counts += np.bincount((k >> _U64(32)).astype(np.int64), minlength=n)
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


def overlap_counts(shingled: Shingled, pairs: np.ndarray, *, block_rows: int = 2000) -> np.ndarray:
    """Exact ``|A ∩ B|`` for each pair of rows of ``shingled`` (matrix products per component).

    Per connected component of the pairs, the shingle incidence matrix ``X`` of its members
    gives every overlap as an entry of ``X @ X.T``. Shingles held by a large share of the
    members go into a dense block (a BLAS product: cost ``m**2`` per shingle), the rest
    into a sparse one (cost ``df**2`` per shingle); shingles of a single member add nothing
    to an overlap between two members and are left out. Shingles held by exactly the same
    members (a copied paragraph) are one weighted column (:func:`identical_columns`): on
    template corpora that is a third to a quarter of the columns and of the products' work.
    All counts are exact integers.

    Returns
    -------
    numpy.ndarray
        int64, one count per pair.
    """
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    out = np.zeros(len(pairs), dtype=np.int64)
    if len(pairs) == 0:
        return out
    n = len(shingled)
    g = sp.coo_matrix(
        (np.ones(len(pairs), dtype=np.int8), (pairs[:, 0], pairs[:, 1])), shape=(n, n)
    )
    _, labels = connected_components(g, directed=False)
    del g
    comp_of_pair = labels[pairs[:, 0]]
    order = np.argsort(comp_of_pair, kind="stable")
    comp_sorted = comp_of_pair[order]
    brk = np.flatnonzero(comp_sorted[1:] != comp_sorted[:-1]) + 1
    del comp_of_pair, comp_sorted
    for grp in np.split(order, brk):
        pa, pb = pairs[grp, 0], pairs[grp, 1]
        members = sorted_unique(np.concatenate([pa, pb]))
        la = np.searchsorted(members, pa)
        lb = np.searchsorted(members, pb)
        out[grp] = _component_overlaps(shingled, members, la, lb, block_rows=block_rows)
    return out


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


def _mix64(x: np.ndarray, salt: int) -> np.ndarray:
    """SplitMix64 finaliser of ``x + salt`` (uint64; a well-spread hash of small integers)."""
    with np.errstate(over="ignore"):
        z = x.astype(np.uint64) + _U64(salt)
        z = (z ^ (z >> _U64(30))) * _U64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> _U64(27))) * _U64(0x94D049BB133111EB)
        return z ^ (z >> _U64(31))


def identical_columns(
    row: np.ndarray, col: np.ndarray, n_cols: int, *, chunk: int = 1 << 22
) -> np.ndarray:
    """Columns of a 0/1 incidence matrix that hold exactly the same rows, merged.

    ``row``, ``col``: the non-zero entries (each ``(row, col)`` once). Shingles copied
    together (a template paragraph in every copy) occur in the same documents, so one
    weighted column stands for all of them: ``X @ X.T`` is unchanged when each group of
    equal columns is replaced by its first column times the group's size.

    Columns are grouped by their size and two independent 64-bit sums of hashed rows, and
    every merge is then checked entry by entry; if any check failed (a hash collision), no
    column is merged, so the result is always exact.

    Returns
    -------
    numpy.ndarray
        int64 weight per column: the group size for the first column of each group (by
        index), 0 for the columns merged into it.
    """
    df = np.bincount(col, minlength=n_cols)
    weight = np.ones(n_cols, dtype=np.int64)
    if n_cols < 2:
        return weight
    # entries by column, rows ascending within each (the merge check compares positions)
    if len(row) > 1 and not bool(np.all(row[1:] >= row[:-1])):
        by_row = np.argsort(row, kind="stable")
        row, col = row[by_row], col[by_row]
        del by_row
    # sort_with_order keeps one column's entries in entry order (were it not to, the check
    # below would fail and merge nothing: slower, still exact)
    by_col, _ = sort_with_order(col.astype(np.uint32))
    rows_by_col = row[by_col]
    del by_col
    starts = np.zeros(n_cols, dtype=np.int64)
    np.cumsum(df[:-1], out=starts[1:])
    present = df > 0
    h1 = np.zeros(n_cols, dtype=np.uint64)
    h2 = np.zeros(n_cols, dtype=np.uint64)
    h1[present] = np.add.reduceat(_mix64(rows_by_col, 0x9E3779B97F4A7C15), starts[present])
    h2[present] = np.add.reduceat(_mix64(rows_by_col, 0x632BE59BD9B4E019), starts[present])
    order = np.lexsort((np.arange(n_cols), h2, h1, df))  # groups; first column first
    same = (df[order][1:] == df[order][:-1]) & (h1[order][1:] == h1[order][:-1])
    same &= (h2[order][1:] == h2[order][:-1]) & present[order][1:]
    if not same.any():
        return weight
    # representative of each column: the first of its run in ``order``
    run_start = np.flatnonzero(np.concatenate(([True], ~same)))
    run_id = np.cumsum(np.concatenate(([True], ~same))) - 1
    rep = np.empty(n_cols, dtype=np.int64)
    rep[order] = order[run_start[run_id]]
    merged = np.flatnonzero(rep != np.arange(n_cols))
    # check: each merged column's rows equal its representative's, position by position (in
    # chunks of columns: bounded memory)
    ends = np.cumsum(df[merged])
    cut = np.searchsorted(ends, np.arange(chunk, int(ends[-1]), chunk))
    for part in np.split(merged, np.unique(cut)):
        lens = df[part]
        pos = np.repeat(starts[part] - np.cumsum(lens) + lens, lens) + np.arange(int(lens.sum()))
        shift = np.repeat(starts[part] - starts[rep[part]], lens)
        if not np.array_equal(rows_by_col[pos], rows_by_col[pos - shift]):
            return weight  # a collision: merge nothing
        del pos, shift
    weight[merged] = 0
    np.add.at(weight, rep[merged], 1)
    return weight


def _component_overlaps(
    shingled: Shingled,
    members: np.ndarray,
    la: np.ndarray,
    lb: np.ndarray,
    *,
    block_rows: int = 2000,
    dense_share: float = 1 / 16,
    max_block_bytes: int = 1 << 26,
) -> np.ndarray:
    """Overlaps of the member pairs ``(la[i], lb[i])`` (local indices) of one component."""
    m = len(members)
    vals, lens = shingled.sets_of(members)
    doc = np.repeat(np.arange(m, dtype=np.int32), lens)
    _, col = unique_inverse(vals)
    del vals
    df = np.bincount(col)
    # a shingle of one member only counts for a pair of a member with itself
    min_df = 1 if (la == lb).any() else 2
    used = df >= min_df
    # shingles in the same members: one column, weighted (``identical_columns``)
    weight = np.ones(len(df), dtype=np.int64)
    if used.all():
        weight = identical_columns(doc, col, len(df))
    elif used.any():
        sel = used[col]
        sub = np.flatnonzero(used)
        weight[sub] = identical_columns(doc[sel], np.searchsorted(sub, col[sel]), len(sub))
        del sel
    used &= weight > 0
    heavy = used & (df >= int(np.ceil(m * dense_share)))
    light = used & ~heavy
    counts = np.zeros(len(la), dtype=np.float64)  # sums of exact integers
    pair_order = np.argsort(la, kind="stable")
    la_sorted = la[pair_order]

    def pairs_in(lo: int, hi: int) -> np.ndarray:
        """Positions of the pairs whose first member is in rows ``lo:hi``."""
        return pair_order[np.searchsorted(la_sorted, lo) : np.searchsorted(la_sorted, hi)]

    # sparse part: the rarer shingles
    if light.any():
        keep = light[col]
        newcol = np.cumsum(light) - 1
        x = sp.csr_matrix(
            (
                weight[col[keep]].astype(np.float32),
                (doc[keep], newcol[col[keep]]),
            ),
            shape=(m, int(light.sum())),
        )
        del keep, newcol
        xt = x.T.tocsr()  # a new matrix: 0/1 on this side, the weights on the other
        xt.data = np.ones_like(xt.data)
        # rows per product: its result is read as a dense block (sampling a CSR matrix with
        # unsorted indices scans whole rows)
        step = max(1, min(block_rows, max_block_bytes // (4 * m)))
        for s in range(0, m, step):
            sel = pairs_in(s, s + step)
            if not len(sel):
                continue
            gram = (x[s : s + step] @ xt).toarray()
            counts[sel] += gram[la[sel] - s, lb[sel]]
            del gram
        del x, xt
    # dense part: the shingles a large share of the members hold, in blocks of columns
    if heavy.any():
        keep = heavy[col]
        hcol = (np.cumsum(heavy) - 1)[col[keep]]
        hdoc = doc[keep]
        del keep
        hweight = weight[heavy].astype(np.float32)
        by_col = np.argsort(hcol, kind="stable")
        hcol, hdoc = hcol[by_col], hdoc[by_col]
        n_heavy = int(heavy.sum())
        width = max(1, min(n_heavy, max_block_bytes // (4 * m)))
        rows = max(1, min(m, max_block_bytes // (4 * m)))
        col_starts = np.searchsorted(hcol, np.arange(0, n_heavy + width, width))
        for k, c0 in enumerate(range(0, n_heavy, width)):
            a, b = col_starts[k], col_starts[k + 1]
            xd = np.zeros((m, min(width, n_heavy - c0)), dtype=np.float32)
            xd[hdoc[a:b], hcol[a:b] - c0] = 1.0
            w = hweight[c0 : c0 + xd.shape[1]]
            for s in range(0, m, rows):
                sel = pairs_in(s, s + rows)
                if not len(sel):
                    continue
                gram = (xd[s : s + rows] * w) @ xd.T
                counts[sel] += gram[la[sel] - s, lb[sel]]
            del xd
    return counts.astype(np.int64)


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


def score_pairs(
    shingled: Shingled,
    pairs: np.ndarray,
    *,
    signatures: np.ndarray | None = None,
    a_column: str = schema.DOC_A,
    b_column: str = schema.DOC_B,
) -> pd.DataFrame:
    """Exact Jaccard, both containments and the MinHash estimate for candidate pairs.

    Parameters
    ----------
    shingled
        Shingle sets (boilerplate already removed if wanted, see :func:`sets_without`).
    pairs
        ``(n, 2)`` row indices.
    signatures
        Row-aligned signatures for the ``jaccard_minhash`` column (NaN without).

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_a``, ``doc_b`` (ids, ``doc_a < doc_b``), ``jaccard``,
        ``containment_ab`` (share of a's shingles found in b), ``containment_ba``,
        ``jaccard_minhash``, and ``row_a``, ``row_b`` (row indices).
    """
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    # ids compared through their dense rank in code-point order: the same order and ties as
    # comparing the strings, without per-pair string copies
    ids = np.asarray(shingled.ids).astype(str)
    _, rank = unique_inverse(ids)
    swap = rank[pairs[:, 0]] > rank[pairs[:, 1]]
    ra = np.where(swap, pairs[:, 1], pairs[:, 0])
    rb = np.where(swap, pairs[:, 0], pairs[:, 1])
    del swap, pairs
    # sorted by (doc_a, doc_b), stable as the mergesort of the string columns
    order = np.lexsort((rank[rb], rank[ra]))
    ra, rb = ra[order], rb[order]
    del order
    inter = overlap_counts(shingled, np.stack([ra, rb], axis=1)).astype(np.float64)
    sizes = shingled.set_sizes()
    # the ids as shared Python strings (no fixed-width copy per pair; the same str dtype)
    names = ids.astype(object) if len(ra) else ids
    # one column at a time, each a block of its own (no stacked copy of all the columns)
    df = pd.DataFrame({a_column: names[ra], b_column: names[rb]})
    sa, sb = sizes[ra], sizes[rb]
    df[schema.JACCARD] = inter / np.maximum(sa + sb - inter, 1)
    df[schema.CONTAINMENT_AB] = inter / np.maximum(sa, 1)
    df[schema.CONTAINMENT_BA] = inter / np.maximum(sb, 1)
    del sa, sb, inter
    df[schema.JACCARD_MINHASH] = (
        pair_minhash_jaccard(signatures, ra, rb)
        if signatures is not None
        else np.full(len(ra), np.nan)
    )
    df["row_a"] = ra
    df["row_b"] = rb
    return df
