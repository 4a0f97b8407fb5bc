"""Exact overlaps agree with Python sets; LSH recall on near copies."""

from __future__ import annotations

import numpy as np
import pandas as pd

from avtaleanalyse.similarity.candidates import (
    all_pairs_exact,
    lsh_candidates,
    overlap_counts,
    score_pairs,
    sets_without,
)
from avtaleanalyse.similarity.minhash import signatures
from avtaleanalyse.similarity.shingles import concat_shingled, shingle_partition
from avtaleanalyse.similarity.synthetic import synthetic_corpus


def _corpus():
    docs, truth = synthetic_corpus(n_trusts=3, n_agreements=2, n_municipalities=5, seed=4)
    return docs, truth, shingle_partition(docs, common_form=False)


def test_overlaps_equal_python_sets():
    _, _, sh = _corpus()
    n = len(sh)
    pairs = np.array([(i, j) for i in range(n) for j in range(i + 1, n) if (i * 7 + j) % 5 == 0])
    got = overlap_counts(sh, pairs, n_jobs=2)  # two threads
    sets = [set(sh.set_of(i).tolist()) for i in range(n)]
    want = np.array([len(sets[i] & sets[j]) for i, j in pairs])
    assert np.array_equal(got, want)


def test_score_pairs_orders_ids_and_swaps_containments():
    docs = pd.DataFrame(
        {"doc_id": ["b", "a"], "text": ["x y z w v u t s", "x y z w v u t s r q p o n m"]}
    )
    sh = shingle_partition(docs, common_form=False, ngram=2)
    sc = score_pairs(sh, np.array([[0, 1]]), signatures=signatures(sh))
    row = sc.iloc[0]
    assert (row.doc_a, row.doc_b) == ("a", "b")
    assert row.containment_ba == 1.0  # all of b's shingles are in a
    assert row.containment_ab == 7 / 13
    assert row.jaccard == 7 / 13


def test_lsh_recall_against_exact_all_pairs():
    _, _, sh = _corpus()
    sig = signatures(sh)
    exact = all_pairs_exact(sh, min_jaccard=0.5)
    cand = {tuple(p) for p in lsh_candidates(sig, threshold=0.3).tolist()}
    found = sum((i, j) in cand for i, j in zip(exact["i"], exact["j"], strict=True))
    assert len(exact) > 20
    assert found / len(exact) >= 0.99


def test_partitions_concatenate_to_the_whole():
    docs, _, sh = _corpus()
    parts = [
        shingle_partition(docs.iloc[s : s + 7], common_form=False) for s in range(0, len(docs), 7)
    ]
    whole = concat_shingled(parts)
    assert np.array_equal(whole.sets, sh.sets)
    assert np.array_equal(whole.set_offsets, sh.set_offsets)
    assert np.array_equal(signatures(whole), signatures(sh))


def test_sets_without_removes_hashes():
    _, _, sh = _corpus()
    drop = np.unique(sh.set_of(0))[:10]
    out = sets_without(sh, drop)
    assert not np.isin(out.sets, drop).any()
    assert out.set_sizes()[0] == sh.set_sizes()[0] - 10


def test_overlaps_with_empty_sets_are_zero():
    docs = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c", "d"],
            "text": ["", "en to tre fire fem seks sju", "", "en to tre fire fem seks"],
        }
    )
    sh = shingle_partition(docs, common_form=False, ngram=2)
    assert sh.set_sizes().tolist() == [0, 6, 0, 5]
    pairs = np.array([[0, 2], [0, 1], [1, 3], [2, 2], [3, 3]])
    assert overlap_counts(sh, pairs, n_jobs=2).tolist() == [0, 0, 5, 0, 5]
    assert overlap_counts(sh, pairs[:1]).tolist() == [0]  # no shingle at all in the batch
