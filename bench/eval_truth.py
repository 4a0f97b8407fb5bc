"""Score the analyses of a demo-corpus run against its planted truth (``truth.csv``).

Usage::

    .venv/bin/python bench/eval_truth.py ROOT

``ROOT`` is the ``--root`` of ``avtaleanalyse reproduce`` (for example ``--scale full``):
the script finds ``data/raw/demo-*/truth.csv`` and the stage folders under
``data/processed/<scale>/`` (``corpus``, ``similarity``, ``coverage``). It prints

* similarity: adjusted Rand index of the families against ``template_family`` and the
  Spearman correlation of ``local_share`` with ``adaptation_share`` (goals 0.95 and 0.9);
* local passages: token- and passage-level precision and recall of the added/edited
  passages in ``adaptations.parquet`` against ``truth_passages.csv`` (goal 0.9 each), with
  the token recall apart for documents alone in their family (compared with the corpus,
  not with a prototype: docs/standardisation.md §5);
* coverage: F1 per class of every theme, level and direction, and per § 6-2 point
  (goal 0.95), with the confusion tables of the multi-class themes.

Analysis code never reads ``truth.csv``; only this evaluation does.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np
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


_WORD = re.compile(r"\w+")


def _local_mask(text: str, spans: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """Word tokens of ``text`` (their start offsets) and which of them fall inside ``spans``."""
    starts = np.array([m.start() for m in _WORD.finditer(text)], dtype=np.int64)
    mask = np.zeros(len(starts), dtype=bool)
    for s, e in spans:
        mask[(starts >= s) & (starts < e)] = True
    return starts, mask


def _find_span(text: str, passage: str) -> tuple[int, int] | None:
    """Where ``passage`` occurs in ``text``, across any whitespace, punctuation or hyphenation."""
    words = _WORD.findall(passage)
    if not words:
        return None
    pattern = r"\W+(?:-\s*)?".join(re.escape(w) for w in words)
    m = re.search(pattern, text)
    return (m.start(), m.end()) if m else None


def passage_scores(truth: pd.DataFrame, demo: Path, stages: Path) -> dict[str, float]:
    """Precision and recall of the extracted local passages (added + edited).

    Truth passages are located in each document's text; a word token is *truly local* when
    it lies inside one. Token level: precision = share of extracted local tokens that are
    truly local; recall = share of truly local tokens extracted. Passage level (overlap
    criterion): a true passage is found when >= 50 % of its tokens are extracted; an
    extracted passage is correct when >= 50 % of its tokens are truly local. Documents are
    the accepted, OCR-undamaged non-template documents; truth passages that cannot be
    located in the ingested text are counted and left out.
    """
    tp = pd.read_csv(demo / "truth_passages.csv", comment="#", dtype=str, keep_default_na=False)
    tp = tp[tp["kind"].isin(["added", "edited"])]
    ad = pd.read_parquet(stages / "similarity" / "adaptations.parquet")
    ad = ad[ad["kind"].isin(["added", "edited"])]
    docs = pd.read_parquet(stages / "corpus" / "documents.parquet", columns=["doc_id", "text"])
    keep = truth[(truth["ocr_damaged"] != "true") & (truth["is_template"] != "true")]
    text_of = docs.set_index("doc_id")["text"].reindex(keep["doc_id"]).to_dict()
    fam = pd.read_parquet(
        stages / "similarity" / "families.parquet", columns=["doc_id", "family_id"]
    )
    size = fam["family_id"].map(fam["family_id"].value_counts())
    alone = set(fam.loc[size == 1, "doc_id"])
    true_by_doc = tp.merge(keep[["source_path", "doc_id"]], on="source_path").groupby("doc_id")
    found_by_doc = ad.groupby("doc_id")
    tok = {"tp": 0, "pred": 0, "true": 0}
    split = {False: [0, 0, 0], True: [0, 0, 0]}  # alone -> [true tokens, found, documents]
    pas = {"true": 0, "found": 0, "pred": 0, "correct": 0, "unlocated": 0}
    for doc_id, text in text_of.items():
        text = str(text or "")
        spans_true = []
        if doc_id in true_by_doc.groups:
            for passage in true_by_doc.get_group(doc_id)["text"]:
                span = _find_span(text, passage)
                if span is None:
                    pas["unlocated"] += 1
                else:
                    spans_true.append(span)
        spans_pred = []
        if doc_id in found_by_doc.groups:
            g = found_by_doc.get_group(doc_id)
            spans_pred = list(zip(g["position"].astype(int), g["end"].astype(int), strict=True))
        if not spans_true and not spans_pred:
            continue
        starts, is_true = _local_mask(text, spans_true)
        _, is_pred = _local_mask(text, spans_pred)
        tok["tp"] += int((is_true & is_pred).sum())
        tok["pred"] += int(is_pred.sum())
        tok["true"] += int(is_true.sum())
        part = split[doc_id in alone]
        part[0] += int(is_true.sum())
        part[1] += int((is_true & is_pred).sum())
        part[2] += int(is_true.any())
        for s, e in spans_true:
            inside = (starts >= s) & (starts < e)
            pas["true"] += 1
            pas["found"] += int(inside.any() and is_pred[inside].mean() >= 0.5)
        for s, e in spans_pred:
            inside = (starts >= s) & (starts < e)
            if inside.any():
                pas["pred"] += 1
                pas["correct"] += int(is_true[inside].mean() >= 0.5)
    return {
        "true passages (located / not located)": f"{pas['true']} / {pas['unlocated']}",
        "extracted passages": pas["pred"],
        "passage precision": pas["correct"] / max(pas["pred"], 1),
        "passage recall": pas["found"] / max(pas["true"], 1),
        "token precision": tok["tp"] / max(tok["pred"], 1),
        "token recall": tok["tp"] / max(tok["true"], 1),
        "token recall, documents in a family (tokens, documents)": _recall(split[False]),
        "token recall, documents alone in theirs (tokens, documents)": _recall(split[True]),
    }


def _recall(part: list[int]) -> str:
    true, found, documents = part
    return f"{found / max(true, 1):.3f} ({true}, {documents})"


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
    if (stages / "similarity" / "adaptations.parquet").exists():
        for k, v in passage_scores(truth, demo, stages).items():
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
