"""Marks: slices of a document's comparison tokens found without tokenising all of it."""

from __future__ import annotations

import functools
import gc
import os
import random

import numpy as np
import pandas as pd
import pytest

from avtaleanalyse.similarity import normalize, shingles
from avtaleanalyse.similarity.alignment import FamilyAligner
from avtaleanalyse.similarity.families import cluster_families
from avtaleanalyse.similarity.normalize import (
    comparison_slice,
    comparison_span,
    nfc,
    normalize_tokens,
    raw_tokens,
    raw_tokens_marked,
    raw_tokens_marked_many,
)
from avtaleanalyse.similarity.prototypes import family_prototypes
from avtaleanalyse.similarity.run import SimilarityParams, similarity_tables
from avtaleanalyse.similarity.shingles import concat_shingled, party_names, shingle_partition
from avtaleanalyse.similarity.synthetic import synthetic_corpus
from avtaleanalyse.text import to_bokmal

# Party names of many shapes, to land across block borders: own municipality (two words),
# a trust with and without "HF", a capitalised word before "kommune", a placeholder, a
# capitalised run before "HF", numbers, nynorsk words, a decomposed "ø" (not NFC).
PIECES = [
    "Stord kommune", "Kvinnherad kommune", "Helse Fonna HF", "Helse Fonna", "Xx kommune",
    "Sjukehuset Innlandet HF", "Lillehammer kommune", "HF", "kommune", "Helse Stavanger HF",
    "Tenestene", "skal", "vere", "gode", "for", "pasientane", "avtalen", "gjeld", "frå",
    "2012", "§ 6-2", "nr. 4", "utskrivningsklare", "pasienter", "og", "Sta\u0303vanger",
    "Hero\u0308y", "samarbeid", "kompetanse,", "brukarmedverknad.", "\n\n",
]  # fmt: skip
PARTIES = ("Stord", "Helse Fonna HF", "Helse Fonna")


def _texts(n: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(PIECES) for _ in range(rng.randint(0, 400))) for _ in range(n)]


@pytest.mark.parametrize("block", [1, 7, 40, 512])
def test_marked_tokens_are_the_raw_tokens_and_marks_point_at_them(block):
    for text in _texts(40):
        toks, chars, idx = raw_tokens_marked(text, block)
        assert toks == raw_tokens(text)
        assert chars[0] == 0 and idx[0] == 0
        assert chars == sorted(chars) and idx == sorted(idx)
        t = nfc(text)
        for c, i in zip(chars, idx, strict=True):
            if i < len(toks):  # the first token at or after the mark is token i
                assert raw_tokens(t[c:])[0] == toks[i]


@pytest.mark.parametrize("block", [1, 3, 64, 512])
def test_many_texts_marked_at_once_equal_each_text_marked_alone(monkeypatch, block):
    monkeypatch.setattr(normalize, "MARK_CHARS", block)
    rng = random.Random(block)
    # word and non-word characters of several kinds: a decomposed é (NFC joins it), word
    # characters outside the BMP, a non-word one, Arabic digits, a lone surrogate
    alphabet = [*"abø ÆÅ,.\n\t-_§19", "e\u0301", "\U0001d400", "\U0001f600", "\u0661", "\ud800"]
    texts = [
        "".join(rng.choice(alphabet) for _ in range(rng.choice([0, 0, 1, 2, 5, 60, 700])))
        for _ in range(200)
    ]
    # cuts anywhere: before, at and after the ends, inside words, repeated
    cuts = [
        sorted(rng.randint(-2, len(nfc(t)) + 2) for _ in range(rng.choice([0, 0, 1, 3, 25])))
        for t in texts
    ]
    for with_cuts in (True, False):
        codes, uniques, n_tokens, counts, chars, idx = raw_tokens_marked_many(
            texts, cuts if with_cuts else None
        )
        assert len(set(uniques)) == len(uniques)
        tokens = [uniques[c] for c in codes]
        t0 = np.concatenate([[0], np.cumsum(n_tokens)])
        m0 = np.concatenate([[0], np.cumsum(counts)])
        for i, text in enumerate(texts):
            want = raw_tokens_marked(text, block, cuts=cuts[i] if with_cuts else ())
            assert tokens[t0[i] : t0[i + 1]] == want[0]
            assert chars[m0[i] : m0[i + 1]].tolist() == want[1]
            assert idx[m0[i] : m0[i + 1]].tolist() == want[2]
        if with_cuts:  # texts without tokens, texts with several marks
            assert (n_tokens == 0).any() and (counts > 3).any()
    assert len(raw_tokens_marked_many([])[0]) == 0


@pytest.mark.parametrize("block", [1, 9, 60])
def test_slice_and_span_from_any_mark_equal_the_full_tokenisation(monkeypatch, block):
    # small blocks: many marks fall inside or right beside a masked name
    monkeypatch.setattr(normalize, "MARK_CHARS", block)
    texts = _texts(60)
    units = pd.DataFrame(
        {
            "doc_id": [f"d{i:03d}" for i in range(len(texts))],
            "text": texts,
            "language_form": ["nynorsk" if i % 3 == 0 else "bokmal" for i in range(len(texts))],
            "municipalities": [["Stord"]] * len(texts),
            "health_trust": ["Helse Fonna HF"] * len(texts),
        }
    )
    sh = shingle_partition(units)
    rng = random.Random(block)
    dropped = 0
    for i, text in enumerate(texts):
        lf = units["language_form"].iat[i]
        want, spans = normalize_tokens(text, parties=PARTIES, language_form=lf)
        assert len(want) == sh.n_tokens[i]
        marks = sh.marks_of(i)
        dropped += len(raw_tokens_marked(text, block)[1]) - len(marks)
        assert marks[0].tolist() == [0, 0]
        for mc, mt in marks.tolist():
            assert mt <= len(want)
            for _ in range(4):
                a = rng.randint(mt, len(want))
                b = min(len(want), a + rng.randint(1, 30))
                got = comparison_slice(
                    nfc(text), a, b, mark_char=mc, mark_token=mt, parties=PARTIES,
                    language_form=lf,
                )  # fmt: skip
                assert got == want[a:b], (i, mc, mt, a, b)
                if a < b:  # where the tokens are, as characters of the NFC text
                    where = comparison_span(nfc(text), a, b, mark_char=mc, mark_token=mt,
                                            parties=PARTIES)  # fmt: skip
                    assert where == (spans[a, 0], spans[b - 1, 1]), (i, mc, mt, a, b)
    assert dropped > 0  # some marks fell inside a name (or after the last token) and went


def test_marks_survive_partitioning_and_take():
    docs, _ = synthetic_corpus(n_trusts=2, n_agreements=1, n_municipalities=5, seed=4)
    whole = shingle_partition(docs)
    parts = concat_shingled(shingle_partition(docs.iloc[s : s + 3]) for s in range(0, len(docs), 3))
    np.testing.assert_array_equal(whole.marks, parts.marks)
    np.testing.assert_array_equal(whole.mark_offsets, parts.mark_offsets)
    taken = whole.take([4, 1])
    np.testing.assert_array_equal(taken.marks_of(0), whole.marks_of(4))
    np.testing.assert_array_equal(taken.marks_of(1), whole.marks_of(1))
    assert whole.without_sets().marks is whole.marks


def _named_corpus(n_municipalities: int, seed: int):
    """A small synthetic corpus with party names in the text; its shingles, families (one
    per document) and prototypes."""
    docs, _ = synthetic_corpus(
        n_trusts=2, n_agreements=1, n_municipalities=n_municipalities, seed=seed
    )
    docs = docs.assign(text=[t.replace(". ", ". Stord kommune og Helse Fonna HF. ", 3)
                             for t in docs["text"]])  # fmt: skip
    sh = shingle_partition(docs)
    fams = cluster_families(pd.DataFrame(columns=["doc_a", "doc_b", "jaccard",
                                                  "containment_ab", "containment_ba"]),
                            sh.ids)  # fmt: skip
    return docs, sh, fams, family_prototypes(sh, fams, docs)


def test_aligner_words_equal_the_tokens_with_and_without_marks():
    docs, sh, fams, protos = _named_corpus(6, seed=5)
    with_marks = FamilyAligner(sh, fams, protos, documents=docs)
    without = FamilyAligner(
        shingles.dataclasses.replace(sh, marks=None, mark_offsets=None), fams, protos,
        documents=docs,
    )  # fmt: skip
    rng = random.Random(0)
    for i, d in enumerate(sh.ids.astype(str)):
        row = docs.iloc[i]
        full, _ = normalize_tokens(
            row["text"],
            parties=party_names(row["municipalities"], row["health_trust"]),
            language_form=row["language_form"],
        )
        for _ in range(10):
            a = rng.randint(0, len(full) - 1)
            b = min(len(full), a + rng.randint(1, 60))
            assert with_marks.words(d, a, b) == full[a:b]
            assert without.words(d, a, b, base=True) == full[a:b]


def test_aligner_char_spans_equal_the_token_spans_and_base_spans_are_kept():
    docs, sh, fams, protos = _named_corpus(4, seed=6)
    aligner = FamilyAligner(sh, fams, protos, documents=docs)
    rng = random.Random(1)
    for i, d in enumerate(sh.ids.astype(str)):
        row = docs.iloc[i]
        assert aligner.text(d) == row["text"]
        _, spans = normalize_tokens(
            row["text"], parties=party_names(row["municipalities"], row["health_trust"])
        )
        for _ in range(10):
            a = rng.randint(0, len(spans) - 1)
            b = min(len(spans), a + rng.randint(1, 60))
            want = (int(spans[a, 0]), int(spans[b - 1, 1]))
            assert aligner.char_span(d, a, b) == want
            assert aligner.char_span(d, a, b, base=True) == want
            assert aligner._base_spans[(d, a, b)] == want  # kept for the next member
            assert aligner.char_span(d, a, b, base=True) == want  # from the cache


def test_prototype_text_from_marks_equals_the_text_from_all_tokens():
    """The prototype text cut with spans found from the base's marks (as the stage does)
    equals the text cut with the spans of every token, names in the text and all."""
    from avtaleanalyse.similarity.prototypes import prototype_text

    docs, sh, fams, protos = _named_corpus(5, seed=7)
    aligner = FamilyAligner(sh, fams, protos, documents=docs)
    rng = np.random.default_rng(2)
    cut = 0
    for i, d in enumerate(sh.ids.astype(str)):
        row = docs.iloc[i]
        seq = sh.seq_of(i)
        # a consensus without some runs of ten shingles: several runs, gaps between
        gone = np.zeros(len(seq), dtype=bool)
        for start in rng.choice(max(len(seq) - 10, 1), 4, replace=False):
            gone[start : start + 10] = True
        cons = np.setdiff1d(seq[~gone], seq[gone]).astype(np.uint32)
        kw = {
            "ngram": sh.ngram,
            "parties": party_names(row["municipalities"], row["health_trust"]),
            "language_form": row["language_form"],
        }
        want = prototype_text(row["text"], seq, int(sh.n_tokens[i]), cons, **kw)
        got = prototype_text(
            row["text"], seq, int(sh.n_tokens[i]), cons, **kw,
            char_span=functools.partial(aligner.char_span, d, base=True),
        )  # fmt: skip
        assert got == want and got
        cut += want.count(" […] ")
    assert cut > len(sh)  # several runs per document


def test_runs_are_the_same_in_worker_processes():
    docs, _ = synthetic_corpus(n_trusts=3, n_agreements=2, n_municipalities=8, seed=6)
    params = SimilarityParams(sections=False)
    one = similarity_tables(docs, params=params)
    two = similarity_tables(docs, params=SimilarityParams(sections=False, n_jobs=2))
    assert (one["standardisation"]["local_share"] > 0).sum() >= 10  # runs were classified
    assert len(one["adaptations"]) > 0
    for name in ("standardisation", "adaptations", "families", "pairs"):
        pd.testing.assert_frame_equal(one[name], two[name])


def _chunk_report(aligner, context, chunk):
    # what a worker sees: its chunk, the context, and whether the inherited heap is frozen
    return [(x * context, os.getpid(), gc.get_freeze_count() > 0) for x in chunk]


def _chunk_fails(aligner, context, chunk):
    raise ValueError("bad chunk")


def test_map_batches_in_workers_keeps_order_and_leaves_gc_unfrozen():
    docs, sh, fams, protos = _named_corpus(3, seed=7)
    aligner = FamilyAligner(sh, fams, protos, documents=docs)
    items = list(range(23))
    one = [r for got in aligner.map_batches(_chunk_report, items, context=3, batch=4) for r in got]
    two = [
        r
        for got in aligner.map_batches(_chunk_report, items, context=3, n_jobs=2, batch=4)
        for r in got
    ]
    assert [v for v, _, _ in one] == [v for v, _, _ in two] == [3 * x for x in items]
    assert {pid for _, pid, _ in one} == {os.getpid()}
    assert os.getpid() not in {pid for _, pid, _ in two}  # in forked workers
    assert all(frozen for _, _, frozen in two)  # the parent's objects are not collected there
    assert gc.get_freeze_count() == 0  # and the parent's own collections are back to normal
    with pytest.raises(ValueError, match="bad chunk"):
        list(aligner.map_batches(_chunk_fails, items, context=3, n_jobs=2, batch=4))
    assert gc.get_freeze_count() == 0


_LOADS: list[str] = []


def _lemmas_in_worker(aligner, context, chunk):
    # lemmatise in the worker; report which simplemma dictionaries it had to load itself
    before = len(_LOADS)
    out = [to_bokmal(w, form) for w, form in chunk]
    return [(out, _LOADS[before:])]


def test_lemma_data_is_loaded_once_before_the_workers_fork(monkeypatch):
    from simplemma.strategies.dictionaries import dictionary_factory as df

    real = df._load_dictionary_from_disk

    def counted(lang):
        _LOADS.append(lang)
        return real(lang)

    monkeypatch.setattr(df, "_load_dictionary_from_disk", counted)
    _forget_lemmas()
    _LOADS.clear()
    try:
        docs, sh, fams, protos = _named_corpus(3, seed=8)
        docs.loc[docs.index[0], "language_form"] = "nynorsk"
        aligner = FamilyAligner(sh, fams, protos, documents=docs)
        words = [("tenestene", "nynorsk"), ("tjenestene", "bokmal"), ("avtalen", "bokmal")] * 3
        got = [
            r for g in aligner.map_batches(_lemmas_in_worker, words, n_jobs=2, batch=3) for r in g
        ]
        assert sorted(_LOADS) == ["nb", "nn"]  # in the parent, before forking
        assert all(loads == [] for _, loads in got)  # no worker loaded a dictionary again
        assert [w for out, _ in got for w in out] == ["tjeneste", "tjeneste", "avtale"] * 3
    finally:
        _forget_lemmas()


def _forget_lemmas():
    """Every cache between a word and simplemma's dictionaries, as in a fresh process."""
    from simplemma import lemmatizer
    from simplemma.strategies.dictionaries import dictionary_factory as df

    from avtaleanalyse import text

    df.DEFAULT_DICTIONARY_FACTORY._get_dictionary.cache_clear()
    lemmatizer._legacy_lemmatizer_for.cache_clear()
    text._lemma.cache_clear()
    to_bokmal.cache_clear()
