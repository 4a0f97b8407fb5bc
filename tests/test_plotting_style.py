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
