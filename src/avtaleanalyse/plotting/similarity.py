"""Figures of the similarity stage: delavtale 6 heatmap, within/across HF, standardisation.

Plot functions take a table (and an optional ``ax``) and return the figure; they never save
or show. Labels are in Norwegian bokmål; colours are the Okabe–Ito colour-blind-safe palette
and the perceptually uniform ``cividis`` map.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from avtaleanalyse import schema
from avtaleanalyse.plotting.style import (
    caption,
    figure_style,
    format_number,
    format_share,
    percent_axis,
)

__all__ = [
    "OKABE_ITO",
    "plot_delavtale6_heatmap",
    "plot_local_share_distribution",
    "plot_standardisation",
    "plot_within_across",
]

#: Okabe–Ito colours (colour-blind safe).
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
_LEVEL_COLOURS = {"national_share": OKABE_ITO[0], "regional_share": OKABE_ITO[4],
                  "local_share": OKABE_ITO[1]}  # fmt: skip
_LEVEL_LABELS = {"national_share": "Nasjonal modell", "regional_share": "Regional mal",
                 "local_share": "Lokal tekst"}  # fmt: skip
_MEASURE_LABELS = {schema.JACCARD: "Jaccard-likhet", schema.CONTAINMENT_AB: "Inklusjon a i b",
                   schema.CONTAINMENT_BA: "Inklusjon b i a"}  # fmt: skip


def _fig_ax(ax, figsize):
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
    else:
        fig = ax.figure
    return fig, ax


def _square(pairs: pd.DataFrame, measure: str) -> tuple[np.ndarray, list[str], list[str]]:
    a = pairs[[schema.DOC_A, "health_trust_a", "label_a"]].set_axis(["d", "hf", "lab"], axis=1)
    b = pairs[[schema.DOC_B, "health_trust_b", "label_b"]].set_axis(["d", "hf", "lab"], axis=1)
    nodes = pd.concat([a, b]).drop_duplicates("d")
    nodes["hf"] = nodes["hf"].fillna("(ukjent HF)")
    nodes = nodes.sort_values(["hf", "lab", "d"], kind="mergesort").reset_index(drop=True)
    pos = {d: i for i, d in enumerate(nodes["d"])}
    n = len(nodes)
    mat = np.eye(n)
    ia = pairs[schema.DOC_A].map(pos).to_numpy()
    ib = pairs[schema.DOC_B].map(pos).to_numpy()
    v = pairs[measure].to_numpy(float)
    mat[ia, ib] = v
    mat[ib, ia] = v
    return mat, nodes["hf"].tolist(), nodes["lab"].tolist()


def plot_delavtale6_heatmap(
    pairs: pd.DataFrame, *, measure: str = schema.JACCARD, ax=None, title: str | None = None
) -> Figure:
    """Pairwise similarity of the knowledge-transfer agreements, ordered by health trust.

    Parameters
    ----------
    pairs
        ``delavtale6_pairs`` (from ``knowledge_transfer_pairs``).
    measure
        Column to show.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = _fig_ax(ax, (8, 7))
    if pairs.empty:
        ax.text(0.5, 0.5, "Ingen avtaler om kunnskapsoverføring", ha="center", va="center")
        ax.set_axis_off()
        return fig
    mat, hfs, _ = _square(pairs, measure)
    im = ax.imshow(mat, cmap="cividis", vmin=0, vmax=1, interpolation="nearest")
    # block boundaries and one tick per health trust
    edges = [0] + [i for i in range(1, len(hfs)) if hfs[i] != hfs[i - 1]] + [len(hfs)]
    for e in edges[1:-1]:
        ax.axhline(e - 0.5, color="white", lw=0.8)
        ax.axvline(e - 0.5, color="white", lw=0.8)
    mids = [(a + b - 1) / 2 for a, b in zip(edges[:-1], edges[1:], strict=True)]
    names = [hfs[a] for a in edges[:-1]]
    ax.set_xticks(mids, names, rotation=90, fontsize=7)
    ax.set_yticks(mids, names, fontsize=7)
    cb = fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    cb.set_label(_MEASURE_LABELS.get(measure, measure))
    ax.set_title(title or "Delavtale 6 (kunnskapsoverføring): parvis likhet, sortert etter HF")
    return fig


def plot_within_across(
    pairs: pd.DataFrame, *, measure: str = schema.JACCARD, ax=None, bins: int = 40
) -> Figure:
    """Distribution of pair similarity within one health trust versus across trusts.

    Returns
    -------
    matplotlib.figure.Figure
    """
    medians = {}
    with figure_style():
        fig, ax = _fig_ax(ax, (7, 4))
        edges = np.linspace(0, 1, bins + 1)
        for flag, name, colour in ((True, "Innen samme HF", OKABE_ITO[0]),
                                   (False, "Mellom HF", OKABE_ITO[1])):  # fmt: skip
            v = pairs.loc[pairs["within_hf"] == flag, measure].astype(float)
            if len(v):
                medians[flag] = float(v.median())
                ax.hist(v, bins=edges, alpha=0.7, color=colour, density=True,
                        label=f"{name} (n = {format_number(len(v))})")  # fmt: skip
        ax.set_xlabel(_MEASURE_LABELS.get(measure, measure))
        ax.set_ylabel("Tetthet")
        if len(medians) == 2:
            ax.set_title(
                "Delavtale 6: likhet innen HF median "
                f"{format_number(medians[True], decimals=2)}, mellom HF "
                f"{format_number(medians[False], decimals=2)}"
            )
        else:
            ax.set_title("Delavtale 6: likhet innen og mellom helseforetak")
        ax.legend(frameon=False)
        caption(fig, "Alle par av avtaler om § 6-2 nr. 6 (kompetanseoverføring)", n=len(pairs))
    return fig


#: How the national model was defined, for the caption (``parameters.json``:
#: ``national_model.source``).
NATIONAL_NOTES = {
    "file": "Nasjonal modell: tekst fra modellavtalen helseforetakene tok utgangspunkt i",
    "shared": "Nasjonal modell: tekst som finnes i malene til minst tre helseforetak",
}


def plot_standardisation(
    summary: pd.DataFrame,
    *,
    group_by: str = schema.HEALTH_TRUST,
    ax=None,
    top: int = 40,
    national_source: str = "shared",
) -> Figure:
    """Stacked shares of national model, regional template and local text per group.

    The title states the range of the local share over the groups shown; the legend sits
    under the bars so it never hides one.

    Parameters
    ----------
    summary
        ``standardisation_summary`` (from ``aggregate_indices``).
    group_by
        Which grouping to show (``health_trust``, ``municipalities``, ``agreement_number``,
        ``year``, ...).
    top
        At most this many groups (those with most documents).
    national_source
        ``file`` or ``shared``: how the national model was defined (the caption says which).

    Returns
    -------
    matplotlib.figure.Figure
    """
    d = summary[summary["group_by"] == group_by]
    d = d.nlargest(top, "n_documents").sort_values(["local_share", "group"])
    titles = {schema.HEALTH_TRUST: "helseforetak", schema.MUNICIPALITIES: "kommune",
              schema.AGREEMENT_NUMBER: "avtalenummer", schema.YEAR: "år",
              schema.AGREEMENT_KIND: "avtaletype"}  # fmt: skip
    name = titles.get(group_by, group_by)
    with figure_style():
        fig, ax = _fig_ax(ax, (8, max(3, 0.28 * len(d) + 2.2)))
        left = np.zeros(len(d))
        for col in ("national_share", "regional_share", "local_share"):
            v = d[col].to_numpy(float)
            ax.barh(d["group"].astype(str), v, left=left, color=_LEVEL_COLOURS[col],
                    label=_LEVEL_LABELS[col])  # fmt: skip
            left += v
        ax.set_xlim(0, 1)
        percent_axis(ax.xaxis)
        ax.set_xlabel("Andel av teksten")
        ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.6 / fig.get_figheight() - 0.04),
                  ncol=3, fontsize=8)  # fmt: skip
        if len(d):
            lo, hi = float(d["local_share"].min()), float(d["local_share"].max())
            ax.set_title(
                f"Lokal tekst utgjør {format_share(lo, decimals=1)}–"
                f"{format_share(hi, decimals=1)} av avtalene per {name}"
            )
        else:
            ax.set_title(f"Standardisering per {name}")
        n = int(d["n_documents"].sum()) if "n_documents" in d else None
        note = NATIONAL_NOTES.get(national_source, NATIONAL_NOTES["shared"])
        caption(
            fig,
            f"{note}; regional mal: annen tekst malfamilien eller flere helseforetak deler; "
            "lokal tekst: resten",
            n=n,
        )
    return fig


def _distribution_title(v: np.ndarray) -> str:
    """The finding: how many agreements have no local text, and the median of the rest."""
    none = float(np.mean(v == 0))
    if none >= 0.5:
        rest = v[v > 0]
        tail = (
            f"; resten har median {format_share(float(np.median(rest)), decimals=1)}"
            if len(rest)
            else ""
        )
        return f"{format_share(none)} av avtalene har ingen lokal tekst{tail}"
    return f"Halvparten av avtalene har høyst {format_share(float(np.median(v)), decimals=1)} lokal tekst"


def plot_local_share_distribution(standardisation: pd.DataFrame, *, ax=None) -> Figure:
    """Histogram of the local share of all documents, over the range the data occupy.

    Returns
    -------
    matplotlib.figure.Figure
    """
    v = standardisation["local_share"].astype(float).to_numpy()
    hi = float(np.quantile(v, 0.99)) if len(v) else 1.0
    hi = min(1.0, max(0.05, np.ceil(hi * 20) / 20))  # next 5 %, at least 5 %
    with figure_style():
        fig, ax = _fig_ax(ax, (7, 4))
        ax.hist(np.clip(v, 0, hi), bins=np.linspace(0, hi, 41), color=OKABE_ITO[1])
        percent_axis(ax.xaxis)
        ax.set_xlabel("Lokal andel av teksten")
        ax.set_ylabel("Antall dokumenter")
        if len(v):
            ax.set_title(_distribution_title(v))
        over = int((v > hi).sum())
        note = f"; {over} dokumenter over {format_share(hi)} er lagt i siste søyle" if over else ""
        caption(fig, f"Lokal andel per dokument{note}", n=len(v))
    return fig
