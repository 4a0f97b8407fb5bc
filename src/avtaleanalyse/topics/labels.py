"""Topic labels: suggested from the top terms, overridable by a user label file.

A suggested label joins the three most *relevant* terms of a topic (relevance as in LDAvis,
Sievert & Shirley 2014: ``lambda * log p(w|t) + (1 - lambda) * log(p(w|t) / p(w))``), so a
term that is heavy in every topic does not name them all. A user file (CSV ``topic,label``)
replaces the labels of the topics it lists.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from avtaleanalyse import schema

__all__ = ["apply_labels", "suggest_labels"]


def suggest_labels(
    components: np.ndarray,
    vocabulary: Sequence[str],
    *,
    prevalence: Sequence[float] | None = None,
    n_terms: int = 3,
    relevance_lambda: float = 0.6,
    separator: str = " / ",
) -> pd.DataFrame:
    """Suggest a label per topic from its most relevant terms.

    Parameters
    ----------
    components
        Topic-word weights (topics x terms; rows are normalised here).
    vocabulary
        Terms in column order.
    prevalence
        Topic shares of the corpus, to weight p(w); ``None`` means equal weights.

    Returns
    -------
    pandas.DataFrame
        ``topic``, ``label`` -- e.g. ``"døgnopphold / øyeblikkelig / hjelp"``.

    Examples
    --------
    >>> suggest_labels(np.array([[5, 4, 1, 0], [0, 1, 4, 5]]), ["a", "b", "c", "d"], n_terms=2)
       topic  label
    0      0  a / b
    1      1  d / c
    """
    comp = np.asarray(components, dtype=np.float64)
    comp = comp / np.where(comp.sum(axis=1, keepdims=True) > 0, comp.sum(axis=1, keepdims=True), 1)
    k = comp.shape[0]
    w = np.full(k, 1.0 / k) if prevalence is None else np.asarray(prevalence, dtype=np.float64)
    w = w / w.sum() if w.sum() > 0 else np.full(k, 1.0 / k)
    p_w = w @ comp
    tiny = 1e-12
    relevance = relevance_lambda * np.log(comp + tiny) + (1 - relevance_lambda) * np.log(
        (comp + tiny) / (p_w + tiny)
    )
    vocab = np.asarray(vocabulary, dtype=object)
    labels = []
    for t in range(k):
        top = np.lexsort((np.arange(comp.shape[1]), -relevance[t].round(12)))[:n_terms]
        labels.append(separator.join(str(vocab[j]) for j in top))
    return pd.DataFrame({schema.TOPIC: np.arange(k, dtype=np.int64), schema.LABEL: labels})


def apply_labels(suggested: pd.DataFrame, overrides: pd.DataFrame | None) -> pd.DataFrame:
    """Replace suggested labels with a user's (``topic``, ``label``) rows.

    Raises
    ------
    ValueError
        If ``overrides`` lacks the columns, has a non-integer topic, names a topic the
        model does not have, or lists a topic twice.

    Returns
    -------
    pandas.DataFrame
        ``topic``, ``label``, ``label_source`` (``"suggested"`` or ``"user"``).
    """
    out = suggested[[schema.TOPIC, schema.LABEL]].copy()
    out["label_source"] = "suggested"
    if overrides is None or overrides.empty:
        return out
    missing = {schema.TOPIC, schema.LABEL} - set(overrides.columns)
    if missing:
        raise ValueError(f"label file needs columns topic,label; missing {sorted(missing)}")
    try:
        topics = overrides[schema.TOPIC].astype(str).str.strip().astype(np.int64)
    except ValueError as exc:
        raise ValueError(f"label file: topic must be an integer ({exc})") from None
    unknown = sorted(set(topics) - set(out[schema.TOPIC]))
    if unknown:
        raise ValueError(f"label file names topics the model does not have: {unknown}")
    if topics.duplicated().any():
        raise ValueError(
            f"label file lists a topic twice: {sorted(set(topics[topics.duplicated()]))}"
        )
    user = dict(zip(topics, overrides[schema.LABEL].astype(str).str.strip(), strict=True))
    is_user = out[schema.TOPIC].isin(list(user))
    out.loc[is_user, schema.LABEL] = out.loc[is_user, schema.TOPIC].map(user)
    out.loc[is_user, "label_source"] = "user"
    return out
