"""Topic models (LDA, NMF) of documents and sections, with k selection and stability.

Reads the ``documents`` and ``sections`` tables written by ``ingest`` (and, with
``--similarity DIR``, the locally added passages in ``adaptations.parquet``) and writes to
``--out``: ``topics.parquet``, ``doc_topics.parquet`` (document rows and section rows,
one topic space), ``topic_labels.csv`` (edit it and pass it back with ``--labels``),
``topic_selection.parquet``, ``topic_stability.parquet``, ``topic_prevalence.parquet``,
``topic_contrast.parquet``, ``topic_purity.parquet``, ``adaptation_topics.parquet``
(with ``--similarity``) and ``parameters.json``.
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import CountVectorizer

from avtaleanalyse import schema
from avtaleanalyse.io import (
    provenance,
    read_corpus,
    read_csv,
    read_table,
    write_csv,
    write_json,
    write_table,
)
from avtaleanalyse.topics.labels import apply_labels, suggest_labels
from avtaleanalyse.topics.models import (
    MODELS,
    TopicModel,
    doc_topic_table,
    make_text_pipeline,
    topic_term_table,
)
from avtaleanalyse.topics.preprocess import NorwegianAnalyzer
from avtaleanalyse.topics.prevalence import (
    AGREEMENT_TYPE,
    agreement_type,
    contrast_summary,
    dominant_topic_purity,
    topic_contrast,
    topic_prevalence,
)
from avtaleanalyse.topics.selection import choose_k, select_n_topics, split_holdout

__all__ = ["TopicsResult", "add_arguments", "main", "run_topics", "section_frame"]

log = logging.getLogger(__name__)

# Output files of this stage (beside the contract's topics.parquet and doc_topics.parquet).
LABELS_FILE = "topic_labels.csv"
SELECTION_FILE = "topic_selection.parquet"
STABILITY_FILE = "topic_stability.parquet"
PREVALENCE_FILE = "topic_prevalence.parquet"
CONTRAST_FILE = "topic_contrast.parquet"
PURITY_FILE = "topic_purity.parquet"
ADAPTATION_TOPICS_FILE = "adaptation_topics.parquet"

DEFAULT_K_GRID = (6, 8, 10, 12, 14, 16, 18, 20, 24)
DEFAULT_SEEDS = (0, 1, 2, 3, 4)
_META = (schema.LANGUAGE_FORM, schema.HEALTH_TRUST, schema.MUNICIPALITIES)


def _int_list(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(v) for v in text.replace(" ", "").split(",") if v)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated integers, got {text!r}"
        ) from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the command (contract: DESIGN.md)."""
    parser.add_argument("--corpus", type=Path, required=True, help="folder written by ingest")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--similarity",
        type=Path,
        default=None,
        help="folder written by 'similarity' (its adaptations.parquet gives the locally "
        "written passages for the template-versus-local contrast)",
    )
    parser.add_argument("--model", choices=MODELS, default="nmf", help="default: nmf")
    parser.add_argument(
        "--level",
        choices=("document", "section"),
        default="document",
        help="unit the model is fitted on; the other level is scored with the same model",
    )
    parser.add_argument("--k", type=int, default=None, help="number of topics (skips selection)")
    parser.add_argument(
        "--k-grid", type=_int_list, default=DEFAULT_K_GRID, help="candidate k, e.g. 6,10,14"
    )
    parser.add_argument(
        "--seeds", type=_int_list, default=DEFAULT_SEEDS, help="random states, e.g. 0,1,2,3,4"
    )
    parser.add_argument(
        "--selection-sample",
        type=int,
        default=1500,
        help="units sampled for choosing k (default 1500)",
    )
    parser.add_argument("--min-stability", type=float, default=0.85)
    parser.add_argument("--max-features", type=int, default=4000)
    parser.add_argument("--min-df", type=int, default=3)
    parser.add_argument("--max-df", type=float, default=0.5)
    parser.add_argument("--n-terms", type=int, default=15, help="top terms stored per topic")
    parser.add_argument(
        "--labels", type=Path, default=None, help="CSV topic,label overriding suggested labels"
    )


def section_frame(documents: pd.DataFrame, sections: pd.DataFrame) -> pd.DataFrame:
    """Sections with their document's language form and parties (for the analyzer).

    Returns
    -------
    pandas.DataFrame
        ``doc_id``, ``section_id``, ``text``, ``language_form``, ``health_trust``,
        ``municipalities``, sorted by ``doc_id`` and ``position``.
    """
    meta_cols = [c for c in _META if c in documents]
    secs = sections.sort_values(
        [schema.DOC_ID, schema.POSITION] if schema.POSITION in sections else [schema.DOC_ID],
        kind="mergesort",
    )
    out = secs[[schema.DOC_ID, schema.SECTION_ID, schema.TEXT]].merge(
        documents[[schema.DOC_ID, *meta_cols]], on=schema.DOC_ID, how="left", validate="m:1"
    )
    return out.reset_index(drop=True)


class TopicsResult(dict):
    """The tables of one run (name -> DataFrame) plus ``parameters`` (a dict)."""


def _vectorise(
    analyzer: NorwegianAnalyzer, vectorizer: CountVectorizer, frame: pd.DataFrame
) -> tuple[object, np.ndarray]:
    terms = analyzer.transform(frame)
    counts = vectorizer.transform(terms)
    n_terms = np.asarray(counts.sum(axis=1)).ravel()
    return counts, n_terms


def run_topics(
    documents: pd.DataFrame,
    sections: pd.DataFrame,
    *,
    adaptations: pd.DataFrame | None = None,
    model: str = "nmf",
    level: str = "document",
    k: int | None = None,
    k_grid: Sequence[int] = DEFAULT_K_GRID,
    seeds: Sequence[int] = DEFAULT_SEEDS,
    selection_sample: int = 1500,
    min_stability: float = 0.85,
    max_features: int | None = 4000,
    min_df: int = 3,
    max_df: float = 0.5,
    n_terms: int = 15,
    user_labels: pd.DataFrame | None = None,
) -> TopicsResult:
    """The whole topics stage as a pure function: corpus tables in, output tables out.

    Returns
    -------
    TopicsResult
        Keys ``topics``, ``doc_topics``, ``labels``, ``selection``, ``stability``,
        ``prevalence``, ``contrast``, ``purity``, ``adaptation_topics`` (or None) and
        ``parameters``; the columns of each are documented in docs/topics.md.
    """
    if level not in ("document", "section"):
        raise ValueError(f"level must be 'document' or 'section', got {level!r}")
    seeds = tuple(int(s) for s in seeds)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    secs = section_frame(documents, sections)
    docs = documents.sort_values(schema.DOC_ID, kind="mergesort").reset_index(drop=True)
    analyzer = NorwegianAnalyzer().fit(docs)
    text_pipeline = make_text_pipeline(
        model=model, min_df=min_df, max_df=max_df, max_features=max_features, analyzer=analyzer
    )
    vectorizer: CountVectorizer = text_pipeline.named_steps["vectorize"]
    fit_frame = docs if level == "document" else secs
    fit_terms = analyzer.transform(fit_frame)
    fit_counts = vectorizer.fit_transform(fit_terms)
    del fit_terms
    other_frame = secs if level == "document" else docs
    other_counts, other_n = _vectorise(analyzer, vectorizer, other_frame)
    weigh = text_pipeline.named_steps.get("weight")
    if weigh is not None:
        weigh.fit(fit_counts)

    def model_input(counts):
        return weigh.transform(counts) if weigh is not None else counts

    fit_X = model_input(fit_counts)
    timings["vectorise_s"] = time.perf_counter() - t0
    log.info(
        "topics: %d %ss x %d terms vectorised in %.1f s",
        fit_X.shape[0],
        level,
        fit_X.shape[1],
        timings["vectorise_s"],
    )

    # --- number of topics -------------------------------------------------------
    t1 = time.perf_counter()
    if k is None:
        train, hold = split_holdout(
            fit_X.shape[0], holdout=0.2, sample=selection_sample, seed=seeds[0]
        )
        if level == "document":
            held_docs = set(docs[schema.DOC_ID].iloc[hold])
            contexts = other_counts[secs[schema.DOC_ID].isin(held_docs).to_numpy()]
            if contexts.shape[0] == 0:
                contexts = fit_counts[hold]
        else:
            contexts = fit_counts[hold]
        selection = select_n_topics(
            fit_X[train],
            contexts,
            heldout=fit_X[hold],
            k_grid=k_grid,
            model=model,
            seeds=seeds[:2],
        )
        selection = choose_k(selection, min_stability=min_stability)
        k = int(selection.loc[selection["chosen"], "k"].iloc[0])
    else:
        selection = pd.DataFrame(
            {
                "k": [int(k)],
                "coherence_npmi": [np.nan],
                "coverage": [np.nan],
                "score": [np.nan],
                "stability": [np.nan],
                "chosen": [True],
            }
        )
    timings["selection_s"] = time.perf_counter() - t1

    # --- the published model: all seeds at the chosen k ---------------------------
    t2 = time.perf_counter()
    tm = TopicModel(
        model=model,
        n_topics=k,
        seeds=seeds,
        min_df=min_df,
        max_df=max_df,
        max_features=max_features,
    ).fit(fit_frame, dtm=fit_X, text_pipeline=text_pipeline)
    timings["fit_s"] = time.perf_counter() - t2

    fit_shares = tm.transform_dtm(fit_X)
    other_shares = tm.transform_dtm(model_input(other_counts))
    doc_shares, sec_shares = (
        (fit_shares, other_shares) if level == "document" else (other_shares, fit_shares)
    )
    doc_rows = doc_topic_table(doc_shares, docs[schema.DOC_ID])
    sec_rows = doc_topic_table(sec_shares, secs[schema.DOC_ID], section_ids=secs[schema.SECTION_ID])
    doc_topics = pd.concat([doc_rows, sec_rows], ignore_index=True)

    prevalence_all = doc_shares.mean(axis=0) if len(doc_shares) else None
    labels = apply_labels(
        suggest_labels(tm.components_, tm.vocabulary_, prevalence=prevalence_all), user_labels
    )
    topics = topic_term_table(tm.components_, tm.vocabulary_, n_terms=n_terms, labels=labels)

    # --- prevalence, purity ---------------------------------------------------------
    meta = docs.drop(columns=[c for c in (schema.TEXT, schema.RAW_TEXT) if c in docs])
    meta = meta.assign(**{AGREEMENT_TYPE: agreement_type(meta)})
    prevalence = topic_prevalence(doc_topics, meta)
    purity = dominant_topic_purity(doc_topics, meta, label_column=AGREEMENT_TYPE)

    # --- template versus local text --------------------------------------------------
    doc_n = other_n if level == "section" else np.asarray(fit_counts.sum(axis=1)).ravel()
    doc_units = pd.DataFrame({schema.DOC_ID: docs[schema.DOC_ID], "weight": doc_n})
    is_template = (
        docs[schema.IS_TEMPLATE].fillna(False).astype(bool).to_numpy()
        if schema.IS_TEMPLATE in docs
        else np.zeros(len(docs), dtype=bool)
    )
    adaptation_topics = None
    if adaptations is not None and len(adaptations):
        local = adaptations[adaptations["kind"].isin(["added", "edited"])].copy()
        local = local.sort_values([schema.DOC_ID, schema.POSITION], kind="mergesort")
        local = local.reset_index(drop=True).merge(
            docs[[schema.DOC_ID, *[c for c in _META if c in docs]]], on=schema.DOC_ID, how="left"
        )
        loc_counts, loc_n = _vectorise(analyzer, vectorizer, local)
        loc_shares = tm.transform_dtm(model_input(loc_counts))
        k_ = loc_shares.shape[1]
        adaptation_topics = pd.DataFrame(
            {
                schema.DOC_ID: np.repeat(local[schema.DOC_ID].to_numpy(), k_),
                schema.POSITION: np.repeat(local[schema.POSITION].to_numpy(), k_),
                "kind": np.repeat(local["kind"].to_numpy(), k_),
                schema.TOPIC: np.tile(np.arange(k_, dtype=np.int64), len(local)),
                schema.SHARE: loc_shares.round(6).ravel(),
                "weight": np.repeat(loc_n, k_),
            }
        )
        base_mask = is_template if is_template.any() else np.ones(len(docs), dtype=bool)
        base = _long_units(doc_shares[base_mask], doc_units[base_mask], "mal")
        other = adaptation_topics.assign(group="lokal")[
            [schema.DOC_ID, "group", schema.TOPIC, schema.SHARE, "weight"]
        ]
        contrast_source = (
            "adaptations vs template documents"
            if is_template.any()
            else "adaptations vs all documents"
        )
    else:
        base = _long_units(doc_shares[is_template], doc_units[is_template], "mal")
        other = _long_units(doc_shares[~is_template], doc_units[~is_template], "lokal")
        contrast_source = "template documents vs adopted documents (no adaptations given)"
    units = pd.concat([base, other], ignore_index=True)
    contrast = topic_contrast(units)
    contrast = contrast.merge(labels[[schema.TOPIC, schema.LABEL]], on=schema.TOPIC)
    if base.empty or other.empty:  # nothing to contrast (e.g. no template documents)
        contrast_source += "; one side is empty"
        contrast = contrast.iloc[:0]
        summary = None
    else:
        summary = contrast_summary(contrast)

    analyzer.clear_cache()
    parameters = {
        "model": model,
        "level": level,
        "k": int(k),
        "k_grid": [int(v) for v in k_grid] if selection["coherence_npmi"].notna().any() else None,
        "seeds": list(seeds),
        "selection_sample": selection_sample,
        "selection_seeds": list(seeds[:2]),
        "min_stability": min_stability,
        "max_features": max_features,
        "min_df": min_df,
        "max_df": max_df,
        "n_terms": n_terms,
        "estimator": {
            k_: v for k_, v in sorted(tm.estimator_.get_params().items()) if k_ != "random_state"
        },
        "central_seed": int(tm.central_seed_),
        "n_iter": tm.n_iter_,
        "run_similarity": tm.run_similarity_,
        "mean_stability": round(float(tm.stability_["stability"].mean()), 6),
        "n_units": {"document": int(len(docs)), "section": int(len(secs))},
        "vocabulary_size": int(len(tm.vocabulary_)),
        "contrast_source": contrast_source,
        "contrast": summary,
        "user_labels": user_labels is not None,
    }
    log.info(
        "topics: k=%d, mean stability %.3f over %d seeds; selection %.1f s, fit %.1f s",
        k,
        parameters["mean_stability"],
        len(seeds),
        timings["selection_s"],
        timings["fit_s"],
    )
    result = TopicsResult(
        topics=topics,
        doc_topics=doc_topics,
        labels=labels,
        selection=selection,
        stability=tm.stability_,
        prevalence=prevalence,
        contrast=contrast,
        purity=purity,
        adaptation_topics=adaptation_topics,
        parameters=parameters,
    )
    result.timings = timings
    result.model = tm
    return result


def _long_units(shares: np.ndarray, units: pd.DataFrame, group: str) -> pd.DataFrame:
    k = shares.shape[1]
    return pd.DataFrame(
        {
            schema.DOC_ID: np.repeat(units[schema.DOC_ID].to_numpy(), k),
            "group": group,
            schema.TOPIC: np.tile(np.arange(k, dtype=np.int64), len(units)),
            schema.SHARE: shares.ravel(),
            "weight": np.repeat(units["weight"].to_numpy(dtype=np.float64), k),
        }
    )


def main(args: argparse.Namespace) -> int:
    """Run the command; returns the exit code."""
    documents, sections = read_corpus(args.corpus)
    adaptations = None
    if args.similarity is not None:
        path = Path(args.similarity) / schema.ADAPTATIONS_FILE
        if not path.exists():
            raise FileNotFoundError(
                f"{path} not found: --similarity must be a folder written by "
                f"'avtaleanalyse similarity --corpus {args.corpus} --out {args.similarity}'"
            )
        adaptations = read_table(path)
    user_labels = None
    if args.labels is not None:
        if not Path(args.labels).exists():
            raise FileNotFoundError(f"label file {args.labels} not found")
        user_labels = read_csv(args.labels)
    result = run_topics(
        documents,
        sections,
        adaptations=adaptations,
        model=args.model,
        level=args.level,
        k=args.k,
        k_grid=args.k_grid,
        seeds=args.seeds,
        selection_sample=args.selection_sample,
        min_stability=args.min_stability,
        max_features=args.max_features,
        min_df=args.min_df,
        max_df=args.max_df,
        n_terms=args.n_terms,
        user_labels=user_labels,
    )
    write_result(result, args.out)
    return 0


def write_result(result: TopicsResult, out: str | Path) -> None:
    """Write every table of ``result`` and ``parameters.json`` to ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    t = schema.TOPIC
    write_table(result["topics"], out / schema.TOPICS_FILE, sort_by=[t, schema.RANK])
    write_table(
        result["doc_topics"],
        out / schema.DOC_TOPICS_FILE,
        sort_by=[schema.DOC_ID, schema.SECTION_ID, t],
    )
    write_csv(result["labels"], out / LABELS_FILE, sort_by=[t])
    write_table(result["selection"], out / SELECTION_FILE, sort_by=["k"])
    write_table(result["stability"], out / STABILITY_FILE, sort_by=[t])
    write_table(result["prevalence"], out / PREVALENCE_FILE, sort_by=["by", "group", t])
    write_table(result["contrast"], out / CONTRAST_FILE, sort_by=[t])
    write_table(result["purity"], out / PURITY_FILE, sort_by=[AGREEMENT_TYPE])
    if result["adaptation_topics"] is not None:
        write_table(
            result["adaptation_topics"],
            out / ADAPTATION_TOPICS_FILE,
            sort_by=[schema.DOC_ID, schema.POSITION, t],
        )
    write_json(
        provenance(stage="topics", parameters=result["parameters"]),
        out / schema.PARAMETERS_FILE,
    )
