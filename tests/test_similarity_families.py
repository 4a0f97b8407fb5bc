"""Families, prototypes, indices and local passages on a corpus with known truth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr
from sklearn.metrics import adjusted_rand_score

from avtaleanalyse.similarity.families import (
    boilerplate_shingles,
    cluster_families,
    families_from_rows,
)
from avtaleanalyse.similarity.indices import aggregate_indices
from avtaleanalyse.similarity.run import SimilarityParams, similarity_tables
from avtaleanalyse.similarity.synthetic import synthetic_corpus


@pytest.fixture(scope="module")
def result():
    docs, truth = synthetic_corpus(n_trusts=4, n_agreements=3, n_municipalities=6, seed=11)
    tables = similarity_tables(docs, None, params=SimilarityParams(common_form=False))
    return docs, truth, tables


def test_families_recover_truth(result):
    _, truth, t = result
    f = t["families"].merge(truth, on="doc_id")
    assert adjusted_rand_score(f["template_family"], f["family_id"]) >= 0.95
    assert f["family_id"].str.match(r"F\d{4}$").all()


def test_local_share_tracks_adaptation_share(result):
    docs, truth, t = result
    s = t["standardisation"].merge(truth, on="doc_id")
    rho = spearmanr(s["local_share"], s["adaptation_share"]).statistic
    assert rho >= 0.9
    total = s[["national_share", "regional_share", "local_share"]].sum(axis=1)
    assert np.allclose(total, 1.0)
    # the regional templates are their family's base: nothing local
    tmpl = s[s["doc_id"].str.startswith("t")]
    assert (tmpl["local_share"] < 0.02).all()
    # national model exists (clauses shared across trusts)
    assert (s["national_share"] > 0).mean() > 0.9


def test_added_passages_found(result):
    _, truth, t = result
    ad = t["adaptations"]
    assert set(ad["kind"]) <= {"added", "edited", "removed"}
    planted = [
        (d, p) for d, ps in zip(truth["doc_id"], truth["local_passages"], strict=True) for p in ps
    ]
    found = 0
    for d, p in planted:
        rows = ad[(ad["doc_id"] == d) & ad["kind"].isin(["added", "edited"])]
        found += any(p[:40] in txt or txt[:40] in p for txt in rows["text"])
    assert found / len(planted) >= 0.9


def test_aggregates(result):
    docs, _, t = result
    agg = aggregate_indices(t["standardisation"], docs)
    assert set(agg["group_by"]) >= {"health_trust", "municipalities", "agreement_number"}
    hf = agg[agg["group_by"] == "health_trust"]
    assert hf["n_documents"].sum() == (~docs["is_template"]).sum()


def test_boilerplate_and_singletons():
    docs = pd.DataFrame({"doc_id": ["a", "b", "c"]})
    fam = cluster_families(
        pd.DataFrame(
            {"doc_a": ["a"], "doc_b": ["b"], "jaccard": [0.7], "containment_ab": [0.8],
             "containment_ba": [0.9], "jaccard_minhash": [0.7]}
        ),
        docs["doc_id"],
    )  # fmt: skip
    assert fam.set_index("doc_id")["family_id"].to_dict() == {
        "a": "F0001", "b": "F0001", "c": "F0002"
    }  # fmt: skip
    d2, _ = synthetic_corpus(n_trusts=2, n_agreements=1, n_municipalities=30, seed=2)
    from avtaleanalyse.similarity.shingles import shingle_partition

    sh = shingle_partition(d2, common_form=False)
    assert len(boilerplate_shingles(sh, min_documents=1000)) == 0
    bp = boilerplate_shingles(sh, max_df=0.3, min_documents=10)
    assert len(bp) > 0  # the national clauses both trusts chose


def _pairs(rows):
    return pd.DataFrame(
        [
            {"doc_a": a, "doc_b": b, "jaccard": s, "containment_ab": s, "containment_ba": s,
             "jaccard_minhash": s}
            for a, b, s in rows
        ]
    )  # fmt: skip


def test_edited_copy_joins_the_template_it_is_clearly_closest_to():
    # two sibling families (a*, b*) of near-copies share boilerplate (0.55 between them);
    # x is a heavily edited copy of the a-template (0.65 to a*, 0.45 to b*)
    rows = [(f"a{i}", f"a{j}", 0.95) for i in range(3) for j in range(i + 1, 3)]
    rows += [(f"b{i}", f"b{j}", 0.95) for i in range(3) for j in range(i + 1, 3)]
    rows += [(f"a{i}", f"b{j}", 0.55) for i in range(3) for j in range(3)]
    rows += [("x", f"a{i}", 0.65) for i in range(3)] + [("x", f"b{i}", 0.45) for i in range(3)]
    ids = [f"a{i}" for i in range(3)] + [f"b{i}" for i in range(3)] + ["x"]
    fam = cluster_families(_pairs(rows), ids).set_index("doc_id")["family_id"]
    assert fam["x"] == fam["a0"] == fam["a2"]
    assert fam["b0"] == fam["b2"] != fam["a0"]
    # without attaching, x stays on its own; with a rival as close as its template, too
    no_attach = cluster_families(_pairs(rows), ids, attach_threshold=None)
    assert no_attach.set_index("doc_id").loc["x", "family_size"] == 1
    rival = [(a, b, 0.62 if (a == "x" and b.startswith("b")) else s) for a, b, s in rows]
    fam = cluster_families(_pairs(rival), ids).set_index("doc_id")["family_id"]
    assert fam["x"] not in {fam["a0"], fam["b0"]}


def _attach_by_the_rule(label, a, b, sim, threshold, margin, min_coverage=0.5):
    """The satellite rule of ``_attach`` written out pair by pair (the specification)."""
    size = np.bincount(label)
    sums, counts, linked = {}, {}, {}
    for x, y, s in zip(a.tolist(), b.tolist(), sim.tolist(), strict=True):
        if label[x] == label[y]:
            continue
        for c, d, member in ((label[x], label[y], y), (label[y], label[x], x)):
            sums[c, d] = sums.get((c, d), 0.0) + s
            counts[c, d] = counts.get((c, d), 0) + 1
            linked.setdefault((c, d), set()).add(member)
    partners = {}
    for (c, d), total in sums.items():
        if len(linked[c, d]) / size[d] >= min_coverage:
            partners.setdefault(c, []).append((total / counts[c, d], d))
    best = {}
    for c, lst in partners.items():
        lst.sort(key=lambda t: (-t[0], t[1]))
        best[c] = lst[0]
    parent = np.arange(len(size))
    for c, (m, d) in best.items():
        if 2 * size[c] > size[d] or m < threshold:
            continue
        rivals = [m2 for m2, e in partners[c][1:] if best.get(e, (0.0, -1))[1] != d]
        if not rivals or m - rivals[0] >= margin:
            parent[c] = d
    root = parent.copy()
    while not np.array_equal(parent[root], root):
        root = parent[root]
    return root[label]


@pytest.mark.parametrize("chunk", [1, 7, 60, 1 << 23])
def test_attaching_follows_the_satellite_rule_on_random_cores(chunk):
    """Whatever the number of directed pairs per range of source cores (``chunk``)."""
    from avtaleanalyse.similarity.families import _attach

    joined = 0
    for seed in range(60):
        rng = np.random.default_rng(seed)
        n = 40
        label = rng.integers(0, 10, size=n)
        label = np.unique(label, return_inverse=True)[1]  # cores 0..k-1, all non-empty
        a = rng.integers(0, n, size=150)
        b = rng.integers(0, n, size=150)
        sim = rng.integers(0, 17, size=150) / 16  # exact sums: no rounding ties
        want = _attach_by_the_rule(label, a, b, sim, 0.5, 0.1)
        got = _attach(label, a, b, sim, 0.5, 0.1, chunk=chunk)
        assert np.array_equal(got, want), seed
        assert np.array_equal(_attach(label, a, b, sim, 0.5, 0.1, chunk=chunk, n_jobs=2), want)
        joined += int((got != label).any())
    assert joined >= 10  # the rule is exercised, not only the no-join case


def _cores_by_linkage(n, a, b, sim, threshold):
    """The cores as the specification gives them: components of ``sim >= threshold``,
    each split by average linkage on ``1 - sim`` (unscored pairs at distance 1)."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    keep = sim >= threshold
    _, comp = connected_components(coo_matrix((sim[keep], (a[keep], b[keep])), shape=(n, n)))
    parts = []
    for c in np.unique(comp):
        members = np.flatnonzero(comp == c)
        if len(members) <= 2:
            parts.append(frozenset(members.tolist()))
            continue
        local = {int(x): i for i, x in enumerate(members)}
        dist = np.ones((len(members), len(members)))
        for x, y, s in zip(a.tolist(), b.tolist(), sim.tolist(), strict=True):
            if x in local and y in local:
                dist[local[x], local[y]] = dist[local[y], local[x]] = 1.0 - s
        np.fill_diagonal(dist, 0.0)
        sub = fcluster(linkage(dist[np.triu_indices(len(members), 1)], "average"),
                       t=1.0 - threshold, criterion="distance")  # fmt: skip
        parts.extend(frozenset(members[sub == k].tolist()) for k in np.unique(sub))
    return set(parts)


def test_cores_equal_average_linkage_with_and_without_whole_cliques():
    rng = np.random.default_rng(3)
    ids = np.array([f"d{i:03d}" for i in range(120)])
    a, b, sim = [], [], []
    start = 0
    for size in rng.integers(3, 9, size=17):
        members = range(start, start + int(size))
        start += int(size)
        kind = rng.integers(0, 3)  # a clean clique, a clique with a weak pair, a chain
        for x in members:
            for y in members:
                if x < y and (kind != 2 or y == x + 1):
                    a.append(x)
                    b.append(y)
                    sim.append(0.82 + 0.18 * rng.random() if kind == 0 else rng.random())
    a, b, sim = np.array(a), np.array(b), np.array(sim)
    got = families_from_rows(ids, a, b, sim, threshold=0.8, attach_threshold=None)
    parts = {frozenset(np.flatnonzero(got["family_id"] == f).tolist()) for f in got["family_id"]}
    want = _cores_by_linkage(len(ids), a, b, sim, 0.8)
    assert parts == want
    assert sum(len(p) > 2 for p in want) >= 5 and len(want) < len(ids)


def test_families_from_verified_pairs_equal_families_from_the_table():
    """The id-free path the stage uses gives the table path's families, whatever the row
    order of the documents."""
    from avtaleanalyse.similarity.candidates import lsh_candidates, score_pairs, verify_pairs
    from avtaleanalyse.similarity.families import families_from_rows, families_from_verified
    from avtaleanalyse.similarity.minhash import signatures
    from avtaleanalyse.similarity.shingles import shingle_partition

    docs, _ = synthetic_corpus(n_trusts=3, n_agreements=3, n_municipalities=8, seed=9)
    docs = docs.sample(frac=1.0, random_state=3).reset_index(drop=True)  # ids out of order
    sh = shingle_partition(docs)
    assert list(sh.ids) != sorted(sh.ids)
    cand = lsh_candidates(signatures(sh), threshold=0.3)
    ver = verify_pairs(sh, cand)
    for measure in ("mean_containment", "max_containment", "jaccard"):
        want = cluster_families(score_pairs(sh, cand), sh.ids, measure=measure)
        got = families_from_verified(ver, measure=measure)
        pd.testing.assert_frame_equal(got, want)
        assert want["family_id"].nunique() < len(want) - 10  # families, not singletons
    with pytest.raises(TypeError):
        families_from_rows(np.sort(sh.ids), ver.row_a.astype(float), ver.row_b, ver["jaccard"])


def test_reported_pairs_are_the_scored_candidates_that_meet_the_rule(result):
    """The stage scores every candidate but builds rows only for the reported ones: the
    table equals scoring all candidates as a table and filtering it by the rule."""
    from avtaleanalyse.similarity.candidates import lsh_candidates, score_pairs, sets_without
    from avtaleanalyse.similarity.minhash import signatures
    from avtaleanalyse.similarity.run import shingle_corpus

    docs, _, tables = result
    p = SimilarityParams(common_form=False)
    sh = shingle_corpus(docs, common_form=False)
    shx = sets_without(sh, boilerplate_shingles(sh, max_df=0.3, min_documents=50, seed=1))
    sig = signatures(shx)
    scored = score_pairs(shx, lsh_candidates(sig, threshold=p.lsh_threshold), signatures=sig)
    maxc = np.maximum(scored["containment_ab"], scored["containment_ba"])
    rule = (scored["jaccard"] >= p.report_min_jaccard) | (maxc >= p.report_min_containment)
    want = scored[rule].drop(columns=["row_a", "row_b"]).reset_index(drop=True)
    assert 0 < len(want) < len(scored)
    pd.testing.assert_frame_equal(tables["pairs"], want)


def test_cohesion_is_the_mean_similarity_to_the_other_members_over_scored_pairs():
    from avtaleanalyse.similarity.families import families_from_rows

    rng = np.random.default_rng(11)
    n = 60
    ids = np.array([f"d{i:03d}" for i in range(n)])
    # near-copies in groups of five, weaker pairs across the groups
    a, b, sim = [], [], []
    for i in range(n):
        for j in range(i + 1, n):
            same = i // 5 == j // 5
            if same or rng.random() < 0.1:
                a.append(i)
                b.append(j)
                sim.append(rng.uniform(0.85, 1.0) if same else rng.uniform(0.0, 0.4))
    a, b, sim = np.array(a, dtype=np.int32), np.array(b, dtype=np.int32), np.array(sim)
    fams = families_from_rows(ids, a, b, sim, threshold=0.8)
    fam = fams["family_id"].to_numpy()
    assert fams["family_size"].max() > 1
    for i in range(n):
        mine = [s for x, y, s in zip(a, b, sim, strict=True) if i in (x, y) and fam[x] == fam[y]]
        size = int(fams["family_size"].iat[i])
        want = sum(mine) / max(size - 1, 1) if size > 1 else 1.0
        assert fams["family_cohesion"].iat[i] == pytest.approx(want, rel=1e-12), i


@pytest.mark.parametrize("majority", [0.5, 0.3, 0.75])
def test_prototype_consensus_and_base_follow_the_definition(majority):
    """Consensus: the shingles more than ``majority`` of the members hold (a shingle a member
    repeats counts once); base: the template, else the member holding most of it (ties by
    id); the same with any number of threads."""
    from avtaleanalyse.similarity.prototypes import family_prototypes
    from avtaleanalyse.similarity.shingles import shingle_partition

    docs, truth = synthetic_corpus(n_trusts=2, n_agreements=2, n_municipalities=7, seed=5)
    # every third document repeats its opening, and the first one (in the family of four
    # below) a passage of its own three times: repeated shingles within a member
    texts = [
        t + " " + " ".join(t.split()[:30]) if k % 3 == 0 else t for k, t in enumerate(docs["text"])
    ]
    own = " ".join(f"egenord{k} tillegg{k % 7}" for k in range(20))
    texts[0] = texts[0] + (" " + own) * 3
    docs = docs.assign(text=texts)
    sh = shingle_partition(docs, common_form=False)
    fams = truth[["doc_id", "template_family"]].rename(columns={"template_family": "family_id"})
    # four members (an integer threshold at 0.75 and 0.5), a lone document, an unknown id
    fams.loc[fams.index[:4], "family_id"] = "G1"
    fams.loc[fams.index[4], "family_id"] = "G2"
    fams = pd.concat([fams, pd.DataFrame({"doc_id": ["nowhere"], "family_id": ["G2"]})])
    row = {d: i for i, d in enumerate(sh.ids.astype(str))}
    tmpl = dict(zip(docs["doc_id"], docs["is_template"], strict=True))
    got = [family_prototypes(sh, fams, docs, majority=majority, n_jobs=j) for j in (1, 2, 5)]
    for fam, grp in fams.groupby("family_id"):
        members = sorted(m for m in grp["doc_id"] if m in row)
        sets = [set(sh.seq_of(row[m]).tolist()) for m in members]
        held = {}
        for s in sets:
            for v in s:
                held[v] = held.get(v, 0) + 1
        want = sorted(v for v, c in held.items() if c > majority * len(members))
        if len(members) < 2:
            want = []
        score = {m: len(s & set(want)) for m, s in zip(members, sets, strict=True)}
        base = min(sorted(grp["doc_id"]), key=lambda m: (not tmpl.get(m, False), -score.get(m, 0)))
        for p in got:
            assert p.sets[fam].dtype == np.uint32
            assert p.sets[fam].tolist() == want, fam
            rec = p.table.set_index("family_id").loc[fam]
            assert rec["base_doc_id"] == base and rec["n_shingles"] == len(want)
    assert len(got[0].sets["G1"]) > 0 and len(got[0].sets["G2"]) == 0
