"""The shared figure style: palette, Norwegian number format, captions, scoped rcParams."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib.colors import to_rgb

from avtaleanalyse.plotting import style


def test_palette_is_okabe_ito_and_distinct():
    assert len(style.OKABE_ITO) == 8
    assert len({to_rgb(c) for c in style.OKABE_ITO}) == 8
    assert style.OKABE_ITO[0] == "#0072B2"


def test_norwegian_number_format():
    assert style.format_number(1234567) == "1\u00a0234\u00a0567"
    assert style.format_number(3.14159, decimals=2) == "3,14"
    assert style.format_share(0.425) == "42\u00a0%"
    assert style.format_share(0.4251, decimals=1) == "42,5\u00a0%"


def test_figure_style_sets_and_restores_only_its_keys():
    before_size = mpl.rcParams["axes.titlesize"]
    before_interactive = mpl.rcParams["interactive"]
    with style.figure_style():
        assert mpl.rcParams["axes.titlelocation"] == "left"
        colors = mpl.rcParams["axes.prop_cycle"].by_key()["color"]
        assert [c.upper() for c in colors] == [c.upper() for c in style.OKABE_ITO]
        mpl.rcParams["interactive"] = not before_interactive  # e.g. the inline backend
    assert mpl.rcParams["axes.titlesize"] == before_size
    # a key the style does not own is left as the code inside the block set it
    assert mpl.rcParams["interactive"] == (not before_interactive)
    mpl.rcParams["interactive"] = before_interactive


def test_caption_states_n_and_source():
    fig, _ax = plt.subplots()
    try:
        assert style.caption(fig, "Andel per helseforetak", n=1200, source="demo") is fig
        texts = [t.get_text() for t in fig.texts]
        assert texts == ["Andel per helseforetak. n = 1\u00a0200. Kilde: demo."]
    finally:
        plt.close(fig)


def _tick_labels(fig, axis):
    fig.canvas.draw()
    return [t.get_text() for t in axis.get_ticklabels() if t.get_text()]


def test_percent_axis_is_norwegian_with_decimals_only_where_needed():
    fig, ax = plt.subplots()
    try:
        ax.set_xlim(0, 0.5)
        style.percent_axis(ax.xaxis)
        labels = _tick_labels(fig, ax.xaxis)
        assert labels[0] == "0\u00a0%" and "50\u00a0%" in labels
        ax.set_xlim(0, 0.03)  # ticks at 0,5 % steps need one decimal
        labels = _tick_labels(fig, ax.xaxis)
        assert "0,5\u00a0%" in labels and "1,0\u00a0%" in labels
        assert not any("." in t for t in labels)
    finally:
        plt.close(fig)


def test_caption_gives_plain_number_ticks_a_decimal_comma():
    fig, ax = plt.subplots()
    try:
        ax.plot([0, 1], [0.0, 0.25])
        ax.set_xticks([0, 1], ["A", "B"])  # categorical labels are left alone
        style.caption(fig, "Likhet", n=2)
        labels = _tick_labels(fig, ax.yaxis)
        assert "0,10" in labels and not any("." in t for t in labels)
        assert _tick_labels(fig, ax.xaxis) == ["A", "B"]
    finally:
        plt.close(fig)
