"""Local text versus slot fills and variants: what counts in ``local_share`` and the passages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from avtaleanalyse.similarity.alignment import (
    classify_runs,
    first_positions,
    is_variant,
    lookup_positions,
    position_index,
)
from avtaleanalyse.similarity.prototypes import covered_by_shingles, covered_tokens
from avtaleanalyse.similarity.run import SimilarityParams, similarity_tables

rng = np.random.default_rng(7)
WORDS = [f"ord{i}" for i in range(800)]
ROLES = [
    "leder for tildelingskontoret",
    "kommunalsjef for helse og omsorg",
    "samhandlingskoordinator i kommunen",
    "kommuneoverlegen ved legevakten",
    "enhetsleder for hjemmetjenesten",
    "rådgiver i stab hos rådmannen",
]
ADDED = "Kommunen har sitt eget brukerråd med faste plasser for eldrerådet og ungdomsrådet."
EDITED = "Her har kommunen skrevet helt ny tekst om legevakten og sin egen døgnordning."


def _sent(n=14):
    return " ".join(rng.choice(WORDS, n)) + "."


BASE = [_sent() for _ in range(16)]


def _ocr(sentence: str) -> str:
    """Damage every word a little, as OCR does: a letter swapped, a space inserted."""
    out = []
    for i, w in enumerate(sentence.rstrip(".").split()):
        out.append(w[:2] + " " + w[2:] if i % 2 else w.replace("o", "c", 1))
    return " ".join(out) + "."


def _member(role_k: str, role_h: str, *, added=False, edited=False, damaged=False) -> str:
    s = list(BASE)
    s[5] = f"Kontaktpersonene er {role_k} og {role_h}."  # one run of >= 7 words
    if damaged:
        s[9] = _ocr(s[9])
    if edited:
        s[12] = EDITED
    if added:
        s.insert(3, ADDED)
    return " ".join(s)


@pytest.fixture(scope="module")
def tables():
    texts = {"t": _member("[kontaktperson]", "[kontaktperson]")}
    for i in range(6):
        texts[f"m{i}"] = _member(ROLES[i], ROLES[(i + 2) % 6])
    texts["x_local"] = _member(ROLES[1], ROLES[4], added=True, edited=True)
    texts["x_ocr"] = _member(ROLES[2], ROLES[5], damaged=True)
    docs = pd.DataFrame(
        {
            "doc_id": list(texts),
            "text": list(texts.values()),
            "is_template": [d == "t" for d in texts],
            "language_form": "bokmal",
            "agreement_number": 3,
            "agreement_kind": "delavtale",
            "health_trust": "Helse Fonna HF",
            "municipalities": [["Stord"]] * len(texts),
            "year": 2012,
        }
    )
    return docs, similarity_tables(docs, None, params=SimilarityParams(sections=False))


def test_one_family_with_the_template_as_base(tables):
    _, t = tables
    assert t["families"]["family_id"].nunique() == 1
    assert t["prototypes"]["base_doc_id"].tolist() == ["t"]
    assert t["prototypes"]["alt_base_doc_id"].notna().all()


def test_slot_fills_and_ocr_variants_are_not_local(tables):
    _, t = tables
    share = t["standardisation"].set_index("doc_id")["local_share"]
    # every member fills the contact slot with its own multi-word roles: not local
    for d in ["t", *(f"m{i}" for i in range(6)), "x_ocr"]:
        assert share[d] == 0, d
    assert share["x_local"] > 0


def test_local_share_counts_exactly_the_added_and_edited_passages(tables):
    docs, t = tables
    ad = t["adaptations"]
    local = ad[ad["kind"].isin(["added", "edited"])]
    assert set(local["doc_id"]) == {"x_local"}
    by = local.set_index("kind")["text"]
    assert by["added"].rstrip(".") in ADDED
    assert "døgnordning" in by["edited"]
    st = t["standardisation"].set_index("doc_id")
    assert st.at["x_local", "local_share"] == pytest.approx(
        local["n_tokens"].sum() / st.at["x_local", "n_tokens"]
    )
    # the passage positions point into the document
    text = docs.set_index("doc_id").at["x_local", "text"]
    for _, row in local.iterrows():
        assert text[row["position"] : row["end"]] == row["text"]


def test_is_variant_separates_damage_from_rewording():
    a = "kontaktpersonen skal melde avvik til samhandlingsutvalget innen fristen".split()
    assert is_variant(_ocr(" ".join(a)).rstrip(".").lower().split(), a)
    assert not is_variant("kommunen har egen legevakt med døgnbemanning".split(), a)
    assert not is_variant([], a)


def test_is_variant_measure_is_the_lcs_ratio():
    # "ansvar og oppgaver" / "oppgaver og ansvar": longest common subsequence 10 of 36
    # characters -> 2 * 10 / 36 = 0.556 (difflib's block matching finds only 0.444)
    a, b = "ansvar og oppgaver".split(), "oppgaver og ansvar".split()
    assert is_variant(a, b, min_ratio=0.55)
    assert not is_variant(a, b, min_ratio=0.56)
    assert is_variant(b, a, min_ratio=0.55)  # symmetric
    assert is_variant(a, a, min_ratio=1.0)


def test_classify_runs_added_edited_slot():
    k = 2
    ids: dict[tuple[str, str], int] = {}

    def shingles(tokens: str) -> np.ndarray:
        t = tokens.split()
        return np.array(
            [ids.setdefault((a, b), len(ids)) for a, b in zip(t, t[1:], strict=False)], np.uint32
        )

    members = [
        "a b c slot1 slot1b d e f g h",
        "a b c slot2 slot2b d e f g h",
        "a b c slot3 slot3b d e f g h",
    ]
    base = members[0]
    seqs = [shingles(m) for m in members]
    u, c = np.unique(np.concatenate([np.unique(x) for x in seqs]), return_counts=True)
    cons = u[c >= 2].astype(np.uint32)  # the shared shingles: a-b b-c d-e e-f f-g g-h
    base_seq = seqs[0]
    base_cov = np.zeros(len(base.split()), dtype=bool)
    for j in np.flatnonzero(np.isin(base_seq, cons)):
        base_cov[j : j + k] = True

    def classify(text: str):
        seq = shingles(text)
        n = len(text.split())
        cov = np.zeros(n, dtype=bool)
        for j in np.flatnonzero(np.isin(seq, cons)):
            cov[j : j + k] = True
        return classify_runs(seq, n, cov, cons, base_seq, base_cov, ngram=k, min_tokens=2)

    # another fill of the slot between c and d: the base has only its own fill there
    (r,) = classify("a b c other fill d e f g h")
    assert (r.kind, r.start, r.end, r.gap_start, r.gap_end) == ("slot", 3, 5, 3, 5)
    # new words between e and f, which are adjacent in the base: added
    slot, r = classify("a b c slot1 slot1b d e new words f g h")
    assert slot.kind == "slot"  # the base's own fill is not consensus either
    assert (r.kind, r.start, r.end) == ("added", 7, 9)
    # "f" replaced: the base has consensus text (f) between the anchors: edited
    _, r = classify("a b c slot1 slot1b d e x y z g h")
    assert (r.kind, r.start, r.end) == ("edited", 7, 10)
    assert base.split()[r.gap_start : r.gap_end] == ["f"]
    # runs shorter than min_tokens are not classified at all
    assert [x.kind for x in classify("a b c slot1 slot1b d e q g h")] == ["slot"]


def _references_by_definition(sh, alone, munis):
    """A shingle is in an alone document's reference when a document of other parties has it."""
    seqs = [set(sh.seq_of(u).tolist()) for u in range(len(sh))]
    out = {}
    for i in alone:
        others = [u for u in range(len(sh)) if u != i and not (munis[u] & munis[i])]
        ref = {h for h in seqs[i] if any(h in seqs[u] for u in others)}
        out[str(sh.ids[i])] = sorted(ref)
    return out


def test_singleton_references_hold_exactly_the_text_other_parties_have():
    from avtaleanalyse.similarity.alignment import singleton_references
    from avtaleanalyse.similarity.prototypes import Prototypes
    from avtaleanalyse.similarity.shingles import shingle_partition

    rng = np.random.default_rng(7)
    words = [f"ord{k}" for k in range(40)]
    names = ["Alver", "Bømlo", "Fitjar", "Stord", "Tysnes"]
    rows = []
    for k in range(24):
        n_words = int(rng.integers(0, 60))  # some too short for a shingle, one maybe empty
        parties = sorted(set(rng.choice(names, size=int(rng.integers(0, 3))).tolist()))
        rows.append(
            {
                "doc_id": f"d{k:02d}",
                "text": " ".join(rng.choice(words, size=n_words)),
                "municipalities": parties,
            }
        )
    docs = pd.DataFrame(rows)
    sh = shingle_partition(docs, ngram=2, common_form=False)
    fams = pd.DataFrame(
        {"doc_id": docs["doc_id"], "family_id": ["f0"] * 6 + [f"s{k}" for k in range(18)]}
    )
    consensus = np.unique(sh.seq_of(0)).astype(np.uint32)
    protos = Prototypes(table=pd.DataFrame(), sets={"f0": consensus})
    munis = [frozenset(m) for m in docs["municipalities"]]
    want = _references_by_definition(sh, range(6, 24), munis)
    # singletons with the same municipalities (none, too) are counted as one group
    assert len({munis[i] for i in range(6, 24)}) < 18 and frozenset() in munis[6:]
    for jobs in (1, 2, 3):
        got = singleton_references(sh, fams, protos, docs, n_jobs=jobs)
        assert list(got) == sorted(want)  # in the order of the documents
        for d, ref in want.items():
            assert got[d].tolist() == ref, d
    assert sum(len(r) for r in want.values()) > 50  # the text is shared, and some is not:
    assert sum(len(np.unique(sh.seq_of(i))) for i in range(6, 24)) > sum(
        len(r) for r in want.values()
    )


def test_count_holders_counts_each_unit_once_and_only_the_wanted_values():
    from avtaleanalyse.similarity.kernels import code_table, count_holders

    rng = np.random.default_rng(3)
    # many values, a few wanted, small table bits: long probe chains and collisions
    seqs = [
        rng.integers(0, 300, size=int(rng.integers(0, 80))).astype(np.uint32) for _ in range(50)
    ]
    wanted = np.unique(rng.integers(0, 400, size=120)).astype(np.uint32)
    offs = np.zeros(len(seqs) + 1, dtype=np.int64)
    np.cumsum([len(s) for s in seqs], out=offs[1:])
    seq = np.concatenate(seqs)
    bits = int(2 * len(wanted)).bit_length()
    slots = code_table(wanted, bits)
    assert sorted(slots[slots >= 0].tolist()) == list(range(len(wanted)))
    units = np.array([3, 7, 8, 20, 49], dtype=np.int64)
    counts = np.zeros(len(wanted), dtype=np.int64)
    count_holders(seq, offs, units, wanted, slots, bits, counts)
    want = [sum(int(w in set(seqs[u].tolist())) for u in units) for w in wanted.tolist()]
    assert counts.tolist() == want
    assert max(want) > 1 and any(np.bincount(seqs[u]).max() > 1 for u in units)  # repeats


@pytest.mark.parametrize("ngram", [1, 3, 5])
def test_covered_tokens_and_first_positions_follow_their_definitions(ngram):
    rng = np.random.default_rng(ngram)
    for _ in range(300):
        n = int(rng.integers(0, 40))
        # a unit shorter than the n-gram has one shingle; values repeat within a unit
        length = 0 if n == 0 else max(n - ngram + 1, 1)
        seq = rng.integers(0, 30, size=length).astype(np.uint32)
        ref = np.sort(rng.choice(30, size=int(rng.integers(0, 25)))).astype(np.uint32)
        span = min(ngram, n)
        want = [any(seq[j] in ref for j in range(max(0, t - span + 1), min(t + 1, length)))
                for t in range(n)]  # fmt: skip
        assert covered_tokens(seq, n, ref, ngram).tolist() == want
        # the same against another unit's sequence as it is (unsorted, repeats; large
        # values too, the table hashes them)
        other = rng.permutation(np.concatenate([ref, ref[: len(ref) // 2]])).astype(np.uint32)
        big = np.uint32(2654435761 if rng.random() < 0.5 else 1)
        assert covered_by_shingles(seq * big, n, other * big, ngram).tolist() == want
        probe = rng.integers(0, 35, size=20).astype(np.uint32)
        first = {}
        for j, h in enumerate(seq.tolist()):
            first.setdefault(h, j)
        got = lookup_positions(position_index(seq), probe)
        assert got.tolist() == [first.get(int(h), -1) for h in probe]
        assert first_positions(seq, probe).tolist() == got.tolist()
