"""Choosing k: held-out NPMI coherence, stability, the selection rule."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from avtaleanalyse.topics.selection import (
    choose_k,
    combined_score,
    npmi_coherence,
    select_n_topics,
    split_holdout,
)


def test_npmi_is_one_for_terms_that_always_co_occur_and_minus_one_for_never():
    contexts = sparse.csr_matrix(np.array([[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]))
    together = np.array([[0.5, 0.5, 0.0, 0.0]])
    apart = np.array([[0.0, 0.0, 0.5, 0.5]])
    assert npmi_coherence(together, contexts, top_n=2)[0] == pytest.approx(1.0)
    assert npmi_coherence(apart, contexts, top_n=2)[0] == pytest.approx(-1.0)


def test_npmi_is_about_zero_for_independent_terms():
    # term 0 in half the contexts, term 1 in half, independently (a 2x2 design)
    contexts = sparse.csr_matrix(np.array([[1, 1], [1, 0], [0, 1], [0, 0]] * 5))
    assert npmi_coherence(np.array([[0.5, 0.5]]), contexts, top_n=2)[0] == pytest.approx(0.0)


def test_npmi_uses_presence_not_counts():
    a = sparse.csr_matrix(np.array([[3, 1], [0, 0], [1, 5]]))
    b = sparse.csr_matrix(np.array([[1, 1], [0, 0], [1, 1]]))
    comp = np.array([[0.6, 0.4]])
    assert npmi_coherence(comp, a, top_n=2) == pytest.approx(npmi_coherence(comp, b, top_n=2))


def test_split_holdout_is_disjoint_seeded_and_samples():
    tr, ho = split_holdout(100, holdout=0.2, seed=3)
    assert len(ho) == 20 and len(tr) == 80 and not set(tr) & set(ho)
    tr2, ho2 = split_holdout(100, holdout=0.2, seed=3)
    assert np.array_equal(ho, ho2)
    tr3, ho3 = split_holdout(100, holdout=0.2, sample=50, seed=3)
    assert len(tr3) + len(ho3) == 50


def _scores(rows):
    return pd.DataFrame(rows, columns=["k", "coherence_npmi", "stability"]).assign(chosen=False)


def test_choose_k_takes_the_most_coherent_stable_k():
    s = _scores([(5, 0.30, 0.95), (10, 0.40, 0.80), (15, 0.35, 0.90), (20, 0.20, 0.99)])
    out = choose_k(s, min_stability=0.85)
    assert out.loc[out["chosen"], "k"].tolist() == [15]


def test_negative_coherence_does_not_reward_low_coverage():
    # same (negative) NPMI: the k that covers more of the held-out text must score higher
    assert combined_score(-0.12, 0.72) > combined_score(-0.12, 0.54)
    assert combined_score(0.2, 0.6) > combined_score(-0.2, 0.6)
    assert combined_score(-1.0, 0.9) == 0.0


def test_choose_k_falls_back_to_the_most_stable_k():
    s = _scores([(5, 0.3, 0.5), (10, 0.4, 0.7)])
    assert choose_k(s, min_stability=0.9).loc[lambda d: d["chosen"], "k"].tolist() == [10]
    with pytest.raises(ValueError):
        choose_k(s.iloc[:0])


def test_select_n_topics_prefers_the_planted_number_of_topics():
    rng = np.random.default_rng(0)
    k_true, n_terms = 4, 40
    blocks = np.repeat(np.arange(k_true), n_terms // k_true)
    docs = []
    for i in range(240):
        t = i % k_true
        p = np.where(blocks == t, 1.0, 0.02)
        docs.append(rng.multinomial(60, p / p.sum()))
    X = sparse.csr_matrix(np.array(docs, dtype=float))
    scores = select_n_topics(
        X[:200], X[200:], heldout=X[200:], k_grid=(2, 4, 8), model="nmf", seeds=(0, 1)
    )
    assert list(scores["k"]) == [2, 4, 8]
    assert scores["score"].tolist() == pytest.approx(
        (1 + scores["coherence_npmi"]) / 2 * scores["coverage"]
    )
    assert scores.set_index("k").loc[2, "coverage"] < scores.set_index("k").loc[4, "coverage"]
    best = choose_k(scores, min_stability=0.8)
    assert best.loc[best["chosen"], "k"].item() == 4
    assert scores.set_index("k").loc[4, "stability"] > 0.95
