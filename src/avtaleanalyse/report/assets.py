"""Saving the report's figures (PNG and SVG) and tables (CSV) beside ``rapport.html``.

Files are written atomically and without timestamps, so a re-run with the same inputs gives
identical files.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from avtaleanalyse.io import atomic_path, write_csv

__all__ = ["save_figure", "save_table"]

_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
}


def save_figure(fig: Figure, name: str, folder: str | os.PathLike[str] | None) -> None:
    """Write ``fig`` as ``folder/name.png`` and ``folder/name.svg``.

    ``folder=None`` writes nothing (for exploring in a notebook). Returns nothing, so a
    notebook cell ending in this call shows the figure once (from the inline backend).
    """
    if folder is None:
        return
    folder = Path(folder)
    import matplotlib as mpl

    for ext in ("png", "svg"):
        # a fixed salt gives the SVG's element ids the same values on every run
        with atomic_path(folder / f"{name}.{ext}") as tmp, mpl.rc_context({"svg.hashsalt": name}):
            fig.savefig(tmp, format=ext, metadata=_METADATA[ext], bbox_inches="tight", dpi=150)


def save_table(df: pd.DataFrame, name: str, folder: str | os.PathLike[str] | None) -> pd.DataFrame:
    """Write ``df`` as ``folder/name.csv`` (UTF-8); returns the table unchanged."""
    if folder is not None:
        write_csv(df, Path(folder) / f"{name}.csv")
    return df
