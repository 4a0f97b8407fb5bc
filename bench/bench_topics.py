"""Benchmark and validation of the topics stage on the full demo corpus.

Reports, in one run on this machine: the time of each part of the default ``topics`` run
(vectorising, choosing k, fitting every seed at the chosen k), the mean best-match
stability over the seeds (goal >= 0.9 cosine), purity of the dominant topic per agreement
type against ``truth.csv`` (falling back to ingested metadata), and the template-versus-
local contrast (with the similarity stage's ``adaptations.parquet`` when available).

    python bench/bench_topics.py                       # builds demo-corpus --scale full + ingest
    python bench/bench_topics.py --demo DIR --corpus DIR [--similarity DIR] [--lda]

``--demo`` is the folder written by ``demo-corpus`` (for ``truth.csv``); ``--corpus`` the
folder written by ``ingest``. The truth is read here only, never by the library.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from avtaleanalyse import cli, schema
from avtaleanalyse.io import read_corpus, read_table
from avtaleanalyse.topics.models import TopicModel
from avtaleanalyse.topics.prevalence import agreement_type, dominant_topic_purity
from avtaleanalyse.topics.run import run_topics


def _build(workdir: Path) -> tuple[Path, Path]:
    demo, corpus = workdir / "demo", workdir / "corpus"
    t0 = time.perf_counter()
    assert cli.main(["demo-corpus", "--out", str(demo), "--scale", "full"]) == 0
    t1 = time.perf_counter()
    manifest = demo / "manifest.csv"
    argv = ["ingest", str(demo / "files"), "--out", str(corpus)]
    if manifest.exists():
        argv += ["--manifest", str(manifest)]
    assert cli.main(argv) == 0
    print(f"demo-corpus --scale full: {t1 - t0:.1f} s; ingest: {time.perf_counter() - t1:.1f} s")
    return demo, corpus


def _truth_types(documents: pd.DataFrame, demo: Path | None) -> tuple[pd.DataFrame, str]:
    truth_path = demo / "truth.csv" if demo is not None else None
    if truth_path is None or not truth_path.exists():
        return documents.assign(type_=agreement_type(documents)), "ingested metadata"
    truth = pd.read_csv(truth_path, comment="#", dtype=str, keep_default_na=False)
    truth = truth.assign(
        **{
            schema.AGREEMENT_NUMBER: pd.to_numeric(
                truth[schema.AGREEMENT_NUMBER], errors="coerce"
            ).astype("Int64")
        }
    )
    truth["type_"] = agreement_type(truth)
    key = schema.SOURCE_PATH
    merged = documents[[schema.DOC_ID, key]].merge(truth[[key, "type_"]], on=key, how="left")
    if merged["type_"].isna().mean() > 0.5:  # paths relative to another root: match file names
        truth["_name"] = truth[key].map(lambda p: Path(p).name)
        docs = documents[[schema.DOC_ID, key]].assign(
            _name=documents[key].map(lambda p: Path(p).name)
        )
        merged = docs.merge(
            truth[["_name", "type_"]].drop_duplicates("_name"), on="_name", how="left"
        )
    return merged.dropna(subset=["type_"]), "truth.csv"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", type=Path, default=None)
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--similarity", type=Path, default=None)
    parser.add_argument("--lda", action="store_true", help="also time LDA at the chosen k")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")

    tmp = None
    if args.corpus is None:
        tmp = tempfile.TemporaryDirectory(prefix="bench_topics_")
        args.demo, args.corpus = _build(Path(tmp.name))
    documents, sections = read_corpus(args.corpus)
    adaptations = None
    if args.similarity is not None and (args.similarity / schema.ADAPTATIONS_FILE).exists():
        adaptations = read_table(args.similarity / schema.ADAPTATIONS_FILE)
    n_words = int(documents[schema.N_WORDS].sum()) if schema.N_WORDS in documents else -1
    print(f"corpus: {len(documents)} documents, {len(sections)} sections, {n_words} words")

    t0 = time.perf_counter()
    res = run_topics(documents, sections, adaptations=adaptations)
    total = time.perf_counter() - t0
    p = res["parameters"]
    tm = res.model
    print(
        f"topics (default: {p['model']}, {p['level']} level, {len(p['seeds'])} seeds): "
        f"total {total:.1f} s = vectorise {res.timings['vectorise_s']:.1f} s + choose k "
        f"{res.timings['selection_s']:.1f} s + fit {res.timings['fit_s']:.1f} s "
        f"(+ scoring and tables); vocabulary {p['vocabulary_size']}"
    )
    print(res["selection"].to_string(index=False))
    stab = res["stability"]["stability"]
    print(
        f"chosen k = {p['k']}; mean best-match stability over seeds {p['seeds']}: "
        f"{stab.mean():.3f} (min topic {stab.min():.3f}; goal >= 0.9); central seed "
        f"{p['central_seed']}"
    )

    labels, source = _truth_types(documents, args.demo)
    purity = dominant_topic_purity(res["doc_topics"], labels, label_column="type_")
    lab = res["labels"].set_index(schema.TOPIC)[schema.LABEL]
    purity["label"] = purity[schema.TOPIC].map(lab)
    print(f"\npurity of the dominant topic per agreement type (types from {source}):")
    print(purity.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(
        f"mean purity {purity['purity'].mean():.3f}, mean specificity "
        f"{purity['specificity'].mean():.3f}, distinct dominant topics "
        f"{purity[schema.TOPIC].nunique()} for {len(purity)} types"
    )

    # delavtale N and tjenesteavtale N are the same § 6-2 point under the two regional names
    points = labels.assign(
        type_=labels["type_"].str.replace(r"^(?:delavtale|tjenesteavtale) ", "nr. ", regex=True)
    )
    by_point = dominant_topic_purity(res["doc_topics"], points, label_column="type_")
    by_point["label"] = by_point[schema.TOPIC].map(lab)
    print("\npurity per § 6-2 point (delavtale N and tjenesteavtale N together):")
    print(by_point.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    numbered = by_point[by_point["type_"].str.startswith("nr. ")]
    print(
        f"{numbered[schema.TOPIC].nunique()} distinct dominant topics for {len(numbered)} "
        f"points; mean purity {numbered['purity'].mean():.3f}, mean specificity "
        f"{numbered['specificity'].mean():.3f}"
    )

    print(f"\ntemplate versus local ({p['contrast_source']}): {p['contrast']}")
    c = res["contrast"]
    if len(c):
        print(c.sort_values("difference").to_string(index=False, float_format=lambda v: f"{v:.3f}"))

    if args.lda:
        docs = documents.sort_values(schema.DOC_ID, kind="mergesort").reset_index(drop=True)
        X = tm.text_pipeline_[:2].transform(docs)
        t1 = time.perf_counter()
        lda = TopicModel(model="lda", n_topics=p["k"], seeds=tuple(p["seeds"]))
        lda.fit(docs, dtm=X, text_pipeline=tm.text_pipeline_[:2])
        print(
            f"\nLDA at k={p['k']}, {len(p['seeds'])} seeds: fit {time.perf_counter() - t1:.1f} s, "
            f"mean stability {lda.stability_['stability'].mean():.3f}"
        )
        dt = pd.DataFrame(
            {
                schema.DOC_ID: np.repeat(docs[schema.DOC_ID].to_numpy(), p["k"]),
                schema.SECTION_ID: None,
                schema.TOPIC: np.tile(np.arange(p["k"]), len(docs)),
                schema.SHARE: lda.transform_dtm(X).ravel(),
            }
        )
        pl = dominant_topic_purity(dt, labels, label_column="type_")
        print(
            f"LDA mean purity {pl['purity'].mean():.3f}, specificity {pl['specificity'].mean():.3f}"
        )
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
