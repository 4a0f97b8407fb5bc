"""Topic stability across seeds: Hungarian matching of topic-word vectors, the most central run.

Two runs of a topic model with different seeds give topics in arbitrary order. Topics are
matched one-to-one by maximising the summed cosine similarity of their topic-word vectors
(``scipy.optimize.linear_sum_assignment``). A topic's stability is the mean cosine to its
matched topic in every other run; the published run is the *most central* one, the run
whose topics are on average closest to all other runs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from avtaleanalyse import schema

__all__ = ["cosine_matrix", "match_topics", "run_similarity", "topic_stability"]

STABILITY = "stability"
MIN_MATCH = "min_match"


def cosine_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine similarity of every row of ``a`` with every row of ``b`` (topics x topics)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    na = np.linalg.norm(a, axis=1, keepdims=True)
    nb = np.linalg.norm(b, axis=1, keepdims=True)
    na[na == 0] = 1.0
    nb[nb == 0] = 1.0
    return (a / na) @ (b / nb).T


def match_topics(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Match the topics of run ``a`` to those of run ``b`` one-to-one (Hungarian method).

    Parameters
    ----------
    a, b
        Topic-word matrices (topics x terms) over the same vocabulary.

    Returns
    -------
    tuple of numpy.ndarray
        ``(match, similarity)``: topic ``i`` of ``a`` is matched to topic ``match[i]``
        of ``b`` with cosine ``similarity[i]``.
    """
    sim = cosine_matrix(a, b)
    rows, cols = linear_sum_assignment(-sim)
    match = np.empty(sim.shape[0], dtype=np.int64)
    match[rows] = cols
    return match, sim[np.arange(sim.shape[0]), match]


def run_similarity(runs: Sequence[np.ndarray]) -> np.ndarray:
    """Mean matched cosine between every pair of runs (runs x runs, 1 on the diagonal)."""
    n = len(runs)
    out = np.ones((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            _, sim = match_topics(runs[i], runs[j])
            out[i, j] = out[j, i] = float(sim.mean())
    return out


def topic_stability(runs: Sequence[np.ndarray], *, reference: int | None = None) -> pd.DataFrame:
    """Per-topic stability of one run (by default the most central) against all others.

    Parameters
    ----------
    runs
        Topic-word matrices of the same model fitted with different seeds.
    reference
        Index of the run whose topics are scored; ``None`` picks the most central run
        (highest mean matched cosine to the others; the lowest index on ties).

    Returns
    -------
    pandas.DataFrame
        One row per topic of the reference run: ``topic`` (its index in that run),
        ``stability`` (mean cosine to its matched topic over the other runs),
        ``min_match`` (the lowest such cosine). ``attrs["reference"]`` holds the run
        index and ``attrs["run_similarity"]`` the runs x runs matrix as nested lists.
    """
    if len(runs) == 0:
        raise ValueError("topic_stability needs at least one run")
    sims = run_similarity(runs)
    if reference is None:
        n = len(runs)
        centrality = (sims.sum(axis=1) - 1.0) / max(n - 1, 1)
        reference = int(np.argmax(centrality))
    k = runs[reference].shape[0]
    matched = [match_topics(runs[reference], r)[1] for i, r in enumerate(runs) if i != reference]
    if matched:
        stack = np.vstack(matched)
        stability, min_match = stack.mean(axis=0), stack.min(axis=0)
    else:
        stability = min_match = np.ones(k)
    out = pd.DataFrame({schema.TOPIC: np.arange(k), STABILITY: stability, MIN_MATCH: min_match})
    out.attrs["reference"] = reference
    out.attrs["run_similarity"] = sims.round(6).tolist()
    return out
