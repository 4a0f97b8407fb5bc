"""Plot functions return figures with Norwegian labels and do not save or show."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest
from matplotlib.figure import Figure

from avtaleanalyse.plotting.similarity import (
    plot_delavtale6_heatmap,
    plot_local_share_distribution,
    plot_standardisation,
    plot_within_across,
)
from avtaleanalyse.similarity.run import SimilarityParams, similarity_tables
from avtaleanalyse.similarity.synthetic import synthetic_corpus


@pytest.fixture(scope="module")
def tables():
    docs, _ = synthetic_corpus(n_trusts=3, n_agreements=6, n_municipalities=3, seed=8)
    return similarity_tables(docs, None, params=SimilarityParams(common_form=False))


def test_heatmap_orders_by_trust(tables):
    fig = plot_delavtale6_heatmap(tables["delavtale6_pairs"])
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == sorted(labels) and len(labels) == 3
    assert "Delavtale 6" in ax.get_title()
    img = ax.images[0].get_array()
    assert img.shape == (9, 9)
    # within-trust blocks are more similar than across
    assert img[:3, :3].mean() > img[:3, 3:].mean()


def test_other_plots(tables):
    s = tables["delavtale6_summary"]
    assert s.loc[0, "mean"] > s.loc[1, "mean"]
    pairs = tables["delavtale6_pairs"]
    fig = plot_within_across(pairs)
    assert fig.axes[0].get_xlabel() == "Jaccard-likhet"
    within = pairs.loc[pairs["within_hf"], "jaccard"].median()
    title = fig.axes[0].get_title(loc="left") or fig.axes[0].get_title()
    assert f"innen HF median {within:.2f}".replace(".", ",") in title
    fig.canvas.draw()
    assert not any("." in t.get_text() for t in fig.axes[0].get_xticklabels())
    assert any("n = " in t.get_text() for t in fig.texts)
    fig = plot_standardisation(tables["standardisation_summary"])
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == [
        "Nasjonal modell", "Regional mal", "Lokal tekst"
    ]  # fmt: skip
    fig = plot_local_share_distribution(tables["standardisation"])
    assert isinstance(fig, Figure)
    empty = plot_delavtale6_heatmap(pd.DataFrame(columns=tables["delavtale6_pairs"].columns))
    assert isinstance(empty, Figure)


def test_standardisation_title_states_local_range_and_legend_is_below_the_bars(tables):
    summary = tables["standardisation_summary"]
    d = summary[summary["group_by"] == "health_trust"]
    fig = plot_standardisation(summary)
    ax = fig.axes[0]
    lo, hi = d["local_share"].min(), d["local_share"].max()
    title = ax.get_title(loc="left") or ax.get_title()
    assert title.startswith("Lokal tekst utgjør")
    assert f"{100 * lo:.1f}".replace(".", ",") in title
    assert f"{100 * hi:.1f}".replace(".", ",") in title
    fig.canvas.draw()
    legend_top = ax.get_legend().get_window_extent().y1
    assert legend_top < ax.get_window_extent().y0  # under the axes, never over a bar
    assert any("n = " in t.get_text() for t in fig.texts)


def test_local_share_histogram_zooms_to_the_data():
    st = pd.DataFrame({"local_share": [0.0] * 50 + [0.01] * 30 + [0.03] * 19 + [0.9]})
    fig = plot_local_share_distribution(st)
    ax = fig.axes[0]
    assert ax.get_xlim()[1] < 0.1  # 99th percentile 0.03 -> range up to 5 %
    assert sum(p.get_height() for p in ax.patches) == 100  # the outlier sits in the last bar
    assert (ax.get_title(loc="left") or ax.get_title()).startswith(
        "50\u00a0% av avtalene har ingen"
    )
    st = pd.DataFrame({"local_share": [0.0] * 10 + [0.02] * 90})
    ax = plot_local_share_distribution(st).axes[0]
    assert (
        ax.get_title(loc="left") or ax.get_title()
    ) == "Halvparten av avtalene har høyst 2,0\u00a0% lokal tekst"
    assert any("1 dokumenter over" in t.get_text() for t in fig.texts)


def test_local_share_histogram_title_counts_agreements_without_local_text():
    st = pd.DataFrame({"local_share": [0.0] * 70 + [0.01] * 20 + [0.03] * 10})
    fig = plot_local_share_distribution(st)
    title = fig.axes[0].get_title(loc="left") or fig.axes[0].get_title()
    assert title == "70\u00a0% av avtalene har ingen lokal tekst; resten har median 1,0\u00a0%"


def test_standardisation_caption_says_how_the_national_model_was_defined(tables, tmp_path):
    import json

    from avtaleanalyse.report import national_model_source

    summary = tables["standardisation_summary"]
    for source, words in (("file", "modellavtalen"), ("shared", "minst tre helseforetak")):
        fig = plot_standardisation(summary, national_source=source)
        assert any(words in t.get_text() for t in fig.texts)
    assert national_model_source(None) == "shared"
    (tmp_path / "parameters.json").write_text(json.dumps({"national_model": {"source": "file"}}))
    assert national_model_source(tmp_path) == "file"
