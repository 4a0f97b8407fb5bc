"""Metadata inference on the real samples (../shared/real_samples) against their hand labels.

Goes through the ingestion pipeline when it exists (so cleaning is included), else infers from
the text files directly. Skips cleanly when the samples are absent.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pandas as pd
import pytest

from avtaleanalyse import schema as S
from avtaleanalyse.ingest.evaluation import metadata_accuracy, normalise_truth
from avtaleanalyse.ingest.metadata import infer_metadata
from avtaleanalyse.ingest.sections import split_sections

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "real_samples"
FIELDS = (S.LANGUAGE_FORM, S.AGREEMENT_KIND, S.AGREEMENT_NUMBER, S.HEALTH_TRUST, S.MUNICIPALITIES)

pytestmark = pytest.mark.skipif(
    not (SAMPLES / "labels.csv").exists(), reason="real samples not present"
)


def _direct() -> pd.DataFrame:
    rows = []
    for path in sorted(SAMPLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        hint = text.splitlines()[0] if re.search(r"Størrelse:\s*px", text[:600]) else None
        rows.append(
            {
                S.SOURCE_PATH: path.name,
                **infer_metadata(text, title_hint=hint, source_path=path.name),
            }
        )
    return pd.DataFrame(rows)


def _via_pipeline() -> pd.DataFrame | None:
    if importlib.util.find_spec("avtaleanalyse.ingest.pipeline") is None:
        return None
    from avtaleanalyse.ingest import pipeline

    if not hasattr(pipeline, "ingest_folder"):
        return None
    try:
        result = pipeline.ingest_folder(SAMPLES)
    except NotImplementedError:
        return None
    if isinstance(result, pd.DataFrame):
        return result
    if isinstance(result, tuple | list):
        return result[0]
    if isinstance(result, dict):
        return result["documents"]
    return result.documents


@pytest.fixture(scope="module")
def labels() -> pd.DataFrame:
    return normalise_truth(pd.read_csv(SAMPLES / "labels.csv", dtype=str, keep_default_na=False))


@pytest.mark.parametrize("source", ["direct", "pipeline"])
def test_field_accuracy_at_least_90_percent(labels, source):
    docs = _direct() if source == "direct" else _via_pipeline()
    if docs is None:
        pytest.skip("ingestion pipeline not available yet")
    accuracy, errors = metadata_accuracy(docs, labels, fields=FIELDS, match_on_name=True)
    assert set(accuracy["field"]) == set(FIELDS)
    assert (accuracy["n"] == len(labels)).all()
    low = accuracy[accuracy["accuracy"] < 0.9]
    assert low.empty, f"below 0.9:\n{low}\n{errors.to_string()}"


def test_templates_have_no_municipalities_and_signed_copies_do():
    docs = _direct().set_index(S.SOURCE_PATH)
    assert docs.loc["helgelandssykehuset_tjenesteavtale3_heroy.txt", S.MUNICIPALITY_NUMBERS] == [
        "1818"
    ]
    assert not docs.loc["helgelandssykehuset_tjenesteavtale3_heroy.txt", S.IS_TEMPLATE]
    for name in ("unn_tjenesteavtale4_template.txt", "ahus_delavtale10_template.txt"):
        assert docs.loc[name, S.IS_TEMPLATE] and docs.loc[name, S.MUNICIPALITIES] == []


def test_years_where_the_text_states_them():
    docs = _direct().set_index(S.SOURCE_PATH)
    assert docs.loc["helsebergen_overordnet1_template_2022.txt", S.YEAR] == 2022
    assert pd.isna(
        docs.loc["helsebergen_saeravtale7_helsefagarbeider_template_docplayer.txt", S.YEAR]
    )


def test_flattened_toc_does_not_become_sections():
    text = (SAMPLES / "helgelandssykehuset_tjenesteavtale3_heroy.txt").read_text(encoding="utf-8")
    sections = split_sections(text)
    assert len(sections) < 12
    assert sections[0]["number"] is None and "Innholdsfortegnelse" in sections[0]["text"]
    assert [s["number"] for s in sections if s["level"] == 1][:3] == ["1", "2", "3"]


def test_docplayer_sections_have_headings():
    text = (SAMPLES / "ahus_delavtale10_template.txt").read_text(encoding="utf-8")
    headings = [s["heading"] for s in split_sections(text) if s["number"]]
    assert headings[:3] == ["Parter", "Bakgrunn og lovgrunnlag", "Formål"]
