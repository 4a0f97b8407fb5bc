"""Topic models on a small planted corpus: recovery, determinism, tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from avtaleanalyse import schema
from avtaleanalyse.topics.models import (
    TopicModel,
    doc_topic_table,
    make_estimator,
    make_text_pipeline,
    topic_term_table,
)

# Word pools per planted theme, bokmål and nynorsk forms (our own words).
THEMES = {
    4: (
        "døgnopphold øyeblikkelig hjelp observasjon legedekning døgnplass sykepleier "
        "innleggelse behandling akutt",
        "døgnopphald øyeblikkeleg hjelp observasjon legedekning døgnplass sjukepleiar "
        "innlegging behandling akutt",
    ),
    6: (
        "hospitering kompetanseoverføring fagnettverk kunnskap veiledning nettverk "
        "fagdag undervisning gjensidig erfaring",
        "hospitering kompetanseoverføring fagnettverk kunnskap rettleiing nettverk "
        "fagdag undervisning gjensidig erfaring",
    ),
    8: (
        "jordmor gravid svangerskap barsel følgetjeneste fødsel kvinne jordmortjeneste "
        "nyfødt fødeavdeling",
        "jordmor gravid svangerskap barsel følgjeteneste fødsel kvinne jordmorteneste "
        "nyfødd fødeavdeling",
    ),
}
BOILER = (
    "uenighet oppsigelse revisjon varighet mislighold tvist",
    "usemje oppseiing revisjon varigheit mishald tvist",
)
LOCAL = "brukerråd representant ferje øy reisetid vertskommune interkommunal lokalmedisinsk"
KOMMUNER = ["Stord", "Bømlo", "Voss", "Tromsø", "Hamar", "Askøy"]


def planted_corpus(n_per_type: int = 20, seed: int = 0):
    """Documents, sections and adaptations with three planted agreement types."""
    rng = np.random.default_rng(seed)
    docs, secs, adapt = [], [], []

    def sentence(words: str, n: int) -> str:
        return " ".join(rng.choice(words.split(), n)).capitalize() + "."

    i = 0
    for number, pools in THEMES.items():
        for j in range(n_per_type):
            nyn = j % 3 == 0
            form = "nynorsk" if nyn else "bokmal"
            kom = KOMMUNER[j % len(KOMMUNER)]
            paras = [f"Avtale mellom {kom} kommune og Helse Fonna HF."]
            paras += [sentence(BOILER[nyn], 8) for _ in range(2)]
            paras += [sentence(pools[nyn], 10) for _ in range(5)]
            template = j == 0
            local = None
            if not template and j % 2 == 1:
                local = sentence(LOCAL, 12)
                paras.append(local)
            text = "\n".join(paras)
            doc_id = f"d{i:03d}"
            docs.append(
                {
                    schema.DOC_ID: doc_id,
                    schema.TEXT: text,
                    schema.LANGUAGE_FORM: form,
                    schema.AGREEMENT_KIND: "delavtale",
                    schema.AGREEMENT_NUMBER: number,
                    schema.HEALTH_TRUST: "Helse Fonna HF",
                    schema.MUNICIPALITIES: [] if template else [kom],
                    schema.YEAR: 2012 + 10 * (j % 2),
                    schema.IS_TEMPLATE: template,
                    schema.N_WORDS: len(text.split()),
                }
            )
            for p, para in enumerate(paras):
                secs.append(
                    {
                        schema.DOC_ID: doc_id,
                        schema.SECTION_ID: f"{doc_id}-{p:02d}",
                        schema.POSITION: p,
                        schema.NUMBER: str(p + 1),
                        schema.HEADING: "",
                        schema.LEVEL: 1,
                        schema.TEXT: para,
                    }
                )
            if local is not None:
                adapt.append(
                    {
                        schema.DOC_ID: doc_id,
                        "kind": "added",
                        schema.TEXT: local,
                        schema.POSITION: text.index(local),
                    }
                )
            i += 1
    documents = pd.DataFrame(docs)
    documents[schema.AGREEMENT_NUMBER] = documents[schema.AGREEMENT_NUMBER].astype("Int64")
    documents[schema.YEAR] = documents[schema.YEAR].astype("Int64")
    return documents, pd.DataFrame(secs), pd.DataFrame(adapt)


@pytest.fixture(scope="module")
def corpus():
    return planted_corpus()


@pytest.mark.parametrize(("model", "k"), [("nmf", 4), ("lda", 3)])
def test_planted_agreement_types_are_recovered_as_topics(corpus, model, k):
    # NMF gets a spare topic (it takes the local passages); small-corpus LDA would split a type
    docs, _, _ = corpus
    tm = TopicModel(model=model, n_topics=k, seeds=(0, 1, 2), min_df=2, max_df=0.9).fit(docs)
    shares = tm.transform(docs)
    assert shares.shape == (len(docs), k)
    assert np.allclose(shares.sum(axis=1), 1.0)
    dominant = (
        pd.Series(shares.argmax(axis=1))
        .groupby(docs[schema.AGREEMENT_NUMBER])
        .agg(lambda s: s.value_counts(normalize=True).iloc[0])
    )
    assert (dominant == 1.0).all()
    modal = (
        pd.Series(shares.argmax(axis=1))
        .groupby(docs[schema.AGREEMENT_NUMBER])
        .agg(lambda s: s.mode()[0])
    )
    assert modal.nunique() == 3  # one topic per type
    # on 60 toy documents one LDA seed of three settles in another optimum for one topic
    # (matched cosine 0.795 with perfectly merged nynorsk/bokmål terms); NMF does not
    assert tm.stability_["stability"].min() > (0.8 if model == "nmf" else 0.75)
    assert tm.central_seed_ in (0, 1, 2)


def test_same_seeds_give_identical_models_and_topics_are_ordered_by_prevalence(corpus):
    docs, _, _ = corpus
    a = TopicModel(model="nmf", n_topics=3, seeds=(0, 1), min_df=2).fit(docs)
    b = TopicModel(model="nmf", n_topics=3, seeds=(0, 1), min_df=2).fit(docs)
    assert np.array_equal(a.components_, b.components_)
    assert np.array_equal(a.transform(docs), b.transform(docs))
    prev = a.transform(docs).mean(axis=0)
    assert np.all(np.diff(prev) <= 1e-12)
    assert np.allclose(a.components_.sum(axis=1), 1.0)


def test_pipeline_is_a_scikit_learn_pipeline_from_table_to_loadings(corpus):
    docs, _, _ = corpus
    tm = TopicModel(model="nmf", n_topics=3, seeds=(0,), min_df=2).fit(docs)
    assert list(tm.pipeline_.named_steps) == ["analyze", "vectorize", "weight", "model"]
    assert tm.pipeline_.transform(docs.iloc[:2]).shape == (2, 3)
    lda_steps = make_text_pipeline(model="lda").named_steps
    assert list(lda_steps) == ["analyze", "vectorize"]


def test_estimators_have_fixed_n_jobs_and_seed():
    lda = make_estimator(model="lda", n_topics=5, random_state=3)
    assert lda.get_params()["n_jobs"] == 1 and lda.get_params()["random_state"] == 3
    assert make_estimator(model="nmf", random_state=4).get_params()["init"] == "random"
    with pytest.raises(ValueError):
        make_estimator(model="lsa")


def test_bad_seeds_and_tiny_vocabulary_fail_loudly(corpus):
    docs, _, _ = corpus
    with pytest.raises(ValueError):
        TopicModel(seeds=(1, 1)).fit(docs)
    with pytest.raises(ValueError, match="vocabulary"):
        TopicModel(n_topics=500, seeds=(0,), min_df=2).fit(docs)


def test_topic_term_table_and_doc_topic_table_shapes():
    comp = np.array([[0.6, 0.3, 0.1], [0.1, 0.1, 0.8]])
    labels = pd.DataFrame({schema.TOPIC: [0, 1], schema.LABEL: ["a", "b"]})
    tt = topic_term_table(comp, ["x", "y", "z"], n_terms=2, labels=labels)
    assert list(tt.columns) == [schema.TOPIC, schema.RANK, schema.TERM, schema.WEIGHT, schema.LABEL]
    assert tt[schema.TERM].tolist() == ["x", "y", "z", "x"]
    assert tt[schema.LABEL].tolist() == ["a", "a", "b", "b"]
    dt = doc_topic_table(np.array([[0.25, 0.75]]), ["d1"])
    assert list(dt.columns) == [schema.DOC_ID, schema.SECTION_ID, schema.TOPIC, schema.SHARE]
    assert dt[schema.SECTION_ID].isna().all() and dt[schema.SHARE].tolist() == [0.25, 0.75]
    st = doc_topic_table(np.array([[1.0, 0.0]]), ["d1"], section_ids=["d1-1"])
    assert st[schema.SECTION_ID].tolist() == ["d1-1", "d1-1"]
