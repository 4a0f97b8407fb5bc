"""Coverage tables from the corpus: one row per document and theme, and the roll-ups."""

from __future__ import annotations

import pandas as pd

from avtaleanalyse import schema as S
from avtaleanalyse.coverage.checklist import PointFinder
from avtaleanalyse.coverage.dictionary import Dictionary, load_dictionary
from avtaleanalyse.coverage.matching import sentences
from avtaleanalyse.coverage.themes import ThemeMatcher

__all__ = ["COVERAGE_COLUMNS", "coverage_table", "evidence_for", "trust_themes"]

COVERAGE_COLUMNS = [S.DOC_ID, S.THEME, S.PRESENT, S.LEVEL, S.DIRECTION, S.EVIDENCE]
EVIDENCE_SEPARATOR = " | "


def coverage_table(
    documents: pd.DataFrame, *, dictionary: Dictionary | None = None
) -> pd.DataFrame:
    """Every coverage theme for every document.

    Parameters
    ----------
    documents
        The ``documents`` table (uses doc_id, title, text, agreement_kind, agreement_number,
        agreement_label).
    dictionary
        Theme dictionary; the built-in one by default.

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_id``, ``theme`` (:data:`avtaleanalyse.schema.COVERAGE_THEMES`),
        ``present`` (bool), ``level`` (brukermedvirkning: none|generic|concrete, else null),
        ``direction`` (kompetanseoverforing: none|hf_to_kommune|mutual|unclear, else null),
        ``evidence`` (keyword-in-context snippets joined by " | "; empty when not present);
        sorted by doc_id and theme order.
    """
    d = dictionary or load_dictionary()
    themes, points = ThemeMatcher(d), PointFinder(d)
    order = {t: i for i, t in enumerate(S.COVERAGE_THEMES)}
    rows = []
    for doc in documents.itertuples(index=False):
        doc = doc._asdict()
        sents = sentences(doc[S.TEXT] or "")
        for r in (
            themes.brukermedvirkning(sents),
            themes.pasient_brukererfaringer(sents),
            themes.kompetanseoverforing(sents),
        ):
            rows.append(
                (
                    doc[S.DOC_ID],
                    r.theme,
                    r.present,
                    r.level,
                    r.direction,
                    EVIDENCE_SEPARATOR.join(r.evidence),
                )
            )
        found = points.points(
            title=doc.get(S.TITLE) or "",
            text=doc[S.TEXT] or "",
            kind=doc.get(S.AGREEMENT_KIND),
            number=doc.get(S.AGREEMENT_NUMBER),
            label=doc.get(S.AGREEMENT_LABEL),
        )
        for p in range(1, 14):
            rows.append(
                (
                    doc[S.DOC_ID],
                    f"paragraph_6_2_point_{p}",
                    p in found,
                    None,
                    None,
                    found.get(p, ""),
                )
            )
    out = pd.DataFrame(rows, columns=COVERAGE_COLUMNS)
    out["_o"] = out[S.THEME].map(order)
    return (
        out.sort_values([S.DOC_ID, "_o"], kind="mergesort")
        .drop(columns="_o")
        .reset_index(drop=True)
    )


def evidence_for(coverage: pd.DataFrame, doc_id: str, theme: str) -> list[str]:
    """The evidence snippets behind one (document, theme) cell of ``coverage``."""
    row = coverage[(coverage[S.DOC_ID] == doc_id) & (coverage[S.THEME] == theme)]
    if row.empty:
        raise KeyError(f"no coverage row for doc_id={doc_id!r}, theme={theme!r}")
    text = row[S.EVIDENCE].iloc[0] or ""
    return [s for s in text.split(EVIDENCE_SEPARATOR) if s]


def trust_themes(documents: pd.DataFrame, coverage: pd.DataFrame) -> pd.DataFrame:
    """Shares per health trust and year: user participation levels, experience, transfer direction.

    Returns
    -------
    pandas.DataFrame
        Columns ``health_trust``, ``year``, ``n_documents``, ``brukermedvirkning_any``,
        ``brukermedvirkning_concrete``, ``pasient_brukererfaringer``, ``kompetanse_any``,
        ``kompetanse_mutual``, ``kompetanse_hf_to_kommune`` (shares 0–1).
    """
    wide = coverage.pivot(index=S.DOC_ID, columns=S.THEME, values=[S.PRESENT, S.LEVEL, S.DIRECTION])
    meta = documents.set_index(S.DOC_ID)[[S.HEALTH_TRUST, S.YEAR]]
    df = pd.DataFrame(
        {
            "brukermedvirkning_any": wide[(S.PRESENT, "brukermedvirkning")].astype(bool),
            "brukermedvirkning_concrete": wide[(S.LEVEL, "brukermedvirkning")] == "concrete",
            "pasient_brukererfaringer": wide[(S.PRESENT, "pasient_brukererfaringer")].astype(bool),
            "kompetanse_any": wide[(S.PRESENT, "kompetanseoverforing")].astype(bool),
            "kompetanse_mutual": wide[(S.DIRECTION, "kompetanseoverforing")] == "mutual",
            "kompetanse_hf_to_kommune": wide[(S.DIRECTION, "kompetanseoverforing")]
            == "hf_to_kommune",
        }
    ).join(meta)
    df[S.HEALTH_TRUST] = df[S.HEALTH_TRUST].fillna("(ukjent)")
    g = df.groupby([S.HEALTH_TRUST, df[S.YEAR].astype("Int64")], dropna=False)
    out = g.mean(numeric_only=True).astype(float)
    out.insert(0, "n_documents", g.size())
    return (
        out.reset_index()
        .sort_values([S.HEALTH_TRUST, S.YEAR], kind="mergesort")
        .reset_index(drop=True)
    )
