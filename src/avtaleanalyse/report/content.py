"""What the yearly report says: its inputs, key figures and text, as data.

The report notebook calls these functions; they take the stage tables and return
DataFrames or Markdown strings in Norwegian bokmål. Loading is the only disk access
(the report layer is orchestration); everything else is pure.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from avtaleanalyse import schema as S
from avtaleanalyse.coverage.checklist import in_force
from avtaleanalyse.plotting.style import format_number, format_share

__all__ = [
    "ReportInputs",
    "coverage_summary",
    "filter_region",
    "front_page",
    "generation_change",
    "in_force",
    "is_synthetic",
    "key_figures",
    "load_inputs",
    "missing_stage_note",
    "national_model_source",
]

SYNTHETIC_MARK = "Demokorpus"


@dataclass(frozen=True)
class ReportInputs:
    """The tables a report is made from. A missing stage is an empty dict."""

    documents: pd.DataFrame
    sections: pd.DataFrame
    rejects: pd.DataFrame
    ingest: dict = field(default_factory=dict)
    similarity: dict[str, pd.DataFrame] = field(default_factory=dict)
    topics: dict[str, pd.DataFrame] = field(default_factory=dict)
    coverage: dict[str, pd.DataFrame] = field(default_factory=dict)


def _read_stage(folder: str | Path | None) -> dict[str, pd.DataFrame]:
    if folder is None or not Path(folder).is_dir():
        return {}
    return {p.stem: pd.read_parquet(p) for p in sorted(Path(folder).glob("*.parquet"))}


def load_inputs(
    corpus: str | Path,
    *,
    similarity: str | Path | None = None,
    topics: str | Path | None = None,
    coverage: str | Path | None = None,
) -> ReportInputs:
    """Read the corpus tables and whichever stage outputs exist.

    Returns
    -------
    ReportInputs
        ``similarity``/``topics``/``coverage`` map a table name (file stem, e.g.
        ``standardisation``) to its DataFrame; empty where the stage has not run.
    """
    corpus = Path(corpus)
    if not (corpus / S.DOCUMENTS_FILE).exists():
        raise FileNotFoundError(
            f"{corpus / S.DOCUMENTS_FILE} not found: run 'avtaleanalyse ingest' first"
        )
    ingest_file = corpus / "ingest_parameters.json"
    rejects_file = corpus / S.REJECTS_FILE
    return ReportInputs(
        documents=pd.read_parquet(corpus / S.DOCUMENTS_FILE),
        sections=pd.read_parquet(corpus / S.SECTIONS_FILE),
        rejects=pd.read_csv(rejects_file, dtype=str, keep_default_na=False)
        if rejects_file.exists()
        else pd.DataFrame(columns=list(S.REJECT_COLUMNS)),
        ingest=json.loads(ingest_file.read_text(encoding="utf-8")) if ingest_file.exists() else {},
        similarity=_read_stage(similarity),
        topics=_read_stage(topics),
        coverage=_read_stage(coverage),
    )


def national_model_source(similarity: str | Path | None) -> str:
    """``file`` or ``shared``: how the similarity stage defined the national model.

    Read from the stage's ``parameters.json`` (``shared`` when it is missing or older).
    """
    p = Path(similarity) / "parameters.json" if similarity else None
    if p is None or not p.exists():
        return "shared"
    record = json.loads(p.read_text(encoding="utf-8")).get("national_model") or {}
    return "file" if record.get("source") == "file" else "shared"


def is_synthetic(inputs: ReportInputs) -> bool:
    """Whether the corpus is the synthetic demo corpus (its manifest says so)."""
    return any(SYNTHETIC_MARK in c for c in inputs.ingest.get("manifest_comments", []))


def filter_region(inputs: ReportInputs, region: str | None) -> ReportInputs:
    """Keep the documents of one health trust or regional health authority (RHF).

    ``region`` is a health trust's canonical name ("Helse Bergen HF") or an RHF name
    ("Helse Vest RHF"); ``None`` keeps everything. Every doc-keyed stage table is filtered.
    """
    if not region:
        return inputs
    from avtaleanalyse.reference import health_trusts

    trusts = health_trusts()
    members = set(trusts.loc[trusts["rhf"] == region, "canonical_name"]) or {region}
    keep = set(inputs.documents.loc[inputs.documents[S.HEALTH_TRUST].isin(members), S.DOC_ID])
    if not keep:
        raise ValueError(f"region {region!r} matches no document (use a health trust or RHF name)")

    def sub(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
        return {
            k: (v[v[S.DOC_ID].isin(keep)] if S.DOC_ID in v.columns else v)
            for k, v in tables.items()
        }

    docs = inputs.documents[inputs.documents[S.DOC_ID].isin(keep)]
    return replace(
        inputs,
        documents=docs,
        sections=inputs.sections[inputs.sections[S.DOC_ID].isin(keep)],
        similarity=sub(inputs.similarity),
        topics=sub(inputs.topics),
        coverage=sub(inputs.coverage),
    )


def coverage_summary(coverage: pd.DataFrame, doc_ids) -> dict[str, float]:
    """Shares of documents with concrete user participation, patient/user experience and
    mutual competence transfer, among ``doc_ids``."""
    cov = coverage[coverage[S.DOC_ID].isin(set(doc_ids))]
    n = cov[S.DOC_ID].nunique()
    if n == 0:
        return {}
    by_theme = {t: g for t, g in cov.groupby(S.THEME)}
    bm = by_theme.get("brukermedvirkning", pd.DataFrame(columns=[S.LEVEL]))
    ko = by_theme.get("kompetanseoverforing", pd.DataFrame(columns=[S.DIRECTION]))
    pe = by_theme.get("pasient_brukererfaringer", pd.DataFrame(columns=[S.PRESENT]))
    return {
        "brukermedvirkning_konkret": float((bm[S.LEVEL] == "concrete").sum() / n),
        "brukermedvirkning_nevnt": float((bm[S.LEVEL] != "none").sum() / n),
        "brukererfaringer": float(pe[S.PRESENT].astype(bool).sum() / n),
        "kompetanse_gjensidig": float((ko[S.DIRECTION] == "mutual").sum() / n),
        "kompetanse_hf_til_kommune": float((ko[S.DIRECTION] == "hf_to_kommune").sum() / n),
    }


def _local_share(inputs: ReportInputs, doc_ids) -> float | None:
    std = inputs.similarity.get("standardisation")
    if std is None or "local_share" not in std:
        return None
    sel = std[std[S.DOC_ID].isin(set(doc_ids))]
    return float(sel["local_share"].mean()) if len(sel) else None


def key_figures(inputs: ReportInputs, year: int) -> pd.DataFrame:
    """The report's key figures for ``year``.

    Returns
    -------
    pandas.DataFrame
        Columns ``Nøkkeltall`` and ``Verdi`` (formatted Norwegian text), in reading order.
    """
    docs = inputs.documents
    current, _earlier = in_force(docs, year)
    munis = {m for ms in current[S.MUNICIPALITIES] for m in ms}
    rows = [
        ("Dokumenter i korpuset", format_number(len(docs))),
        ("Avviste filer", format_number(len(inputs.rejects))),
        (f"Dokumenter i kraft i {year}", format_number(len(current))),
        ("Kommuner med avtaler i kraft", format_number(len(munis))),
        ("Helseforetak", format_number(current[S.HEALTH_TRUST].nunique())),
    ]
    local = _local_share(inputs, current[S.DOC_ID])
    if local is not None:
        rows.append(("Gjennomsnittlig lokal andel av teksten", format_share(local)))
    if "families" in inputs.similarity:
        rows.append(
            (
                "Malfamilier (versjoner av samme tekst)",
                format_number(inputs.similarity["families"]["family_id"].nunique()),
            )
        )
    cov = inputs.coverage.get("coverage")
    if cov is not None and len(cov):
        summary = coverage_summary(cov, current[S.DOC_ID])
        if summary:
            rows += [
                (
                    "Avtaler med konkret brukermedvirkning",
                    format_share(summary["brukermedvirkning_konkret"]),
                ),
                (
                    "Avtaler som bruker pasient- og brukererfaringer",
                    format_share(summary["brukererfaringer"]),
                ),
                (
                    "Avtaler med gjensidig kompetanseoverføring",
                    format_share(summary["kompetanse_gjensidig"]),
                ),
            ]
    return pd.DataFrame(rows, columns=["Nøkkeltall", "Verdi"])


def front_page(inputs: ReportInputs, year: int, *, region: str | None = None) -> str:
    """The report's opening Markdown: title, scope, a synthetic-data warning where it applies,
    and a one-paragraph summary of the findings."""
    scope = region or "hele landet"
    lines = [f"# Samarbeidsavtaler mellom kommuner og helseforetak – årsrapport {year}", ""]
    if is_synthetic(inputs):
        lines += [
            "> **NB: Syntetiske data.** Denne rapporten er laget fra *Demokorpus – syntetiske avtaler*, "
            "et generert korpus som etterligner strukturen i de virkelige avtalene. Tallene sier ingenting "
            "om virkelige kommuner eller helseforetak; de viser hvordan analysen virker.",
            "",
        ]
    current, earlier = in_force(inputs.documents, year)
    local = _local_share(inputs, current[S.DOC_ID])
    text = (
        f"Rapporten dekker {scope} og bygger på {format_number(len(inputs.documents))} avtaledokumenter, "
        f"hvorav {format_number(len(current))} var i kraft i {year}."
    )
    if local is not None:
        text += (
            f" I gjennomsnitt er {format_share(local)} av teksten i avtalene skrevet lokalt; "
            "resten er hentet fra regionale maler og den nasjonale modellen."
        )
    cov = inputs.coverage.get("coverage")
    if cov is not None and len(cov):
        s = coverage_summary(cov, current[S.DOC_ID])
        if s:
            text += (
                f" {format_share(s['brukermedvirkning_konkret'])} av avtalene beskriver brukermedvirkning konkret, "
                f"{format_share(s['brukererfaringer'])} sier hvordan pasient- og brukererfaringer skal brukes, og "
                f"{format_share(s['kompetanse_gjensidig'])} beskriver kompetanseoverføring begge veier."
            )
    lines.append(text)
    return "\n".join(lines)


def missing_stage_note(stage: str) -> str:
    """The Markdown shown in place of a section whose stage has not been run."""
    names = {
        "similarity": "Likhetsanalysen",
        "topics": "Temamodellen",
        "coverage": "Dekningsanalysen",
    }
    return (
        f"> **{names.get(stage, stage)} er ikke kjørt** for dette korpuset. "
        f"Kjør `avtaleanalyse {stage} --corpus KORPUS --out MAPPE` og lag rapporten på nytt."
    )


def generation_change(inputs: ReportInputs, year: int) -> pd.DataFrame:
    """Agreements in force in ``year`` versus the earlier generation, side by side.

    Returns
    -------
    pandas.DataFrame
        Columns ``Mål``, ``Tidligere generasjon``, ``I kraft {year}`` (formatted text).
    """
    current, earlier = in_force(inputs.documents, year)

    def describe(docs: pd.DataFrame) -> dict[str, str]:
        out = {
            "Dokumenter": format_number(len(docs)),
            "År": ", ".join(str(int(y)) for y in sorted(docs[S.YEAR].dropna().unique())) or "–",
            "Gjennomsnittlig antall ord": format_number(docs[S.N_WORDS].mean())
            if len(docs)
            else "–",
        }
        local = _local_share(inputs, docs[S.DOC_ID])
        out["Lokal andel av teksten"] = format_share(local) if local is not None else "–"
        cov = inputs.coverage.get("coverage")
        if cov is not None and len(cov):
            s = coverage_summary(cov, docs[S.DOC_ID])
            out["Konkret brukermedvirkning"] = (
                format_share(s["brukermedvirkning_konkret"]) if s else "–"
            )
            out["Gjensidig kompetanseoverføring"] = (
                format_share(s["kompetanse_gjensidig"]) if s else "–"
            )
        return out

    a, b = describe(earlier), describe(current)
    return pd.DataFrame(
        [(k, a.get(k, "–"), b[k]) for k in b],
        columns=["Mål", "Tidligere generasjon", f"I kraft {year}"],
    )
