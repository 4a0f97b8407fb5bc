"""Standardisation indices: fill-in slots shorter than ``min_local_run`` are not local text."""

from __future__ import annotations

import numpy as np
import pytest

from avtaleanalyse.similarity.indices import _coverage, _drop_short_runs
from avtaleanalyse.similarity.kernels import family_hits
from avtaleanalyse.similarity.run import SimilarityParams, similarity_tables
from avtaleanalyse.similarity.shingles import Shingled
from avtaleanalyse.similarity.synthetic import synthetic_corpus


def test_short_runs_are_dropped_and_runs_stop_at_unit_borders():
    m = np.array([1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1], dtype=bool)
    assert _drop_short_runs(m, np.array([0, 11]), 3).astype(int).tolist() == [
        0, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1
    ]  # fmt: skip
    # the same tokens split into two units at 9: the last run is two runs of 2
    assert _drop_short_runs(m, np.array([0, 9, 11]), 3).astype(int).tolist() == [
        0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0
    ]  # fmt: skip
    assert _drop_short_runs(m, np.array([0, 11]), 1) is m


def test_min_local_tokens_moves_slots_from_local_to_regional():
    docs, _ = synthetic_corpus(n_trusts=3, n_agreements=4, n_municipalities=4, seed=3)
    # a fill-in slot: one word of a verbatim copy replaced by a word no other document has
    i = docs.index[docs["doc_id"] == "m00a00k01"][0]
    words = docs.at[i, "text"].split(" ")
    words[len(words) // 2] = "kvalitetskoordinatoren"
    docs.at[i, "text"] = " ".join(words)
    run = {
        n: similarity_tables(
            docs, None, params=SimilarityParams(common_form=False, local_min_tokens=n)
        )["standardisation"].set_index("doc_id")
        for n in (1, 6)
    }
    a, b = run[1], run[6]
    shares = ["national_share", "regional_share", "local_share"]
    np.testing.assert_allclose(b[shares].sum(axis=1), 1.0)
    assert (b["local_share"] <= a["local_share"] + 1e-12).all()
    assert a.at["m00a00k01", "local_share"] > 0
    assert b.at["m00a00k01", "local_share"] == 0
    assert (b["local_share"] < a["local_share"]).sum() == 1
    assert b["national_share"].to_numpy() == pytest.approx(a["national_share"].to_numpy())


def test_national_share_against_a_given_national_model_text():
    docs, _ = synthetic_corpus(n_trusts=3, n_agreements=2, n_municipalities=4, seed=5)
    model = " ".join(f"modellord{i} felles{i % 7} tekst{i % 5}." for i in range(60))
    # every copy of trust 0 starts with the model text; the other trusts do not use it
    t0 = docs["health_trust"] == docs["health_trust"].iloc[0]
    docs.loc[t0, "text"] = model + "\n" + docs.loc[t0, "text"]
    p = SimilarityParams(common_form=False, sections=False)
    with_model = similarity_tables(docs, None, params=p, national_text=model)
    st = with_model["standardisation"].set_index("doc_id")
    n_model = len(model.replace(".", "").split())
    expected = n_model / st.loc[t0.to_numpy(), "n_tokens"]
    np.testing.assert_allclose(st.loc[t0.to_numpy(), "national_share"], expected, atol=1e-9)
    assert (st.loc[~t0.to_numpy(), "national_share"] == 0).all()
    # without the text, the estimate is what the synthetic trusts share with each other
    shared = similarity_tables(docs, None, params=p)["standardisation"].set_index("doc_id")
    assert (shared.loc[~t0.to_numpy(), "national_share"] > 0).all()
    # which text is national changes; what is local does not (text shared across trusts is
    # regional when the model text is given, never local)
    np.testing.assert_allclose(st["local_share"], shared.loc[st.index, "local_share"])
    assert (
        st.loc[~t0.to_numpy(), "regional_share"] > shared.loc[~t0.to_numpy(), "regional_share"]
    ).all()


@pytest.mark.parametrize("ngram", [1, 3, 5])
def test_coverage_and_family_hits_follow_their_definitions(ngram):
    """Token coverage from per-shingle hits, and the hits in each unit's family set (sorted,
    binary search without branches), against plain loops: units shorter than the n-gram
    (one shingle), empty units, units without a family, families with an empty set."""
    rng = np.random.default_rng(ngram)
    n_tok = rng.integers(0, 30, size=60)
    n_tok[:3] = [0, 1, ngram]
    lens = np.where(n_tok == 0, 0, np.maximum(n_tok - ngram + 1, 1))
    offs = np.concatenate([[0], np.cumsum(lens)]).astype(np.int64)
    seq = rng.integers(0, 50, size=int(offs[-1])).astype(np.uint32)
    sh = Shingled(np.arange(60).astype(str), offs, seq, None, None, n_tok, ngram)
    fam = rng.integers(-1, 4, size=60)
    sets = [
        np.sort(rng.choice(50, size=k, replace=False)).astype(np.uint32) for k in (0, 1, 20, 49)
    ]
    set_offs = np.concatenate([[0], np.cumsum([len(x) for x in sets])]).astype(np.int64)
    values = np.concatenate(sets)
    for lo, hi in ((0, 60), (0, 1), (5, 17), (59, 60)):
        hits = family_hits(seq, offs, lo, hi, fam, set_offs, values)
        want_hits = np.concatenate(
            [np.zeros(0, bool)]
            + [
                np.isin(seq[offs[u] : offs[u + 1]], sets[fam[u]] if fam[u] >= 0 else [])
                for u in range(lo, hi)
            ]
        )
        assert hits.tolist() == want_hits.tolist()
        cov = _coverage(sh, lo, hi, hits)
        want = []
        for u in range(lo, hi):
            n, span = int(n_tok[u]), min(ngram, int(n_tok[u]))
            h = hits[offs[u] - offs[lo] : offs[u + 1] - offs[lo]]
            want += [
                any(h[j] for j in range(max(0, t - span + 1), min(t + 1, len(h)))) for t in range(n)
            ]
        assert cov.tolist() == want
        if (lo, hi) == (0, 60):
            assert 0 < int(hits.sum()) < len(hits) and 0 < sum(want) < len(want)
    with pytest.raises(ValueError, match="one hit per shingle"):
        _coverage(sh, 0, 3, np.zeros(int(offs[3]) + 1, bool))
