"""Vectorised MinHash equals datasketch 2.0.0; LSH banding equals MinHashLSH."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from datasketch import LeanMinHash, MinHash, MinHashLSH

from avtaleanalyse.similarity.candidates import lsh_candidates, lsh_params
from avtaleanalyse.similarity.minhash import (
    permutations,
    signatures,
    to_lean_minhash,
)
from avtaleanalyse.similarity.normalize import normalize_tokens
from avtaleanalyse.similarity.shingles import party_names, shingle_hash, shingle_partition


def _hashfunc(b: bytes) -> int:
    return shingle_hash(b.decode("utf-8").split(" "))


@pytest.fixture(scope="module")
def docs() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    vocab = [f"ord{i}" for i in range(300)]
    base = list(rng.choice(vocab, 200))
    texts = []
    for i in range(12):
        t = list(base)
        for _ in range(i * 8):
            t[int(rng.integers(len(t)))] = str(rng.choice(vocab))
        texts.append(" ".join(t))
    texts += ["Stord kommune og Helse Fonna HF skal samarbeide om tenester.", "to ord", ""]
    n = len(texts)
    return pd.DataFrame(
        {
            "doc_id": [f"d{i:02d}" for i in range(n)],
            "text": texts,
            "language_form": ["bokmal"] * (n - 3) + ["nynorsk", "bokmal", "bokmal"],
            "municipalities": [[] for _ in range(n - 3)] + [["Stord"], [], []],
            "health_trust": [None] * (n - 3) + ["Helse Fonna HF", None, None],
        }
    )


def test_permutations_match_datasketch():
    for seed in (1, 42):
        m = MinHash(num_perm=64, seed=seed, scheme="affine32")
        a, b = permutations(64, seed)
        assert np.array_equal(m.permutations[0], a)
        assert np.array_equal(m.permutations[1], b)


@pytest.mark.parametrize(("num_perm", "seed"), [(128, 1), (32, 7)])
def test_signatures_equal_datasketch_update_and_bulk(docs, num_perm, seed):
    sh = shingle_partition(docs, ngram=5)
    sig = signatures(sh, num_perm=num_perm, seed=seed, block=50)  # tiny blocks: boundaries
    shingle_lists = []
    for i, row in enumerate(docs.itertuples()):
        toks, _ = normalize_tokens(
            row.text,
            parties=party_names(row.municipalities, row.health_trust),
            language_form=row.language_form,
        )
        k = min(5, len(toks))
        shingles = [" ".join(toks[j : j + k]) for j in range(len(toks) - k + 1)] if toks else []
        # the vectorised sequence equals the scalar reference hash of each shingle
        assert sh.seq_of(i).tolist() == [_hashfunc(s.encode()) for s in shingles]
        shingle_lists.append([s.encode() for s in shingles])
        m = MinHash(num_perm=num_perm, seed=seed, scheme="affine32", hashfunc=_hashfunc)
        for s in shingles:
            m.update(s.encode())
        assert np.array_equal(m.hashvalues, sig[i]), i
    bulk = MinHash.bulk(
        shingle_lists, num_perm=num_perm, seed=seed, scheme="affine32", hashfunc=_hashfunc
    )
    assert all(np.array_equal(m.hashvalues, sig[i]) for i, m in enumerate(bulk))
    # the empty document keeps datasketch's empty sentinel
    assert (sig[-1] == np.uint32(0xFFFFFFFF)).all()
    # threads over blocks, and the sequences without stored sets: the same signatures
    assert np.array_equal(signatures(sh, num_perm=num_perm, seed=seed, block=50, n_jobs=3), sig)
    bare = sh.without_sets()
    assert np.array_equal(signatures(bare, num_perm=num_perm, seed=seed, n_jobs=2), sig)


def test_lean_minhash_round_trip_and_jaccard(docs):
    sh = shingle_partition(docs)
    sig = signatures(sh, num_perm=64, seed=5)
    lean = [to_lean_minhash(s, seed=5) for s in sig[:3]]
    assert isinstance(lean[0], LeanMinHash)
    assert lean[0].scheme == "affine32"
    assert np.array_equal(lean[1].hashvalues, sig[1])
    assert lean[0].jaccard(lean[1]) == pytest.approx(float(np.mean(sig[0] == sig[1])))


def test_lsh_candidates_equal_minhashlsh(docs):
    sh = shingle_partition(docs)
    sig = signatures(sh)
    n = len(sig) - 1  # leave out the empty document
    for threshold in (0.3, 0.6):
        ours = {tuple(p) for p in lsh_candidates(sig[:n], threshold=threshold).tolist()}
        lsh = MinHashLSH(threshold=threshold, num_perm=128)
        for i in range(n):
            lsh.insert(i, to_lean_minhash(sig[i]))
        theirs = set()
        for i in range(n):
            theirs.update(
                (min(i, j), max(i, j)) for j in lsh.query(to_lean_minhash(sig[i])) if j != i
            )
        assert ours == theirs
        assert ours  # the near-copies are found
    b, r = lsh_params(0.6, 128)
    assert b * r <= 128
