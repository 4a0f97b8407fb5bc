"""Choosing the number of topics k from held-out coherence (NPMI) and stability.

For each k of a small grid, models are fitted on a training share of a sample of the
units and scored on the rest:

* **coherence** -- mean NPMI of each topic's top terms, with probabilities counted on
  *held-out* contexts (e.g. the sections of held-out documents), so a topic is rewarded
  for terms that really co-occur in text the model did not see;
* **stability** -- mean matched cosine of the topics of runs with different seeds
  (:mod:`.stability`).

* **coverage** -- how much of the held-out units the model can express: the mean cosine
  between a held-out unit's vector and its reconstruction from the topics (NMF:
  ``W H``; LDA: ``theta beta`` against the unit's term distribution).

Mean coherence alone rewards a model that simply leaves out a hard theme (a k too small
drops whole agreement types and keeps only its clearest topics), and coverage alone always
grows with k; their product peaks where the themes are covered by topics that are still
coherent. NPMI lies in [-1, 1] and is often negative when the held-out contexts are short
sections, so it enters the product rescaled to [0, 1]: ``score = (1 + coherence_npmi) / 2 *
coverage`` (a raw negative NPMI times coverage would reward the k that covers *least*).
The rule: among the k whose stability is at least ``min_stability``, the one with the
highest score (coherence alone when no held-out matrix was given); if no k is stable
enough, the most stable k.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from avtaleanalyse.topics.models import make_estimator, topic_word_weights
from avtaleanalyse.topics.stability import run_similarity

__all__ = [
    "choose_k",
    "combined_score",
    "heldout_coverage",
    "npmi_coherence",
    "select_n_topics",
    "split_holdout",
]

K = "k"
COHERENCE = "coherence_npmi"
COVERAGE = "coverage"
SCORE = "score"
STABILITY = "stability"
CHOSEN = "chosen"


def npmi_coherence(
    components: np.ndarray, contexts, *, top_n: int = 10, eps: float = 1e-12
) -> np.ndarray:
    """NPMI coherence of each topic's ``top_n`` terms over binary context counts.

    NPMI(i, j) = log(P(i, j) / (P(i) P(j))) / -log P(i, j), with P counted as the
    share of contexts containing the terms; a pair that never co-occurs scores -1.

    Parameters
    ----------
    components
        Topic-word weights (topics x terms).
    contexts
        Units x terms matrix (counts or binary; only presence is used), same vocabulary.

    Returns
    -------
    numpy.ndarray
        One mean pairwise NPMI per topic (in [-1, 1]).
    """
    comp = np.asarray(components)
    B = sparse.csr_matrix(contexts, dtype=np.float64)
    B.data = np.ones_like(B.data)
    n_ctx = max(B.shape[0], 1)
    top = np.argsort(-comp, axis=1, kind="stable")[:, :top_n]
    terms = np.unique(top)
    sub = B[:, terms]
    co = np.asarray((sub.T @ sub).todense()) / n_ctx
    p = np.diag(co).copy()
    pos = {t: i for i, t in enumerate(terms)}
    out = np.empty(comp.shape[0])
    for t, row in enumerate(top):
        idx = np.array([pos[j] for j in row])
        scores = []
        for a in range(len(idx)):
            for b in range(a + 1, len(idx)):
                pij = co[idx[a], idx[b]]
                if pij <= 0:
                    scores.append(-1.0)
                    continue
                pmi = np.log(pij / max(p[idx[a]] * p[idx[b]], eps))
                scores.append(pmi / -np.log(pij) if pij < 1 else 1.0)
        out[t] = float(np.mean(scores)) if scores else 0.0
    return out


def split_holdout(
    n_units: int, *, holdout: float = 0.2, sample: int | None = None, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Seeded random train / held-out indices (optionally from a sample of ``sample`` units)."""
    rng = np.random.default_rng(seed)
    idx = np.arange(n_units)
    if sample is not None and sample < n_units:
        idx = np.sort(rng.choice(n_units, size=sample, replace=False))
    perm = rng.permutation(idx.size)
    n_hold = max(1, int(round(holdout * idx.size)))
    return np.sort(idx[perm[n_hold:]]), np.sort(idx[perm[:n_hold]])


def heldout_coverage(estimator, heldout) -> float:
    """Mean cosine between held-out units and their reconstruction from the topics."""
    X = sparse.csr_matrix(heldout, dtype=np.float64)
    keep = np.asarray(X.sum(axis=1)).ravel() > 0
    X = X[keep]
    if X.shape[0] == 0:
        return float("nan")
    theta = np.asarray(estimator.transform(X), dtype=np.float64)
    comp = np.asarray(estimator.components_, dtype=np.float64)
    if not isinstance(estimator, NMF):  # LDA: theta (rows sum to 1) times p(w | t)
        comp = comp / comp.sum(axis=1, keepdims=True)
    recon = theta @ comp
    num = np.asarray(X.multiply(recon).sum(axis=1)).ravel()
    den = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel()) * np.linalg.norm(recon, axis=1)
    return float(np.mean(np.divide(num, den, out=np.zeros_like(num), where=den > 0)))


def combined_score(coherence_npmi: float, coverage: float) -> float:
    """``(1 + coherence_npmi) / 2 * coverage``: NPMI rescaled to [0, 1], times coverage.

    >>> combined_score(-0.1, 0.7) > combined_score(-0.1, 0.5)
    True
    """
    return (1.0 + coherence_npmi) / 2.0 * coverage


def select_n_topics(
    dtm,
    contexts,
    *,
    heldout=None,
    k_grid: Sequence[int] = (6, 10, 14, 18, 22),
    model: str = "lda",
    seeds: Sequence[int] = (0, 1),
    top_n: int = 10,
    max_iter: int | None = None,
) -> pd.DataFrame:
    """Score each k of ``k_grid`` by held-out coherence and seed stability.

    Parameters
    ----------
    dtm
        Training units x terms (the model input: counts for LDA, TF-IDF for NMF).
    contexts
        Held-out contexts x terms (same vocabulary) for the coherence counts.
    heldout
        Held-out units x terms in the model's input space, for ``coverage`` (optional).
    seeds
        Runs per k; the first run's topics are scored for coherence.

    Returns
    -------
    pandas.DataFrame
        ``k``, ``coherence_npmi`` (mean over topics and over runs), ``coverage``
        (mean over runs; NaN without ``heldout``), ``score`` (``(1 + coherence_npmi) / 2 *
        coverage``, or the coherence without ``heldout``), ``stability`` (mean matched
        cosine between the runs; 1.0 with a single seed), ``chosen`` (False; see
        :func:`choose_k`), sorted by k.
    """
    rows = []
    for k in sorted({int(k) for k in k_grid}):
        if k < 2 or k > dtm.shape[1]:
            continue
        with threadpool_limits(limits=1), warnings.catch_warnings():  # one BLAS thread
            warnings.simplefilter("ignore", ConvergenceWarning)
            fitted = [
                make_estimator(model=model, n_topics=k, random_state=s, max_iter=max_iter).fit(dtm)
                for s in seeds
            ]
            coverage = (
                float(np.mean([heldout_coverage(e, heldout) for e in fitted]))
                if heldout is not None
                else float("nan")
            )
        runs = [topic_word_weights(e) for e in fitted]
        coherence = float(np.mean([npmi_coherence(r, contexts, top_n=top_n).mean() for r in runs]))
        sims = run_similarity(runs)
        n = len(runs)
        stability = float((sims.sum() - n) / (n * (n - 1))) if n > 1 else 1.0
        score = combined_score(coherence, coverage) if heldout is not None else coherence
        rows.append((k, coherence, coverage, score, stability))
    out = pd.DataFrame(rows, columns=[K, COHERENCE, COVERAGE, SCORE, STABILITY])
    out[CHOSEN] = False
    return out


def choose_k(scores: pd.DataFrame, *, min_stability: float = 0.85) -> pd.DataFrame:
    """Mark the chosen k in a :func:`select_n_topics` table (new table, ``chosen`` set).

    The k with the highest ``score`` (``coherence_npmi`` where the table has no
    score) among those with ``stability`` >= ``min_stability``; if none qualifies, the k
    with the highest stability. Ties go to the smaller k.
    """
    if scores.empty:
        raise ValueError("no k could be scored (grid empty or larger than the vocabulary)")
    s = scores.sort_values(K, kind="mergesort").reset_index(drop=True)
    ok = s[s[STABILITY] >= min_stability]
    if ok.empty:
        best = s.loc[s[STABILITY].round(9).idxmax()]
    else:
        col = SCORE if SCORE in ok and ok[SCORE].notna().all() else COHERENCE
        best = ok.loc[ok[col].round(9).idxmax()]
    return s.assign(**{CHOSEN: s[K] == best[K]})
