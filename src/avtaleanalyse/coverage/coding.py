"""Validation by hand: export a stratified sample for manual coding, score the coding.

The export holds, per theme, a seeded random sample of hits (``present`` true) and of
non-hits, with the document's title and the evidence or opening sentences, and an empty
``code`` column (1 = the theme is in the text, 0 = it is not; for levels/directions write
the category). Two coders fill in copies; :func:`score_coding` gives precision, recall and
F1 of the automatic coding per theme against a coder, and Cohen's kappa between two coders.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from avtaleanalyse import schema as S

__all__ = ["coding_sample", "coding_sample_html", "cohen_kappa", "score_coding"]


def coding_sample(
    coverage: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    per_stratum: int = 10,
    seed: int = 2012,
    themes: tuple[str, ...] = (
        "brukermedvirkning",
        "pasient_brukererfaringer",
        "kompetanseoverforing",
    ),
) -> pd.DataFrame:
    """A stratified random sample (theme × hit/non-hit) for manual coding.

    Returns
    -------
    pandas.DataFrame
        Columns ``sample_id``, ``doc_id``, ``source_path``, ``title``, ``theme``,
        ``predicted`` (bool), ``predicted_category`` (level or direction), ``context``
        (evidence, or the first 400 characters for non-hits), ``code`` (empty, to fill in).
    """
    rng = np.random.default_rng(seed)
    meta = documents.set_index(S.DOC_ID)
    parts = []
    for theme in themes:
        rows = coverage[coverage[S.THEME] == theme]
        for present in (True, False):
            stratum = rows[rows[S.PRESENT] == present].sort_values(S.DOC_ID)
            take = min(per_stratum, len(stratum))
            if take:
                idx = np.sort(rng.choice(len(stratum), size=take, replace=False))
                parts.append(stratum.iloc[idx])
    if not parts:
        return pd.DataFrame(
            columns=[
                "sample_id",
                S.DOC_ID,
                S.SOURCE_PATH,
                S.TITLE,
                S.THEME,
                "predicted",
                "predicted_category",
                "context",
                "code",
            ]
        )
    sample = pd.concat(parts, ignore_index=True)
    out = pd.DataFrame(
        {
            S.DOC_ID: sample[S.DOC_ID],
            S.SOURCE_PATH: sample[S.DOC_ID].map(meta[S.SOURCE_PATH]),
            S.TITLE: sample[S.DOC_ID].map(meta[S.TITLE]),
            S.THEME: sample[S.THEME],
            "predicted": sample[S.PRESENT].astype(bool),
            "predicted_category": sample[S.LEVEL].fillna(sample[S.DIRECTION]).fillna(""),
            "context": [
                ev if ev else (meta.at[d, S.TEXT] or "")[:400]
                for d, ev in zip(sample[S.DOC_ID], sample[S.EVIDENCE].fillna(""), strict=True)
            ],
            "code": "",
        }
    )
    out.insert(0, "sample_id", [f"s{i:04d}" for i in range(len(out))])
    return out


def coding_sample_html(sample: pd.DataFrame) -> str:
    """The sample as a self-contained HTML page a coder can read beside the CSV."""
    rows = "\n".join(
        f"<tr><td>{r.sample_id}</td><td>{html.escape(str(r.title))}</td><td>{r.theme}</td>"
        f"<td>{html.escape(str(r.context))}</td><td></td></tr>"
        for r in sample.itertuples()
    )
    return (
        "<!DOCTYPE html><html lang='nb'><head><meta charset='utf-8'><title>Koding av dekning</title>"
        "<style>body{font-family:sans-serif}td{border-bottom:1px solid #ccc;padding:4px;vertical-align:top}"
        "</style></head><body><h1>Manuell koding</h1><p>Skriv 1 (temaet finnes i teksten) eller 0 i "
        "kolonnen <code>code</code> i CSV-filen, med <code>sample_id</code> som nøkkel. Den automatiske "
        "kodingen er skjult her for å unngå at den påvirker koderen.</p><table><tr><th>id</th><th>Tittel</th>"
        f"<th>Tema</th><th>Tekst</th><th>Kode</th></tr>{rows}</table></body></html>"
    )


def _codes(df: pd.DataFrame) -> pd.Series:
    codes = df["code"].astype(str).str.strip().str.lower()
    if (codes == "").any():
        missing = df.loc[codes == "", "sample_id"].tolist()[:5]
        raise ValueError(f"uncoded rows in the coding file (e.g. {missing})")
    return codes.map(
        {"1": True, "0": False, "true": True, "false": False, "ja": True, "nei": False}
    )


def score_coding(coded: pd.DataFrame) -> pd.DataFrame:
    """Precision, recall and F1 of the automatic coding against one coder, per theme.

    Returns
    -------
    pandas.DataFrame
        Columns ``theme``, ``n``, ``precision``, ``recall``, ``f1`` (NaN where undefined).
    """
    truth = _codes(coded)
    pred = coded["predicted"].astype(str).str.lower().isin(["true", "1"])
    rows = []
    for theme, idx in coded.groupby(S.THEME).groups.items():
        t, p = truth.loc[idx].astype(bool), pred.loc[idx]
        tp, fp, fn = int((t & p).sum()), int((~t & p).sum()), int((t & ~p).sum())
        precision = tp / (tp + fp) if tp + fp else float("nan")
        recall = tp / (tp + fn) if tp + fn else float("nan")
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else float("nan")
        rows.append((theme, len(idx), precision, recall, f1))
    return pd.DataFrame(rows, columns=[S.THEME, "n", "precision", "recall", "f1"])


def cohen_kappa(coder_a: pd.DataFrame, coder_b: pd.DataFrame) -> float:
    """Cohen's kappa between two coders' ``code`` columns, matched on ``sample_id``."""
    from sklearn.metrics import cohen_kappa_score

    merged = coder_a[["sample_id", "code"]].merge(
        coder_b[["sample_id", "code"]], on="sample_id", suffixes=("_a", "_b")
    )
    if merged.empty:
        raise ValueError("the two coding files share no sample_id")
    a = _codes(merged.rename(columns={"code_a": "code"})[["sample_id", "code"]])
    b = _codes(merged.rename(columns={"code_b": "code"})[["sample_id", "code"]])
    return float(cohen_kappa_score(a.astype(bool), b.astype(bool)))
