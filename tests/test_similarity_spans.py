"""Sections read from their documents' shingles equal sections shingled on their own."""

from __future__ import annotations

import dataclasses
import random
import re
import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from avtaleanalyse import schema
from avtaleanalyse.io.tables import read_table, write_table
from avtaleanalyse.similarity import normalize, run
from avtaleanalyse.similarity import spans as spans_module
from avtaleanalyse.similarity.normalize import nfc, raw_tokens, raw_tokens_marked
from avtaleanalyse.similarity.run import (
    SimilarityParams,
    _section_pairs,
    _section_shingles,
    _section_spans,
    read_inputs,
    shingle_corpus,
    similarity_tables,
)
from avtaleanalyse.similarity.shingles import shingle_partition
from avtaleanalyse.similarity.spans import (
    Spans,
    cuts_per_unit,
    locate_spans,
    merge_units,
    span_shingles,
    span_texts,
)
from avtaleanalyse.similarity.synthetic import synthetic_corpus

MUNIS = np.array(["Stord", "Kvinnherad"], dtype=object)
# words and party names of many shapes (two-word names, a trust with and without "HF",
# placeholders, numbers, nynorsk, decomposed letters that NFC composes, line breaks)
PIECES = [
    "Stord kommune", "Kvinnherad kommune", "Helse Fonna HF", "Helse Fonna", "Xx kommune",
    "Sjukehuset Innlandet HF", "HF", "kommune", "Tenestene", "skal", "vere", "gode", "for",
    "pasientane", "avtalen", "gjeld", "frå", "2012", "§ 6-2", "nr. 4", "utskrivningsklare",
    "og", "Sta\u0303vanger", "Hero\u0308y", "samarbeid", "kompetanse,", "brukarmedverknad.",
    "\n\n", "\t", "  ",
]  # fmt: skip


def _texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(PIECES) for _ in range(rng.randint(0, 300))) for _ in range(n)]


def _split(text: str, rng: random.Random) -> list[str]:
    """Sections of ``text``: cut at random characters (inside words and names too), some
    stripped of their edges, some with their whitespace tidied (then not a stretch of the
    text), plus an empty one now and then."""
    if len(text) < 2:
        return [text]
    cuts = rng.sample(range(1, len(text)), min(len(text) - 1, rng.randint(0, 12)))
    # half of them moved to the next space, where sections usually end
    cuts = sorted(
        {c if rng.random() < 0.5 or text.find(" ", c) < 0 else text.find(" ", c) for c in cuts}
    )
    out = []
    for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True):
        part = text[a:b]
        r = rng.random()
        if r < 0.3:
            part = part.strip()
        elif r < 0.4:
            part = " ".join(part.split())
        elif r < 0.45:
            part = ""
        out.append(part)
    return out


def _corpus(n: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = random.Random(seed)
    texts = _texts(n, seed=seed)
    # endings the marks must handle: a trailing newline, a name at the very end
    texts[0] = texts[0] + "\n"
    texts[1] = texts[1] + " Stord kommune"
    docs = pd.DataFrame(
        {
            schema.DOC_ID: [f"d{i:03d}" for i in range(n)],
            schema.TEXT: texts,
            schema.LANGUAGE_FORM: ["nynorsk" if i % 3 == 0 else "bokmal" for i in range(n)],
            schema.MUNICIPALITIES: [[str(MUNIS[i % 2])] for i in range(n)],
            schema.HEALTH_TRUST: ["Helse Fonna HF"] * n,
        }
    )
    rows = []
    for i, t in enumerate(texts):
        for k, part in enumerate(_split(t, rng)):
            rows.append((f"d{i:03d}", f"d{i:03d}-s{k:03d}", part))
    # a section of a document not in the corpus, and one whose text is not in its document
    rows.append(("zzz", "zzz-s000", "Stord kommune skal vere gode for pasientane"))
    rows.append(("d002", "d002-s999", "ein tekst som ikkje finst i dokumentet her"))
    rows.append(("d003", "d003-s999", None))  # a missing text
    secs = pd.DataFrame(rows, columns=[schema.DOC_ID, schema.SECTION_ID, schema.TEXT])
    return docs, secs.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def _with_meta(docs: pd.DataFrame, secs: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    meta = [schema.LANGUAGE_FORM, schema.MUNICIPALITIES, schema.HEALTH_TRUST]
    s = (
        secs.assign(_order=np.arange(len(secs)))
        .merge(docs[[schema.DOC_ID, *meta]], on=schema.DOC_ID, how="left")
        .sort_values(schema.SECTION_ID, kind="mergesort")
        .reset_index(drop=True)
    )
    return s, s.pop("_order").to_numpy()


def _assert_same_shingles(got, want) -> None:
    assert got.ids.tolist() == want.ids.tolist()
    assert np.array_equal(got.n_tokens, want.n_tokens)
    assert np.array_equal(got.seq_offsets, want.seq_offsets)
    assert np.array_equal(got.seq, want.seq)
    sets, sizes = got.sets_of(np.arange(len(got)))  # rebuilt from the sequences
    assert np.array_equal(sizes, np.diff(want.set_offsets))
    assert np.array_equal(sets, want.sets)


@pytest.mark.parametrize("block", [3, 40, 512])
@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("own_texts", [True, False])
def test_sections_read_from_documents_equal_sections_shingled_alone(
    monkeypatch, block, seed, own_texts
):
    # small blocks: marks everywhere, many beside the cuts and inside masked names
    monkeypatch.setattr(normalize, "MARK_CHARS", block)
    docs, secs = _corpus(60, seed)
    spans = _section_spans(docs, secs)
    sh = shingle_corpus(docs, keep_sets=False, cuts=cuts_per_unit(spans, len(docs)))
    plain = shingle_corpus(docs, keep_sets=False)
    # the cuts change the marks only, never the shingles
    assert np.array_equal(sh.seq, plain.seq) and np.array_equal(sh.n_tokens, plain.n_tokens)
    s, order = _with_meta(docs, secs)
    p = SimilarityParams()
    want = shingle_partition(s, id_column=schema.SECTION_ID)
    if own_texts:
        got = _section_shingles(s, sh, spans, order, p)
    else:
        # as read_inputs keeps them: a section found in its document has no text of its
        # own; those that cannot be read from the document's shingles (a cut inside a word
        # or a masked name) are shingled from their span of the document's text
        # ... and the party names of their documents looked up for those alone
        meta = [schema.DOC_ID, schema.LANGUAGE_FORM, schema.MUNICIPALITIES, schema.HEALTH_TRUST]
        got = _section_shingles(
            s[[schema.DOC_ID, schema.SECTION_ID]],
            sh,
            spans,
            order,
            p,
            section_texts=secs[schema.TEXT].where(~spans.found, None).to_numpy(),
            doc_texts=docs[schema.TEXT].array,
            doc_meta=docs[meta],
        )
    _assert_same_shingles(got, want)
    # both ways were taken: read from the documents (a minority with cuts this hostile;
    # 100 % on the demo corpus) and shingled alone, found in the document or not
    _, derived = span_shingles(sh, spans.take(order), s[schema.SECTION_ID].to_numpy())
    assert 0.15 < derived.mean() < 1.0
    found = spans.take(order).found
    assert not derived[~found].any()
    assert (found & ~derived).sum() > 5 and (~found & ~derived).sum() > 5
    assert not found[s[schema.SECTION_ID].isin(["zzz-s000", "d002-s999"]).to_numpy()].any()


def test_span_texts_are_the_sections_texts_in_nfc():
    docs, secs = _corpus(30, 7)
    spans = _section_spans(docs, secs)
    idx = np.flatnonzero(spans.found)
    assert 0 < len(idx) < len(secs)
    assert span_texts(docs[schema.TEXT].array, spans, idx) == [
        nfc(t) for t in secs[schema.TEXT].to_numpy()[idx]
    ]
    rest = np.flatnonzero(~spans.found)
    assert span_texts(docs[schema.TEXT].array, spans, rest) == [None] * len(rest)


def test_cut_marks_give_the_raw_tokens_and_ignore_cuts_inside_words():
    rng = random.Random(5)
    for text in _texts(40, seed=9):
        t = nfc(text)
        cuts = sorted(set(rng.sample(range(len(t) + 1), min(len(t) + 1, 15))))
        toks, chars, idx = raw_tokens_marked(text, 64, cuts=cuts)
        assert toks == raw_tokens(text)
        for c in cuts:
            inside_word = 0 < c < len(t) and t[c - 1].isalnum() and t[c].isalnum()
            if 0 < c < len(t) and not inside_word:
                k = chars.index(c)  # a mark at every cut no token spans
                assert idx[k] == len(raw_tokens(t[:c]))
            elif inside_word:
                assert c not in chars


def test_locate_spans_in_reading_order_and_repeated_texts():
    doc = "Ikkje aktuelt.\nIkkje aktuelt.\nSlutt"
    sp = locate_spans(
        [doc], np.array([0, 0, 0, 0]), ["Ikkje aktuelt.", "Ikkje aktuelt.", "Slutt", ""]
    )
    assert sp.starts.tolist() == [0, 15, 30, -1]
    assert sp.ends.tolist() == [14, 29, 35, -1]
    assert sp.last.tolist() == [False, False, True, False]
    # a text that is not in the document, a missing document, missing texts
    sp = locate_spans(
        [doc, None, float("nan")],
        np.array([0, -1, 0, 0, 1, 2]),
        ["Ikkje  aktuelt.", "Slutt", None, float("nan"), "Slutt", "Slutt"],
    )
    assert sp.found.tolist() == [False] * 6
    # batch by batch with one resume state: as in one call (without it, the second
    # batch's repeated text would be found at the first occurrence again)
    texts = ["Ikkje aktuelt.", "Ikkje aktuelt.", "Slutt"]
    resume: dict[int, int] = {}
    parts = [
        locate_spans([doc], np.zeros(n, dtype=np.int64), texts[a : a + n], resume=resume)
        for a, n in ((0, 1), (1, 2))
    ]
    whole = locate_spans([doc], np.zeros(3, dtype=np.int64), texts)
    joined = Spans.concat(parts)
    for f in ("rows", "starts", "ends", "last", "masked_ahead"):
        assert np.array_equal(getattr(joined, f), getattr(whole, f))
    alone = locate_spans([doc], np.zeros(2, dtype=np.int64), texts[1:])
    assert alone.starts.tolist() == [0, 30]
    assert len(Spans.concat([]).rows) == 0


def _locate_by_definition(doc_texts, rows, texts, resume):
    """The docstring of ``locate_spans`` as plain ``str.find``, section by section."""
    out = []
    for r, t in zip(rows, texts, strict=True):
        d = doc_texts[r] if r >= 0 else None
        if r < 0 or not isinstance(t, str) or not t:
            out.append((-1, -1, False, False))
            continue
        text, t = nfc(d) if isinstance(d, str) else "", nfc(t)
        pos = text.find(t, resume.get(r, 0))
        pos = text.find(t) if pos < 0 else pos
        if pos < 0:
            out.append((-1, -1, False, False))
            continue
        resume[r] = pos + len(t)
        nxt = re.compile(r"\w+").search(text, pos + len(t))
        ahead = nxt is not None and nxt.group().lower() in {
            "kommune",
            "kommunar",
            "kommuner",
            "kommunes",
        }
        out.append((pos, pos + len(t), nxt is None, ahead))
    return out


@pytest.mark.parametrize("window", [1, 7, 4096])
@pytest.mark.parametrize("seed", [3, 4])
def test_locate_spans_as_its_definition(monkeypatch, window, seed):
    """The compiled pass with its ``str.find`` fallback places every section where the
    definition does: sections in and out of reading order (the shuffled table), cut inside
    words and names, tidied (not found), empty, missing, of a missing document, decomposed
    letters (NFC), a name ahead in upper case and in a non-ASCII spelling, batch by batch
    with one resume state; a window of 1 sends almost every section to the fallback."""
    monkeypatch.setattr(spans_module, "PLACE_WINDOW", window)
    docs, secs = _corpus(30, seed)
    doc_texts = [
        *docs[schema.TEXT],
        None,
        "Avtalen gjeld KOMMUNE",
        "Avtalen gjeld \u212aommune",
        "Tenestene 2",
    ]
    rows = np.array(
        [*run._doc_rows(docs, secs[schema.DOC_ID]), 30, 31, 31, 32, 32, 33, 33], dtype=np.int64
    )
    texts = [*secs[schema.TEXT], "Avtalen", "Avtalen", "gjeld", "gjeld", "gjeld", "Tenestene", "2"]
    rng = random.Random(seed)
    # some sections given as their decomposed form (found in the composed text)
    texts = [
        unicodedata.normalize("NFD", t) if isinstance(t, str) and rng.random() < 0.1 else t
        for t in texts
    ]
    want = _locate_by_definition(doc_texts, rows.tolist(), texts, resume={})
    assert sum(w[0] >= 0 for w in want) > len(want) // 2  # most are found
    assert any(w[3] for w in want) and any(w[2] for w in want)
    resume: dict[int, int] = {}
    parts = [
        locate_spans(doc_texts, rows[a : a + 37], texts[a : a + 37], resume=resume)
        for a in range(0, len(rows), 37)
    ]
    arrow = locate_spans(
        pa.chunked_array([pa.array(doc_texts[:9]), pa.array(doc_texts[9:])]),
        rows,
        pa.array([t if isinstance(t, str) else None for t in texts]),
    )
    for sp in (Spans.concat(parts), locate_spans(doc_texts, rows, texts), arrow):
        got = list(
            zip(
                sp.starts.tolist(),
                sp.ends.tolist(),
                sp.last.tolist(),
                sp.masked_ahead.tolist(),
                strict=True,
            )
        )
        assert got == want
    # "gjeld" before "KOMMUNE" and before the Kelvin sign's "kommune" (twice: the second
    # is found again from the start of its document)
    assert [w[3] for w in want[-7:-2]] == [False, False, True, True, True]
    assert [w[0] for w in want[-7:-2]] == [-1, 0, 8, 8, 8]
    assert [w[2] for w in want[-2:]] == [False, True]  # a one-character last token
    with pytest.raises(ValueError, match="section texts"):
        locate_spans(doc_texts, rows[:3], texts[:2])


def test_texts_read_as_nfc_utf8():
    """``_utf8_nfc`` gives each text in NFC, from lists and Arrow arrays (sliced, with
    nulls) alike: random texts of letters, combining marks that compose or reorder, Hangul
    jamo, a singleton (the Angström sign) and characters beyond the table."""
    alphabet = ["a", "e", "A", "\u0301", "\u0308", "\u0323", "\u1100", "\u1161", "\u11a8",
                "\uac00", "\u212b", "\u00e5", "\n", " ", "\u0344", "\u2013", "\u0b47",
                "\u0b3e", "\U0001d15e", "\u30ac", "\u30ab\u3099"]  # fmt: skip
    rng = random.Random(5)
    texts = ["".join(rng.choices(alphabet, k=rng.randint(0, 5))) for _ in range(5000)]
    want = [unicodedata.normalize("NFC", t) for t in texts]
    assert sum(w != t for w, t in zip(want, texts, strict=True)) > 500
    got = spans_module._utf8_nfc(texts)
    assert [got.text(i) for i in range(len(texts))] == want
    arrow = pa.array([None, *texts], type=pa.string()).slice(1)
    got = spans_module._utf8_nfc(pa.chunked_array([arrow.slice(0, 7), arrow.slice(7)]))
    assert [got.text(i) for i in range(len(texts))] == want
    assert spans_module._utf8_nfc(pa.array(["a", None, "b"])).offsets.tolist() == [0, 1, 1, 2]


def test_texts_of_safe_characters_are_nfc():
    """Any text of the characters ``_nfc_safe`` lets through is its own NFC; the marks and
    letters that compose with what comes before are kept out."""
    safe = spans_module._nfc_safe()
    chars = np.flatnonzero(safe)
    assert safe[[ord(c) for c in "aAzæøåÆØÅ§ –“”•…€\n\t"]].all()
    assert not safe[[0x0301, 0x0308, 0x1161, 0x11A8, 0x212B, 0x0344, 0x0B3E]].any()
    rng = np.random.default_rng(6)
    for _ in range(20000):
        t = "".join(map(chr, rng.choice(chars, size=int(rng.integers(1, 6)))))
        assert unicodedata.is_normalized("NFC", t)


def test_merge_units_interleaves_and_checks_sizes():
    docs, secs = _corpus(6, 3)
    s, _ = _with_meta(docs, secs)
    whole = shingle_partition(s, id_column=schema.SECTION_ID).without_sets()
    pick = np.arange(len(s)) % 3 == 1
    a = shingle_partition(s[pick], id_column=schema.SECTION_ID)
    b = shingle_partition(s[~pick], id_column=schema.SECTION_ID)
    m = merge_units(a, b, pick)
    assert m.ids.tolist() == whole.ids.tolist()
    assert np.array_equal(m.seq, whole.seq) and np.array_equal(m.seq_offsets, whole.seq_offsets)
    assert np.array_equal(m.n_tokens, whole.n_tokens)
    with pytest.raises(ValueError, match="sizes"):
        merge_units(a, b, ~pick)


@pytest.mark.slow
def test_ingested_sections_read_from_documents_give_the_same_section_pairs(small_corpus):
    docs = read_table(small_corpus / schema.DOCUMENTS_FILE).drop(columns=[schema.RAW_TEXT])
    secs = read_table(small_corpus / schema.SECTIONS_FILE)
    p = SimilarityParams()
    spans = _section_spans(docs, secs)
    sh = shingle_corpus(docs, keep_sets=False, cuts=cuts_per_unit(spans, len(docs)))
    s, order = _with_meta(docs, secs)
    got = _section_shingles(s, sh, spans, order, p)
    want = shingle_partition(s, id_column=schema.SECTION_ID)
    assert np.array_equal(got.n_tokens, want.n_tokens)
    assert np.array_equal(got.seq, want.seq)
    assert np.array_equal(got.sets_of(np.arange(len(got)))[0], want.sets)
    # sections written by ingest are stretches of their document's text: nearly all are
    # read from the documents
    _, derived = span_shingles(sh, spans.take(order), s[schema.SECTION_ID].to_numpy())
    assert derived.mean() > 0.95
    boiler = np.empty(0, dtype=np.uint32)
    a_pairs, a_groups = _section_pairs(docs, secs, p, boiler, doc_shingles=sh, spans=spans)
    b_pairs, b_groups = _section_pairs(docs, secs, p, boiler)
    assert len(a_pairs) > 0
    pd.testing.assert_frame_equal(a_pairs, b_pairs)
    pd.testing.assert_frame_equal(a_groups, b_groups)


def test_parties_of_the_section_are_masked_like_the_documents():
    # a name across a section end: the document masks it whole, the section cannot
    docs = pd.DataFrame(
        {
            schema.DOC_ID: ["a"],
            schema.TEXT: ["avtalen gjeld for heile Stord kommune og Helse Fonna HF no"],
            schema.LANGUAGE_FORM: ["nynorsk"],
            schema.MUNICIPALITIES: [["Stord"]],
            schema.HEALTH_TRUST: ["Helse Fonna HF"],
        }
    )
    secs = pd.DataFrame(
        {
            schema.DOC_ID: ["a", "a"],
            schema.SECTION_ID: ["a-s0", "a-s1"],
            schema.TEXT: ["avtalen gjeld for heile Stord kommune og Helse", "Fonna HF no"],
        }
    )
    spans = _section_spans(docs, secs)
    sh = shingle_corpus(docs, keep_sets=False, ngram=2, cuts=cuts_per_unit(spans, 1))
    s, order = _with_meta(docs, secs)
    _, derived = span_shingles(sh, spans.take(order), s[schema.SECTION_ID].to_numpy())
    assert derived.tolist() == [False, False]  # the mark inside "Helse Fonna HF" is dropped
    got = _section_shingles(s, sh, spans, order, SimilarityParams(ngram=2))
    want = shingle_partition(s, ngram=2, id_column=schema.SECTION_ID)
    assert np.array_equal(got.seq, want.seq) and np.array_equal(got.n_tokens, want.n_tokens)


@pytest.mark.parametrize("tail", ["", "\n", " .\n"])
def test_a_last_section_is_read_from_the_document_whatever_follows_it(tail):
    docs = pd.DataFrame(
        {schema.DOC_ID: ["a"], schema.TEXT: ["1 Formål\navtalen gjeld tenestene" + tail]}
    )
    secs = pd.DataFrame(
        {
            schema.DOC_ID: ["a", "a"],
            schema.SECTION_ID: ["a-s0", "a-s1"],
            schema.TEXT: ["1 Formål", "avtalen gjeld tenestene"],
        }
    )
    spans = _section_spans(docs, secs)
    assert spans.last.tolist() == [False, True]
    sh = shingle_corpus(docs, keep_sets=False, ngram=2, cuts=cuts_per_unit(spans, 1))
    got, derived = span_shingles(sh, spans, secs[schema.SECTION_ID].to_numpy())
    assert derived.tolist() == [True, True]
    want = shingle_partition(secs, ngram=2, id_column=schema.SECTION_ID)
    assert np.array_equal(got.n_tokens, want.n_tokens) and got.n_tokens.tolist() == [2, 3]
    assert np.array_equal(got.seq, want.seq)


@pytest.mark.parametrize("stored", [True, False])
def test_take_gathers_units_in_any_order_with_their_sets_and_marks(stored):
    docs, _ = _corpus(30, 6)
    whole = shingle_partition(docs)
    whole = whole if stored else whole.without_sets()
    idx = np.array([7, 3, 3, 29, 0, 12, 11])
    sub = whole.take(idx)
    assert sub.has_sets == stored
    assert sub.ids.tolist() == whole.ids[idx].tolist()
    assert np.array_equal(sub.n_tokens, whole.n_tokens[idx])
    assert np.array_equal(sub.set_sizes(), whole.set_sizes()[idx])
    for k, i in enumerate(idx):
        assert np.array_equal(sub.seq_of(k), whole.seq_of(i))
        assert np.array_equal(sub.set_of(k), whole.set_of(i))
        assert np.array_equal(sub.marks_of(k), whole.marks_of(i))
    assert len(whole.take(np.array([], dtype=np.int64))) == 0


def test_read_inputs_locates_the_sections_batch_by_batch_and_keeps_only_texts_not_found(
    tmp_path, monkeypatch
):
    docs, secs = _corpus(40, 4)
    secs = secs.sort_values(schema.SECTION_ID, kind="mergesort").reset_index(drop=True)
    docs[schema.RAW_TEXT] = docs[schema.TEXT]
    write_table(docs, tmp_path / schema.DOCUMENTS_FILE)
    write_table(secs, tmp_path / schema.SECTIONS_FILE)
    monkeypatch.setattr(run, "SECTION_BATCH", 7)  # documents' sections across batches
    got_docs, got_secs, spans = read_inputs(tmp_path)
    assert schema.RAW_TEXT not in got_docs
    assert got_docs[schema.TEXT].tolist() == docs[schema.TEXT].tolist()
    want = _section_spans(docs, secs)
    for f in ("rows", "starts", "ends", "last", "masked_ahead"):
        assert np.array_equal(getattr(spans, f), getattr(want, f)), f
    assert want.found.sum() > 0.6 * len(secs) and (~want.found).sum() > 10
    assert got_secs[schema.SECTION_ID].tolist() == secs[schema.SECTION_ID].tolist()
    kept = got_secs[schema.TEXT]
    assert kept[want.found].isna().all()
    assert (
        kept[~want.found].fillna("").tolist() == secs[schema.TEXT][~want.found].fillna("").tolist()
    )


@pytest.mark.slow
def test_similarity_tables_with_located_sections_equal_those_with_their_texts(
    small_corpus, tmp_path, monkeypatch
):
    monkeypatch.setattr(run, "SECTION_BATCH", 97)
    docs, secs, spans = read_inputs(small_corpus)
    full = read_table(small_corpus / schema.SECTIONS_FILE)
    assert secs[schema.TEXT].isna().mean() > 0.95  # the texts read_inputs dropped
    p = SimilarityParams(adaptations=False)
    a = similarity_tables(docs, secs, params=p, spans=spans)
    b = similarity_tables(docs, full[[schema.DOC_ID, schema.SECTION_ID, schema.TEXT]], params=p)
    assert len(a["section_pairs"]) > 0
    for name in ("pairs", "families", "section_pairs", "section_groups", "standardisation"):
        pd.testing.assert_frame_equal(a[name], b[name])
    with pytest.raises(ValueError, match="spans for"):
        similarity_tables(docs, secs.iloc[:-1], params=p, spans=spans)


def test_units_kept_in_place_equal_a_copy():
    from avtaleanalyse.similarity.run import _keep_units

    docs, _ = synthetic_corpus(n_trusts=2, n_agreements=2, n_municipalities=4, seed=3)
    sh = shingle_partition(docs, common_form=False).without_sets()
    sh = dataclasses.replace(sh, set_offsets=None, marks=None, mark_offsets=None)
    rng = np.random.default_rng(5)
    for keep in (np.arange(len(sh)), np.flatnonzero(rng.random(len(sh)) < 0.4), [len(sh) - 1]):
        want = sh.take(keep)
        spent = dataclasses.replace(sh, seq=sh.seq.copy())  # the buffer is reused
        got = _keep_units(spent, keep)
        assert np.shares_memory(got.seq, spent.seq)
        for name in ("ids", "seq_offsets", "seq", "n_tokens"):
            assert np.array_equal(getattr(got, name), getattr(want, name)), name
    with pytest.raises(ValueError):
        _keep_units(sh, [2, 1])


def test_scatter_segments_copies_each_segment_and_checks_bounds():
    from avtaleanalyse.similarity.spans import scatter_segments

    rng = np.random.default_rng(4)
    src = rng.integers(0, 2**32, size=500, dtype=np.uint32)
    lengths = rng.integers(0, 12, size=40)
    src_starts = rng.integers(0, 500 - 12, size=40)
    dst_starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])[rng.permutation(40)]
    out = np.zeros(int(lengths.sum()) + 5, dtype=np.uint32)
    scatter_segments(out, dst_starts, src, src_starts, lengths)
    want = np.zeros_like(out)
    for d, s, n in zip(dst_starts, src_starts, lengths, strict=True):
        want[d : d + n] = src[s : s + n]
    assert np.array_equal(out, want) and lengths.sum() > 150
    with pytest.raises(IndexError):
        scatter_segments(out, [len(out) - 2], src, [0], [3])
    with pytest.raises(IndexError):
        scatter_segments(out, [0], src, [499], [2])
    with pytest.raises(TypeError):
        scatter_segments(out.astype(np.int64), [0], src, [0], [1])
