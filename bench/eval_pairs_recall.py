"""How much of ``pairs.parquet`` the LSH search finds, against exact all-pairs (docs §2).

Usage::

    .venv/bin/python bench/eval_pairs_recall.py CORPUS SIMILARITY [--min-jaccard J]
        [--min-containment C]

``CORPUS`` is an ingested corpus folder, ``SIMILARITY`` the folder ``avtaleanalyse
similarity`` wrote for it. The corpus is shingled again with the parameters stored in
``SIMILARITY/parameters.json`` (the same boilerplate removal), every pair that shares a
shingle gets its exact Jaccard and containments from a sparse product, and the script
prints, per band of exact Jaccard, how many pairs meet the reporting rule and the share of
them that ``pairs.parquet`` holds; pairs that meet the rule by containment alone are
counted apart. The rule defaults to the stored ``report_min_jaccard`` and
``report_min_containment``; pass a lower one to see what a lower floor would miss (run the
stage with that floor too: the table only holds pairs that meet its own rule).

Exact all-pairs is quadratic: meant for corpora of the demo's size (5,000 documents take
about 30 s and a few GB).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

BANDS = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0)


def exact_pairs(documents: pd.DataFrame, parameters: dict) -> pd.DataFrame:
    """Every pair of documents sharing a shingle: ``doc_a < doc_b``, ``jaccard``, ``max_containment``."""
    from avtaleanalyse.similarity.candidates import all_pairs_exact, sets_without
    from avtaleanalyse.similarity.families import boilerplate_shingles
    from avtaleanalyse.similarity.run import shingle_corpus

    sh = shingle_corpus(
        documents,
        ngram=parameters["ngram"],
        common_form=parameters["common_form"],
        partition_size=parameters["partition_size"],
    )
    boiler = boilerplate_shingles(
        sh,
        max_df=parameters["boilerplate_max_df"],
        min_documents=parameters["boilerplate_min_documents"],
        seed=parameters["seed"],
    )
    shx = sets_without(sh, boiler)
    ex = all_pairs_exact(shx)
    ids = shx.ids.astype(str)
    a, b = ids[ex["i"].to_numpy()], ids[ex["j"].to_numpy()]
    return pd.DataFrame(
        {
            "doc_a": np.where(a < b, a, b),
            "doc_b": np.where(a < b, b, a),
            "jaccard": ex["jaccard"].to_numpy(),
            "max_containment": np.maximum(ex["containment_ij"], ex["containment_ji"]).to_numpy(),
        }
    )


def recall_by_band(
    exact: pd.DataFrame,
    reported: pd.DataFrame,
    *,
    min_jaccard: float,
    min_containment: float,
    bands: tuple[float, ...] = BANDS,
) -> pd.DataFrame:
    """Per band of exact Jaccard: pairs meeting the rule and the share of them reported.

    Returns
    -------
    pandas.DataFrame
        ``by`` (``jaccard``: ``J >= min_jaccard``; ``containment only``: below it, with
        ``max_containment >= min_containment``), ``band`` (``[lo, hi)``, the last one
        closed), ``pairs``, ``found``, ``recall``.
    """
    by_j = exact["jaccard"] >= min_jaccard
    by_c = ~by_j & (exact["max_containment"] >= min_containment)
    got = set(zip(reported["doc_a"].astype(str), reported["doc_b"].astype(str), strict=True))
    found = np.fromiter(
        ((a, b) in got for a, b in zip(exact["doc_a"], exact["doc_b"], strict=True)),
        dtype=bool,
        count=len(exact),
    )
    edges = np.asarray(bands, dtype=float)
    band = np.clip(
        np.searchsorted(edges, exact["jaccard"].to_numpy(), side="right") - 1, 0, len(edges) - 2
    )
    rows = []
    for name, sel in (("jaccard", by_j.to_numpy()), ("containment only", by_c.to_numpy())):
        for k in range(len(edges) - 1):
            m = sel & (band == k)
            n = int(m.sum())
            if n:
                f = int(found[m].sum())
                rows.append(
                    {
                        "by": name,
                        "band": f"{edges[k]:.1f}-{edges[k + 1]:.1f}",
                        "pairs": n,
                        "found": f,
                        "recall": f / n,
                    }
                )
    return pd.DataFrame(rows, columns=["by", "band", "pairs", "found", "recall"])


def main(argv: list[str] | None = None) -> int:
    from avtaleanalyse import schema
    from avtaleanalyse.io import read_corpus, read_json, read_table
    from avtaleanalyse.similarity.run import DOCUMENT_COLUMNS

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("similarity", type=Path)
    ap.add_argument("--min-jaccard", type=float, default=None)
    ap.add_argument("--min-containment", type=float, default=None)
    args = ap.parse_args(argv)
    params = read_json(args.similarity / schema.PARAMETERS_FILE)["parameters"]
    documents, _ = read_corpus(args.corpus, document_columns=DOCUMENT_COLUMNS, section_columns=())
    exact = exact_pairs(documents, params)
    reported = read_table(args.similarity / schema.PAIRS_FILE)
    j = params["report_min_jaccard"] if args.min_jaccard is None else args.min_jaccard
    c = params["report_min_containment"] if args.min_containment is None else args.min_containment
    table = recall_by_band(exact, reported, min_jaccard=j, min_containment=c)
    print(f"rule: J >= {j} or max containment >= {c}; {len(reported):,} pairs reported")
    print(table.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    keys = set(zip(exact["doc_a"], exact["doc_b"], strict=True))
    outside = sum(
        (a, b) not in keys for a, b in zip(reported["doc_a"], reported["doc_b"], strict=True)
    )
    print(f"reported pairs that share no shingle on exact all-pairs: {outside}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
