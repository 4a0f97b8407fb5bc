"""Delavtale 6 replication: every pair of knowledge-transfer agreements, within and across HF."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from pandas.arrays import ArrowStringArray

from avtaleanalyse import schema
from avtaleanalyse.similarity import replication
from avtaleanalyse.similarity.replication import knowledge_transfer_pairs, within_across_summary
from avtaleanalyse.similarity.shingles import shingle_partition

BASE = (
    "partene skal sikre gjensidig kompetanseoverføring mellom kommunen og helseforetaket "
    "gjennom hospitering felles fagdager og veiledning av ansatte i begge tjenester"
)


def _docs() -> pd.DataFrame:
    rows = [
        # doc_id, trust, municipality, number, kind, template, text
        ("a1", "Helse Fonna HF", "Stord", 6, "delavtale", False, BASE),
        ("a2", "Helse Fonna HF", "Fitjar", 6, "delavtale", False, BASE + " og digitale kurs"),
        ("b1", "Helse Førde HF", "Askvoll", 6, "tjenesteavtale", False, "heilt anna tekst " * 9),
        ("t0", "Helse Fonna HF", "", 6, "delavtale", True, BASE),
        ("x7", "Helse Fonna HF", "Stord", 7, "delavtale", False, BASE),
        ("o6", "Helse Fonna HF", "Stord", 6, "overordnet", False, BASE),
    ]
    df = pd.DataFrame(
        rows,
        columns=[
            schema.DOC_ID,
            schema.HEALTH_TRUST,
            "muni",
            schema.AGREEMENT_NUMBER,
            schema.AGREEMENT_KIND,
            schema.IS_TEMPLATE,
            schema.TEXT,
        ],  # fmt: skip
    )
    df[schema.MUNICIPALITIES] = [[m] if m else [] for m in df.pop("muni")]
    return df


def _jaccard(a: np.ndarray, b: np.ndarray) -> float:
    sa, sb = set(a.tolist()), set(b.tolist())
    return len(sa & sb) / len(sa | sb)


def test_pairs_of_number_6_agreements_with_exact_similarity():
    docs = _docs()
    sh = shingle_partition(docs)
    kt = knowledge_transfer_pairs(docs, sh)
    # templates, other agreement numbers and other kinds are left out
    assert list(zip(kt[schema.DOC_A], kt[schema.DOC_B], strict=True)) == [
        ("a1", "a2"),
        ("a1", "b1"),
        ("a2", "b1"),
    ]
    assert kt["within_hf"].tolist() == [True, False, False]
    assert kt["label_a"].tolist() == ["Stord", "Stord", "Fitjar"]
    row = {d: i for i, d in enumerate(sh.ids.astype(str))}
    want = _jaccard(sh.set_of(row["a1"]), sh.set_of(row["a2"]))
    assert 0.5 < want < 1.0
    assert kt[schema.JACCARD].iloc[0] == pytest.approx(want)
    assert kt[schema.CONTAINMENT_AB].iloc[0] == pytest.approx(1.0)  # a1 is inside a2
    assert kt[schema.CONTAINMENT_BA].iloc[0] == pytest.approx(want)
    assert kt[schema.JACCARD].iloc[1:].tolist() == [0.0, 0.0]  # nothing shared: 0, not missing
    summary = within_across_summary(kt).set_index("comparison")
    assert summary.loc["innen samme HF", "n_pairs"] == 1
    assert summary.loc["mellom HF", "mean"] == 0.0
    pd.testing.assert_frame_equal(knowledge_transfer_pairs(docs, sh, n_jobs=2), kt)


def test_pairs_counted_pair_by_pair_above_the_matrix_limit(monkeypatch):
    docs = _docs()
    sh = shingle_partition(docs)
    kt = knowledge_transfer_pairs(docs, sh)
    monkeypatch.setattr(replication, "MAX_PAIRWISE_ROWS", 2)  # 3 documents: pair by pair
    pd.testing.assert_frame_equal(knowledge_transfer_pairs(docs, sh, n_jobs=2), kt)


class _TextThatMustNotBeTaken(ArrowStringArray):
    """An Arrow text column that fails when rows of it are selected."""

    def take(self, *args, **kwargs):
        raise AssertionError("rows of the text column were selected")


def test_pairs_select_rows_of_metadata_only_never_of_the_text():
    # the text is already in the shingles; selecting rows of an Arrow text column read in
    # row groups concatenates the whole column first (1.4 GB and 2.4 s at 100k documents)
    docs = _docs()
    sh = shingle_partition(docs)
    expected = knowledge_transfer_pairs(docs, sh)
    chunks = pa.chunked_array([docs[schema.TEXT][:3].tolist(), docs[schema.TEXT][3:].tolist()])
    docs[schema.TEXT] = _TextThatMustNotBeTaken(chunks)
    pd.testing.assert_frame_equal(knowledge_transfer_pairs(docs, sh), expected)
    with pytest.raises(AssertionError, match="text column"):
        docs.loc[docs[schema.AGREEMENT_NUMBER] == 6]  # the guard works


def test_sample_above_max_documents_is_seeded():
    docs = _docs()
    sh = shingle_partition(docs)
    a = knowledge_transfer_pairs(docs, sh, max_documents=2, seed=4)
    b = knowledge_transfer_pairs(docs, sh, max_documents=2, seed=4)
    assert len(a) == 1
    pd.testing.assert_frame_equal(a, b)
