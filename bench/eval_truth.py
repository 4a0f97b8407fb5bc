"""Score the analyses of a demo-corpus run against its planted truth (``truth.csv``).

Usage::

    .venv/bin/python bench/eval_truth.py ROOT

``ROOT`` is the ``--root`` of ``avtaleanalyse reproduce`` (for example ``--scale full``):
the script finds ``data/raw/demo-*/truth.csv`` and the stage folders under
``data/processed/<scale>/`` (``corpus``, ``similarity``, ``coverage``). It prints

* similarity: adjusted Rand index of the families against ``template_family`` and the
  Spearman correlation of ``local_share`` with ``adaptation_share`` (goals 0.95 and 0.9);
* coverage: F1 per class of every theme, level and direction, and per § 6-2 point
  (goal 0.95), with the confusion tables of the multi-class themes.

Analysis code never reads ``truth.csv``; only this evaluation does.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd
from scipy.stats import spearmanr
from sklearn.metrics import adjusted_rand_score, f1_score


def _find(root: Path) -> tuple[Path, Path]:
    truth = sorted(root.glob("data/raw/demo-*/truth.csv"))
    if not truth:
        raise SystemExit(f"no data/raw/demo-*/truth.csv under {root}")
    scale = truth[-1].parent.name.removeprefix("demo-")
    return truth[-1].parent, root / "data" / "processed" / scale


def similarity_scores(truth: pd.DataFrame, stages: Path) -> dict[str, float]:
    fam = pd.read_parquet(stages / "similarity" / "families.parquet")
    std = pd.read_parquet(stages / "similarity" / "standardisation.parquet")
    t = truth.merge(fam[["doc_id", "family_id"]], on="doc_id").merge(
        std[["doc_id", "local_share"]], on="doc_id"
    )
    return {
        "documents": len(t),
        "families found": t["family_id"].nunique(),
        "true families": t["template_family"].nunique(),
        "ARI families": adjusted_rand_score(t["template_family"], t["family_id"]),
        "Spearman local_share ~ adaptation_share": spearmanr(
            t["local_share"], t["adaptation_share"].astype(float)
        ).statistic,
    }


def coverage_scores(truth: pd.DataFrame, stages: Path) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    cov = pd.read_parquet(stages / "coverage" / "coverage.parquet")
    wide = cov.pivot(index="doc_id", columns="theme", values=["present", "level", "direction"])
    t = truth.set_index("doc_id")
    rows = []
    tables = []

    def per_class(name: str, true: pd.Series, pred: pd.Series) -> None:
        for label in sorted(set(true) | set(pred)):
            f1 = f1_score(true == label, pred == label, zero_division=0.0)
            rows.append((name, label, int((true == label).sum()), f1))
        tables.append(pd.crosstab(true, pred, rownames=[name], colnames=["found"]))

    bm = wide[("level", "brukermedvirkning")].reindex(t.index).fillna("none")
    per_class("brukermedvirkning", t["brukermedvirkning_level"], bm)
    pe = wide[("present", "pasient_brukererfaringer")].reindex(t.index).fillna(False).astype(bool)
    true_pe = t["brukererfaringer_present"] == "true"
    rows.append(("pasient_brukererfaringer", "present", int(true_pe.sum()), f1_score(true_pe, pe)))
    ko = wide[("direction", "kompetanseoverforing")].reindex(t.index).fillna("none")
    per_class("kompetanseoverforing", t["kompetanse_direction"], ko)
    points = t["paragraph_points"].str.split(";")
    for p in range(1, 14):
        true_p = points.apply(lambda xs, p=p: str(p) in xs)
        col = ("present", f"paragraph_6_2_point_{p}")
        pred_p = wide[col].reindex(t.index).fillna(False).astype(bool)
        rows.append(("§ 6-2 point", str(p), int(true_p.sum()), f1_score(true_p, pred_p)))
    return pd.DataFrame(rows, columns=["theme", "class", "n_true", "f1"]), tables


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("root", type=Path)
    args = ap.parse_args()
    demo, stages = _find(args.root)
    truth = pd.read_csv(demo / "truth.csv", comment="#", dtype=str, keep_default_na=False)
    docs = pd.read_parquet(
        stages / "corpus" / "documents.parquet", columns=["doc_id", "source_path"]
    )
    truth = truth.merge(docs, on="source_path")
    print(f"truth: {demo / 'truth.csv'}  ({len(truth)} accepted documents)\n")
    if (stages / "similarity" / "families.parquet").exists():
        for k, v in similarity_scores(truth, stages).items():
            print(f"{k:42s} {v:.3f}" if isinstance(v, float) else f"{k:42s} {v}")
        print()
    if (stages / "coverage" / "coverage.parquet").exists():
        scores, tables = coverage_scores(truth, stages)
        print(scores.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
        for tab in tables:
            print()
            print(tab)


if __name__ == "__main__":
    main()
