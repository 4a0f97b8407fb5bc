"""Replication of the delavtale 6 (knowledge transfer) plagiarism analysis (Kirchhoff 2015).

Every knowledge-transfer agreement (agreement number 6, delavtale or tjenesteavtale) is
compared with every other one by exact shingle Jaccard and containment; pairs are labelled
within one health trust or across trusts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from avtaleanalyse import schema
from avtaleanalyse.similarity.candidates import MAX_PAIRWISE_ROWS, overlap_counts, pairwise_overlaps
from avtaleanalyse.similarity.shingles import Shingled

__all__ = ["knowledge_transfer_pairs", "within_across_summary"]

WITHIN_HF = "within_hf"


def knowledge_transfer_pairs(
    documents: pd.DataFrame,
    shingled: Shingled,
    *,
    number: int = 6,
    kinds: tuple[str, ...] = ("delavtale", "tjenesteavtale"),
    include_templates: bool = False,
    max_documents: int = 3000,
    seed: int = 1,
    n_jobs: int = 1,
) -> pd.DataFrame:
    """All pairs of agreements number ``number`` with exact similarities.

    Parameters
    ----------
    documents
        Documents table (``agreement_number``, ``agreement_kind``, ``health_trust``,
        ``municipalities``, ``is_template``).
    shingled
        Shingles of (at least) those documents, any order.
    max_documents
        Above this many agreements a seeded random sample of this size is compared (the
        table grows with the square of the count).
    seed
        Seed of that sample.
    n_jobs
        Threads counting the overlaps (the result does not depend on it).

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_a``, ``doc_b`` (``doc_a < doc_b``), ``health_trust_a``,
        ``health_trust_b``, ``label_a``, ``label_b`` (municipality names), ``within_hf``,
        ``jaccard``, ``containment_ab``, ``containment_ba``. Pairs that share no shingle
        have similarity 0.
    """
    # metadata only: selecting rows of an Arrow-backed text column that was read in row
    # groups concatenates the whole column first (1.4 GB and 2.4 s at 100k documents)
    keep = [schema.DOC_ID, schema.HEALTH_TRUST, schema.MUNICIPALITIES]
    meta_cols = documents[keep]
    num = pd.to_numeric(documents[schema.AGREEMENT_NUMBER], errors="coerce")
    sel = (num == number) & documents[schema.AGREEMENT_KIND].isin(kinds)
    if not include_templates and schema.IS_TEMPLATE in documents:
        sel &= ~documents[schema.IS_TEMPLATE].fillna(False).astype(bool)
    docs = meta_cols.loc[sel].sort_values(schema.DOC_ID)
    if len(docs) > max_documents:
        docs = docs.sample(n=max_documents, random_state=seed).sort_values(schema.DOC_ID)
    cols = [
        schema.DOC_A, schema.DOC_B, "health_trust_a", "health_trust_b", "label_a", "label_b",
        WITHIN_HF, schema.JACCARD, schema.CONTAINMENT_AB, schema.CONTAINMENT_BA,
    ]  # fmt: skip
    if len(docs) < 2:
        return pd.DataFrame(columns=cols)
    row = {d: i for i, d in enumerate(shingled.ids.astype(str))}
    ids = [d for d in docs[schema.DOC_ID].astype(str) if d in row]
    sub = shingled.take([row[d] for d in ids])
    n = len(ids)
    # every pair is listed, so every pair is counted: from the posting lists, each
    # distinct list once (a sparse product spends most of its time on the shingles nearly
    # all of them share; pair by pair costs a look-up per shingle of every pair)
    i, j = np.triu_indices(n, 1)
    if n <= MAX_PAIRWISE_ROWS:
        inter = pairwise_overlaps(sub, n_jobs=n_jobs)[i, j].astype(np.int64)
    else:
        inter = overlap_counts(sub, np.stack([i, j], axis=1), n_jobs=n_jobs).astype(np.int64)
    sizes = sub.set_sizes()
    jaccard = inter / np.maximum(sizes[i] + sizes[j] - inter, 1)
    c_ij = inter / np.maximum(sizes[i], 1)
    c_ji = inter / np.maximum(sizes[j], 1)
    meta = docs.set_index(schema.DOC_ID)
    hf = meta[schema.HEALTH_TRUST].reindex(ids).astype(object).to_numpy()
    lab = (
        meta[schema.MUNICIPALITIES]
        .reindex(ids)
        .map(lambda m: ", ".join(m) if m is not None and len(m) else "")
        .to_numpy()
    )
    # string columns taken from one string array per value (millions of rows: making
    # each column from Python objects took half the step)
    id_s, hf_s, lab_s = (pd.array(np.asarray(v, dtype=object), dtype="str") for v in (ids, hf, lab))
    hf_code = pd.factorize(hf)[0]  # -1: no trust
    out = pd.DataFrame(
        {
            schema.DOC_A: id_s.take(i),
            schema.DOC_B: id_s.take(j),
            "health_trust_a": hf_s.take(i),
            "health_trust_b": hf_s.take(j),
            "label_a": lab_s.take(i),
            "label_b": lab_s.take(j),
            WITHIN_HF: (hf_code[i] == hf_code[j]) & (hf_code[i] >= 0),
            schema.JACCARD: jaccard,
            schema.CONTAINMENT_AB: c_ij,
            schema.CONTAINMENT_BA: c_ji,
        }
    )
    return out[cols]


def within_across_summary(pairs: pd.DataFrame, *, measure: str = schema.JACCARD) -> pd.DataFrame:
    """Distribution of pair similarity within one health trust versus across trusts.

    Returns
    -------
    pandas.DataFrame
        Columns ``comparison`` ("innen samme HF" | "mellom HF"), ``n_pairs``, ``mean``,
        ``median``, ``q25``, ``q75``, ``min``, ``max``.
    """
    recs = []
    for flag, name in ((True, "innen samme HF"), (False, "mellom HF")):
        v = pairs.loc[pairs[WITHIN_HF] == flag, measure].astype(float)
        recs.append(
            {
                "comparison": name,
                "n_pairs": int(len(v)),
                "mean": v.mean() if len(v) else np.nan,
                "median": v.median() if len(v) else np.nan,
                "q25": v.quantile(0.25) if len(v) else np.nan,
                "q75": v.quantile(0.75) if len(v) else np.nan,
                "min": v.min() if len(v) else np.nan,
                "max": v.max() if len(v) else np.nan,
            }
        )
    return pd.DataFrame(recs)
