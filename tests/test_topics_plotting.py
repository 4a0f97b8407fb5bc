"""Topic figures: each plot function returns a figure with Norwegian labels."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.figure import Figure

from avtaleanalyse.plotting import topics as pt

TOPICS = pd.DataFrame(
    {
        "topic": [0, 0, 1, 1],
        "rank": [0, 1, 0, 1],
        "term": ["døgnopphold", "hjelp", "hospitering", "fagnettverk"],
        "weight": [0.3, 0.2, 0.4, 0.1],
        "label": ["døgnopphold / hjelp"] * 2 + ["hospitering / fagnettverk"] * 2,
    }
)
PREV = pd.DataFrame(
    {
        "by": ["health_trust"] * 4 + ["year"] * 4,
        "group": ["Helse Bergen HF", "Helse Bergen HF", "Helse Fonna HF", "Helse Fonna HF"]
        + ["2012", "2012", "2022", "2022"],
        "topic": [0, 1] * 4,
        "share": [0.8, 0.2, 0.4, 0.6, 0.5, 0.5, 0.2, 0.8],
        "n_units": [3] * 8,
    }
)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_topic_names_and_top_terms():
    names = pt.topic_names(TOPICS)
    assert names == {0: "0: døgnopphold / hjelp", 1: "1: hospitering / fagnettverk"}
    fig = pt.plot_top_terms(TOPICS)
    assert isinstance(fig, Figure) and fig.get_suptitle() == "2 emner: de viktigste ordene"
    _, ax = plt.subplots()
    assert pt.plot_top_terms(TOPICS, topic=1, ax=ax) is ax.figure
    with pytest.raises(ValueError):
        pt.plot_top_terms(TOPICS, ax=ax)


def test_prevalence_heatmap_and_years():
    fig = pt.plot_prevalence(PREV, by="health_trust", labels=pt.topic_names(TOPICS))
    ax = fig.axes[0]
    # the title states the finding: the topic whose share differs most between groups
    assert ax.get_title(loc="left") == "«0: døgnopphold / hjelp» varierer mest etter helseforetak"
    assert any("n = 6" in t.get_text() for t in fig.texts)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Helse Bergen HF", "Helse Fonna HF"]
    fig = pt.plot_prevalence_by_year(PREV)
    assert fig.axes[0].get_xlabel() == "år" and len(fig.axes[0].lines) == 2
    with pytest.raises(ValueError):
        pt.plot_prevalence(PREV, by="region")


def test_contrast_selection_and_stability_plots():
    contrast = pd.DataFrame(
        {
            "topic": [0, 1],
            "share_mal": [0.8, 0.2],
            "share_lokal": [0.3, 0.7],
            "difference": [-0.5, 0.5],
            "label": ["a", "b"],
        }
    )
    fig = pt.plot_template_local_contrast(contrast)
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == [
        "maltekst",
        "lokal tekst",
    ]
    assert fig.axes[0].get_title(loc="left") == "Lokal tekst handler oftere om «1: b»"
    sel = pd.DataFrame(
        {
            "k": [4, 6, 8],
            "coherence_npmi": [0.2, 0.3, 0.25],
            "stability": [0.9, 0.95, 0.8],
            "chosen": [False, True, False],
        }
    )
    fig = pt.plot_k_selection(sel)
    assert fig.axes[0].get_xlabel() == "antall emner (k)"
    assert any("valgt k = 6" in t.get_text() for t in fig.axes[0].texts)
    stab = pd.DataFrame({"topic": [0, 1], "stability": [0.99, 0.7], "min_match": [0.98, 0.5]})
    fig = pt.plot_stability(stab, labels={0: "a", 1: "b"})
    assert (
        fig.axes[0].get_title(loc="left") == "1 av 2 emner er stabile over frø (≥ 90\u00a0% likhet)"
    )
    assert fig.axes[0].patches[0].get_facecolor()[:3] == matplotlib.colors.to_rgb("#009E73")
