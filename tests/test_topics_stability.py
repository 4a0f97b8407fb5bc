"""Hungarian matching of topics across seeds, per-topic stability, the most central run."""

from __future__ import annotations

import numpy as np
import pytest

from avtaleanalyse.topics.stability import (
    cosine_matrix,
    match_topics,
    run_similarity,
    topic_stability,
)

RNG = np.random.default_rng(7)
BASE = RNG.random((5, 40)) ** 4  # five distinct peaked topics


def test_cosine_matrix_is_one_for_parallel_rows_and_handles_zero_rows():
    a = np.array([[1.0, 0.0], [0.0, 0.0]])
    sim = cosine_matrix(a, np.array([[2.0, 0.0], [0.0, 3.0]]))
    assert sim[0, 0] == pytest.approx(1.0) and sim[0, 1] == 0.0
    assert np.all(sim[1] == 0.0)


def test_match_topics_recovers_a_permutation():
    perm = np.array([3, 0, 4, 1, 2])
    match, sim = match_topics(BASE, BASE[perm])
    # topic i of BASE is row j of BASE[perm] where perm[j] == i
    assert np.array_equal(perm[match], np.arange(5))
    assert np.allclose(sim, 1.0)


def test_hungarian_matching_is_one_to_one_where_greedy_would_not_be():
    a = np.array([[1.0, 0.9, 0.0], [1.0, 0.0, 0.0]])
    b = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    match, _ = match_topics(a, b)
    assert sorted(match.tolist()) == [0, 1]
    assert match.tolist() == [1, 0]  # the better total, not each row's favourite


def test_stability_is_one_for_identical_runs_and_lower_for_noisy_ones():
    same = topic_stability([BASE, BASE[::-1], BASE])
    assert np.allclose(same["stability"], 1.0)
    noisy = BASE + RNG.random(BASE.shape) * 0.5
    st = topic_stability([BASE, noisy], reference=0)
    assert (st["stability"] < 1.0).all() and (st["stability"] > 0.3).all()
    assert (st["min_match"] <= st["stability"] + 1e-12).all()


def test_the_most_central_run_is_published_not_the_outlier():
    outlier = RNG.random(BASE.shape)
    noise = (RNG.random(BASE.shape) - 0.5) * 0.1
    runs = [outlier, BASE + noise, BASE, BASE - noise]  # BASE sits between the two others
    st = topic_stability(runs)
    assert st.attrs["reference"] == 2
    sims = np.array(st.attrs["run_similarity"])
    assert sims.shape == (4, 4) and np.allclose(np.diag(sims), 1.0)
    assert sims[0, 1] < sims[1, 2]


def test_run_similarity_is_symmetric():
    s = run_similarity([BASE, BASE + 0.1, BASE[::-1]])
    assert np.allclose(s, s.T)


def test_single_run_has_stability_one_and_no_runs_fail():
    assert np.allclose(topic_stability([BASE])["stability"], 1.0)
    with pytest.raises(ValueError):
        topic_stability([])
