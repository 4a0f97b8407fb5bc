"""Prevalence by group, template-versus-local contrast, dominant-topic purity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from avtaleanalyse import schema
from avtaleanalyse.topics import prevalence as pv
from avtaleanalyse.topics.models import doc_topic_table

SHARES = np.array([[0.8, 0.2], [0.6, 0.4], [0.1, 0.9], [0.3, 0.7]])
DOCS = pd.DataFrame(
    {
        schema.DOC_ID: ["a", "b", "c", "d"],
        schema.HEALTH_TRUST: [
            "Helse Bergen HF",
            "Helse Bergen HF",
            "Helse Nord-Trøndelag HF",
            None,
        ],
        schema.AGREEMENT_KIND: ["delavtale", "delavtale", "tjenesteavtale", "overordnet"],
        schema.AGREEMENT_NUMBER: pd.array([4, 4, 6, None], dtype="Int64"),
        schema.YEAR: pd.array([2012, 2022, 2022, None], dtype="Int64"),
        schema.LANGUAGE_FORM: ["nynorsk", "bokmal", "bokmal", "bokmal"],
        schema.IS_TEMPLATE: [True, False, False, False],
        schema.N_WORDS: [100, 300, 100, 100],
    }
)


def _dt():
    docs = doc_topic_table(SHARES, DOCS[schema.DOC_ID])
    secs = doc_topic_table(np.array([[1.0, 0.0]]), ["a"], section_ids=["a-1"])
    return pd.concat([docs, secs], ignore_index=True)


def test_agreement_type_and_region_labels():
    assert pv.agreement_type(DOCS).tolist() == [
        "delavtale 4",
        "delavtale 4",
        "tjenesteavtale 6",
        "overordnet",
    ]
    assert pv.region(DOCS).tolist()[:3] == [
        "Helse Vest RHF",
        "Helse Vest RHF",
        "Helse Midt-Norge RHF",
    ]


def test_prevalence_means_per_group_from_document_rows_only():
    prev = pv.topic_prevalence(_dt(), DOCS)
    ht = prev[prev["by"] == schema.HEALTH_TRUST].set_index(["group", schema.TOPIC])
    assert ht.loc[("Helse Bergen HF", 0), schema.SHARE] == pytest.approx(0.7)
    assert ht.loc[("Helse Bergen HF", 0), "n_units"] == 2
    assert ht.loc[("(ukjent)", 1), schema.SHARE] == pytest.approx(0.7)
    assert set(prev["by"]) == set(pv.DEFAULT_BY)
    weighted = pv.topic_prevalence(_dt(), DOCS, by=[schema.HEALTH_TRUST], weight=schema.N_WORDS)
    w = weighted.set_index(["group", schema.TOPIC])
    assert w.loc[("Helse Bergen HF", 0), schema.SHARE] == pytest.approx((80 + 180) / 400)


def test_contrast_weights_units_by_length_and_summary_distances():
    units = pd.DataFrame(
        {
            "doc_id": ["a", "a", "b", "b", "c", "c"],
            "group": ["mal", "mal", "lokal", "lokal", "lokal", "lokal"],
            schema.TOPIC: [0, 1, 0, 1, 0, 1],
            schema.SHARE: [1.0, 0.0, 0.0, 1.0, 1.0, 0.0],
            "weight": [10, 10, 30, 30, 10, 10],
        }
    )
    c = pv.topic_contrast(units)
    assert c["share_mal"].tolist() == [1.0, 0.0]
    assert c["share_lokal"].tolist() == pytest.approx([0.25, 0.75])
    assert c["difference"].tolist() == pytest.approx([-0.75, 0.75])
    s = pv.contrast_summary(c)
    assert s["total_variation"] == pytest.approx(0.75)
    assert 0 < s["jensen_shannon"] < 1
    assert (s["top_topic_baseline"], s["top_topic_other"]) == (0, 1)
    same = pv.contrast_summary(c.assign(share_lokal=c["share_mal"]))
    assert same["total_variation"] == 0 and same["jensen_shannon"] == 0


def test_dominant_topic_and_purity_per_label():
    dom = pv.dominant_topics(_dt())
    assert dom[schema.TOPIC].tolist() == [0, 0, 1, 1]
    labels = DOCS.assign(t=pv.agreement_type(DOCS))
    pur = pv.dominant_topic_purity(_dt(), labels, label_column="t").set_index("t")
    assert pur.loc["delavtale 4", "purity"] == 1.0
    assert pur.loc["delavtale 4", schema.TOPIC] == 0
    assert pur.loc["delavtale 4", "specificity"] == 1.0
    assert pur.loc["tjenesteavtale 6", "specificity"] == 0.5
