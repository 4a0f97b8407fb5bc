"""Boilerplate shingles and template families (versions of one text).

Families are found on the verified candidate pairs: documents are linked when their
*containment-aware* similarity (the mean of the two containments, so that a copy with
added local text still links to its template) reaches a threshold; each connected component
is then split by average-linkage clustering on ``1 - similarity`` (missing pairs count as
dissimilar), which stops chaining between two families joined by one borderline pair.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from avtaleanalyse import schema
from avtaleanalyse.similarity.shingles import Shingled, unique_counts

__all__ = ["boilerplate_shingles", "cluster_families", "pair_similarity"]


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


def pair_similarity(pairs: pd.DataFrame, *, measure: str = "mean_containment") -> np.ndarray:
    """Similarity used for clustering: ``mean_containment``, ``max_containment`` or ``jaccard``."""
    if measure == "jaccard":
        return pairs[schema.JACCARD].to_numpy(float)
    ab = pairs[schema.CONTAINMENT_AB].to_numpy(float)
    ba = pairs[schema.CONTAINMENT_BA].to_numpy(float)
    if measure == "mean_containment":
        return (ab + ba) / 2
    if measure == "max_containment":
        return np.maximum(ab, ba)
    raise ValueError(f"unknown similarity measure {measure!r}")


def cluster_families(
    pairs: pd.DataFrame,
    doc_ids: np.ndarray | list[str],
    *,
    threshold: float = 0.5,
    measure: str = "mean_containment",
    method: str = "average",
    max_component: int = 5000,
) -> pd.DataFrame:
    """Cluster documents into template families.

    Parameters
    ----------
    pairs
        Scored pairs (:func:`~avtaleanalyse.similarity.candidates.score_pairs`).
    doc_ids
        Every document id (documents without a pair become one-member families).
    threshold
        Minimum similarity for two documents to be versions of one text.
    measure
        See :func:`pair_similarity`.
    method
        ``scipy.cluster.hierarchy.linkage`` method inside each component.
    max_component
        Components larger than this are kept whole (no hierarchical split).

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_id``, ``family_id`` (``"F0001"`` …, numbered by the smallest member
        id), ``family_size``, ``family_cohesion`` (mean similarity of a member to the rest
        of its family over the scored pairs; 1.0 for a one-member family).
    """
    ids = np.asarray(sorted(map(str, doc_ids)))
    n = len(ids)
    if n == 0:
        return pd.DataFrame(
            {schema.DOC_ID: [], schema.FAMILY_ID: [], "family_size": [], "family_cohesion": []}
        )
    pos = {d: i for i, d in enumerate(ids)}
    sim = pair_similarity(pairs, measure=measure) if len(pairs) else np.empty(0)
    a = np.array([pos[d] for d in pairs[schema.DOC_A]], dtype=np.int64) if len(pairs) else sim
    b = np.array([pos[d] for d in pairs[schema.DOC_B]], dtype=np.int64) if len(pairs) else sim
    keep = sim >= threshold
    g = coo_matrix((np.ones(int(keep.sum())), (a[keep], b[keep])), shape=(n, n))
    _, comp = connected_components(g, directed=False)
    label = np.full(n, -1, dtype=np.int64)
    next_label = 0
    # group documents and (within-component) pairs by component once
    doc_order = np.argsort(comp, kind="stable")
    comp_sorted = comp[doc_order]
    doc_groups = np.split(doc_order, np.flatnonzero(np.diff(comp_sorted)) + 1)
    same = comp[a] == comp[b] if len(pairs) else np.zeros(0, dtype=bool)
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
        local[members] = np.arange(m)
        sel = pidx[pstart[c] : pstart[c + 1]]
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
    tot = np.zeros(n)
    cnt = np.zeros(n)
    if len(pairs):
        same = fam[a] == fam[b]
        np.add.at(tot, a[same], sim[same])
        np.add.at(tot, b[same], sim[same])
        np.add.at(cnt, a[same], 1)
        np.add.at(cnt, b[same], 1)
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
