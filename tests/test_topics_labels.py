"""Topic labels: suggestions from relevant terms, user overrides."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from avtaleanalyse.topics.labels import apply_labels, suggest_labels

VOCAB = ["pasient", "døgnopphold", "hjelp", "hospitering", "jordmor"]
COMP = np.array([[0.5, 0.3, 0.2, 0.0, 0.0], [0.5, 0.0, 0.0, 0.4, 0.1]])


def test_relevance_keeps_a_term_heavy_everywhere_from_naming_every_topic():
    lab = suggest_labels(COMP, VOCAB, n_terms=2, relevance_lambda=0.3)
    assert lab["label"].tolist() == ["døgnopphold / hjelp", "hospitering / jordmor"]
    plain = suggest_labels(COMP, VOCAB, n_terms=2, relevance_lambda=1.0)
    assert plain["label"].tolist() == ["pasient / døgnopphold", "pasient / hospitering"]


def test_user_labels_override_only_the_topics_they_name():
    sug = suggest_labels(COMP, VOCAB)
    user = pd.DataFrame({"topic": ["1"], "label": [" Kompetanseoverføring "]})
    out = apply_labels(sug, user)
    assert out["label"].tolist()[1] == "Kompetanseoverføring"
    assert out["label"].tolist()[0] == sug["label"][0]
    assert out["label_source"].tolist() == ["suggested", "user"]


@pytest.mark.parametrize(
    "bad",
    [
        pd.DataFrame({"topic": ["7"], "label": ["x"]}),
        pd.DataFrame({"topic": ["a"], "label": ["x"]}),
        pd.DataFrame({"topic": ["0", "0"], "label": ["x", "y"]}),
        pd.DataFrame({"emne": ["0"], "label": ["x"]}),
    ],
)
def test_bad_label_files_fail_loudly(bad):
    with pytest.raises(ValueError):
        apply_labels(suggest_labels(COMP, VOCAB), bad)
