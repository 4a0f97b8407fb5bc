"""The § 6-2 checklist: points per document and the municipality roll-up."""

from __future__ import annotations

import pandas as pd
import pytest

from avtaleanalyse import schema as S
from avtaleanalyse.coverage import coverage_table, in_force, municipality_checklist, required_points
from avtaleanalyse.coverage.checklist import PointFinder
from avtaleanalyse.coverage.dictionary import load_dictionary


@pytest.fixture(scope="module")
def finder():
    return PointFinder(load_dictionary())


@pytest.mark.parametrize(
    ("title", "text", "kind", "number", "label", "points"),
    [
        (
            "Tjenesteavtale 4 om døgnopphold for øyeblikkelig hjelp",
            "",
            "tjenesteavtale",
            4,
            "4",
            [4],
        ),
        (
            "Tenesteavtale 2 om innlegging, utskriving, habilitering og rehabilitering",
            "",
            "tjenesteavtale",
            2,
            "2",
            [2],
        ),
        ("Delavtale om tilvising og utskriving", "", "delavtale", None, None, [2, 3, 5]),
        ("Tenesteavtale 11 og 12", "Avtalen gjeld.", "tjenesteavtale", 11, "11 og 12", [11, 12]),
        (
            "Tenesteavtale nr. 11 og 12 – Omforeinte beredskapsplanar for den akuttmedisinske kjeda",
            "",
            "tjenesteavtale",
            11,
            "11 og 12",
            [11, 12],
        ),
        # one number, a subject in the title: the number adds nothing
        ("Delavtale 11 – beredskapsplaner", "", "delavtale", 11, "11", [11]),
        ("Overordnet samarbeidsavtale", "Partene samarbeider.", "overordnet", None, None, [1]),
        (
            "Overordna samarbeidsavtale",
            "Avtalen etablerer helsefellesskapet.",
            "overordnet",
            1,
            "1",
            [1, 12],
        ),
        (
            "Lokal avtale",
            "Avtalen er en konkretisering av delavtale 2A og delavtale 10.",
            "saeravtale",
            None,
            None,
            [2, 10],
        ),
        ("Samarbeid om turnusteneste for legar", "", "delavtale", None, None, [7]),
    ],
)
def test_points_per_document(finder, title, text, kind, number, label, points):
    assert (
        list(finder.points(title=title, text=text, kind=kind, number=number, label=label)) == points
    )


def test_required_points_follow_the_2022_amendment():
    assert required_points(2016) == list(range(1, 12))
    assert required_points(2022) == list(range(1, 14))


def _docs():
    return pd.DataFrame(
        {
            S.DOC_ID: ["a", "b", "c", "d"],
            S.TITLE: [
                "Tjenesteavtale 3",
                "Tjenesteavtale 5",
                "Tjenesteavtale 3",
                "Tjenesteavtale 10",
            ],
            S.TEXT: ["Innleggelse.", "Utskrivning.", "Innleggelse.", "Forebygging."],
            S.AGREEMENT_KIND: ["tjenesteavtale"] * 4,
            S.AGREEMENT_NUMBER: [3, 5, 3, 10],
            S.AGREEMENT_LABEL: ["3", "5", "3", "10"],
            S.HEALTH_TRUST: ["Helse Fonna HF"] * 4,
            S.MUNICIPALITIES: [["Stord"], ["Stord"], ["Stord"], ["Stord"]],
            S.YEAR: pd.array([2012, 2012, 2022, 2024], dtype="Int64"),
        }
    )


def test_in_force_takes_the_latest_generation_per_trust():
    current, earlier = in_force(_docs(), 2022)
    assert list(current[S.DOC_ID]) == ["c"] and list(earlier[S.DOC_ID]) == ["a", "b"]


def test_a_generation_adopted_over_two_calendar_years_is_one_generation():
    docs = _docs().assign(**{S.YEAR: pd.array([2012, 2013, 2022, 2023], dtype="Int64")})
    current, earlier = in_force(docs, 2023)
    assert list(current[S.DOC_ID]) == ["c", "d"] and list(earlier[S.DOC_ID]) == ["a", "b"]
    current, _ = in_force(docs, 2023, adoption_span=0)
    assert list(current[S.DOC_ID]) == ["d"]


def test_municipality_rollup_lists_covered_and_missing_points():
    docs = _docs()
    cov = coverage_table(docs)
    cl = municipality_checklist(docs, cov, year=2016)
    covered = cl.loc[cl["covered"], "point"].tolist()
    assert covered == [3, 5]
    assert cl.loc[cl["point"] == 3, "doc_ids"].item() == "a"
    missing = cl.loc[cl["required"] & ~cl["covered"], "point"].tolist()
    assert missing == [1, 2, 4, 6, 7, 8, 9, 10, 11]
