"""LDA and NMF topic models as scikit-learn pipelines, fitted over several seeds.

The pipeline is ``NorwegianAnalyzer`` -> ``CountVectorizer`` (-> ``TfidfTransformer`` for
NMF) -> model. :class:`TopicModel` fits the text steps once, then the model once per
seed, matches topics across seeds (:mod:`.stability`) and keeps the most central run,
with its topics renumbered by decreasing corpus prevalence so that topic 0 is the
largest.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.decomposition import NMF, LatentDirichletAllocation
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from avtaleanalyse import schema
from avtaleanalyse.topics.preprocess import NorwegianAnalyzer, passthrough
from avtaleanalyse.topics.stability import topic_stability

__all__ = [
    "MODELS",
    "TopicModel",
    "doc_topic_table",
    "make_estimator",
    "make_text_pipeline",
    "topic_shares",
    "topic_term_table",
    "topic_word_weights",
]

MODELS = ("lda", "nmf")
DEFAULT_SEEDS = (0, 1, 2, 3, 4)


def make_text_pipeline(
    *,
    model: str = "lda",
    min_df: int | float = 3,
    max_df: float = 0.5,
    max_features: int | None = 4000,
    analyzer: NorwegianAnalyzer | None = None,
) -> Pipeline:
    """The text steps: analyzer, counts, and TF-IDF weighting for NMF.

    ``max_df`` drops terms found in more than that share of the units (boilerplate such as
    "uenighet" or "§ 6-2" that every agreement has), ``min_df`` drops rare terms and OCR
    damage, ``max_features`` caps the vocabulary (by corpus frequency).
    """
    _check_model(model)
    steps = [
        ("analyze", analyzer if analyzer is not None else NorwegianAnalyzer()),
        (
            "vectorize",
            CountVectorizer(
                analyzer=passthrough,
                lowercase=False,
                min_df=min_df,
                max_df=max_df,
                max_features=max_features,
                dtype=np.float64,
            ),
        ),
    ]
    if model == "nmf":
        steps.append(("weight", TfidfTransformer(sublinear_tf=True)))
    return Pipeline(steps)


def make_estimator(
    *, model: str = "lda", n_topics: int = 10, random_state: int = 0, max_iter: int | None = None
):
    """An unfitted LDA (batch variational Bayes, ``n_jobs=1``) or NMF (random init).

    NMF starts from a seeded random factorisation (not the deterministic NNDSVD), so that
    runs with different seeds are a real test of stability.
    """
    _check_model(model)
    if model == "lda":
        return LatentDirichletAllocation(
            n_components=n_topics,
            learning_method="batch",
            max_iter=max_iter or 25,
            evaluate_every=-1,
            random_state=random_state,
            n_jobs=1,
        )
    return NMF(
        n_components=n_topics,
        init="random",
        max_iter=max_iter or 300,
        random_state=random_state,
    )


def _check_model(model: str) -> None:
    if model not in MODELS:
        raise ValueError(f"model must be one of {MODELS}, got {model!r}")


def topic_word_weights(estimator) -> np.ndarray:
    """Topic-word weights of a fitted LDA/NMF, each topic's row summing to 1."""
    comp = np.asarray(estimator.components_, dtype=np.float64)
    total = comp.sum(axis=1, keepdims=True)
    total[total == 0] = 1.0
    return comp / total


def topic_shares(estimator, X) -> np.ndarray:
    """Document-topic shares (rows sum to 1; an empty unit gets all zeros).

    LDA gives them directly. For NMF (X ~ W H) each column of W is first multiplied by
    the total weight of its topic's row of H, so a share is the part of the unit's
    (weighted) term mass that the topic reconstructs, independent of how the
    factorisation happens to scale W against H.
    """
    w = np.asarray(estimator.transform(X), dtype=np.float64)
    if isinstance(estimator, NMF):
        w = w * np.asarray(estimator.components_, dtype=np.float64).sum(axis=1)
    total = w.sum(axis=1, keepdims=True)
    empty = np.asarray(X.sum(axis=1)).ravel() == 0
    total[total == 0] = 1.0
    w = w / total
    w[empty] = 0.0
    return w


class TopicModel(TransformerMixin, BaseEstimator):
    """A topic model fitted with several seeds; the most central run is kept.

    Parameters
    ----------
    model
        ``"lda"`` or ``"nmf"``.
    n_topics
        Number of topics k.
    seeds
        Random states of the runs; stability needs two or more.
    min_df, max_df, max_features
        Vocabulary options (see :func:`make_text_pipeline`).
    max_iter
        Iterations per fit (``None``: 25 for LDA, 300 for NMF).
    analyzer
        The text analyzer (``None``: a default :class:`NorwegianAnalyzer`).

    Attributes
    ----------
    text_pipeline_ : sklearn.pipeline.Pipeline
        Fitted analyzer and vectoriser.
    estimator_
        The published (most central) fitted LDA/NMF, topics in its own order.
    pipeline_ : sklearn.pipeline.Pipeline
        ``text_pipeline_`` steps + ``estimator_``: raw table -> topic loadings.
    order_ : numpy.ndarray
        ``order_[t]`` = the estimator's topic that is published as topic ``t``.
    vocabulary_ : numpy.ndarray
        Terms, in the columns' order.
    components_ : numpy.ndarray
        Published topic-word weights (topics x terms, rows sum to 1).
    runs_ : list of numpy.ndarray
        Topic-word weights of every seed's run (estimator order).
    stability_ : pandas.DataFrame
        ``topic``, ``stability``, ``min_match`` for the published topics.
    central_seed_ : int
    n_iter_ : list of int
        Iterations used by each seed's fit.
    run_similarity_ : list of list of float
        Mean matched cosine between runs (seed order).
    """

    def __init__(
        self,
        *,
        model: str = "lda",
        n_topics: int = 10,
        seeds: Sequence[int] = DEFAULT_SEEDS,
        min_df: int | float = 3,
        max_df: float = 0.5,
        max_features: int | None = 4000,
        max_iter: int | None = None,
        analyzer: NorwegianAnalyzer | None = None,
    ) -> None:
        self.model = model
        self.n_topics = n_topics
        self.seeds = seeds
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.max_iter = max_iter
        self.analyzer = analyzer

    def fit(self, X, y=None, *, dtm=None, text_pipeline: Pipeline | None = None) -> TopicModel:
        """Fit on a table of texts (see :class:`NorwegianAnalyzer` for its columns).

        ``dtm`` and ``text_pipeline`` (both or neither) reuse an already fitted vectoriser
        and its matrix, so a caller that has vectorised once does not tokenise again.
        """
        seeds = [int(s) for s in self.seeds]
        if not seeds:
            raise ValueError("seeds must name at least one random state")
        if len(set(seeds)) != len(seeds):
            raise ValueError(f"seeds must be distinct, got {seeds}")
        if (dtm is None) != (text_pipeline is None):
            raise ValueError("pass both dtm and text_pipeline, or neither")
        if text_pipeline is None:
            text_pipeline = make_text_pipeline(
                model=self.model,
                min_df=self.min_df,
                max_df=self.max_df,
                max_features=self.max_features,
                analyzer=clone(self.analyzer) if self.analyzer is not None else None,
            )
            dtm = text_pipeline.fit_transform(X)
        if dtm.shape[1] < self.n_topics:
            raise ValueError(
                f"vocabulary has {dtm.shape[1]} terms, fewer than n_topics={self.n_topics}: "
                "lower min_df or give more text"
            )
        estimators = []
        with threadpool_limits(limits=1), warnings.catch_warnings():  # one BLAS thread
            # a run that stops at max_iter is still a valid run; n_iter is recorded
            warnings.simplefilter("ignore", ConvergenceWarning)
            for seed in seeds:
                est = make_estimator(
                    model=self.model,
                    n_topics=self.n_topics,
                    random_state=seed,
                    max_iter=self.max_iter,
                )
                estimators.append(est.fit(dtm))
        self.runs_ = [topic_word_weights(e) for e in estimators]
        stab = topic_stability(self.runs_)
        ref = stab.attrs["reference"]
        self.central_seed_ = seeds[ref]
        self.run_similarity_ = stab.attrs["run_similarity"]
        self.estimator_ = estimators[ref]
        self.text_pipeline_ = text_pipeline
        self.vocabulary_ = text_pipeline.named_steps["vectorize"].get_feature_names_out()
        # publish topics by decreasing prevalence (mean share over units), ties by index
        prevalence = topic_shares(self.estimator_, dtm).mean(axis=0).round(12)
        self.order_ = np.lexsort((np.arange(self.n_topics), -prevalence))
        self.components_ = self.runs_[ref][self.order_]
        rank = np.empty_like(self.order_)
        rank[self.order_] = np.arange(self.n_topics)
        stab = stab.assign(**{schema.TOPIC: rank[stab[schema.TOPIC].to_numpy()]})
        self.stability_ = stab.sort_values(schema.TOPIC, kind="mergesort").reset_index(drop=True)
        self.pipeline_ = Pipeline([*text_pipeline.steps, ("model", self.estimator_)])
        self.dtm_shape_ = tuple(int(v) for v in dtm.shape)
        self.n_iter_ = [int(getattr(e, "n_iter_", 0)) for e in estimators]
        return self

    def transform_dtm(self, dtm) -> np.ndarray:
        """Topic shares (published order) of an already vectorised matrix."""
        with threadpool_limits(limits=1):
            return topic_shares(self.estimator_, dtm)[:, self.order_]

    def transform(self, X) -> np.ndarray:
        """Topic shares of each text of ``X`` (units x topics, published order)."""
        return self.transform_dtm(self.text_pipeline_.transform(X))


def topic_term_table(
    components: np.ndarray,
    vocabulary: Sequence[str],
    *,
    n_terms: int = 15,
    labels: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Top terms of each topic.

    Returns
    -------
    pandas.DataFrame
        ``topic``, ``rank`` (0 = heaviest), ``term``, ``weight`` (the term's share of the
        topic), ``label`` (from ``labels`` (``topic``, ``label``) where given, else empty).
    """
    vocab = np.asarray(vocabulary, dtype=object)
    rows = []
    for t, row in enumerate(np.asarray(components)):
        top = np.lexsort((np.arange(row.size), -row))[:n_terms]
        for r, j in enumerate(top):
            rows.append((t, r, vocab[j], float(row[j])))
    out = pd.DataFrame(rows, columns=[schema.TOPIC, schema.RANK, schema.TERM, schema.WEIGHT])
    lab = (
        {} if labels is None else dict(zip(labels[schema.TOPIC], labels[schema.LABEL], strict=True))
    )
    out[schema.LABEL] = out[schema.TOPIC].map(lambda t: lab.get(t, "")).astype(str)
    return out


def doc_topic_table(
    shares: np.ndarray,
    doc_ids: Sequence[str],
    *,
    section_ids: Sequence[str] | None = None,
    decimals: int = 6,
) -> pd.DataFrame:
    """Long table of topic shares.

    Parameters
    ----------
    shares
        Units x topics.
    doc_ids, section_ids
        Keys of the units; ``section_ids`` ``None`` for document rows.
    decimals
        Shares are rounded (stable bytes across platforms).

    Returns
    -------
    pandas.DataFrame
        ``doc_id``, ``section_id`` (null on document rows), ``topic``, ``share``; one row
        per unit and topic.
    """
    shares = np.asarray(shares, dtype=np.float64)
    n, k = shares.shape
    sec = (
        pd.array([None] * n, dtype="string")
        if section_ids is None
        else pd.array(list(section_ids), dtype="string")
    )
    return pd.DataFrame(
        {
            schema.DOC_ID: np.repeat(np.asarray(doc_ids, dtype=object), k),
            schema.SECTION_ID: np.repeat(np.asarray(sec, dtype=object), k),
            schema.TOPIC: np.tile(np.arange(k, dtype=np.int64), n),
            schema.SHARE: shares.round(decimals).ravel(),
        }
    ).astype({schema.DOC_ID: "string", schema.SECTION_ID: "string"})
