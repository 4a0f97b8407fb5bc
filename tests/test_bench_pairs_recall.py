"""The pairs-recall evaluation: its counting by hand, and one run on a small corpus."""

from __future__ import annotations

import pandas as pd
import pytest

from avtaleanalyse import cli, schema
from avtaleanalyse.io import write_table
from avtaleanalyse.similarity.synthetic import synthetic_corpus


@pytest.fixture(scope="module")
def ev(load_bench):
    return load_bench("eval_pairs_recall")


def test_recall_by_band_counts_by_hand(ev):
    exact = pd.DataFrame(
        {
            "doc_a": ["a", "a", "b", "c", "d", "e", "f"],
            "doc_b": ["b", "c", "c", "d", "e", "f", "g"],
            "jaccard": [0.25, 0.28, 0.55, 0.9, 1.0, 0.1, 0.15],
            "max_containment": [0.3, 0.6, 0.7, 0.95, 1.0, 0.8, 0.2],
        }
    )
    reported = pd.DataFrame({"doc_a": ["a", "c", "d", "e"], "doc_b": ["c", "d", "e", "f"]})
    t = ev.recall_by_band(exact, reported, min_jaccard=0.2, min_containment=0.5)
    got = {(r.by, r.band): (r.pairs, r.found) for r in t.itertuples()}
    assert got == {
        ("jaccard", "0.2-0.3"): (2, 1),  # a-b missed, a-c found
        ("jaccard", "0.5-0.6"): (1, 0),  # b-c missed
        ("jaccard", "0.8-1.0"): (2, 2),  # J = 1.0 falls in the last, closed band
        ("containment only", "0.0-0.2"): (1, 1),  # e-f; f-g meets neither rule
    }
    assert t["recall"].tolist() == [0.5, 0.0, 1.0, 1.0]


def test_run_on_a_small_corpus_finds_every_reported_pair(ev, tmp_path, capsys):
    docs, _ = synthetic_corpus(n_trusts=3, n_agreements=2, n_municipalities=5, seed=4)
    write_table(docs, tmp_path / "corpus" / schema.DOCUMENTS_FILE)
    write_table(
        pd.DataFrame(columns=list(schema.SECTION_COLUMNS)),
        tmp_path / "corpus" / schema.SECTIONS_FILE,
    )
    out = tmp_path / "sim"
    assert cli.main(["similarity", "--corpus", str(tmp_path / "corpus"), "--out", str(out),
                     "--no-adaptations", "--no-sections"]) == 0  # fmt: skip
    assert ev.main([str(tmp_path / "corpus"), str(out)]) == 0
    text = capsys.readouterr().out
    assert "rule: J >= 0.5 or max containment >= 0.5" in text
    assert text.rstrip().endswith("reported pairs that share no shingle on exact all-pairs: 0")
    rows = [line.split() for line in text.splitlines() if line.lstrip().startswith("jaccard ")]
    assert rows and all(r[-1] == "1.000" for r in rows)  # near copies: all found
