"""A map-like view of Norway: each municipality a dot at its centre, coloured by a value.

No map tiles or shape files: the coordinates come from the package's reference table
(:func:`avtaleanalyse.reference.municipalities`), so the figure is drawn offline.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from avtaleanalyse.plotting.style import caption, figure_style, percent_axis

__all__ = ["municipality_points", "plot_municipality_map", "value_by_municipality"]

KEY = "kommunenummer"


def value_by_municipality(
    per_document: pd.DataFrame, documents: pd.DataFrame, *, value: str
) -> pd.DataFrame:
    """Mean of a per-document value over the documents each municipality signed.

    Parameters
    ----------
    per_document
        ``doc_id`` and ``value`` (e.g. the standardisation table's ``local_share``).
    documents
        The corpus documents table (``doc_id``, ``municipality_numbers``: list of 4-digit
        numbers, or a ';'-separated string).

    Returns
    -------
    pandas.DataFrame
        Columns ``kommunenummer`` and ``value``, one row per municipality with a document,
        sorted by number.
    """
    from avtaleanalyse import schema as S

    docs = documents[[S.DOC_ID, S.MUNICIPALITY_NUMBERS]].copy()
    docs[KEY] = docs[S.MUNICIPALITY_NUMBERS].map(
        lambda v: v.split(";") if isinstance(v, str) else list(v) if v is not None else []
    )
    long = docs.explode(KEY).dropna(subset=[KEY])
    long = long.loc[long[KEY].astype(str).str.strip() != ""]
    long[KEY] = long[KEY].astype(str).str.strip().str.zfill(4)
    merged = long.merge(per_document[[S.DOC_ID, value]], on=S.DOC_ID)
    out = merged.groupby(KEY, as_index=False)[value].mean().rename(columns={value: "value"})
    return out.sort_values(KEY, ignore_index=True)


def municipality_points(values: pd.DataFrame, *, value: str, key: str = KEY) -> pd.DataFrame:
    """Join values per municipality onto every municipality's coordinates.

    Parameters
    ----------
    values
        One row per municipality: ``key`` (4-digit municipality number) and ``value``.
    value, key
        Column names in ``values``.

    Returns
    -------
    pandas.DataFrame
        Columns ``kommunenummer``, ``name``, ``lon``, ``lat`` (floats) and ``value``
        (NaN where the municipality has no value), one row per municipality, sorted by number.
    """
    from avtaleanalyse.reference import municipalities

    ref = municipalities()[[KEY, "name", "lon", "lat"]].copy()
    ref["lon"] = ref["lon"].astype(float)
    ref["lat"] = ref["lat"].astype(float)
    vals = values[[key, value]].rename(columns={key: KEY, value: "value"})
    vals[KEY] = vals[KEY].astype(str).str.zfill(4)
    out = ref.merge(vals.groupby(KEY, as_index=False)["value"].mean(), on=KEY, how="left")
    return out.sort_values(KEY, ignore_index=True)


def plot_municipality_map(
    values: pd.DataFrame,
    *,
    value: str,
    key: str = KEY,
    title: str,
    label: str,
    source: str = "avtaleanalyse",
    vmax: float | None = None,
    ax: plt.Axes | None = None,
) -> Figure:
    """Dots at municipality centres, coloured by ``value`` (0–1 share), grey where missing.

    The colour scale runs from 0 to ``vmax``: by default the 95th percentile of the values
    rounded up to the next 5 % (at least 5 %), so that small shares are not all one dark
    colour; larger values take the top colour (the colour bar is drawn with an arrow).

    Parameters
    ----------
    values
        One row per municipality with ``key`` and ``value`` columns.
    title
        The finding, in Norwegian ("Høyest lokal andel på Vestlandet").
    label
        Colour bar label, in Norwegian.

    Returns
    -------
    matplotlib.figure.Figure
    """
    pts = municipality_points(values, value=value, key=key)
    have = pts["value"].notna()
    if vmax is None:
        q = float(np.nanquantile(pts["value"], 0.95)) if have.any() else 1.0
        vmax = min(1.0, max(0.05, math.ceil(q * 20 - 1e-9) / 20))
    top = float(vmax)
    with figure_style():
        if ax is None:
            fig, ax = plt.subplots(figsize=(5.5, 5.2))
        else:
            fig = ax.figure
        ax.scatter(pts.loc[~have, "lon"], pts.loc[~have, "lat"], s=8, c="#d0d0d0", lw=0)
        sc = ax.scatter(
            pts.loc[have, "lon"],
            pts.loc[have, "lat"],
            c=pts.loc[have, "value"],
            cmap="cividis",
            vmin=0,
            vmax=top,
            s=18,
            lw=0.3,
            edgecolor="white",
        )
        # degrees of longitude shrink towards the pole: keep shapes right at Norway's middle
        ax.set_aspect(1 / math.cos(math.radians(65)))
        ax.set_axis_off()
        ax.set_title(title)
        over = bool(have.any() and float(np.nanmax(pts["value"])) > top)
        bar = fig.colorbar(sc, ax=ax, shrink=0.5, label=label, extend="max" if over else "neither")
        percent_axis(bar.ax.yaxis)
        caption(
            fig,
            "Hver prikk er en kommune; grå prikker mangler data",
            source=source,
            n=int(have.sum()),
        )
    return fig
