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

from avtaleanalyse.plotting.style import caption, figure_style

__all__ = ["municipality_points", "plot_municipality_map"]

KEY = "kommunenummer"


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
    ax: plt.Axes | None = None,
) -> Figure:
    """Dots at municipality centres, coloured by ``value`` (0–1 share), grey where missing.

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
    with figure_style():
        if ax is None:
            fig, ax = plt.subplots(figsize=(5.5, 6))
        else:
            fig = ax.figure
        ax.scatter(pts.loc[~have, "lon"], pts.loc[~have, "lat"], s=8, c="#d0d0d0", lw=0)
        sc = ax.scatter(
            pts.loc[have, "lon"],
            pts.loc[have, "lat"],
            c=pts.loc[have, "value"],
            cmap="cividis",
            vmin=0,
            vmax=max(1.0, float(np.nanmax(pts["value"])) if have.any() else 1.0),
            s=18,
            lw=0.3,
            edgecolor="white",
        )
        # degrees of longitude shrink towards the pole: keep shapes right at Norway's middle
        ax.set_aspect(1 / math.cos(math.radians(65)))
        ax.set_axis_off()
        ax.set_title(title)
        fig.colorbar(sc, ax=ax, shrink=0.5, label=label)
        caption(
            fig,
            "Hver prikk er en kommune; grå prikker mangler data",
            source=source,
            n=int(have.sum()),
        )
    return fig
