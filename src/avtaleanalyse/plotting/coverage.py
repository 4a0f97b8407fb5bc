"""Figures of theme coverage: the § 6-2 checklist, user participation, competence transfer."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from avtaleanalyse import schema as S
from avtaleanalyse.plotting.style import (
    OKABE_ITO,
    caption,
    figure_style,
    format_share,
    percent_axis,
)

__all__ = [
    "plot_checklist_heatmap",
    "plot_competence_direction",
    "plot_concrete_participation",
    "report_figures",
]

_DIRECTION_LABELS = {
    "none": "Ikke nevnt",
    "hf_to_kommune": "Fra helseforetak til kommune",
    "unclear": "Uklar retning",
    "mutual": "Gjensidig",
}
_DIRECTION_COLOURS = {
    "none": "#DDDDDD",
    "hf_to_kommune": OKABE_ITO[1],
    "unclear": OKABE_ITO[4],
    "mutual": OKABE_ITO[2],
}


def plot_checklist_heatmap(checklist: pd.DataFrame, *, max_rows: int = 80, ax=None) -> Figure:
    """Municipalities (grouped by health trust) × § 6-2 points 1–13: covered or missing.

    ``checklist`` is the ``municipality_checklist`` table. With more than ``max_rows``
    municipalities, an evenly spaced selection within each health trust is shown.
    """
    with figure_style():
        wide = checklist.pivot_table(
            index=[S.HEALTH_TRUST, "municipality"], columns="point", values="covered", aggfunc="max"
        ).reindex(columns=range(1, 14))
        wide = wide.fillna(False).astype(int).sort_index()
        if len(wide) > max_rows:
            step = int(np.ceil(len(wide) / max_rows))
            wide = wide.iloc[::step]
        if ax is None:
            fig, ax = plt.subplots(figsize=(8, 0.16 * len(wide) + 2))
        else:
            fig = ax.figure
        ax.imshow(
            wide.to_numpy(),
            aspect="auto",
            cmap=ListedColormap(["#F2F2F2", OKABE_ITO[0]]),
            vmin=0,
            vmax=1,
        )
        ax.set_xticks(range(13), [str(p) for p in range(1, 14)])
        ax.set_yticks(
            range(len(wide)), [f"{m} ({t.replace(' HF', '')})" for t, m in wide.index], fontsize=6
        )
        ax.set_xlabel("Punkt i helse- og omsorgstjenesteloven § 6-2 første ledd")
        share = checklist.loc[checklist["required"], "covered"].mean() if len(checklist) else 0
        ax.set_title(f"Avtalene dekker {format_share(share)} av lovens minstekrav")
        year = int(checklist[S.YEAR].iloc[0]) if len(checklist) else ""
        caption(
            fig,
            f"Blå rute: punktet er dekket av en avtale i kraft i {year}",
            n=checklist["municipality"].nunique(),
        )
    return fig


def plot_concrete_participation(trust_themes: pd.DataFrame, *, ax=None) -> Figure:
    """Share of agreements with concrete user participation, by health trust and year."""
    with figure_style():
        wide = trust_themes.pivot_table(
            index=S.HEALTH_TRUST, columns=S.YEAR, values="brukermedvirkning_concrete"
        )
        if ax is None:
            fig, ax = plt.subplots(figsize=(8, 0.3 * len(wide) + 1.5))
        else:
            fig = ax.figure
        wide.sort_index(ascending=False).plot.barh(
            ax=ax, color=OKABE_ITO[: wide.shape[1]], width=0.8
        )
        overall = (
            trust_themes["brukermedvirkning_concrete"] * trust_themes["n_documents"]
        ).sum() / max(1, trust_themes["n_documents"].sum())
        ax.set_title(
            f"Bare {format_share(overall)} av avtalene beskriver brukermedvirkning konkret"
        )
        ax.set_xlabel("Andel avtaler med konkret brukermedvirkning")
        ax.set_xlim(0, 1)
        percent_axis(ax.xaxis)
        ax.set_ylabel("")
        ax.legend(title="År")
        caption(
            fig,
            "Konkret: et navngitt organ, en plass eller en prosedyre for brukermedvirkning",
            n=int(trust_themes["n_documents"].sum()),
        )
    return fig


def plot_competence_direction(
    coverage: pd.DataFrame, documents: pd.DataFrame, *, ax=None
) -> Figure:
    """Direction of competence transfer (stacked shares) by health trust and year."""
    with figure_style():
        ko = coverage[coverage[S.THEME] == "kompetanseoverforing"][[S.DOC_ID, S.DIRECTION]]
        ko = ko.merge(documents[[S.DOC_ID, S.HEALTH_TRUST, S.YEAR]], on=S.DOC_ID)
        ko["group"] = (
            ko[S.HEALTH_TRUST].fillna("(ukjent)").str.replace(" HF", "")
            + " "
            + ko[S.YEAR].astype("string").fillna("")
        )
        shares = pd.crosstab(ko["group"], ko[S.DIRECTION], normalize="index").reindex(
            columns=list(_DIRECTION_LABELS), fill_value=0
        )
        if ax is None:
            fig, ax = plt.subplots(figsize=(8, 0.3 * len(shares) + 1.5))
        else:
            fig = ax.figure
        left = np.zeros(len(shares))
        for d, label in _DIRECTION_LABELS.items():
            ax.barh(shares.index, shares[d], left=left, color=_DIRECTION_COLOURS[d], label=label)
            left += shares[d].to_numpy()
        mentioned = ko[ko[S.DIRECTION] != "none"]
        one_way = (mentioned[S.DIRECTION] == "hf_to_kommune").mean() if len(mentioned) else 0
        ax.set_title(
            f"Kompetanseoverføring går oftest én vei: {format_share(one_way)} fra helseforetak til kommune"
        )
        ax.set_xlabel("Andel avtaler")
        ax.set_xlim(0, 1)
        percent_axis(ax.xaxis)
        ax.set_ylim(len(shares) - 0.5, -0.5)  # first group on top, no empty margin
        ax.legend(frameon=False, loc="upper center", ncol=4, fontsize=8,
                  bbox_to_anchor=(0.5, -0.6 / fig.get_figheight() - 0.02))  # fmt: skip
        caption(fig, "Retning lest ut av setningene som nevner kompetanseoverføring", n=len(ko))
    return fig


def report_figures(
    coverage_tables: dict[str, pd.DataFrame], documents: pd.DataFrame
) -> dict[str, Figure]:
    """The coverage figures of the yearly report, by file name (without extension)."""
    out = {}
    cov = coverage_tables.get("coverage")
    if "municipality_checklist" in coverage_tables and len(
        coverage_tables["municipality_checklist"]
    ):
        out["dekning_6_2_sjekkliste"] = plot_checklist_heatmap(
            coverage_tables["municipality_checklist"]
        )
    if "trust_themes" in coverage_tables and len(coverage_tables["trust_themes"]):
        out["dekning_konkret_brukermedvirkning"] = plot_concrete_participation(
            coverage_tables["trust_themes"]
        )
    if cov is not None and len(cov):
        out["dekning_kompetanseoverforing_retning"] = plot_competence_direction(cov, documents)
    return out
