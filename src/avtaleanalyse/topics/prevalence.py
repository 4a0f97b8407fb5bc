"""Topic prevalence by metadata groups, template-versus-local contrast, dominant-topic purity.

All functions take the long ``doc_topics`` table (``doc_id``, ``section_id``, ``topic``,
``share``) and return new tables; metadata comes in as a separate table keyed by
``doc_id`` and is joined here, never copied into ``doc_topics``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from avtaleanalyse import reference, schema

__all__ = [
    "AGREEMENT_TYPE",
    "DEFAULT_BY",
    "REGION",
    "agreement_type",
    "contrast_summary",
    "document_rows",
    "dominant_topic_purity",
    "dominant_topics",
    "region",
    "topic_contrast",
    "topic_prevalence",
]

#: Derived grouping column: agreement kind + number, e.g. "delavtale 6", "overordnet".
AGREEMENT_TYPE = "agreement_type"
#: Derived grouping column: the health trust's regional health authority (RHF).
REGION = "region"
#: Grouping columns of the prevalence table.
DEFAULT_BY = (
    schema.HEALTH_TRUST,
    REGION,
    AGREEMENT_TYPE,
    schema.YEAR,
    schema.LANGUAGE_FORM,
    schema.IS_TEMPLATE,
)
BY = "by"
GROUP = "group"
N_UNITS = "n_units"
WEIGHT_COL = "weight"
UNKNOWN = "(ukjent)"


def region(documents: pd.DataFrame) -> pd.Series:
    """The regional health authority of each document's health trust (from the reference table)."""
    trusts = reference.health_trusts()
    rhf = dict(zip(trusts["canonical_name"], trusts["rhf"], strict=True))
    ht = documents.get(schema.HEALTH_TRUST, pd.Series(pd.NA, index=documents.index))
    return pd.Series(
        [rhf.get(h) if isinstance(h, str) else None for h in ht],
        index=documents.index,
        name=REGION,
        dtype="string",
    )


def agreement_type(documents: pd.DataFrame) -> pd.Series:
    """``agreement_kind`` + ``agreement_number`` as one label ("delavtale 6", "overordnet")."""
    kind = documents.get(schema.AGREEMENT_KIND, pd.Series(pd.NA, index=documents.index))
    num = documents.get(schema.AGREEMENT_NUMBER, pd.Series(pd.NA, index=documents.index))
    kind = kind.astype("string").fillna(UNKNOWN)
    num = pd.array(num, dtype="Int64")
    out = [k if pd.isna(n) else f"{k} {int(n)}" for k, n in zip(kind, num, strict=True)]
    return pd.Series(out, index=documents.index, name=AGREEMENT_TYPE, dtype="string")


def document_rows(doc_topics: pd.DataFrame) -> pd.DataFrame:
    """The document-level rows of ``doc_topics`` (``section_id`` null)."""
    return doc_topics[doc_topics[schema.SECTION_ID].isna()].reset_index(drop=True)


def _wide(doc_topics: pd.DataFrame) -> pd.DataFrame:
    return document_rows(doc_topics).pivot_table(
        index=schema.DOC_ID, columns=schema.TOPIC, values=schema.SHARE, aggfunc="first"
    )


def _group_label(values: pd.Series) -> pd.Series:
    return values.astype("string").fillna(UNKNOWN)


def topic_prevalence(
    doc_topics: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    by: Sequence[str] = DEFAULT_BY,
    weight: str | None = None,
) -> pd.DataFrame:
    """Mean topic share of the documents in each group, for several groupings.

    Parameters
    ----------
    doc_topics
        Long topic shares; only document rows are used.
    documents
        Metadata keyed by ``doc_id`` with the ``by`` columns (``agreement_type`` and
        ``region`` are derived when absent). Columns missing from ``documents`` are skipped.
    by
        Grouping columns; each gives its own block of rows.
    weight
        Optional column of ``documents`` to weight documents by (e.g. ``n_words``).

    Returns
    -------
    pandas.DataFrame
        ``by`` (the grouping column), ``group`` (its value as text, "(ukjent)" for
        missing), ``topic``, ``share`` (mean share), ``n_units`` (documents in the group).
    """
    meta = documents.copy()
    if AGREEMENT_TYPE in by and AGREEMENT_TYPE not in meta:
        meta[AGREEMENT_TYPE] = agreement_type(meta)
    if REGION in by and REGION not in meta and schema.HEALTH_TRUST in meta:
        meta[REGION] = region(meta)
    wide = _wide(doc_topics)
    meta = meta.set_index(schema.DOC_ID).reindex(wide.index)
    w = (
        pd.Series(1.0, index=wide.index)
        if weight is None
        else meta[weight].astype("float64").fillna(0.0)
    )
    blocks = []
    for col in by:
        if col not in meta:
            continue
        groups = _group_label(meta[col])
        weighted = wide.mul(w, axis=0).groupby(groups).sum()
        total = w.groupby(groups).sum().replace(0.0, np.nan)
        mean = weighted.div(total, axis=0).fillna(0.0)
        counts = groups.value_counts()
        long = mean.stack().rename(schema.SHARE).reset_index()
        long.columns = [GROUP, schema.TOPIC, schema.SHARE]
        long.insert(0, BY, col)
        long[N_UNITS] = long[GROUP].map(counts).astype("int64")
        blocks.append(long)
    cols = [BY, GROUP, schema.TOPIC, schema.SHARE, N_UNITS]
    if not blocks:
        return pd.DataFrame(columns=cols)
    out = pd.concat(blocks, ignore_index=True)[cols]
    out[schema.TOPIC] = out[schema.TOPIC].astype("int64")
    return out.sort_values([BY, GROUP, schema.TOPIC], kind="mergesort").reset_index(drop=True)


def topic_contrast(
    unit_topics: pd.DataFrame,
    *,
    group_column: str = GROUP,
    baseline: str = "mal",
    other: str = "lokal",
    weight_column: str | None = WEIGHT_COL,
) -> pd.DataFrame:
    """Topic shares of two groups of text units side by side (e.g. template vs local text).

    Parameters
    ----------
    unit_topics
        Long table with a unit key (any columns), ``group_column``, ``topic``, ``share``
        and optionally ``weight_column`` (the unit's length in terms, so each group's
        share is a share of its *text*, not of its units).

    Returns
    -------
    pandas.DataFrame
        ``topic``, ``share_<baseline>``, ``share_<other>``, ``difference`` (other minus
        baseline), ``log_ratio`` (natural log of other/baseline, smoothed by 1e-4).
    """
    df = unit_topics
    if weight_column is None or weight_column not in df:
        df = df.assign(**{WEIGHT_COL: 1.0})
        weight_column = WEIGHT_COL
    shares = {}
    for g in (baseline, other):
        sub = df[df[group_column] == g]
        tot = sub.groupby(schema.TOPIC)[weight_column].sum()
        num = (sub[schema.SHARE] * sub[weight_column]).groupby(sub[schema.TOPIC]).sum()
        s = num / tot.replace(0.0, np.nan)
        shares[g] = s.fillna(0.0)
    topics = sorted(set(df[schema.TOPIC]))
    a = shares[baseline].reindex(topics, fill_value=0.0)
    b = shares[other].reindex(topics, fill_value=0.0)
    return pd.DataFrame(
        {
            schema.TOPIC: np.asarray(topics, dtype=np.int64),
            f"share_{baseline}": a.to_numpy(),
            f"share_{other}": b.to_numpy(),
            "difference": (b - a).to_numpy(),
            "log_ratio": np.log((b.to_numpy() + 1e-4) / (a.to_numpy() + 1e-4)),
        }
    )


def contrast_summary(contrast: pd.DataFrame) -> dict[str, float | int]:
    """Distance between the two topic distributions of a :func:`topic_contrast` table.

    Returns
    -------
    dict
        ``total_variation`` (half the L1 distance, 0..1), ``jensen_shannon`` (base 2,
        0..1), ``top_topic_baseline`` and ``top_topic_other`` (largest topic of each).
    """
    share_cols = [c for c in contrast.columns if c.startswith("share_")]
    a = contrast[share_cols[0]].to_numpy(dtype=np.float64)
    b = contrast[share_cols[1]].to_numpy(dtype=np.float64)
    a = a / a.sum() if a.sum() > 0 else a
    b = b / b.sum() if b.sum() > 0 else b
    m = (a + b) / 2

    def _kl(p: np.ndarray, q: np.ndarray) -> float:
        mask = p > 0
        return float(np.sum(p[mask] * np.log2(p[mask] / q[mask])))

    topics = contrast[schema.TOPIC].to_numpy()
    return {
        "total_variation": round(float(0.5 * np.abs(a - b).sum()), 6),
        "jensen_shannon": round(0.5 * _kl(a, m) + 0.5 * _kl(b, m), 6),
        "top_topic_baseline": int(topics[int(np.argmax(a))]),
        "top_topic_other": int(topics[int(np.argmax(b))]),
    }


def dominant_topics(doc_topics: pd.DataFrame) -> pd.DataFrame:
    """Each document's largest topic (the lowest topic number on ties).

    Returns
    -------
    pandas.DataFrame
        ``doc_id``, ``topic``, ``share``.
    """
    wide = _wide(doc_topics)
    values = wide.to_numpy()
    top = np.argmax(values, axis=1)
    return pd.DataFrame(
        {
            schema.DOC_ID: wide.index.to_numpy(),
            schema.TOPIC: wide.columns.to_numpy()[top].astype(np.int64),
            schema.SHARE: values[np.arange(len(top)), top],
        }
    )


def dominant_topic_purity(
    doc_topics: pd.DataFrame, labels: pd.DataFrame, *, label_column: str
) -> pd.DataFrame:
    """How well one topic stands for each label (e.g. agreement type).

    For each label: its modal dominant topic, ``purity`` (share of the label's documents
    whose dominant topic is that topic) and ``specificity`` (share of all documents with
    that dominant topic that carry the label).

    Returns
    -------
    pandas.DataFrame
        ``<label_column>``, ``n_units``, ``topic``, ``purity``, ``specificity``, sorted by label.
    """
    dom = dominant_topics(doc_topics).merge(
        labels[[schema.DOC_ID, label_column]], on=schema.DOC_ID, how="inner"
    )
    dom[label_column] = _group_label(dom[label_column])
    by_topic = dom[schema.TOPIC].value_counts()
    rows = []
    for lab, sub in dom.groupby(label_column, sort=True):
        counts = sub[schema.TOPIC].value_counts()
        best = int(min(t for t, c in counts.items() if c == counts.max()))
        rows.append(
            (
                lab,
                len(sub),
                best,
                counts[best] / len(sub),
                counts[best] / by_topic[best],
            )
        )
    return pd.DataFrame(
        rows, columns=[label_column, N_UNITS, schema.TOPIC, "purity", "specificity"]
    ).astype({N_UNITS: "int64", schema.TOPIC: "int64"})
