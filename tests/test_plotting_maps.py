"""The municipality map: every municipality placed, values joined by number."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from avtaleanalyse.plotting.maps import municipality_points, plot_municipality_map


def test_points_cover_every_municipality_and_join_values():
    vals = pd.DataFrame({"nr": ["301", "4601"], "andel": [0.2, 0.8]})
    pts = municipality_points(vals, value="andel", key="nr")
    assert len(pts) == 356
    assert pts["lat"].between(57.5, 71.5).all() and pts["lon"].between(4, 32).all()
    got = pts.set_index("kommunenummer")["value"]
    assert got["0301"] == 0.2 and got["4601"] == 0.8
    assert got.notna().sum() == 2


def test_map_figure_has_title_colourbar_and_n():
    vals = pd.DataFrame({"kommunenummer": ["0301", "1103"], "v": [0.1, 0.9]})
    fig = plot_municipality_map(vals, value="v", title="Lokal andel", label="Andel")
    try:
        assert fig.axes[0].get_title(loc="left") == "Lokal andel"
        assert len(fig.axes) == 2  # map and colour bar
        assert any("n = 2" in t.get_text() for t in fig.texts)
    finally:
        plt.close(fig)


def test_value_by_municipality_averages_over_signed_documents():
    from avtaleanalyse.plotting.maps import value_by_municipality

    docs = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c"],
            "municipality_numbers": [["0301"], ["0301", "1103"], []],
        }
    )
    per_doc = pd.DataFrame({"doc_id": ["a", "b", "c"], "local_share": [0.2, 0.4, 0.9]})
    got = value_by_municipality(per_doc, docs, value="local_share")
    assert got["kommunenummer"].tolist() == ["0301", "1103"]
    assert got["value"].round(6).tolist() == [0.3, 0.4]


def test_map_colour_scale_follows_the_data():
    nrs = ["0301", "1103", "4601", "5001"]
    vals = pd.DataFrame({"kommunenummer": nrs, "v": [0.01, 0.02, 0.03, 0.5]})
    fig = plot_municipality_map(vals, value="v", title="t", label="Andel")
    try:
        sc = fig.axes[0].collections[1]
        # 95th percentile 0.43 -> 45 %; the 0.5 municipality takes the top colour
        assert sc.norm.vmax == pytest.approx(0.45)
        assert fig.axes[1].get_ylabel() == "Andel"
    finally:
        plt.close(fig)
    fig = plot_municipality_map(vals.iloc[:3], value="v", title="t", label="Andel")
    try:
        assert fig.axes[0].collections[1].norm.vmax == pytest.approx(0.05)
    finally:
        plt.close(fig)
