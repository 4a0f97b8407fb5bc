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

__all__ = ["figure_alt_text", "save_figure", "save_table"]

_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
}


def figure_alt_text(fig: Figure) -> str:
    """A text alternative for ``fig``: its title, panel titles and caption, in that order."""
    parts = [fig.get_suptitle()]
    parts += [ax.get_title(loc) for ax in fig.axes for loc in ("left", "center", "right")]
    parts += [t.get_text() for t in fig.texts]
    seen = dict.fromkeys(" ".join(p.split()) for p in parts)
    return ". ".join(p.rstrip(".") for p in seen if p)


def save_figure(fig: Figure, name: str, folder: str | os.PathLike[str] | None) -> None:
    """Write ``fig`` as ``folder/name.png`` and ``folder/name.svg`` and show it with alt text.

    ``folder=None`` writes nothing (for exploring in a notebook): the inline backend shows
    the figure as usual. Otherwise the written PNG is displayed with
    :func:`figure_alt_text` in its metadata (``alt``), which the report's HTML keeps as the
    image's ``alt`` attribute, and the figure is closed so that it is not shown twice.
    """
    if folder is None:
        return
    folder = Path(folder)
    import matplotlib as mpl

    for ext in ("png", "svg"):
        # a fixed salt gives the SVG's element ids the same values on every run
        with atomic_path(folder / f"{name}.{ext}") as tmp, mpl.rc_context({"svg.hashsalt": name}):
            fig.savefig(tmp, format=ext, metadata=_METADATA[ext], bbox_inches="tight", dpi=150)
    _show(fig, folder / f"{name}.png")


def _show(fig: Figure, png: Path) -> None:
    """Display ``png`` with alt text when running under IPython; close ``fig``."""
    try:
        from IPython import get_ipython
        from IPython.display import Image, display
    except ImportError:  # pragma: no cover - IPython is a dependency of the notebooks
        return
    if get_ipython() is None:
        return
    import matplotlib.pyplot as plt

    display(Image(data=png.read_bytes(), format="png", metadata={"alt": figure_alt_text(fig)}))
    plt.close(fig)


def save_table(df: pd.DataFrame, name: str, folder: str | os.PathLike[str] | None) -> pd.DataFrame:
    """Write ``df`` as ``folder/name.csv`` (UTF-8); returns the table unchanged."""
    if folder is not None:
        write_csv(df, Path(folder) / f"{name}.csv")
    return df
