"""The coverage command, its evidence, coding sample and scoring; accuracy on the real samples."""

from __future__ import annotations

import pandas as pd
import pytest

from avtaleanalyse import cli
from avtaleanalyse import schema as S
from avtaleanalyse.coverage import (
    coding_sample,
    cohen_kappa,
    coverage_table,
    evidence_for,
    score_coding,
)
from avtaleanalyse.coverage.dictionary import load_dictionary
from avtaleanalyse.ingest.pipeline import ingest_folder


@pytest.fixture(scope="module")
def real(real_samples_dir):
    docs = ingest_folder(real_samples_dir).documents
    labels = pd.read_csv(real_samples_dir / "labels.csv", dtype=str, keep_default_na=False)
    merged = docs.merge(labels.drop(columns=["title"]), left_on=S.SOURCE_PATH, right_on="file")
    return merged, coverage_table(docs)


def _cell(cov, doc_id, theme, col):
    return cov[(cov[S.DOC_ID] == doc_id) & (cov[S.THEME] == theme)][col].item()


def test_accuracy_on_the_real_samples(real):
    docs, cov = real
    acc = {"bm": 0, "ko": 0, "dir": 0, "points": 0}
    for r in docs.itertuples():
        acc["bm"] += _cell(cov, r.doc_id, "brukermedvirkning", S.PRESENT) == (
            r.mentions_brukermedvirkning == "yes"
        )
        acc["ko"] += _cell(cov, r.doc_id, "kompetanseoverforing", S.PRESENT) == (
            r.mentions_kompetanseoverforing == "yes"
        )
        acc["dir"] += (
            _cell(cov, r.doc_id, "kompetanseoverforing", S.DIRECTION) == r.kompetanse_direction
        )
        mine = cov[
            (cov[S.DOC_ID] == r.doc_id) & cov[S.THEME].str.startswith("paragraph") & cov[S.PRESENT]
        ]
        pts = ";".join(t.rsplit("_", 1)[1] for t in mine[S.THEME])
        acc["points"] += pts == r.paragraph_6_2_points
    n = len(docs)
    assert n == 11
    assert {k: v / n for k, v in acc.items()} == {"bm": 1.0, "ko": 1.0, "dir": 1.0, "points": 1.0}


def test_every_present_theme_has_evidence_that_can_be_looked_up(real):
    docs, cov = real
    present = cov[cov[S.PRESENT]]
    assert (present[S.EVIDENCE].str.len() > 0).all()
    row = present[present[S.THEME] == "brukermedvirkning"].iloc[0]
    snippets = evidence_for(cov, row[S.DOC_ID], "brukermedvirkning")
    assert snippets and all("[[" in s for s in snippets)
    with pytest.raises(KeyError):
        evidence_for(cov, "finnes-ikke", "brukermedvirkning")


def test_coverage_has_every_theme_for_every_document(real):
    docs, cov = real
    assert len(cov) == len(docs) * len(S.COVERAGE_THEMES)
    assert set(cov[S.THEME]) == set(S.COVERAGE_THEMES)
    bm = cov[cov[S.THEME] == "brukermedvirkning"]
    assert set(bm[S.LEVEL]) <= set(S.BRUKERMEDVIRKNING_LEVELS)
    ko = cov[cov[S.THEME] == "kompetanseoverforing"]
    assert set(ko[S.DIRECTION]) <= set(S.KOMPETANSE_DIRECTIONS)


def test_coding_sample_is_stratified_seeded_and_scored(real):
    docs, cov = real
    a = coding_sample(cov, docs, per_stratum=2, seed=5)
    b = coding_sample(cov, docs, per_stratum=2, seed=5)
    pd.testing.assert_frame_equal(a, b)
    assert set(a["predicted"]) == {True, False} and (a["code"] == "").all()
    coded = a.astype(str).assign(code=a["predicted"].map({True: "1", False: "0"}))
    scores = score_coding(coded)
    assert (scores.dropna()["f1"] == 1.0).all()
    flipped = coded.assign(code=coded["code"].map({"1": "0", "0": "1"}))
    assert cohen_kappa(coded, coded) == 1.0
    # flipped codes: observed agreement 0, chance agreement 2·p(1−p) → kappa = −2p(1−p)/(1−2p(1−p))
    p = (coded["code"] == "1").mean()
    pe = 2 * p * (1 - p)
    assert cohen_kappa(coded, flipped) == pytest.approx(-pe / (1 - pe))
    with pytest.raises(ValueError, match="uncoded"):
        score_coding(a.astype(str))


def test_user_dictionary_errors_name_the_entry(tmp_path):
    bad = tmp_path / "d.yaml"
    bad.write_text(
        "version: x\nthemes:\n  brukermedvirkning: {concrete: ['b*'], generic: []}\n"
        "  pasient_brukererfaringer: {terms: []}\n  kompetanseoverforing: {terms: [], mutual: [], hf_to_kommune: []}\n"
        "checklist: {title_terms: {1: [a]}}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="brukermedvirkning.concrete.*'b\\*'"):
        load_dictionary(bad)


def test_command_writes_tables_deterministically(real_samples_dir, tmp_path):
    corpus = tmp_path / "corpus"
    assert cli.main(["ingest", str(real_samples_dir), "--out", str(corpus), "--quiet"]) == 0
    for name in ("a", "b"):
        assert cli.main(["coverage", "--corpus", str(corpus), "--out", str(tmp_path / name)]) == 0
    for f in (
        "coverage.parquet",
        "municipality_checklist.parquet",
        "trust_themes.parquet",
        "parameters.json",
    ):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()
