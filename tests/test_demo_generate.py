"""The demo corpus generator: determinism, planted truth, manifest, broken files, label."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pandas as pd
import pytest

from avtaleanalyse import schema as S
from avtaleanalyse.demo import SYNTHETIC_LABEL, generate_corpus, write_corpus
from avtaleanalyse.ingest.manifest import read_manifest
from avtaleanalyse.ingest.readers import REJECT_REASONS


@pytest.fixture(scope="module")
def corpus():
    return generate_corpus(seed=2012, scale="small")


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, comment="#", dtype=str, keep_default_na=False)


def _tree_hash(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.slow
def test_same_seed_gives_byte_identical_files(small_demo, tmp_path):
    write_corpus(generate_corpus(seed=2012, scale="small"), tmp_path)
    assert _tree_hash(tmp_path) == _tree_hash(small_demo)


def test_other_seed_gives_other_corpus(corpus):
    other = generate_corpus(seed=7, scale="small")
    assert [d.plain_text() for d in other.documents[:20]] != [
        d.plain_text() for d in corpus.documents[:20]
    ]


def test_small_scale_size_and_mix(corpus):
    t = corpus.truth()
    assert 150 <= len(t) <= 300
    assert set(t.generation) == {"2012", "2022"}
    assert t.health_trust.nunique() >= 3
    assert {"pdf", "docx", "odt", "html", "txt", "rtf"} <= set(t.format)
    assert set(t.language_form) == {"bokmal", "nynorsk"}
    assert t.source_path.is_unique


def test_truth_vocabularies(corpus):
    t = corpus.truth()
    assert set(t.agreement_kind) <= set(S.AGREEMENT_KINDS)
    assert set(t.brukermedvirkning_level) <= set(S.BRUKERMEDVIRKNING_LEVELS)
    assert set(t.kompetanse_direction) <= set(S.KOMPETANSE_DIRECTIONS)
    assert set(t.adaptation_kind) <= {"verbatim", "light", "moderate", "substantial", "own_text"}
    assert (t.brukererfaringer_present == "true").mean() < 0.15
    komp = t.kompetanse_direction.value_counts()
    assert komp["hf_to_kommune"] > komp.get("mutual", 0)


def test_points_follow_generation(corpus):
    t = corpus.truth()
    pts = t.paragraph_points.str.split(";").apply(lambda x: {int(p) for p in x})
    assert pts[t.generation == "2012"].apply(max).max() <= 11
    assert {12, 13} <= set().union(*pts[t.generation == "2022"])
    for d in corpus.documents:
        if d.truth["agreement_kind"] != "overordnet" and d.truth["agreement_number"]:
            assert int(d.truth["agreement_number"]) in {
                int(p) for p in d.truth["paragraph_points"].split(";")
            }


def test_concrete_brukermedvirkning_names_a_body(corpus):
    body = re.compile(r"bruk[ae]r(utval|råd|representant)|råd for personar|eldreråd", re.I)
    n = 0
    for d in corpus.documents:
        text = d.plain_text()
        if d.truth["brukermedvirkning_level"] == "concrete":
            n += 1
            assert body.search(text), d.source_path
        if d.truth["brukermedvirkning_level"] == "none":
            assert not re.search(r"bruk[ae]r(medvirkning|medverknad)", text, re.I), d.source_path
    assert n > 0


def test_mutual_kompetanse_says_both_ways(corpus):
    for d in corpus.documents:
        if d.truth["kompetanse_direction"] == "mutual":
            assert re.search(
                r"begge ve(ier|gar)|gjensidig|lære av kvarandre|lære av hverandre", d.plain_text()
            ), d.source_path


def _shingles(text: str, k: int = 5) -> set:
    w = re.findall(r"\w+", text.lower())
    return {tuple(w[i : i + k]) for i in range(len(w) - k)}


def test_verbatim_copies_share_template_text(corpus):
    fams: dict[str, list] = {}
    for d in corpus.documents:
        if d.truth["adaptation_kind"] == "verbatim" and not d.broken and not d.duplicate_of:
            key = (d.truth["template_family"], d.truth["language_form"])
            fams.setdefault(key, []).append(d)
    pairs = [v[:2] for v in fams.values() if len(v) >= 2]
    assert len(pairs) >= 5
    for a, b in pairs:
        sa, sb = _shingles(a.plain_text()), _shingles(b.plain_text())
        assert len(sa & sb) / len(sa | sb) > 0.6, (a.source_path, b.source_path)
    # different families differ more
    (a, _), (b, _) = pairs[0], pairs[-1]
    sa, sb = _shingles(a.plain_text()), _shingles(b.plain_text())
    assert len(sa & sb) / len(sa | sb) < 0.6


def test_added_passages_are_in_the_text(corpus):
    n = 0
    for d in corpus.documents:
        for kind, text in d.passages:
            if kind in ("added", "edited"):
                n += 1
                assert text in d.plain_text(), (d.source_path, text)
            else:
                assert text not in d.plain_text()
    assert n > 0


def test_adaptation_share_ordered_by_kind(corpus):
    t = corpus.truth()
    t["share"] = t.adaptation_share.astype(float)
    med = t.groupby("adaptation_kind").share.median()
    assert med["verbatim"] == 0
    assert med["light"] < med["moderate"] <= med.get("substantial", 1.0)


def test_manifest_accepted_and_never_contradicts_truth(small_demo):
    first = (small_demo / "manifest.csv").read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# {SYNTHETIC_LABEL} (generert av avtaleanalyse, seed 2012, scale small)"
    man = read_manifest(small_demo / "manifest.csv")
    truth = _read(small_demo / "truth.csv").set_index("source_path")
    assert 0.5 < len(man) / len(truth) < 0.9  # deliberately incomplete
    raw = _read(small_demo / "manifest.csv")
    assert (raw == "").to_numpy().mean() > 0.3
    for r in raw.itertuples(index=False):
        t = truth.loc[r.source_path]
        for col in (
            "agreement_kind",
            "agreement_number",
            "agreement_label",
            "health_trust",
            "year",
            "language_form",
        ):
            v = getattr(r, col)
            assert v in ("", t[col]), (r.source_path, col)
        if r.municipalities:
            assert r.municipalities == (t.municipalities or "-")
    assert (small_demo / "files" / raw.source_path.iloc[0]).exists()


def test_broken_files_recorded(small_demo):
    t = _read(small_demo / "truth.csv")
    rej = t[t.expected_status == "rejected"]
    assert set(rej.expected_reject_reason) <= set(REJECT_REASONS)
    assert len(rej) >= 10
    for r in rej.itertuples(index=False):
        assert (small_demo / "files" / r.source_path).exists()
    zero = rej[rej.expected_reject_reason == "empty file (0 bytes)"]
    assert (small_demo / "files" / zero.source_path.iloc[0]).stat().st_size == 0
    dup = rej[rej.duplicate_of != ""]
    for r in dup.itertuples(index=False):
        a = (small_demo / "files" / r.source_path).read_bytes()
        assert a == (small_demo / "files" / r.duplicate_of).read_bytes()
        assert r.duplicate_of < r.source_path  # ingest keeps the first path


def test_no_unplanned_duplicates(small_demo):
    t = _read(small_demo / "truth.csv")
    nonempty = t[t.expected_reject_reason != "empty file (0 bytes)"]
    digests = [
        hashlib.sha256((small_demo / "files" / p).read_bytes()).hexdigest()
        for p in nonempty.source_path
    ]
    assert len(set(digests)) == len(digests) - (nonempty.duplicate_of != "").sum()


def test_synthetic_label_everywhere(small_demo):
    assert SYNTHETIC_LABEL in (small_demo / "README.md").read_text(encoding="utf-8")
    assert (small_demo / "truth.csv").read_text(encoding="utf-8").startswith(f"# {SYNTHETIC_LABEL}")
    html = next((small_demo / "files").rglob("*.html"))
    assert SYNTHETIC_LABEL in html.read_text(encoding="utf-8")


def test_metadata_noise_is_planted_and_recorded(corpus):
    """Opaque file names, short trust names, bare titles, numeric or missing adoption dates."""
    docs = [d for d in corpus.documents if d.truth["is_template"] == "false"]
    noise = {d.source_path: set(filter(None, d.truth["metadata_noise"].split(";"))) for d in docs}
    kinds = set().union(*noise.values())
    assert kinds == {
        "opaque_path",
        "short_trust",
        "no_parties_in_title",
        "numeric_date",
        "no_adoption_line",
    }
    assert 0.3 < sum(bool(n) for n in noise.values()) / len(docs) < 0.8
    for d in docs:
        n = noise[d.source_path]
        assert d.source_path.startswith("arkiv/") == ("opaque_path" in n)
        first = d.title.split("\n")[0]
        if "no_parties_in_title" in n:
            assert "mellom" not in first and d.truth["health_trust"] not in first
        if "no_adoption_line" in n:
            assert "\n" not in d.title
        elif "numeric_date" in n:
            assert re.search(r"\d\d\.\d\d\.20\d\d$", d.title)


def _point_keys(secs) -> set[str]:
    return {s.key for s in secs if re.match(r"p\d+\.\d+$", s.key)}


def test_agreements_sharing_a_point_divide_it():
    """2/2A, overordnet/1 and særavtale/7 are different texts, as in real sets (not copies)."""
    from avtaleanalyse.demo.generate import TURNUS_CLAUSES, TrustProfile, build_template
    from avtaleanalyse.reference import health_trusts

    trusts = sorted(health_trusts()["canonical_name"])
    seen = {"C": False, "saer": False, "A": False}
    for seed in range(6):
        for trust in trusts:
            for gen in (2012, 2022):
                prof = TrustProfile(seed, trust, gen)
                ags = {(a.kind, a.label): a for a in prof.agreements()}
                keys = {k: _point_keys(build_template(prof, a, "bokmal", "X")[1]) for k, a in ags.items()}  # fmt: skip
                ovr = next(k for k in keys if k[0] == "overordnet")
                p1 = {k for k in keys[ovr] if k.startswith("p1.")}
                if prof.variant != "B":
                    assert p1 == {"p1.0", "p1.1"}  # an overview; agreement 1 has the rest
                    seen["A"] = True
                if prof.variant == "C":
                    k2 = next(k for k in keys if k[1] == "2")
                    k2a = next(k for k in keys if k[1] == "2A")
                    assert keys[k2] and keys[k2a] and not keys[k2] & keys[k2a]
                    seen["C"] = True
                if prof.saeravtale:
                    saer = keys[("saeravtale", "")]
                    d7 = next(v for k, v in keys.items() if k[1] == "7")
                    assert {"p7.1", "p7.2"} <= saer <= {f"p7.{j}" for j in TURNUS_CLAUSES}
                    assert d7 and not saer & d7
                    seen["saer"] = True
    assert all(seen.values()), seen


def test_national_model_text_is_written_and_half_the_clauses_keep_its_wording(small_demo):
    from avtaleanalyse.demo.generate import GUIDELINE_KEEP, TrustProfile, _national_pick
    from avtaleanalyse.demo.phrases import bank
    from avtaleanalyse.reference import health_trusts

    text = (small_demo / "national_model.txt").read_text(encoding="utf-8")
    nat = bank("national")["bokmal"]
    first = next(iter(nat.values()))
    assert text.startswith(first["heading"][0])
    assert "{" not in text and "Stord" not in text
    picks = [
        _national_pick(TrustProfile(2012, trust, gen), key, len(entry["text"]))
        for trust in health_trusts()["canonical_name"]
        for gen in (2012, 2022)
        for key, entry in nat.items()
        if len(entry["text"]) > 1
    ]
    kept = sum(p == 0 for p in picks) / len(picks)
    assert abs(kept - GUIDELINE_KEEP) < 0.06
    assert len(set(picks)) >= 3  # the rewordings are used too
