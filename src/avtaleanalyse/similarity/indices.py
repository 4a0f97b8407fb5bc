"""Standardisation indices: national model share, regional template share, local share.

For document ``d`` with comparison tokens ``T_d`` and shingle sequence ``s_0 … s_{m-1}``
(shingle ``j`` covers tokens ``j … j+n-1``), and a reference shingle set ``R``,
``cov_R(d) = {t ∈ T_d : ∃ j, j ≤ t < j+n, s_j ∈ R}``. With ``N`` the national model and
``P_f`` the prototype of the document's family ``f``:

* national share  ``ν_d = |cov_N(d)| / |T_d|``
* regional share  ``ρ_d = |cov_{P_f}(d) \\ cov_N(d)| / |T_d|``
* local share     ``λ_d = 1 − ν_d − ρ_d`` (tokens covered by neither)

The three sum to one. Aggregates (per municipality, health trust, agreement type, year) are
token-weighted and unweighted means over documents; see ``docs/standardisation.md``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from avtaleanalyse import schema
from avtaleanalyse.similarity.prototypes import Prototypes, covered_tokens
from avtaleanalyse.similarity.shingles import Shingled

__all__ = [
    "NATIONAL_SHARE",
    "REGIONAL_SHARE",
    "LOCAL_SHARE",
    "aggregate_indices",
    "document_indices",
]

NATIONAL_SHARE = "national_share"
REGIONAL_SHARE = "regional_share"
LOCAL_SHARE = "local_share"


def document_indices(
    shingled: Shingled, families: pd.DataFrame, prototypes: Prototypes, national: np.ndarray
) -> pd.DataFrame:
    """The three shares for every document.

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_id``, ``family_id``, ``n_tokens``, ``national_share``,
        ``regional_share``, ``local_share``, ``template_share`` (covered by the family
        prototype, national or not).
    """
    fam_of = families.set_index(schema.DOC_ID)[schema.FAMILY_ID].to_dict()
    empty = np.empty(0, dtype=np.uint32)
    recs = []
    for i, d in enumerate(shingled.ids.astype(str)):
        n = int(shingled.n_tokens[i])
        seq = shingled.seq_of(i)
        fam = fam_of.get(d)
        cons = prototypes.sets.get(fam, empty) if fam is not None else empty
        cov_n = covered_tokens(seq, n, national, shingled.ngram)
        cov_p = covered_tokens(seq, n, cons, shingled.ngram)
        denom = max(n, 1)
        nat = cov_n.sum() / denom
        reg = (cov_p & ~cov_n).sum() / denom
        loc = (~(cov_p | cov_n)).sum() / denom
        recs.append((d, fam, n, nat, reg, loc, cov_p.sum() / denom))
    return pd.DataFrame(
        recs,
        columns=[
            schema.DOC_ID,
            schema.FAMILY_ID,
            "n_tokens",
            NATIONAL_SHARE,
            REGIONAL_SHARE,
            LOCAL_SHARE,
            "template_share",
        ],
    )


def aggregate_indices(
    indices: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    by: tuple[str, ...] = (
        schema.MUNICIPALITIES,
        schema.HEALTH_TRUST,
        schema.AGREEMENT_KIND,
        schema.AGREEMENT_NUMBER,
        schema.YEAR,
    ),
    include_templates: bool = False,
) -> pd.DataFrame:
    """Indices aggregated per municipality, health trust, agreement type and year.

    Parameters
    ----------
    indices
        Output of :func:`document_indices`.
    documents
        The documents table (metadata joined here, not copied into the indices).
    by
        Grouping columns; ``municipalities`` is exploded (a joint agreement counts for each
        of its municipalities).
    include_templates
        Count regional templates (``is_template``) too; by default only adopted copies.

    Returns
    -------
    pandas.DataFrame
        Columns ``group_by`` (column name), ``group`` (value as str), ``n_documents``,
        ``national_share``, ``regional_share``, ``local_share`` (unweighted means),
        ``local_share_weighted`` (token-weighted), ``local_share_median``.
    """
    meta_cols = [c for c in set(by) | {schema.IS_TEMPLATE} if c in documents]
    df = indices.merge(documents[[schema.DOC_ID, *meta_cols]], on=schema.DOC_ID, how="left")
    if not include_templates and schema.IS_TEMPLATE in df:
        df = df[~df[schema.IS_TEMPLATE].fillna(False).astype(bool)]
    frames = []
    for col in by:
        if col not in df:
            continue
        d = df.explode(col) if col == schema.MUNICIPALITIES else df
        d = d.dropna(subset=[col])
        if d.empty:
            continue
        key = d[col].astype(str)
        if col == schema.AGREEMENT_NUMBER:
            key = key.str.replace(r"\.0$", "", regex=True)
        w = d["n_tokens"].clip(lower=1).astype(float)
        g = d.assign(_k=key.to_numpy(), _wl=(d[LOCAL_SHARE] * w).to_numpy(), _w=w.to_numpy())
        agg = g.groupby("_k", sort=True).agg(
            n_documents=(schema.DOC_ID, "size"),
            national_share=(NATIONAL_SHARE, "mean"),
            regional_share=(REGIONAL_SHARE, "mean"),
            local_share=(LOCAL_SHARE, "mean"),
            local_share_median=(LOCAL_SHARE, "median"),
            _wl=("_wl", "sum"),
            _w=("_w", "sum"),
        )
        agg["local_share_weighted"] = agg["_wl"] / agg["_w"]
        agg = agg.drop(columns=["_wl", "_w"]).reset_index(names="group")
        agg.insert(0, "group_by", col)
        frames.append(agg)
    cols = [
        "group_by",
        "group",
        "n_documents",
        NATIONAL_SHARE,
        REGIONAL_SHARE,
        LOCAL_SHARE,
        "local_share_median",
        "local_share_weighted",
    ]
    if not frames:
        return pd.DataFrame(columns=cols)
    return pd.concat(frames, ignore_index=True)[cols]
