"""Norwegian analyzer: tokens, lemmas in one written form, stopwords, party names."""

from __future__ import annotations

import pandas as pd
import pytest
from sklearn.base import clone

from avtaleanalyse import schema
from avtaleanalyse.text import tokenize
from avtaleanalyse.topics import preprocess as pp


def _doc(text, form="bokmal", trust=None, munis=()):
    return pd.DataFrame(
        {
            schema.TEXT: [text],
            schema.LANGUAGE_FORM: [form],
            schema.HEALTH_TRUST: [trust],
            schema.MUNICIPALITIES: [list(munis)],
        }
    )


def _terms(text, **kw):
    return pp.NorwegianAnalyzer().fit_transform(_doc(text, **kw))[0]


def test_tokens_keep_statute_references_and_truncated_compounds_whole():
    assert pp.tokens("Helse- og omsorgstjenesteloven § 6-2 nr. 6, jf. §3-5") == [
        "Helse- og omsorgstjenesteloven",
        "§ 6-2",
        "nr",
        "6",
        "jf",
        "§3-5",
    ]


def test_tokens_agree_with_the_shared_tokenizer_on_plain_text():
    text = "Kommunen og helseforetaket skal samarbeide om 24-timers døgnopphold (3.1), 2A."
    assert pp.tokens(text) == tokenize(text, lower=False)


def test_terms_of_statute_text():
    terms = _terms("Helse- og omsorgstjenesteloven § 6-2 krever gjensidig hospitering.")
    assert terms == [
        "helse- og omsorgstjenestelov",
        "§ 6-2",
        "kreve",
        "gjensidig",
        "hospitering",
    ]


def test_nynorsk_and_bokmal_twins_give_the_same_terms():
    nb = _terms(
        "Tjenestene til utskrivningsklare pasienter og brukermedvirkning i "
        "spesialisthelsetjenesten etter helse- og omsorgstjenesteloven.",
        form="bokmal",
    )
    nn = _terms(
        "Tenestene til utskrivingsklare pasientar og brukarmedverknad i "
        "spesialisthelsetenesta etter helse- og omsorgstenestelova.",
        form="nynorsk",
    )
    assert nb == nn
    assert "spesialisthelsetjeneste" in nb and "helse- og omsorgstjenestelov" in nb


def test_stopwords_domain_words_and_numbers_are_dropped():
    terms = _terms("Partene i avtalen er kommunen og helseforetaket, jf. punkt 4 i januar 2012.")
    assert terms == []


def test_base_stoplist_is_the_stop_words_package_norwegian_list():
    from stop_words import get_stop_words

    base = set(get_stop_words("norwegian"))
    assert len(base) == 172
    assert base <= pp.default_stopwords()
    assert {"kommune", "helseforetak", "avtale", "part", "frå", "berre"} <= pp.default_stopwords()


@pytest.mark.parametrize("name", pp.STOPLIST_FILES)
def test_stoplist_files_have_a_header_and_lower_case_single_words(name):
    raw = pp._resource(name).read_text(encoding="utf-8").splitlines()
    assert raw[0].startswith("# ") and "topic models" in raw[0]
    words = [w for w in raw if w and not w.startswith("#")]
    assert words and all(w == w.lower() and " " not in w for w in words)
    assert len(words) == len(set(words))


def test_party_names_from_reference_metadata_and_patterns_are_removed():
    text = (
        "Avtale mellom Stord kommune og Helse Fonna HF. Region Hallingdal har eget "
        "brukerråd. Bydel Frogner og xx kommune deltar. Søndre Land har legevakt innen 24 timer."
    )
    terms = _terms(text, trust="Helse Fonna HF", munis=["Region Hallingdal"])
    assert terms == ["brukerråd", "delta", "legevakt", "time"]
    for name in ("stord", "fonna", "hallingdal", "region", "frogner", "land", "søndre"):
        assert name not in terms


def test_capitalised_common_word_is_kept_when_not_a_name():
    assert "hospitering" in _terms("Hospitering skal skje begge veier.")
    assert _terms("Fastlegen og kommunen samarbeider.") == ["fastlege", "samarbeid"]
    assert _terms("Nore og Uvdal kommune har fastlege.") == ["fastlege"]


def test_reference_name_tokens_cover_municipalities_and_trusts():
    names = pp.reference_name_tokens()
    assert {"Stord", "Herøy", "Bergen", "UNN", "Ahus", "Innlandet"} <= names
    assert "og" not in names  # "Nore og Uvdal": only capitalised parts


def test_party_name_tokens_from_metadata_cells():
    assert pp.party_name_tokens("Helse Førde HF", ["Herøy (Nordland)", "Gamle Oslo"]) == {
        "Helse",
        "Førde",
        "HF",
        "Herøy",
        "Nordland",
        "Gamle",
        "Oslo",
    }
    assert pp.party_name_tokens(None, None) == frozenset()


def test_analyzer_accepts_plain_strings_and_is_a_clonable_estimator():
    an = pp.NorwegianAnalyzer(min_length=3)
    assert clone(an).get_params()["min_length"] == 3
    out = an.fit_transform(["Døgnopphold for øyeblikkelig hjelp.", ""])
    assert out == [["døgnopphold", "øyeblikkelig", "hjelp"], []]


def test_identical_chunks_are_analysed_once_and_give_identical_terms():
    text = "Kommunen skal tilby døgnopphold. Helseforetaket skal gi veiledning."
    df = pd.concat([_doc(text), _doc(text)], ignore_index=True)
    a, b = pp.NorwegianAnalyzer().fit_transform(df)
    assert a == b == ["tilby", "døgnopphold", "gi", "veiledning"]


def test_shared_nynorsk_map_has_words_parts_and_validated_suffix_rules():
    from avtaleanalyse.text import _nn_nb_tables, to_bokmal

    words, parts = _nn_nb_tables()
    assert words["tenesteavtale"] == "tjenesteavtale"
    assert ("tenest", "tjenest") in parts
    lengths = [len(p[0]) for p in parts]
    assert lengths == sorted(lengths, reverse=True)
    # compound parts, suffix rules (kept only when bokmål knows the result), plain lemmas
    assert to_bokmal("omsorgstenestelova", "nynorsk") == "omsorgstjenestelov"
    assert to_bokmal("heimetenesta", "nynorsk") == "hjemmetjeneste"
    assert to_bokmal("tilgjengeleg", "nynorsk") == "tilgjengelig"
    assert to_bokmal("pasientsikkerheit", "nynorsk") == "pasientsikkerhet"
    assert to_bokmal("parten", "nynorsk") == to_bokmal("parten", "bokmal") == "part"
    # a word with no bokmål twin is kept as its nynorsk lemma, not mangled
    assert to_bokmal("kvardagsrehabilitering", "nynorsk") == "kvardagsrehabilitering"
