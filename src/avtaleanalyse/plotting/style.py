"""One figure style for the project: colour-blind-safe palette, Norwegian number format, captions.

Use :func:`figure_style` as a context manager around plotting code, and :func:`caption` to
put the source and n under a figure. Titles should state the finding ("De fleste avtalene
følger regional mal"), not the variable.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import matplotlib as mpl
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, ScalarFormatter

__all__ = [
    "OKABE_ITO",
    "RC_PARAMS",
    "NorwegianFormatter",
    "PercentAxisFormatter",
    "caption",
    "figure_style",
    "format_number",
    "format_share",
    "norwegian_ticks",
    "percent_axis",
]

#: Okabe–Ito colours (colour-blind safe), in the order series are coloured.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")

RC_PARAMS = {
    "axes.prop_cycle": mpl.cycler(color=list(OKABE_ITO)),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 10,
    "font.size": 10,
    "font.family": "DejaVu Sans",
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "svg.hashsalt": "avtaleanalyse",  # stable element ids: identical SVG files on re-run
    "legend.frameon": False,
}


@contextlib.contextmanager
def figure_style() -> Iterator[None]:
    """Apply the project's matplotlib style inside a ``with`` block.

    Only the keys of :data:`RC_PARAMS` are set and restored. (``matplotlib.rc_context``
    restores every parameter, including ``interactive``, which the notebook inline backend
    switches on while the first figure is drawn — later figures were then never shown.)
    """
    saved = {k: mpl.rcParams[k] for k in RC_PARAMS}
    mpl.rcParams.update(RC_PARAMS)
    try:
        yield
    finally:
        mpl.rcParams.update(saved)


def format_number(value: float, *, decimals: int = 0) -> str:
    """Norwegian number format: space as thousands separator, comma as decimal mark."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u00a0").replace(".", ",")


def format_share(value: float, *, decimals: int = 0) -> str:
    """A share 0–1 as a Norwegian percentage ("42 %")."""
    return f"{format_number(100 * value, decimals=decimals)}\u00a0%"


class NorwegianFormatter(ScalarFormatter):
    """Matplotlib's default tick labels with a decimal comma ("0,25") and no offset text."""

    def __init__(self) -> None:
        super().__init__(useOffset=False)

    def __call__(self, x, pos=None) -> str:
        return super().__call__(x, pos).replace(".", ",")


class PercentAxisFormatter(Formatter):
    """Shares 0–1 as Norwegian percentages ("2,5 %"), one decimal only where ticks need it."""

    @staticmethod
    def _decimals(values) -> int:
        return 0 if all(abs(100 * v - round(100 * v)) < 1e-9 for v in values) else 1

    def __call__(self, x, pos=None) -> str:
        return format_share(x, decimals=self._decimals([x]))

    def format_ticks(self, values) -> list[str]:
        d = self._decimals(values)
        return [format_share(v, decimals=d) for v in values]


def percent_axis(axis) -> None:
    """Label a 0–1 axis (``ax.xaxis``, ``ax.yaxis``, a colorbar's axis) in Norwegian percent."""
    axis.set_major_formatter(PercentAxisFormatter())


def norwegian_ticks(fig: Figure) -> Figure:
    """Replace matplotlib's default (English) number tick labels by Norwegian ones."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            fmt = axis.get_major_formatter()
            if type(fmt) is ScalarFormatter:
                axis.set_major_formatter(NorwegianFormatter())
    return fig


def caption(
    fig: Figure, text: str, *, source: str = "avtaleanalyse", n: int | None = None
) -> Figure:
    """Write a caption (with source and n) under the figure; returns the same figure.

    As the last step of every plot function it also gives the number tick labels a decimal
    comma (:func:`norwegian_ticks`).
    """
    norwegian_ticks(fig)
    parts = [text] if text else []
    if n is not None:
        parts.append(f"n = {format_number(n)}")
    parts.append(f"Kilde: {source}")
    # below everything already drawn (tick labels, axis labels), so the caption never overlaps
    bottom = fig.get_tightbbox(fig.canvas.get_renderer()).y0 / fig.get_figheight()
    fig.text(
        0.01,
        min(bottom, 0.0) - 0.08 / fig.get_figheight(),
        ". ".join(parts) + ".",
        ha="left",
        va="top",
        fontsize=8,
        color="#444444",
        wrap=True,
    )
    return fig
