"""The Norwegian analyzer on the hand-labelled real excerpts in ../shared/real_samples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import CountVectorizer

from avtaleanalyse import schema
from avtaleanalyse.topics.preprocess import NorwegianAnalyzer, passthrough


@pytest.fixture(scope="module")
def analysed(real_samples_dir):
    labels = pd.read_csv(real_samples_dir / "labels.csv", dtype=str, keep_default_na=False)
    frame = pd.DataFrame(
        {
            schema.TEXT: [
                (real_samples_dir / f).read_text(encoding="utf-8") for f in labels["file"]
            ],
            schema.LANGUAGE_FORM: labels["language_form"],
            schema.HEALTH_TRUST: labels["health_trust"],
            schema.MUNICIPALITIES: [m.split(";") if m else [] for m in labels["municipalities"]],
        }
    )
    return labels, NorwegianAnalyzer().fit_transform(frame)


def test_no_party_or_place_names_survive(analysed):
    _, terms = analysed
    every = {t for doc in terms for t in doc}
    for name in (
        "herøy",
        "førde",
        "bergen",
        "stavanger",
        "klepp",
        "gjesdal",
        "akershus",
        "helgelandssykehuset",
        "sogn",
        "fjordane",
        "jæren",
        "nord-norge",
    ):
        assert name not in every, name
    assert "§ " not in every and "kommune" not in every and "px" not in every


def test_statute_references_and_nynorsk_forms_come_out_in_one_written_form(analysed):
    labels, terms = analysed
    every = {t for doc in terms for t in doc}
    assert "helse- og omsorgstjenestelov" in every and "§ 6-2" in every
    nn = {
        t
        for doc, f in zip(terms, labels["language_form"], strict=True)
        if f == "nynorsk"
        for t in doc
    }
    for nn_form in (
        "teneste",
        "helseføretak",
        "sjukehus",
        "brukarmedverknad",
        "gjennomføra",
        "fagleg",
    ):
        assert nn_form not in nn, nn_form


def test_mirrored_copies_get_near_identical_term_vectors(analysed):
    labels, terms = analysed
    X = CountVectorizer(analyzer=passthrough).fit_transform(terms).toarray().astype(float)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    sim = X @ X.T
    fam = labels["family"].to_numpy()
    idx = np.flatnonzero(fam == "helsebergen_sa7_helsefagarbeider")
    assert len(idx) == 2
    a, b = idx
    assert sim[a, b] > 0.6
    others = [sim[a, j] for j in range(len(fam)) if fam[j] != fam[a]]
    assert sim[a, b] > max(others)
