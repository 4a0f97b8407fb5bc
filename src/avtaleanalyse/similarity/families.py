"""Boilerplate shingles and template families (versions of one text).

Families are found on the verified candidate pairs: documents are linked when their
*containment-aware* similarity (the mean of the two containments, so that a copy with
added local text still links to its template) reaches a threshold; each connected component
is then split by average-linkage clustering on ``1 - similarity`` (missing pairs count as
dissimilar), which stops chaining between two families joined by one borderline pair.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from avtaleanalyse import schema
from avtaleanalyse.similarity.shingles import (
    Shingled,
    unique_counts,
)

__all__ = [
    "boilerplate_shingles",
    "cluster_families",
    "families_from_rows",
    "families_from_verified",
    "pair_similarity",
]


def boilerplate_shingles(
    shingled: Shingled,
    *,
    max_df: float = 0.3,
    min_documents: int = 50,
    sample: int = 20_000,
    seed: int = 1,
) -> np.ndarray:
    """Shingles found in more than ``max_df`` of all documents (in passim text).

    Parameters
    ----------
    shingled
        Document shingles.
    max_df
        Share of documents above which a shingle counts as boilerplate.
    min_documents
        Below this corpus size nothing is boilerplate (shares are meaningless).
    sample
        Estimate document frequencies on at most this many documents (seeded sample).
    seed
        Seed of the sample.

    Returns
    -------
    numpy.ndarray
        Sorted distinct uint32 hashes.
    """
    n = len(shingled)
    if n < min_documents:
        return np.empty(0, dtype=np.uint32)
    rows = np.arange(n)
    if n > sample:
        rows = np.sort(np.random.default_rng(seed).choice(n, size=sample, replace=False))
    vals = np.concatenate([shingled.set_of(int(i)) for i in rows])
    uniq, counts = unique_counts(vals)
    return uniq[counts > max_df * len(rows)].astype(np.uint32)


def pair_similarity(pairs, *, measure: str = "mean_containment") -> np.ndarray:
    """Similarity used for clustering: ``mean_containment``, ``max_containment`` or ``jaccard``.

    ``pairs``: a scored pairs table, or anything that gives those columns by name
    (:class:`~avtaleanalyse.similarity.candidates.VerifiedPairs`).
    """
    if measure == "mean_containment" and hasattr(pairs, "mean_containment"):
        return pairs.mean_containment()  # VerifiedPairs: chunk by chunk, same values
    if measure == "jaccard":
        return np.asarray(pairs[schema.JACCARD], dtype=float)
    ab = np.asarray(pairs[schema.CONTAINMENT_AB], dtype=float)
    ba = np.asarray(pairs[schema.CONTAINMENT_BA], dtype=float)
    if measure == "mean_containment":
        return (ab + ba) / 2
    if measure == "max_containment":
        return np.maximum(ab, ba)
    raise ValueError(f"unknown similarity measure {measure!r}")


def cluster_families(
    pairs: pd.DataFrame,
    doc_ids: np.ndarray | list[str],
    *,
    measure: str = "mean_containment",
    **params,
) -> pd.DataFrame:
    """Cluster documents into template families.

    Parameters
    ----------
    pairs
        Scored pairs (:func:`~avtaleanalyse.similarity.candidates.score_pairs`).
    doc_ids
        Every document id (documents without a pair become one-member families).
    measure
        See :func:`pair_similarity`.
    **params
        ``threshold``, ``method``, ``max_component``, ``attach_threshold``,
        ``attach_margin``: see :func:`families_from_rows`.

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_id``, ``family_id`` (``"F0001"`` …, numbered by the smallest member
        id), ``family_size``, ``family_cohesion`` (mean similarity of a member to the rest
        of its family over the scored pairs; 1.0 for a one-member family).
    """
    ids = np.asarray(sorted(map(str, doc_ids)))
    none = np.empty(0, dtype=np.int64)
    if len(ids) == 0:
        return families_from_rows(ids, none, none, np.empty(0), **params)
    sim = pair_similarity(pairs, measure=measure) if len(pairs) else np.empty(0)
    a = _rows(ids, pairs[schema.DOC_A]) if len(pairs) else none
    b = _rows(ids, pairs[schema.DOC_B]) if len(pairs) else none
    return families_from_rows(ids, a, b, sim, **params)


def families_from_verified(
    verified, *, measure: str = "mean_containment", **params
) -> pd.DataFrame:
    """:func:`cluster_families` on :class:`~avtaleanalyse.similarity.candidates.VerifiedPairs`
    (row indices and overlaps: no id string per pair, for tens of millions of candidates).

    ``params``: the clustering parameters of :func:`families_from_rows`.
    """
    return families_from_rows(*verified_inputs(verified, measure=measure), **params)


def verified_inputs(
    verified, *, measure: str = "mean_containment"
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The arguments ``ids, a, b, sim`` of :func:`families_from_rows` for
    :class:`~avtaleanalyse.similarity.candidates.VerifiedPairs` (a caller that drops the
    verified pairs afterwards no longer holds their overlaps and set sizes)."""
    ids = np.asarray(verified.ids).astype(str)
    order = np.argsort(ids, kind="stable")
    if np.array_equal(order, np.arange(len(ids))):  # rows in id order: rows are places
        a, b = verified.row_a, verified.row_b
    else:
        position = np.empty(len(ids), dtype=verified.row_a.dtype)
        position[order] = np.arange(len(ids))  # row -> place among the sorted ids
        a, b = position[verified.row_a], position[verified.row_b]
    return ids[order], a, b, pair_similarity(verified, measure=measure)


def families_from_rows(
    ids: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    sim: np.ndarray,
    *,
    threshold: float = 0.8,
    method: str = "average",
    max_component: int = 5000,
    attach_threshold: float | None = 0.5,
    attach_margin: float = 0.1,
    n_jobs: int = 1,
) -> pd.DataFrame:
    """Template families from scored pairs given as positions in ``ids`` (no id per pair).

    Parameters
    ----------
    ids
        Every document id, sorted (code-point order); documents without a pair become
        one-member families.
    a, b
        Integer positions in ``ids`` of each scored pair's two documents.
    sim
        float64 similarity of each pair (:func:`pair_similarity`).
    threshold
        Minimum similarity for two documents to be near-copies of one text (the cores).
    method
        ``scipy.cluster.hierarchy.linkage`` method inside each component.
    max_component
        Components larger than this are kept whole (no hierarchical split).
    attach_threshold
        A small core (a satellite, at most half the size) joins a larger one when their
        mean similarity over scored pairs reaches this value ... (``None``: no attaching;
        the cores are the families).
    attach_margin
        ... and exceeds its similarity to every other core by at least this much. A
        heavily edited copy is then placed with the template it is clearly closest to,
        while two agreements of one trust that share only boilerplate stay apart.
    n_jobs
        Threads for the attaching (the result does not depend on it).

    Returns
    -------
    pandas.DataFrame
        As :func:`cluster_families`.
    """
    from avtaleanalyse.similarity.kernels import same_label, within_label_sums

    ids = np.asarray(ids)
    n = len(ids)
    if n == 0:
        return pd.DataFrame(
            {schema.DOC_ID: [], schema.FAMILY_ID: [], "family_size": [], "family_cohesion": []}
        )
    # int32 positions are used as they are (half the memory of int64 for tens of millions)
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype.kind not in "iu" or b.dtype.kind not in "iu":
        raise TypeError("pair positions must be integers")
    sim = np.asarray(sim, dtype=np.float64)
    n_pairs = len(sim)
    keep = sim >= threshold
    g = coo_matrix((np.ones(int(keep.sum())), (a[keep], b[keep])), shape=(n, n))
    _, comp = connected_components(g, directed=False)
    # int32 labels: the arrays indexed by them per pair are tens of millions long at 100k
    label = np.full(n, -1, dtype=np.int32)
    next_label = 0
    # group documents and (within-component) pairs by component once
    doc_order = np.argsort(comp, kind="stable")
    comp_sorted = comp[doc_order]
    doc_groups = np.split(doc_order, np.flatnonzero(np.diff(comp_sorted)) + 1)
    same = same_label(a, b, comp) if n_pairs else np.zeros(0, dtype=bool)
    pidx = np.flatnonzero(same)
    pcomp = comp[a[pidx]] if len(pidx) else np.zeros(0, dtype=np.int64)
    porder = np.argsort(pcomp, kind="stable")
    pidx, pcomp = pidx[porder], pcomp[porder]
    pstart = np.searchsorted(pcomp, np.arange(comp.max() + 2 if n else 1))
    local = np.full(n, -1, dtype=np.int64)
    for members in doc_groups:
        m = len(members)
        c = int(comp[members[0]])
        if m <= 2 or m > max_component:
            label[members] = next_label
            next_label += 1
            continue
        sel = pidx[pstart[c] : pstart[c + 1]]
        if len(sel) == m * (m - 1) // 2 and (1.0 - sim[sel]).max() < 1.0 - threshold - 1e-9:
            # every pair scored and clearly within the cut: every average merges below it,
            # so the linkage would keep the component whole
            label[members] = next_label
            next_label += 1
            continue
        local[members] = np.arange(m)
        dist = np.ones((m, m), dtype=np.float64)
        la, lb = local[a[sel]], local[b[sel]]
        dist[la, lb] = dist[lb, la] = 1.0 - sim[sel]
        np.fill_diagonal(dist, 0.0)
        iu = np.triu_indices(m, 1)
        z = linkage(dist[iu], method=method)
        sub = fcluster(z, t=1.0 - threshold, criterion="distance")
        for s_ in np.unique(sub):
            label[members[sub == s_]] = next_label
            next_label += 1
    del same, pidx, pcomp, porder, pstart, keep, g  # before the attaching's temporaries
    if attach_threshold is not None and n_pairs:
        label = _attach(label, a, b, sim, attach_threshold, attach_margin, n_jobs=n_jobs)
    # number families by their smallest member id (ids are sorted)
    first_pos: dict[int, int] = {}
    for i, lab in enumerate(label):
        first_pos.setdefault(int(lab), i)
    order = sorted(first_pos, key=first_pos.get)
    fam_no = {lab: k + 1 for k, lab in enumerate(order)}
    width = max(4, len(str(len(order))))
    fam = np.array([f"F{fam_no[int(lab)]:0{width}d}" for lab in label], dtype=object)
    sizes = pd.Series(fam).map(pd.Series(fam).value_counts()).to_numpy()
    # cohesion: mean similarity to same-family members over scored pairs
    tot, cnt = within_label_sums(a, b, sim, label)  # one family per final label
    denom = np.maximum(sizes - 1, 1)
    cohesion = np.where(sizes > 1, tot / denom, 1.0)
    return pd.DataFrame(
        {
            schema.DOC_ID: ids,
            schema.FAMILY_ID: fam,
            "family_size": sizes.astype(np.int64),
            "family_cohesion": cohesion,
        }
    )


def _rows(ids: np.ndarray, values: pd.Series) -> np.ndarray:
    """Position of each of ``values`` in ``ids``, looked up in Arrow (no Python object per
    pair: the pairs are millions at 100k documents)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    found = pc.index_in(pa.array(values, type=pa.string()), value_set=pa.array(ids, pa.string()))
    if found.null_count:
        missing = values[np.asarray(found.is_null())].iloc[0]
        raise KeyError(f"pair member {missing!r} is not among the document ids")
    return found.to_numpy(zero_copy_only=False).astype(np.int64)


def _attach(
    label: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    sim: np.ndarray,
    threshold: float,
    margin: float,
    *,
    min_coverage: float = 0.5,
    chunk: int = 1 << 23,
    n_jobs: int = 1,
) -> np.ndarray:
    """Join each core to the larger core it is clearly closest to.

    The similarity of core ``c`` to core ``d`` is the mean over the scored pairs between
    them, counted only when at least ``min_coverage`` of ``d``'s members have a scored pair
    with ``c`` (the pairs table holds only candidate pairs). ``c`` joins its most similar
    core ``d`` when ``c`` is a satellite (at most half the size of ``d``), the similarity
    reaches ``threshold``, and it beats by ``margin`` every other core that is not itself
    heading for ``d``. Decisions are taken on the cores all at once and followed to a core
    that joins nothing (joins go to strictly larger cores, so there are no cycles).
    ``n_jobs`` threads take ranges of source cores (the result does not depend on it).
    """
    from avtaleanalyse.similarity.kernels import core_links, core_pair_counts

    label = np.asarray(label)
    n_cores = int(label.max()) + 1
    label32 = label.astype(np.int32)
    # directed pairs between cores per source core; the links are aggregated for a range
    # of source cores holding about ``chunk`` of them at a time, in one compiled pass
    # over the pairs per range (no array as long as the pairs is built)
    side_counts = core_pair_counts(a, b, label32, n_cores)
    per_core = np.cumsum(side_counts.sum(axis=1))
    if not per_core[-1]:
        return label
    size = np.bincount(label, minlength=n_cores)
    cuts = np.searchsorted(per_core, np.arange(chunk, int(per_core[-1]), chunk), side="right")
    bounds = np.unique(np.concatenate([[0], cuts, [n_cores]]))
    ranges = list(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))

    def links(c0_c1: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return core_links(a, b, sim, label32, size, side_counts, *c0_c1, min_coverage)

    if n_jobs > 1 and len(ranges) > 1:  # each range holds its own arrays
        with ThreadPoolExecutor(max_workers=n_jobs) as pool:
            found = list(pool.map(links, ranges))
    else:
        found = [links(r) for r in ranges]
    cs = np.concatenate([f[0] for f in found])
    cd = np.concatenate([f[1] for f in found])
    mean = np.concatenate([f[2] for f in found])
    del found
    if not len(cs):  # no core covers enough of another
        return label
    # each source core's partners by decreasing mean, then increasing core: the first is
    # its best; its rival is the best of the others that are not heading for the same core
    order = np.lexsort((cd, -mean, cs))
    cs, cd, mean = cs[order], cd[order], mean[order]
    head = np.concatenate(([True], cs[1:] != cs[:-1]))
    src, best_d, best_m = cs[head], cd[head], mean[head]
    group = np.cumsum(head) - 1
    heading = np.full(n_cores, -1, dtype=np.int64)
    heading[src] = best_d
    rival_ok = ~head & (heading[cd] != best_d[group])
    rival = np.maximum.reduceat(np.where(rival_ok, mean, -np.inf), np.flatnonzero(head))
    # only satellites join: at most half the size of the core they join, so that two
    # established families sharing boilerplate never merge
    join = (
        (2 * size[src] <= size[best_d])
        & (best_m >= threshold)
        & ((rival == -np.inf) | (best_m - rival >= margin))
    )
    parent = np.arange(n_cores, dtype=np.int32)
    parent[src[join]] = best_d[join]
    root = parent.copy()
    while True:
        nxt = parent[root]
        if np.array_equal(nxt, root):
            break
        root = nxt
    return root[label]
