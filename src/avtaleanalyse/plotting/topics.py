"""Figures of the topic models: top terms, prevalence, template-versus-local contrast, k choice.

Each function takes a table written by ``avtaleanalyse topics`` (and an optional ``ax``)
and returns the matplotlib figure; nothing is saved or shown. Labels are in Norwegian.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from avtaleanalyse import schema
from avtaleanalyse.plotting.style import OKABE_ITO, caption, figure_style, format_share

__all__ = [
    "plot_k_selection",
    "plot_prevalence",
    "plot_prevalence_by_year",
    "plot_stability",
    "plot_template_local_contrast",
    "plot_top_terms",
    "topic_names",
]

_BY_TITLES = {
    schema.HEALTH_TRUST: "helseforetak",
    "region": "region (RHF)",
    "agreement_type": "avtaletype",
    schema.YEAR: "år",
    schema.LANGUAGE_FORM: "målform",
    schema.IS_TEMPLATE: "mal eller vedtatt avtale",
}


def _styled(func):
    """Draw inside the project's figure style (palette, fonts, spines)."""
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with figure_style():
            return func(*args, **kwargs)

    return wrapper


def _figure(ax, figsize) -> tuple[Figure, plt.Axes]:
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
        return fig, ax
    return ax.figure, ax


def topic_names(table: pd.DataFrame, *, width: int = 40) -> dict[int, str]:
    """``topic -> "3: døgnopphold / øyeblikkelig / hjelp"`` from a table with ``label``."""
    if schema.LABEL not in table:
        return {}
    pairs = table[[schema.TOPIC, schema.LABEL]].drop_duplicates(schema.TOPIC)
    out = {}
    for t, lab in zip(pairs[schema.TOPIC], pairs[schema.LABEL], strict=True):
        text = f"{int(t)}: {lab}" if lab else f"Emne {int(t)}"
        out[int(t)] = text if len(text) <= width else text[: width - 1] + "…"
    return out


@_styled
def plot_top_terms(
    topics: pd.DataFrame,
    *,
    topic: int | None = None,
    n_terms: int = 8,
    ncols: int = 4,
    ax: plt.Axes | None = None,
) -> Figure:
    """Top terms of each topic as bars (one panel per topic), from ``topics.parquet``.

    With ``topic`` given, only that topic is drawn (on ``ax`` if given).
    """
    names = topic_names(topics)
    wanted = sorted(topics[schema.TOPIC].unique()) if topic is None else [topic]
    if ax is not None and len(wanted) != 1:
        raise ValueError("ax can only be given together with one topic")
    if ax is not None:
        fig, axes = ax.figure, [ax]
    else:
        nrows = int(np.ceil(len(wanted) / ncols)) if len(wanted) > 1 else 1
        nc = min(ncols, len(wanted))
        fig, grid = plt.subplots(
            nrows,
            nc,
            figsize=(3.2 * nc, 0.28 * n_terms * nrows + 0.9 * nrows),
            layout="constrained",
        )
        axes = list(np.atleast_1d(grid).ravel())
    for a, t in zip(axes, wanted, strict=False):
        sub = topics[topics[schema.TOPIC] == t].nsmallest(n_terms, schema.RANK)
        a.barh(sub[schema.TERM][::-1], sub[schema.WEIGHT][::-1], color=OKABE_ITO[0])
        a.set_title(names.get(int(t), f"Emne {t}"), fontsize=9)
        a.tick_params(labelsize=8)
        a.set_xlabel("vekt", fontsize=8)
    for a in axes[len(wanted) :]:
        a.set_visible(False)
    if topic is None:
        fig.suptitle(
            f"{len(wanted)} emner: de viktigste ordene", x=0.01, ha="left", fontweight="bold"
        )
    return fig


def _wide(prevalence: pd.DataFrame, by: str) -> pd.DataFrame:
    sub = prevalence[prevalence["by"] == by]
    if sub.empty:
        raise ValueError(f"the prevalence table has no rows for by={by!r}")
    return sub.pivot_table(index="group", columns=schema.TOPIC, values=schema.SHARE)


@_styled
def plot_prevalence(
    prevalence: pd.DataFrame,
    *,
    by: str = schema.HEALTH_TRUST,
    labels: Mapping[int, str] | None = None,
    ax: plt.Axes | None = None,
) -> Figure:
    """Heatmap of mean topic share per group (rows) and topic (columns).

    Parameters
    ----------
    prevalence
        ``topic_prevalence.parquet`` (``by``, ``group``, ``topic``, ``share``, ``n_units``).
    by
        Which grouping to draw (``health_trust``, ``region``, ``agreement_type``, ...).
    labels
        Optional topic names (e.g. from :func:`topic_names`) for the column ticks.
    """
    wide = _wide(prevalence, by)
    cols = [int(c) for c in wide.columns]
    ticks = [labels.get(c, str(c)) if labels else str(c) for c in cols]
    row_len = max((len(str(g)) for g in wide.index), default=1)
    col_len = max((len(t) for t in ticks), default=1)
    fig, ax = _figure(
        ax,
        (2.5 + 0.08 * row_len + 0.45 * wide.shape[1], 1.5 + 0.3 * wide.shape[0] + 0.07 * col_len),
    )
    im = ax.imshow(wide.to_numpy(), aspect="auto", cmap="cividis", vmin=0)
    ax.set_yticks(range(wide.shape[0]), wide.index, fontsize=8)
    ax.set_xticks(range(len(cols)), ticks, rotation=60 if labels else 0, ha="right", fontsize=8)
    ax.set_xlabel("emne")
    spread = (wide.max() - wide.min()).sort_values(ascending=False, kind="mergesort")
    group = _BY_TITLES.get(by, by)
    if len(spread) and len(wide) > 1:
        t = int(spread.index[0])
        name = labels.get(t, f"emne {t}") if labels else f"emne {t}"
        ax.set_title(f"«{name}» varierer mest etter {group}", fontsize=10)
    else:
        ax.set_title(f"Emneandel etter {group}")
    fig.colorbar(im, ax=ax, label="gjennomsnittlig andel")
    sub = prevalence[prevalence["by"] == by]
    n = int(sub.drop_duplicates("group")["n_units"].sum()) if "n_units" in sub else None
    caption(fig, f"Gjennomsnittlig emneandel per {group} og emne", n=n)
    return fig


@_styled
def plot_prevalence_by_year(
    prevalence: pd.DataFrame,
    *,
    labels: Mapping[int, str] | None = None,
    topics: Sequence[int] | None = None,
    ax: plt.Axes | None = None,
) -> Figure:
    """Mean topic share per year, one line per topic."""
    wide = _wide(prevalence, schema.YEAR)
    wide = wide[wide.index != "(ukjent)"]
    years = pd.to_numeric(pd.Index(wide.index), errors="coerce")
    wide = wide.iloc[np.argsort(years)]
    fig, ax = _figure(ax, (7, 4))
    for t in topics if topics is not None else wide.columns:
        name = labels.get(int(t), f"Emne {t}") if labels else f"Emne {t}"
        ax.plot(wide.index.astype(str), wide[t], marker="o", label=name)
    ax.set_xlabel("år")
    ax.set_ylabel("gjennomsnittlig andel")
    ax.set_title("Emneandel etter år")
    ax.legend(fontsize=7, ncols=2, loc="upper left", bbox_to_anchor=(1.01, 1))
    return fig


@_styled
def plot_template_local_contrast(contrast: pd.DataFrame, *, ax: plt.Axes | None = None) -> Figure:
    """Topic shares of template text and of locally written text side by side.

    Parameters
    ----------
    contrast
        ``topic_contrast.parquet`` (``topic``, ``share_mal``, ``share_lokal``, ``label``).
    """
    names = topic_names(contrast)
    order = contrast.sort_values("difference", kind="mergesort")
    y = np.arange(len(order))
    fig, ax = _figure(ax, (7, 1 + 0.35 * len(order)))
    ax.barh(y - 0.2, order["share_mal"], height=0.4, label="maltekst", color=OKABE_ITO[4])
    ax.barh(y + 0.2, order["share_lokal"], height=0.4, label="lokal tekst", color=OKABE_ITO[5])
    ax.set_yticks(y, [names.get(int(t), str(t)) for t in order[schema.TOPIC]], fontsize=8)
    ax.set_xlabel("andel av teksten")
    if len(order):
        top = int(order[schema.TOPIC].iloc[-1])
        ax.set_title(f"Lokal tekst handler oftere om «{names.get(top, top)}»", fontsize=10)
    else:
        ax.set_title("Ingen lokal tekst å sammenligne")
    ax.legend(loc="lower right")
    caption(fig, "Gjennomsnittlig emneandel i maltekst og i lokalt tilført tekst")
    return fig


@_styled
def plot_k_selection(selection: pd.DataFrame, *, ax: plt.Axes | None = None) -> Figure:
    """Held-out coherence (NPMI) and seed stability for each candidate k; chosen k marked."""
    sel = selection.sort_values("k")
    fig, ax = _figure(ax, (6, 3.8))
    ax.plot(sel["k"], sel["coherence_npmi"], marker="o", color=OKABE_ITO[0], label="koherens")
    ax.set_xlabel("antall emner (k)")
    ax.set_ylabel("koherens (NPMI på holdt-ut tekst)", color=OKABE_ITO[0])
    ax2 = ax.twinx()
    ax2.plot(sel["k"], sel["stability"], marker="s", color=OKABE_ITO[5], label="stabilitet")
    ax2.set_ylabel("stabilitet (cosinus, matchede emner)", color=OKABE_ITO[5])
    ax2.set_ylim(0, 1.05)
    chosen = sel[sel["chosen"].astype(bool)]
    for k in chosen["k"]:
        ax.axvline(k, color="grey", linestyle="--", linewidth=1)
        ax.annotate(f"valgt k = {int(k)}", (k, ax.get_ylim()[1]), fontsize=8, ha="left", va="top")
    if len(chosen):
        ax.set_title(f"Valgt k = {int(chosen['k'].iloc[0])}: best koherens blant stabile modeller")
    else:
        ax.set_title("Valg av antall emner")
    return fig


@_styled
def plot_stability(
    stability: pd.DataFrame,
    *,
    labels: Mapping[int, str] | None = None,
    threshold: float = 0.9,
    ax: plt.Axes | None = None,
) -> Figure:
    """Per-topic stability across seeds (mean and lowest matched cosine)."""
    st = stability.sort_values(schema.TOPIC)
    y = np.arange(len(st))
    fig, ax = _figure(ax, (6, 1 + 0.3 * len(st)))
    ax.barh(y, st["stability"], color=OKABE_ITO[2], label="gjennomsnitt")
    if "min_match" in st:
        ax.scatter(st["min_match"], y, color="black", marker="|", s=80, label="laveste")
    ax.axvline(threshold, color="grey", linestyle="--", linewidth=1)
    names = [labels.get(int(t), str(t)) if labels else str(t) for t in st[schema.TOPIC]]
    ax.set_yticks(y, names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.02)
    ax.set_xlabel("stabilitet (cosinus mot matchet emne i andre kjøringer)")
    stable = int((st["stability"] >= threshold).sum())
    ax.set_title(
        f"{stable} av {len(st)} emner er stabile over frø (≥ {format_share(threshold)} likhet)",
        fontsize=10,
    )
    ax.legend(loc="lower left", fontsize=8)
    return fig
