"""Bounded-memory paths of the similarity stage give exactly what the plain paths give.

Sets rebuilt from the sequences (no stored sets), streamed concatenation of partitions,
the overlap counts in batches and threads, the fast sort helpers, incremental de-duplication of
LSH candidates and the id-rank ordering of scored pairs.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from itertools import pairwise

import numpy as np
import pandas as pd
import pytest

from avtaleanalyse.similarity import candidates as cand_mod
from avtaleanalyse.similarity import shingles as sh_mod
from avtaleanalyse.similarity.candidates import (
    band_keys,
    first_equal_rows,
    lsh_candidates,
    lsh_params,
    member_mask,
    overlap_counts,
    pairs_from_band_keys,
    pairwise_overlaps,
    score_pairs,
    sets_without,
)
from avtaleanalyse.similarity.minhash import pair_minhash_jaccard, signatures
from avtaleanalyse.similarity.normalize import normalize_tokens, token_spans
from avtaleanalyse.similarity.shingles import (
    concat_shingled,
    in_sorted,
    shingle_partition,
    unique_inverse,
)
from avtaleanalyse.similarity.synthetic import synthetic_corpus


@pytest.fixture(scope="module")
def corpus():
    docs, _ = synthetic_corpus(n_trusts=3, n_agreements=2, n_municipalities=6, seed=5)
    return docs, shingle_partition(docs)


def _python_sets(sh, exclude=()):
    ex = {int(x) for x in exclude}
    return [set(sh.seq_of(i).tolist()) - ex for i in range(len(sh))]


def test_sets_rebuilt_from_sequences_equal_stored_sets(corpus, monkeypatch):
    _, sh = corpus
    drop = np.unique(np.concatenate([sh.set_of(0)[:7], sh.set_of(3)[-5:]]))
    stored = sets_without(sh, drop)
    lazy = sets_without(sh.without_sets(), drop)
    assert lazy.sets is None and not lazy.has_sets
    assert np.array_equal(lazy.set_sizes(), stored.set_sizes())
    for i in range(len(sh)):
        assert np.array_equal(lazy.set_of(i), stored.set_of(i))
    rows = np.array([5, 1, 2, 9])
    for x in (stored, lazy):
        vals, lens = x.sets_of(rows)
        assert np.array_equal(vals, np.concatenate([stored.set_of(int(r)) for r in rows]))
        assert np.array_equal(lens, stored.set_sizes()[rows])
    want = _python_sets(sh, drop)
    assert [set(lazy.set_of(i).tolist()) for i in range(len(sh))] == want
    # rebuilt in blocks of a few units: the same sets, in the order asked for
    monkeypatch.setattr(sh_mod, "_SET_BLOCK", 3000)
    rows = np.random.default_rng(4).permutation(len(sh))
    vals, lens = lazy.sets_of(rows)
    assert len(lens) == len(sh) and sh.seq_offsets[-1] > 5 * 3000
    assert np.array_equal(vals, np.concatenate([stored.set_of(int(r)) for r in rows]))
    assert np.array_equal(lens, stored.set_sizes()[rows])
    assert lazy.sets_of(rows[:0])[0].shape == (0,)
    # chained exclusions accumulate; sizes without any stored offsets are recomputed
    more = sh.set_of(1)[:3]
    twice = sets_without(lazy, more)
    assert set(twice.excluded.tolist()) == set(drop.tolist()) | set(more.tolist())
    bare = sets_without(sh.without_sets(), np.empty(0, np.uint32))
    assert np.array_equal(bare.set_sizes(), sh.set_sizes())
    unknown = dataclasses.replace(sh, sets=None, set_offsets=None)
    assert np.array_equal(unknown.set_sizes(), sh.set_sizes())
    assert np.array_equal(sets_without(unknown, drop).set_sizes(), stored.set_sizes())


def test_partition_shingled_without_sets_keeps_their_sizes(corpus):
    docs, _ = corpus
    # one text repeats its shingles: fewer distinct ones than its sequence holds
    docs = pd.concat([docs, docs.iloc[:1].assign(doc_id="rep", text="ett to tre fire fem " * 9)])
    sh = shingle_partition(docs)
    bare = shingle_partition(docs, sets=False)
    assert bare.sets is None and not bare.has_sets
    assert np.array_equal(bare.set_sizes(), sh.set_sizes())  # counted, not sorted
    assert bare.set_sizes()[-1] == 5 and len(bare.seq_of(len(docs) - 1)) == 41
    for f in ("ids", "seq_offsets", "seq", "n_tokens", "mark_offsets", "marks"):
        assert np.array_equal(getattr(bare, f), getattr(sh, f)), f


def test_signatures_and_scores_without_stored_sets(corpus):
    _, sh = corpus
    drop = np.unique(sh.set_of(2)[:20])
    stored = sets_without(sh, drop)
    lazy = sets_without(sh.without_sets(), drop)
    sig = signatures(stored)
    assert np.array_equal(signatures(lazy), sig)
    assert np.array_equal(signatures(lazy, block=64), sig)  # many small blocks
    assert np.array_equal(signatures(sh.without_sets(), exclude=drop), sig)
    cand = lsh_candidates(sig, threshold=0.3)
    assert len(cand) > 10
    a = score_pairs(stored, cand, signatures=sig)
    b = score_pairs(lazy, cand, signatures=sig)
    pd.testing.assert_frame_equal(a, b)


def test_streamed_concatenation_equals_the_whole(corpus, monkeypatch):
    docs, sh = corpus
    parts = [shingle_partition(docs.iloc[s : s + 5]) for s in range(0, len(docs), 5)]
    # tiny chunks: the appender crosses chunk borders inside a partition
    monkeypatch.setattr(sh_mod._Appender.__init__, "__defaults__", (17,))
    whole = concat_shingled(p for p in parts)
    for f in ("ids", "seq_offsets", "seq", "set_offsets", "sets", "n_tokens"):
        assert np.array_equal(getattr(whole, f), getattr(sh, f)), f
    lazy = concat_shingled(p.without_sets() for p in parts)
    assert lazy.sets is None
    assert np.array_equal(lazy.seq, sh.seq)
    assert np.array_equal(lazy.set_sizes(), sh.set_sizes())
    assert concat_shingled(iter(parts[:1])) is parts[0]
    with pytest.raises(ValueError):
        concat_shingled([])


@pytest.mark.parametrize("n_jobs", [1, 2, 3])
def test_pairwise_overlaps_equal_python_sets(corpus, n_jobs, monkeypatch):
    _, sh = corpus
    drop = np.unique(sh.set_of(4)[:50])  # excluded shingles do not count
    for x in (sh, sets_without(sh.without_sets(), drop)):
        sets = [set(x.set_of(i).tolist()) for i in range(len(x))]
        got = pairwise_overlaps(x, n_jobs=n_jobs)
        n = len(x)
        want = np.zeros((n, n), dtype=np.int32)
        for i in range(n):
            for j in range(i + 1, n):
                want[i, j] = len(sets[i] & sets[j])
        assert got.dtype == np.int32 and np.array_equal(got, want)
        assert (want[np.triu_indices(n, 1)] > 0).all() and len(np.unique(want)) > 50
    assert pairwise_overlaps(sh.take([3]), n_jobs=n_jobs).tolist() == [[0]]
    monkeypatch.setattr(cand_mod, "MAX_PAIRWISE_ROWS", 5)
    with pytest.raises(ValueError, match="at most 5"):
        pairwise_overlaps(sh.take(np.arange(6)))


def test_overlaps_equal_python_sets_in_batches_and_threads(corpus):
    _, sh = corpus
    n = len(sh)
    sets = _python_sets(sh)
    rng = np.random.default_rng(0)
    pairs = np.array([(i, j) for i in range(n) for j in range(i, n) if rng.random() < 0.3])
    pairs = pairs[rng.permutation(len(pairs))]  # any order
    flip = rng.random(len(pairs)) < 0.5  # either member first
    pairs[flip] = pairs[flip][:, ::-1]
    want = np.array([len(sets[i] & sets[j]) for i, j in pairs])
    assert (pairs[:, 0] == pairs[:, 1]).any()  # a set with itself: its size
    assert len(np.unique(want)) > 5
    for kw in ({}, {"n_jobs": 2}, {"n_jobs": 3}, {"n_jobs": len(pairs) + 5}):
        assert np.array_equal(overlap_counts(sh, pairs, **kw), want), kw
        assert np.array_equal(overlap_counts(sh.without_sets(), pairs, **kw), want), kw
        got = overlap_counts(sh, pairs.astype(np.int32), **kw)
        assert got.dtype == np.int32 and np.array_equal(got, want), kw
    assert overlap_counts(sh, np.empty((0, 2), dtype=np.int64)).shape == (0,)


def test_overlaps_from_sequences_leave_out_excluded_and_repeated_shingles(corpus):
    """Without stored sets the overlaps are read from the sequences: an excluded hash never
    counts, and a shingle a document repeats counts once."""
    docs, _ = corpus
    # documents that repeat a passage of their own: a shingle occurs twice in a sequence
    texts = docs["text"].tolist()[:12]
    texts = [t + " " + " ".join(t.split()[:40]) if k % 2 else t for k, t in enumerate(texts)]
    sh = shingle_partition(docs.iloc[:12].assign(text=texts), common_form=False)
    n = len(sh)
    seq_sets = [set(sh.seq_of(i).tolist()) for i in range(n)]
    common = np.array(sorted(seq_sets[0] & seq_sets[1] & seq_sets[2]), dtype=np.uint32)
    assert len(common) > 3
    assert any(len(sh.seq_of(i)) > len(seq_sets[i]) for i in range(n))  # repeats exist
    bare = sets_without(sh.without_sets(), common)
    assert not bare.has_sets
    pairs = np.array([(i, j) for i in range(n) for j in range(n) if (i + 2 * j) % 3 == 0])
    ex = set(common.tolist())
    want = [len((seq_sets[i] & seq_sets[j]) - ex) for i, j in pairs]
    assert want != [len(seq_sets[i] & seq_sets[j]) for i, j in pairs]
    for jobs in (1, 2):
        assert overlap_counts(bare, pairs, n_jobs=jobs).tolist() == want
    assert overlap_counts(sets_without(sh, common), pairs).tolist() == want  # stored sets


def _distinct_sets(values, offsets, ex):
    from avtaleanalyse.similarity.kernels import code_table, distinct_values

    sizes = [len(set(values[lo:hi].tolist()) - set(ex.tolist())) for lo, hi in pairwise(offsets)]
    set_offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    out = np.full(set_offsets[-1], 99, dtype=np.uint32)
    distinct_values(values, offsets, ex, code_table(ex, 4), 4, 0, len(sizes), set_offsets, out)
    return out, set_offsets


def test_pair_overlaps_kernel_is_exact_for_unsorted_pairs():
    from avtaleanalyse.similarity.kernels import pair_overlaps

    # units [0, 1, 2, 2], [1, 2, 3, 4, 9], [4, 4], [] and 9 excluded:
    # sets {0, 1, 2}, {1, 2, 3, 4}, {4}, {}
    offsets = np.array([0, 4, 9, 11, 11])
    values = np.array([0, 1, 2, 2, 1, 2, 3, 4, 9, 4, 4], dtype=np.uint32)
    sets, set_offsets = _distinct_sets(values, offsets, np.array([9], dtype=np.uint32))
    assert sets.tolist() == [0, 1, 2, 1, 2, 3, 4, 4]  # first occurrences, 9 left out
    a = np.array([0, 1, 0, 2, 1, 3, 0, 1, 2])
    b = np.array([1, 2, 0, 1, 0, 0, 2, 1, 2])
    out = np.full(len(a), -1, dtype=np.int32)
    # the empty table must not match 0 (b = unit 0 against the empty unit 3)
    for kicks in (64, 0):  # 0: every collision goes to the stash
        pair_overlaps(sets, set_offsets, a, b, out, kicks)
        assert out.tolist() == [2, 1, 3, 1, 2, 0, 0, 4, 1], kicks
    sets, set_offsets = _distinct_sets(values, offsets, np.empty(0, dtype=np.uint32))
    pair_overlaps(sets, set_offsets, a, b, out)
    assert out.tolist() == [2, 1, 3, 1, 2, 0, 0, 5, 1]  # 9 counts when not excluded


def test_pair_overlaps_kernel_with_evictions_and_stash():
    """Large random sets, values 0 and 1 among them: exact whether collisions are resolved
    by evictions, partly by the stash (few kicks) or only by the stash."""
    from avtaleanalyse.similarity.kernels import pair_overlaps

    rng = np.random.default_rng(3)
    pool = np.concatenate([[0, 1], rng.choice(1 << 32, 3000, replace=False)]).astype(np.uint32)
    units = [rng.choice(pool, rng.integers(0, 1500), replace=False) for _ in range(12)]
    units[3] = pool[:2]
    offsets = np.concatenate([[0], np.cumsum([len(u) for u in units])]).astype(np.int64)
    values = np.concatenate(units).astype(np.uint32)
    pairs = np.array([(i, j) for i in range(12) for j in range(12)])
    pairs = pairs[rng.permutation(len(pairs))]
    want = [len(set(units[i].tolist()) & set(units[j].tolist())) for i, j in pairs]
    out = np.empty(len(pairs), dtype=np.int32)
    for kicks in (64, 1, 0):
        pair_overlaps(values, offsets, pairs[:, 0], pairs[:, 1], out, kicks)
        assert out.tolist() == want, kicks


def _first_equal_rows_by_numpy(a):
    _, idx, inv = np.unique(a, axis=0, return_index=True, return_inverse=True)
    return idx[inv.ravel()]


def test_first_equal_rows_equal_numpy_unique(monkeypatch):
    rng = np.random.default_rng(11)
    base = rng.integers(0, 2**32, size=(30, 128), dtype=np.uint64).astype(np.uint32)
    a = base[rng.integers(0, 30, size=400)]  # many copies of 30 distinct rows
    a[::37, 5] ^= 1  # and some near copies that must stay apart
    want = _first_equal_rows_by_numpy(a)
    got = first_equal_rows(a)
    assert np.array_equal(got, want)
    assert (got <= np.arange(len(a))).all() and len(np.unique(got)) < 60
    assert first_equal_rows(a[:0]).tolist() == []
    # every key colliding: the check catches it and the exact grouping is used
    monkeypatch.setattr(
        cand_mod, "band_keys", lambda x, **_: np.zeros((len(x), 1), dtype=np.uint64)
    )
    assert np.array_equal(first_equal_rows(a), want)


def test_sort_helpers_equal_numpy():
    rng = np.random.default_rng(1)
    for dtype, hi in ((np.uint32, 2**32), (np.uint64, 2**44), (np.uint64, 2**63), (np.int64, 50)):
        v = rng.integers(0, hi, 5000, dtype=np.uint64).astype(dtype)
        v[::7] = v[0]
        uniq, inv = unique_inverse(v)
        u2, i2 = np.unique(v, return_inverse=True)
        assert np.array_equal(uniq, u2) and np.array_equal(inv, i2.ravel())
        for n_ref in (0, 1, 3, 8, 9, 300, 400):  # 9-300: bitmap pre-filter; 400: sorted search
            ref = np.sort(rng.choice(v, n_ref)) if n_ref else v[:0]
            assert np.array_equal(in_sorted(v, ref, chunk=999), np.isin(v, ref))
            assert np.array_equal(member_mask(v, ref), np.isin(v, ref))
    assert unique_inverse(np.array([], dtype=np.uint32))[1].shape == (0,)


def _bucket_pairs_by_python(keys, valid=None, max_bucket=20_000):
    rows = range(len(keys)) if valid is None else np.flatnonzero(valid).tolist()
    pairs = set()
    for k in range(keys.shape[1]):
        buckets = {}
        for i in rows:
            buckets.setdefault(int(keys[i, k]), []).append(i)
        for members in buckets.values():
            if 2 <= len(members) <= max_bucket:
                pairs.update((a, b) for x, a in enumerate(members) for b in members[x + 1 :])
    return sorted(pairs)


def test_band_keys_follow_their_formula_and_group_equal_bands():
    rng = np.random.default_rng(8)
    sig = rng.integers(0, 2**32, size=(40, 12), dtype=np.uint32)
    sig[5, 4:8] = sig[9, 4:8]  # one band in common
    keys = band_keys(sig, bands=3, rows=4)
    mask = (1 << 64) - 1
    for i in range(len(sig)):
        for k in range(3):
            acc = (0x9E3779B97F4A7C15 + k) & mask
            for v in sig[i, 4 * k : 4 * k + 4].tolist():
                acc = ((acc ^ v) * 0xBF58476D1CE4E5B9) & mask
                acc ^= acc >> 29
            assert int(keys[i, k]) == acc
    assert keys[5, 1] == keys[9, 1] and keys[5, 0] != keys[9, 0]
    assert band_keys(sig, bands=2, rows=6).shape == (40, 2)
    with pytest.raises(ValueError, match="need 15"):
        band_keys(sig, bands=3, rows=5)


def test_candidates_equal_every_pair_of_bucket_mates_once(corpus):
    _, sh = corpus
    sig = signatures(sh)
    b, r = lsh_params(0.3, sig.shape[1])
    keys = band_keys(sig, bands=b, rows=r)
    want = _bucket_pairs_by_python(keys)
    assert len(want) > 100
    for jobs in (1, 2, 3):
        got = pairs_from_band_keys(keys, n_jobs=jobs)
        assert got.dtype == np.int32 and got.shape == (len(want), 2)
        assert [tuple(x) for x in got.tolist()] == want, jobs  # sorted, distinct, i < j
    # rows left out, and buckets too large to count (a guard the section pairs use)
    valid = np.arange(len(sh)) % 3 != 1
    got = pairs_from_band_keys(keys, valid=valid, max_bucket=4)
    want = _bucket_pairs_by_python(keys, valid, 4)
    assert want != _bucket_pairs_by_python(keys, valid)
    assert [tuple(x) for x in got.tolist()] == want
    assert pairs_from_band_keys(keys[:1]).shape == (0, 2)
    assert pairs_from_band_keys(keys, valid=np.zeros(len(sh), bool)).shape == (0, 2)
    # the same pair key in two bands is one candidate: all keys equal, every pair once
    same = np.zeros((6, 4), dtype=np.uint64)
    assert pairs_from_band_keys(same).tolist() == [
        [i, j] for i in range(6) for j in range(i + 1, 6)
    ]
    # keys from whole uint64 signatures equal keys from column-by-column conversion
    assert np.array_equal(band_keys(sig.astype(np.uint64), bands=b, rows=r), keys)


def test_scored_pairs_ordered_as_sorted_strings():
    docs = pd.DataFrame(
        {
            "doc_id": ["b10", "a", "b2", "ø", "B", "a1"],
            "text": ["x y z w v u t s r q"] * 6,
        }
    )
    sh = shingle_partition(docs, common_form=False, ngram=2)
    pairs = np.array([(i, j) for i in range(6) for j in range(i + 1, 6)])[::-1]
    got = score_pairs(sh, pairs, signatures=signatures(sh))
    ids = sh.ids.astype(str)
    a, b = ids[pairs[:, 0]], ids[pairs[:, 1]]
    swap = a > b
    want = pd.DataFrame({"doc_a": np.where(swap, b, a), "doc_b": np.where(swap, a, b)}).sort_values(
        ["doc_a", "doc_b"], kind="mergesort"
    )
    assert got["doc_a"].tolist() == want["doc_a"].tolist()
    assert got["doc_b"].tolist() == want["doc_b"].tolist()
    assert got["doc_a"].dtype == want["doc_a"].dtype
    empty = score_pairs(sh, np.empty((0, 2), dtype=np.int64))
    assert empty["doc_a"].dtype == want["doc_a"].dtype and len(empty) == 0


def test_pair_minhash_jaccard_is_the_share_of_equal_values():
    rng = np.random.default_rng(2)
    sigs = rng.integers(0, 3, size=(40, 128)).astype(np.uint32)
    a, b = rng.integers(0, 40, 500), rng.integers(0, 40, 500)
    want = (sigs[a] == sigs[b]).mean(axis=1)
    assert np.array_equal(pair_minhash_jaccard(sigs, a, b, chunk=7), want)


@pytest.mark.parametrize(
    "text",
    [
        "",
        " § 3. ",
        "Stord kommune og Helse Fonna HF avtalar 3 punkt.",
        "abc abc abcabc abc_d e\u0301 x²y ½ ٣ ﬁ",
        "Xx kommune, Nord-Fron kommune og Helse Fonna HF-en",
    ],
)
def test_token_spans_match_the_regex_offsets(text):
    nfc = unicodedata.normalize("NFC", text)
    toks, spans = normalize_tokens(text, parties=["Stord"], common_form=False)
    assert spans.shape == (len(toks), 2) and spans.dtype == np.int64
    assert np.array_equal(token_spans(text, parties=["Stord"]), spans)
    matches = [m.span() for m in re.finditer(r"\w+", nfc)]
    starts = {a for a, _ in matches}
    ends = {b for _, b in matches}
    assert all(a in starts and b in ends for a, b in spans.tolist())


def test_verified_pairs_hold_exact_measures_without_ids(corpus, monkeypatch):
    """Overlaps as row indices: oriented and sorted by id, measures equal Python sets."""
    _, sh = corpus
    n = len(sh)
    rng = np.random.default_rng(11)
    pairs = np.array([(i, j) for i in range(n) for j in range(n) if i != j])
    pairs = pairs[rng.choice(len(pairs), size=300, replace=False)]  # either orientation
    pairs = pairs[np.unique(np.sort(pairs, axis=1), axis=0, return_index=True)[1]]
    ver = cand_mod.verify_pairs(sh, pairs, n_jobs=2)
    assert len(ver) == len(pairs)
    assert ver.row_a.dtype == ver.row_b.dtype == ver.overlap.dtype == np.int32
    ids = sh.ids.astype(str)
    a, b = ids[ver.row_a], ids[ver.row_b]
    assert (a < b).all()
    assert list(zip(a, b, strict=True)) == sorted(zip(a, b, strict=True))
    sets = _python_sets(sh)
    inter = np.array([len(sets[i] & sets[j]) for i, j in zip(ver.row_a, ver.row_b, strict=True)])
    size_a = np.array([len(sets[i]) for i in ver.row_a])
    size_b = np.array([len(sets[j]) for j in ver.row_b])
    assert np.array_equal(ver.overlap, inter) and inter.max() > 0
    assert np.array_equal(ver["jaccard"], inter / (size_a + size_b - inter))
    assert np.array_equal(ver["containment_ab"], inter / size_a)
    assert np.array_equal(ver["containment_ba"], inter / size_b)
    with pytest.raises(KeyError):
        ver["doc_a"]
    # the table of a subset is the subset of the table, estimates included
    sig = signatures(sh)
    whole = ver.to_frame(sig)
    keep = ver["jaccard"] >= np.median(ver["jaccard"])
    part = ver.take(keep).to_frame(sig, rows=False)
    assert "row_a" not in part and 0 < len(part) < len(whole)
    pd.testing.assert_frame_equal(
        part, whole.loc[keep].drop(columns=["row_a", "row_b"]).reset_index(drop=True)
    )
    pd.testing.assert_frame_equal(whole, score_pairs(sh, pairs, signatures=sig, n_jobs=1))
    # pair keys built and split chunk by chunk: the same pairs in the same order
    monkeypatch.setattr(cand_mod, "_CHUNK", 5)
    small = cand_mod.verify_pairs(sh, pairs.astype(np.int32))
    for name in ("row_a", "row_b", "overlap", "size_a", "size_b"):
        assert np.array_equal(getattr(small, name), getattr(ver, name)), name


def test_pairs_already_in_id_order_skip_the_key_sort_with_the_same_result(corpus, monkeypatch):
    """LSH pairs of rows in id order are verified as they come, as the general path
    (pair keys sorted by id) orders them."""
    _, sh = corpus
    sh = sh.take(np.argsort(sh.ids.astype(str), kind="stable"))  # rows in id order
    n = len(sh)
    pairs = np.array([(i, j) for i in range(n) for j in range(i + 1, n) if (3 * i + j) % 4])
    taken = []
    real = cand_mod._in_id_order
    monkeypatch.setattr(
        cand_mod, "_in_id_order", lambda p, o: taken.append(real(p, o)) or taken[-1]
    )
    monkeypatch.setattr(cand_mod, "_CHUNK", 7)  # checked across chunk borders
    fast = cand_mod.verify_pairs(sh, pairs)
    rng = np.random.default_rng(3)
    mixed = pairs[rng.permutation(len(pairs))]
    mixed[::2] = mixed[::2, ::-1]  # either orientation, any order: the general path
    slow = cand_mod.verify_pairs(sh, mixed)
    assert taken == [True, False]
    for name in ("row_a", "row_b", "overlap", "size_a", "size_b"):
        assert np.array_equal(getattr(fast, name), getattr(slow, name)), name
        assert getattr(fast, name).dtype == np.int32
    sets = _python_sets(sh)
    assert fast.overlap.tolist() == [len(sets[i] & sets[j]) for i, j in pairs]
    order = np.arange(n)
    assert real(pairs, order)
    for k in (1, 6, 7, 8, 13, len(pairs) - 1):  # a step back at and around chunk borders
        bad = pairs.copy()
        bad[[k - 1, k]] = bad[[k, k - 1]]
        assert not real(bad, order), k
    assert not real(pairs[:, ::-1], order)  # a > b
    assert not real(np.repeat(pairs, 2, axis=0), order)  # repeated pairs
    assert not real(pairs, order[::-1])  # rows not in id order


def test_excluded_shingles_are_counted_once_per_unit_however_often_they_recur():
    words = "avtalen gjeld tenester for pasientar med behov for samarbeid".split()
    rng = np.random.default_rng(2)
    texts = [" ".join(rng.choice(words, size=rng.integers(0, 80))) for _ in range(40)]
    texts[0] = " ".join(words * 6)  # every shingle many times over
    docs = pd.DataFrame({"doc_id": [f"d{i:02d}" for i in range(40)], "text": texts})
    sh = shingle_partition(docs, common_form=False).without_sets()
    full = _python_sets(sh)
    drop = np.unique(np.concatenate([sh.seq_of(0), sh.seq_of(7)[:3]])).astype(np.uint32)
    got = sets_without(sh, drop).set_sizes()
    want = [len(s - set(drop.tolist())) for s in full]
    assert got.tolist() == want
    assert got[0] == 0 and len(sh.seq_of(0)) > 3 * len(full[0])  # recurring shingles


def test_pair_measures_computed_chunk_by_chunk_equal_the_formulas(corpus, monkeypatch):
    _, sh = corpus
    n = len(sh)
    pairs = np.array([(i, j) for i in range(n) for j in range(i + 1, n)])
    monkeypatch.setattr(cand_mod, "_CHUNK", 7)
    ver = cand_mod.verify_pairs(sh, pairs)
    inter = ver.overlap.astype(np.float64)
    sa, sb = ver.size_a.astype(np.int64), ver.size_b.astype(np.int64)
    ab, ba = inter / np.maximum(sa, 1), inter / np.maximum(sb, 1)
    jac = inter / np.maximum(sa + sb - inter, 1)
    assert np.array_equal(ver.jaccard(), jac)
    assert np.array_equal(ver.containment_ab(), ab) and np.array_equal(ver.containment_ba(), ba)
    assert np.array_equal(ver.mean_containment(), (ab + ba) / 2)
    mask = ver.report_mask(0.3, 0.6)
    assert np.array_equal(mask, (jac >= 0.3) | (np.maximum(ab, ba) >= 0.6))
    assert 0 < mask.sum() < len(mask) and len(ver) > 7 * 10


def test_distinct_counts_per_unit_equal_python_sets():
    from avtaleanalyse.similarity.kernels import distinct_counts

    rng = np.random.default_rng(5)
    lens = rng.integers(0, 3000, 60)
    lens[[3, 9]] = 0, 1
    # few distinct values (many repeats, many collisions in small tables) and many
    seq = np.concatenate(
        [rng.integers(0, 2**32 if k % 2 else 40, n, dtype=np.uint64) for k, n in enumerate(lens)]
    ).astype(np.uint32)
    offs = np.concatenate([[0], np.cumsum(lens)]).astype(np.int64)
    got = np.zeros(len(lens), dtype=np.int64)
    distinct_counts(seq, offs, got)
    want = [len(set(seq[a:b].tolist())) for a, b in zip(offs[:-1], offs[1:], strict=True)]
    assert got.tolist() == want and got[3] == 0 and got[9] == 1


@pytest.mark.parametrize("block", [1, 7, 64, 1 << 16])
def test_grouped_signatures_equal_first_equal_rows_of_all_signatures(block, monkeypatch):
    words = "avtalen gjeld tenester for pasientar med behov for samarbeid og rettleiing".split()
    rng = np.random.default_rng(6)
    base = [" ".join(rng.choice(words, size=rng.integers(6, 30))) for _ in range(9)]
    # verbatim copies of a few texts among texts of their own, in any order
    texts = [
        base[k] if k < 9 else " ".join(rng.choice(words, size=20)) for k in rng.integers(0, 15, 120)
    ]
    docs = pd.DataFrame({"doc_id": [f"s{i:03d}" for i in range(120)], "text": texts})
    sh = shingle_partition(docs, common_form=False).without_sets()
    full = signatures(sh, num_perm=64, seed=3)
    want = cand_mod.first_equal_rows(full)
    got = cand_mod.grouped_signatures(sh, num_perm=64, seed=3, block=block)
    reps = np.flatnonzero(want == np.arange(len(want)))
    assert np.array_equal(got.first, want) and got.first.dtype == np.int64
    assert np.array_equal(got.reps, reps) and len(reps) < 0.8 * len(want)
    assert np.array_equal(got.signatures, full[reps])
    assert np.array_equal(got.rep_rows(reps[::-1]), np.arange(len(reps))[::-1])
    none = cand_mod.grouped_signatures(sh.take(np.arange(0)), num_perm=64, block=block)
    assert len(none.first) == len(none.reps) == 0 and none.signatures.shape == (0, 64)
    # every key equal: the values differ, so the grouping is redone exactly
    monkeypatch.setattr(
        cand_mod, "band_keys", lambda s, bands, rows: np.zeros((len(s), 1), dtype=np.uint64)
    )
    got = cand_mod.grouped_signatures(sh, num_perm=64, seed=3, block=block)
    assert np.array_equal(got.first, want) and np.array_equal(got.signatures, full[reps])
