"""Figures describing the corpus: what is in it and what was rejected."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from avtaleanalyse import schema as S
from avtaleanalyse.plotting.style import OKABE_ITO, caption, figure_style

__all__ = ["KIND_LABELS", "plot_corpus_overview", "plot_documents_by_trust", "plot_rejects"]

KIND_LABELS = {
    "overordnet": "Overordnet",
    "delavtale": "Delavtale",
    "tjenesteavtale": "Tjenesteavtale",
    "saeravtale": "Særavtale",
    "annet": "Annet",
}
_FIELD_TITLES = {
    S.AGREEMENT_KIND: "Avtaletype",
    S.YEAR: "År",
    S.FORMAT: "Filformat",
    S.LANGUAGE_FORM: "Målform",
}


def plot_documents_by_trust(documents: pd.DataFrame, *, ax: plt.Axes | None = None) -> Figure:
    """Horizontal bars: number of documents per health trust, stacked by agreement kind."""
    with figure_style():
        if ax is None:
            fig, ax = plt.subplots(figsize=(8, 0.3 * documents[S.HEALTH_TRUST].nunique() + 1.5))
        else:
            fig = ax.figure
        table = (
            documents.assign(**{S.HEALTH_TRUST: documents[S.HEALTH_TRUST].fillna("(ukjent)")})
            .pivot_table(
                index=S.HEALTH_TRUST,
                columns=S.AGREEMENT_KIND,
                values=S.DOC_ID,
                aggfunc="count",
                fill_value=0,
            )
            .rename(columns=KIND_LABELS)
        )
        table = table.loc[table.sum(axis=1).sort_values().index]
        table.plot.barh(stacked=True, ax=ax, color=OKABE_ITO[: table.shape[1]], width=0.8)
        top = table.sum(axis=1).idxmax() if len(table) else ""
        ax.set_title(f"Flest avtaler fra {top}" if top else "Ingen dokumenter")
        ax.set_xlabel("Antall dokumenter")
        ax.set_ylabel("")
        ax.legend(title="Avtaletype", loc="upper left", bbox_to_anchor=(1.01, 1))
        caption(fig, "Dokumenter i korpuset per helseforetak og avtaletype", n=len(documents))
    return fig


def plot_corpus_overview(documents: pd.DataFrame) -> Figure:
    """Four small bar charts: documents by agreement kind, year, file format and language form."""
    with figure_style():
        fig, axes = plt.subplots(2, 2, figsize=(10, 6.5))
        for ax, field in zip(axes.flat, _FIELD_TITLES, strict=True):
            values = documents[field]
            counts = (values.astype("string").fillna("(ukjent)")).value_counts().sort_index()
            if field == S.AGREEMENT_KIND:
                counts.index = [KIND_LABELS.get(k, k) for k in counts.index]
            if field == S.LANGUAGE_FORM:
                counts.index = [
                    {"bokmal": "Bokmål", "nynorsk": "Nynorsk"}.get(k, k) for k in counts.index
                ]
            ax.bar(counts.index.astype(str), counts.to_numpy(), color=OKABE_ITO[0])
            ax.set_title(_FIELD_TITLES[field])
            ax.tick_params(axis="x", rotation=30)
            ax.set_ylabel("Dokumenter")
        fig.suptitle(
            "Korpuset: avtaletyper, år, filformater og målformer",
            x=0.01,
            ha="left",
            fontweight="bold",
        )
        fig.tight_layout()
        caption(fig, "Antall dokumenter etter innlesing", n=len(documents))
    return fig


def plot_rejects(rejects: pd.DataFrame, *, ax: plt.Axes | None = None) -> Figure:
    """Bars: files that could not be read, by reason."""
    with figure_style():
        if ax is None:
            fig, ax = plt.subplots(figsize=(8, 0.35 * max(1, rejects[S.REASON].nunique()) + 1.5))
        else:
            fig = ax.figure
        counts = rejects[S.REASON].value_counts().sort_values()
        ax.barh(counts.index, counts.to_numpy(), color=OKABE_ITO[5])
        ax.set_title(
            f"{len(rejects)} filer ble avvist" if len(rejects) else "Ingen filer ble avvist"
        )
        ax.set_xlabel("Antall filer")
        caption(fig, "Avviste filer etter årsak (se rejects.csv)", n=len(rejects))
    return fig
