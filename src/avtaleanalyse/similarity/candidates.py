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

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from avtaleanalyse import schema
from avtaleanalyse.similarity.minhash import pair_minhash_jaccard
from avtaleanalyse.similarity.shingles import Shingled, sorted_unique, unique_inverse

__all__ = [
    "all_pairs_exact",
    "band_keys",
    "lsh_candidates",
    "lsh_params",
    "member_mask",
    "overlap_counts",
    "pairs_from_band_keys",
    "score_pairs",
    "sets_without",
]

_U64 = np.uint64


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
    sig = signatures.astype(np.uint64)
    n = len(sig)
    out = np.empty((n, bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(bands):
            acc = np.full(n, _U64(0x9E3779B97F4A7C15) + _U64(k), dtype=np.uint64)
            for j in range(k * rows, (k + 1) * rows):
                acc = (acc ^ sig[:, j]) * _U64(0xBF58476D1CE4E5B9)
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
    chunks: list[np.ndarray] = []
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
            chunks.append(np.stack([np.minimum(a, b), np.maximum(a, b)], axis=1))
    if not chunks:
        return np.empty((0, 2), dtype=np.int64)
    allp = np.concatenate(chunks)
    code = sorted_unique(allp[:, 0] * np.int64(n) + allp[:, 1])
    return np.stack([code // n, code % n], axis=1)


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
    out = np.zeros(len(values), dtype=bool)
    if len(ref) == 0:
        return out
    for s in range(0, len(values), chunk):
        v = values[s : s + chunk]
        order = np.argsort(v)  # sorted queries: cache-friendly search
        vs = v[order]
        pos = np.searchsorted(ref, vs)
        pos[pos >= len(ref)] = 0
        out[s + order] = ref[pos] == vs
    return out


def _sets_from_sequences(
    shingled: Shingled, exclude: np.ndarray | None, *, chunk: int = 2000
) -> Shingled:
    """Distinct sorted sets per unit built from the sequences, minus ``exclude``."""
    n = len(shingled)
    parts, counts = [], np.zeros(n, dtype=np.int64)
    ex = np.asarray(exclude if exclude is not None else [], dtype=np.uint32)
    for lo in range(0, n, chunk):
        hi = min(lo + chunk, n)
        a, b = shingled.seq_offsets[lo], shingled.seq_offsets[hi]
        unit = np.repeat(
            np.arange(hi - lo, dtype=np.uint64), np.diff(shingled.seq_offsets[lo : hi + 1])
        )
        combo = sorted_unique((unit << np.uint64(32)) | shingled.seq[a:b].astype(np.uint64))
        vals = (combo & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        keep = ~member_mask(vals, ex)
        parts.append(vals[keep])
        counts[lo:hi] = np.bincount(
            (combo[keep] >> np.uint64(32)).astype(np.int64), minlength=hi - lo
        )
    offs = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=offs[1:])
    return Shingled(
        ids=shingled.ids,
        seq_offsets=shingled.seq_offsets,
        seq=shingled.seq,
        set_offsets=offs,
        sets=np.concatenate(parts) if parts else np.empty(0, dtype=np.uint32),
        n_tokens=shingled.n_tokens,
        ngram=shingled.ngram,
    )


def sets_without(shingled: Shingled, exclude: np.ndarray | None) -> Shingled:
    """``shingled`` with the hashes in ``exclude`` (sorted uint32) removed from every set."""
    if shingled.sets is None:
        return _sets_from_sequences(shingled, exclude)
    if exclude is None or len(exclude) == 0:
        return shingled
    keep = ~member_mask(shingled.sets, np.asarray(exclude, dtype=np.uint32))
    gone = np.flatnonzero(~keep)  # few: only boilerplate occurrences
    unit = np.searchsorted(shingled.set_offsets, gone, side="right") - 1
    per_unit = np.bincount(unit, minlength=len(shingled))
    offs = shingled.set_offsets.copy()
    offs[1:] -= np.cumsum(per_unit)
    return Shingled(
        ids=shingled.ids,
        seq_offsets=shingled.seq_offsets,
        seq=shingled.seq,
        set_offsets=offs,
        sets=shingled.sets[keep],
        n_tokens=shingled.n_tokens,
        ngram=shingled.ngram,
    )


def _incidence(shingled: Shingled, rows: np.ndarray) -> sp.csr_matrix:
    offs = shingled.set_offsets
    lens = (offs[rows + 1] - offs[rows]).astype(np.int64)
    idx = np.concatenate([np.arange(offs[r], offs[r + 1]) for r in rows]) if len(rows) else []
    vals = shingled.sets[np.asarray(idx, dtype=np.int64)]
    uniq, cols = unique_inverse(vals)
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(lens, out=indptr[1:])
    data = np.ones(len(cols), dtype=np.float32)
    return sp.csr_matrix((data, cols.astype(np.int64), indptr), shape=(len(rows), len(uniq)))


def overlap_counts(shingled: Shingled, pairs: np.ndarray, *, block_rows: int = 2000) -> np.ndarray:
    """Exact ``|A ∩ B|`` for each pair of rows of ``shingled`` (sparse products per component).

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
    comp_of_pair = labels[pairs[:, 0]]
    order = np.argsort(comp_of_pair, kind="stable")
    comp_sorted = comp_of_pair[order]
    brk = np.flatnonzero(comp_sorted[1:] != comp_sorted[:-1]) + 1
    for grp in np.split(order, brk):
        pa, pb = pairs[grp, 0], pairs[grp, 1]
        members = sorted_unique(np.concatenate([pa, pb]))
        local = {int(m): i for i, m in enumerate(members)}
        la = np.array([local[int(x)] for x in pa], dtype=np.int64)
        lb = np.array([local[int(x)] for x in pb], dtype=np.int64)
        x = _incidence(shingled, members)
        xt = x.T.tocsr()
        if len(members) <= block_rows:
            gram = (x @ xt).tocsr()
            out[grp] = np.asarray(gram[la, lb]).ravel().astype(np.int64)
        else:
            for s in range(0, len(members), block_rows):
                sel = (la >= s) & (la < s + block_rows)
                if not sel.any():
                    continue
                gram = (x[s : s + block_rows] @ xt).tocsr()
                out[grp[sel]] = np.asarray(gram[la[sel] - s, lb[sel]]).ravel().astype(np.int64)
    return out


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
    ids = shingled.ids.astype(str)
    swap = ids[pairs[:, 0]] > ids[pairs[:, 1]]
    ra = np.where(swap, pairs[:, 1], pairs[:, 0])
    rb = np.where(swap, pairs[:, 0], pairs[:, 1])
    inter = overlap_counts(shingled, np.stack([ra, rb], axis=1))
    sizes = shingled.set_sizes()
    sa, sb = sizes[ra], sizes[rb]
    union = sa + sb - inter
    est = (
        pair_minhash_jaccard(signatures, ra, rb)
        if signatures is not None
        else np.full(len(ra), np.nan)
    )
    df = pd.DataFrame(
        {
            a_column: ids[ra],
            b_column: ids[rb],
            schema.JACCARD: inter / np.maximum(union, 1),
            schema.CONTAINMENT_AB: inter / np.maximum(sa, 1),
            schema.CONTAINMENT_BA: inter / np.maximum(sb, 1),
            schema.JACCARD_MINHASH: est,
            "row_a": ra,
            "row_b": rb,
        }
    )
    return df.sort_values([a_column, b_column], kind="mergesort").reset_index(drop=True)
