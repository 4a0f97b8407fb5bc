"""Normalisation: masked parties and numbers, one written form, valid spans."""

from __future__ import annotations

import numpy as np
import pytest

from avtaleanalyse.similarity.normalize import (
    NUMBER_TOKEN,
    PARTY_TOKEN,
    TokenView,
    mask_parties,
    mask_spans,
    normalize_tokens,
    party_table,
    split_sentences,
)


def test_party_names_and_numbers_are_masked():
    a, _ = normalize_tokens("Avtalen mellom Stord kommune og Helse Fonna HF frå 2012.",
                            parties=["Stord"], common_form=False)  # fmt: skip
    b, _ = normalize_tokens("Avtalen mellom Kvinnherad kommune og Helse Bergen HF frå 2019.",
                            parties=["Kvinnherad"], common_form=False)  # fmt: skip
    assert a == b
    assert a.count(PARTY_TOKEN) == 2 and NUMBER_TOKEN in a
    # placeholders of templates mask too
    c, _ = normalize_tokens("Avtalen mellom xx kommune og Helse Fonna HF frå 2012.",
                            common_form=False)  # fmt: skip
    assert c == a


def test_own_municipality_masked_without_kommune_word():
    toks, _ = normalize_tokens("Herøy har ansvaret.", parties=["Herøy (Nordland)"])
    assert toks[0] == PARTY_TOKEN
    assert "herøy" not in mask_parties("Herøy har ansvaret.", ["Herøy (Nordland)"])


def test_nynorsk_and_bokmal_common_form():
    nn, _ = normalize_tokens("Tenestene skal vere gode for pasientane", language_form="nynorsk")
    nb, _ = normalize_tokens("Tjenestene skal være gode for pasientene", language_form="bokmal")
    assert nn == nb


def test_spans_point_into_original_text():
    text = "Stord kommune og Helse Fonna HF: avtale 6-2."
    toks, spans = normalize_tokens(text, parties=["Stord"], common_form=False)
    assert len(toks) == len(spans)
    assert text[spans[0, 0] : spans[0, 1]] == "Stord"
    assert text[spans[3, 0] : spans[3, 1]] == "Helse Fonna HF"
    assert split_sentences("En. To!\nTre") == [(0, 3), (3, 7), (8, 11)]


def test_extra_nn_nb_pairs_make_parallel_sentences_equal():
    nn = "Kommunen har ansvar for å gje eit forsvarleg tilbod etter utskriving frå sjukehuset."
    nb = "Kommunen har ansvar for å gi et forsvarlig tilbud etter utskrivning fra sykehuset."
    a, _ = normalize_tokens(nn, language_form="nynorsk")
    b, _ = normalize_tokens(nb, language_form="bokmal")
    assert a == b
    nn2, _ = normalize_tokens("Avtalen skal evaluerast saman.", language_form="nynorsk")
    nb2, _ = normalize_tokens("Avtalen skal evalueres sammen.", language_form="bokmal")
    assert nn2 == nb2


def test_token_view_reads_tokens_like_a_list():
    uniques = ["Stord", "kommune", "og", "HF"]
    codes = np.array([2, 0, 1, 2, 3, 0, 1], dtype=np.int64)
    full = [uniques[c] for c in codes]
    view = TokenView(uniques, codes, 1, 6)  # the tokens of one text among others
    want = full[1:6]
    assert len(view) == 5 and list(view) == want
    for i in range(-5, 5):
        assert view[i] == want[i]
    for sl in (slice(0, 2), slice(3, 99), slice(-2, None), slice(4, 1), slice(None, None, 2)):
        assert view[sl] == want[sl]
    for i in (5, -6):
        with pytest.raises(IndexError):
            view[i]
    assert "HF" in view and "x" not in view
    # masking reads the view as it reads a list
    seqs, _ = party_table(["Stord"])
    assert (
        mask_spans(view, [0, 1, 4], seqs) == mask_spans(want, [0, 1, 4], seqs) == [[0, 1], [4, 5]]
    )
