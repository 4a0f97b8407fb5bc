"""The ``topics`` command end to end on a planted corpus: outputs, determinism, options."""

from __future__ import annotations

import numpy as np
import pytest

from avtaleanalyse import cli, schema
from avtaleanalyse.io import read_json, read_table, write_table
from avtaleanalyse.topics.run import run_topics, section_frame
from test_topics_models import planted_corpus

OUTPUTS = (
    "topics.parquet",
    "doc_topics.parquet",
    "topic_labels.csv",
    "topic_selection.parquet",
    "topic_stability.parquet",
    "topic_prevalence.parquet",
    "topic_contrast.parquet",
    "topic_purity.parquet",
    "parameters.json",
)


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory):
    docs, secs, adapt = planted_corpus()
    root = tmp_path_factory.mktemp("topics_corpus")
    write_table(docs, root / "corpus" / schema.DOCUMENTS_FILE)
    write_table(secs, root / "corpus" / schema.SECTIONS_FILE)
    write_table(adapt, root / "similarity" / schema.ADAPTATIONS_FILE)
    return root


def _run(corpus_dir, out, *extra):
    argv = ["topics", "--corpus", str(corpus_dir / "corpus"), "--out", str(out)]
    argv += ["--k-grid", "2,3,4,6", "--seeds", "0,1,2", "--min-df", "2", "--max-df", "0.9"]
    return cli.main([*argv, *extra])


@pytest.fixture(scope="module")
def outputs(corpus_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("topics_out")
    assert _run(corpus_dir, out, "--similarity", str(corpus_dir / "similarity")) == 0
    return out


def test_every_output_is_written_with_the_contract_columns(outputs):
    for name in (*OUTPUTS, "adaptation_topics.parquet"):
        assert (outputs / name).exists(), name
    topics = read_table(outputs / "topics.parquet")
    assert list(topics.columns) == ["topic", "rank", "term", "weight", "label"]
    dt = read_table(outputs / "doc_topics.parquet")
    assert list(dt.columns) == ["doc_id", "section_id", "topic", "share"]
    docs_rows = dt[dt["section_id"].isna()]
    assert docs_rows["doc_id"].nunique() == 60
    assert np.allclose(docs_rows.groupby("doc_id")["share"].sum(), 1.0, atol=1e-5)
    assert dt["section_id"].notna().any()


def test_k_is_chosen_from_the_grid_and_types_are_recovered(outputs):
    sel = read_table(outputs / "topic_selection.parquet")
    assert sel["k"].tolist() == [2, 3, 4, 6] and sel["chosen"].sum() == 1
    assert int(sel.loc[sel["chosen"], "k"].item()) == 3  # three planted agreement types
    assert list(sel.columns) == ["k", "coherence_npmi", "coverage", "score", "stability", "chosen"]
    # k=2 drops a type: coherent topics, but poor coverage of held-out documents
    by_k = sel.set_index("k")
    assert by_k.loc[2, "coverage"] < by_k.loc[3, "coverage"] - 0.2
    purity = read_table(outputs / "topic_purity.parquet")
    assert purity["agreement_type"].tolist() == ["delavtale 4", "delavtale 6", "delavtale 8"]
    assert (purity["purity"] == 1.0).all()
    assert purity["topic"].nunique() == 3


def test_parameters_and_provenance_are_stored(outputs):
    params = read_json(outputs / "parameters.json")
    assert params["stage"] == "topics"
    assert "scikit-learn" in params["package_versions"]
    p = params["parameters"]
    assert p["k"] == 3 and p["seeds"] == [0, 1, 2] and p["model"] == "nmf"
    assert p["contrast_source"] == "adaptations vs template documents"
    assert p["estimator"]["init"] == "random"
    assert len(p["run_similarity"]) == 3


def test_local_passages_load_on_a_different_topic_than_template_text():
    docs, secs, adapt = planted_corpus()
    res = run_topics(docs, secs, adaptations=adapt, k=4, seeds=(0, 1), min_df=2, max_df=0.9)
    summary = res["parameters"]["contrast"]
    assert summary["total_variation"] > 0.5
    assert summary["top_topic_other"] != summary["top_topic_baseline"]
    contrast = res["contrast"]
    local_label = contrast.loc[contrast["difference"].idxmax(), "label"]
    local_words = {"brukerråd", "ferje", "øy", "interkommunal", "representant", "reisetid"}
    assert local_words & set(local_label.split(" / "))
    at = res["adaptation_topics"]
    assert set(at["doc_id"]) == set(adapt["doc_id"]) and (at["kind"] == "added").all()


def test_prevalence_has_every_grouping(outputs):
    prev = read_table(outputs / "topic_prevalence.parquet")
    assert set(prev["by"]) == {
        "health_trust",
        "region",
        "agreement_type",
        "year",
        "language_form",
        "is_template",
    }
    year = prev[prev["by"] == "year"]
    assert set(year["group"]) == {"2012", "2022"}


def test_same_input_and_seeds_give_byte_identical_tables(corpus_dir, outputs, tmp_path):
    assert _run(corpus_dir, tmp_path, "--similarity", str(corpus_dir / "similarity")) == 0
    for name in (*OUTPUTS, "adaptation_topics.parquet"):
        assert (tmp_path / name).read_bytes() == (outputs / name).read_bytes(), name


def test_user_labels_and_fixed_k_lda(corpus_dir, tmp_path):
    labels = tmp_path / "labels.csv"
    labels.write_text("topic,label\n0,Mitt emne\n", encoding="utf-8")
    out = tmp_path / "out"
    assert _run(corpus_dir, out, "--k", "3", "--model", "lda", "--labels", str(labels)) == 0
    topics = read_table(out / "topics.parquet")
    assert set(topics.loc[topics["topic"] == 0, "label"]) == {"Mitt emne"}
    assert topics["topic"].nunique() == 3
    params = read_json(out / "parameters.json")["parameters"]
    assert params["model"] == "lda" and params["k"] == 3 and params["user_labels"]
    # no adaptations: the contrast falls back to template versus adopted documents
    assert params["contrast_source"].startswith("template documents vs adopted")


def test_missing_inputs_are_clear_errors(corpus_dir, tmp_path, capsys):
    assert _run(corpus_dir, tmp_path, "--similarity", str(tmp_path / "nowhere")) == 2
    assert "adaptations.parquet" in capsys.readouterr().err
    assert _run(corpus_dir, tmp_path, "--labels", str(tmp_path / "none.csv")) == 2


def test_section_level_fit_scores_documents_with_the_same_topics():
    docs, secs, _ = planted_corpus(n_per_type=12)
    res = run_topics(docs, secs, level="section", k=4, seeds=(0, 1), min_df=2, max_df=0.9)
    dt = res["doc_topics"]
    assert set(dt["topic"]) == {0, 1, 2, 3}
    assert dt["section_id"].isna().sum() == len(docs) * 4
    assert res["parameters"]["level"] == "section"


def test_section_frame_carries_document_metadata():
    docs, secs, _ = planted_corpus(n_per_type=2)
    sf = section_frame(docs, secs)
    assert len(sf) == len(secs)
    assert sf[schema.LANGUAGE_FORM].notna().all()
    assert list(sf.columns[:3]) == [schema.DOC_ID, schema.SECTION_ID, schema.TEXT]
