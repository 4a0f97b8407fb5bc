"""Texts parked compressed while the stage does not read them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from avtaleanalyse import schema
from avtaleanalyse.similarity import parked as parked_mod
from avtaleanalyse.similarity.parked import ParkedTexts, park_texts
from avtaleanalyse.similarity.run import SimilarityParams, read_inputs, similarity_tables
from avtaleanalyse.similarity.synthetic import synthetic_corpus


def test_parked_texts_come_back_as_they_were(monkeypatch):
    monkeypatch.setattr(parked_mod, "_BATCH_ROWS", 3)  # many record batches
    rng = np.random.default_rng(2)
    words = ["avtale", "kommune", "helseforetak", "§ 6-2", "brukar–medverknad", "ø"]
    values = [" ".join(rng.choice(words, 40)) for _ in range(20)]
    values[4] = None
    values[7] = ""
    arrow = pd.Series(values, index=np.arange(100, 120)[::-1], dtype="str")
    python = pd.Series(values, dtype=object)
    for column in (arrow, python):
        texts = ParkedTexts(column)
        back = texts.load()
        assert back.dtype == column.dtype and back.index.equals(column.index)
        pd.testing.assert_series_equal(back, column.rename(schema.TEXT))
        assert texts.n_rows == 20 and 0 < texts.nbytes < sum(len(v or "") for v in values)
    picked = ParkedTexts(python).pick([19, 0, 7, 4, 0, 10])
    assert picked == {0: values[0], 4: None, 7: "", 10: values[10], 19: values[19]}
    docs = pd.DataFrame({schema.DOC_ID: list("abc"), schema.TEXT: ["x y", "z", None]})
    rest, texts = park_texts(docs)
    assert list(rest.columns) == [schema.DOC_ID] and texts.load().tolist()[:2] == ["x y", "z"]


def test_stage_with_parked_texts_equals_the_stage_with_the_column():
    docs, _ = synthetic_corpus(n_trusts=3, n_agreements=2, n_municipalities=5, seed=4)
    p = SimilarityParams(common_form=False, sections=False)
    want = similarity_tables(docs, params=p)
    rest, texts = park_texts(docs)
    got = similarity_tables(rest, params=p, texts=texts)
    assert len(want["adaptations"]) > 0 and len(want["pairs"]) > 0
    for name, table in want.items():
        if name not in ("timings", "_counts"):
            pd.testing.assert_frame_equal(got[name], table, obj=name)
    with pytest.raises(ValueError, match="parked texts"):
        similarity_tables(docs, params=p, texts=texts)  # the column given too
    with pytest.raises(ValueError, match="parked texts"):
        similarity_tables(rest.iloc[1:], params=p, texts=texts)


@pytest.mark.slow
def test_stage_with_parked_texts_and_located_sections(small_corpus, monkeypatch):
    """Sections shingled alone take their text from the parked documents' texts."""
    from avtaleanalyse.similarity import run

    docs, secs, spans = read_inputs(small_corpus)
    p = SimilarityParams(adaptations=False)
    want = similarity_tables(docs, secs, params=p, spans=spans)
    picked = []
    real = ParkedTexts.pick_batches

    def spy(self, rows):
        for part in real(self, rows):
            picked.append(len(part))
            yield part

    monkeypatch.setattr(ParkedTexts, "pick_batches", spy)
    monkeypatch.setattr(parked_mod, "_BATCH_ROWS", 7)  # the texts come in many batches
    # every section shingled alone (none read from the documents' shingles)
    monkeypatch.setattr(
        run,
        "span_tokens",
        lambda sh, sp: (np.zeros(len(sp.rows), bool),) + (np.zeros(len(sp.rows), np.int64),) * 2,
    )
    rest, texts = park_texts(docs)
    got = similarity_tables(rest, secs, params=p, spans=spans, texts=texts)
    assert len(picked) > 1 and max(picked) <= 7
    for name in ("pairs", "families", "section_pairs", "section_groups", "standardisation"):
        pd.testing.assert_frame_equal(got[name], want[name], obj=name)
