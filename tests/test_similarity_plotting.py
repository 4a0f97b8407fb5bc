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
    fig = plot_within_across(tables["delavtale6_pairs"])
    assert fig.axes[0].get_xlabel() == "Jaccard-likhet"
    fig = plot_standardisation(tables["standardisation_summary"])
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == [
        "Nasjonal modell", "Regional mal", "Lokal tekst"
    ]  # fmt: skip
    fig = plot_local_share_distribution(tables["standardisation"])
    assert isinstance(fig, Figure)
    empty = plot_delavtale6_heatmap(pd.DataFrame(columns=tables["delavtale6_pairs"].columns))
    assert isinstance(empty, Figure)
