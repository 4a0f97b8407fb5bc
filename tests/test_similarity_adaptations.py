"""Local passages on controlled edits, and the side-by-side HTML view."""

from __future__ import annotations

import numpy as np
import pandas as pd

from avtaleanalyse.similarity.adaptations import local_adaptations, side_by_side_html
from avtaleanalyse.similarity.families import cluster_families
from avtaleanalyse.similarity.prototypes import family_prototypes

rng = np.random.default_rng(0)
WORDS = [f"ord{i}" for i in range(500)]


def _sent(n=12):
    return " ".join(rng.choice(WORDS, n)).capitalize() + "."


def test_added_edited_removed_passages():
    from avtaleanalyse.similarity.shingles import shingle_partition

    base = [_sent() for _ in range(12)]
    added = "Lokal klausul om eget brukarråd med faste plassar for eldrerådet i kommunen."
    edited_new = "Her har kommunen skrive heilt ny tekst om legevakt og eiga ordning."
    texts = {"t": " ".join(base), "c1": " ".join(base), "c2": " ".join(base)}
    d = base.copy()
    d.insert(4, added)  # added after sentence 4
    d[8] = edited_new  # base sentence 7 replaced (index shift by the insert)
    del d[11]  # sentence 10 of base removed (index shift by the insert)
    texts["d"] = " ".join(d)
    docs = pd.DataFrame({"doc_id": list(texts), "text": list(texts.values()),
                         "is_template": [True, False, False, False]})  # fmt: skip
    sh = shingle_partition(docs, common_form=False)
    pairs = pd.DataFrame({"doc_a": ["c1", "c1", "c2", "c1", "c2", "d"],
                          "doc_b": ["t", "c2", "t", "d", "d", "t"],
                          "jaccard": [1, 1, 1, .6, .6, .6],
                          "containment_ab": [1, 1, 1, .8, .8, .7],
                          "containment_ba": [1, 1, 1, .7, .7, .8],
                          "jaccard_minhash": [1, 1, 1, .6, .6, .6]})  # fmt: skip
    fams = cluster_families(pairs, docs["doc_id"])
    protos = family_prototypes(sh, fams, docs)
    assert protos.table["base_doc_id"].tolist() == ["t"]
    ad = local_adaptations(docs, sh, fams, protos, common_form=False)
    assert set(ad["doc_id"]) == {"d"}
    by = {k: g for k, g in ad.groupby("kind")}
    assert added.rstrip(".") in by["added"]["text"].iloc[0]
    assert by["edited"]["text"].str.contains("legevakt").any()
    assert by["edited"]["prototype_text"].iloc[0] in base[7]
    assert by["removed"]["text"].iloc[0].rstrip(".") in base[10]
    # positions point into the document
    row = by["added"].iloc[0]
    assert texts["d"][row["position"] : row["end"]] == row["text"]
    html = side_by_side_html(texts["d"], texts["t"], ad)
    assert html.startswith("<!DOCTYPE html>") and '<mark class="added"' in html
    assert "legevakt" in html and "<script" not in html
