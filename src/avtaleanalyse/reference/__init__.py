"""Reference tables: municipalities (kommuner), health trusts (HF), their names and spellings.

The tables are package data in ``avtaleanalyse/resources/reference/`` (each file's header
names its source). Loaders return fresh copies, so callers may modify what they get.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd

__all__ = [
    "canonical_health_trust",
    "canonical_municipality",
    "find_health_trusts",
    "health_trust_counties",
    "health_trusts",
    "historic_municipalities",
    "municipalities",
    "municipality_number",
    "reference_path",
    "resolve_municipality",
]


def reference_path(name: str):
    """Path-like handle of a reference file shipped with the package."""
    return resources.files("avtaleanalyse.resources").joinpath("reference", name)


@cache
def _read(name: str) -> pd.DataFrame:
    with reference_path(name).open(encoding="utf-8") as fh:
        return pd.read_csv(fh, comment="#", dtype=str, keep_default_na=False)


def municipalities() -> pd.DataFrame:
    """The 356 municipalities of 2020–2023 with numbers, counties and coordinates.

    Returns
    -------
    pandas.DataFrame
        Columns ``kommunenummer`` (4-digit str), ``canonical_name`` (name, with the county
        in brackets for homonyms such as "Herøy (Nordland)"), ``name``, ``official_names``
        (';'-separated, incl. Sami names), ``county_number``, ``county``, ``lon``, ``lat``,
        ``bbox_west``, ``bbox_south``, ``bbox_east``, ``bbox_north`` (floats as str),
        ``sami_administrative_area``.
    """
    return _read("kommuner.csv").copy()


def health_trusts() -> pd.DataFrame:
    """Health trusts and private hospitals that sign agreements.

    Returns
    -------
    pandas.DataFrame
        Columns ``canonical_name``, ``rhf``, ``kind`` (hf|private), ``aliases``
        (';'-separated spellings and abbreviations, bokmål and nynorsk), ``counties``
        (';'-separated 2020–2023 counties of the catchment area).
    """
    return _read("health_trusts.csv").copy()


# name matching lives in its own module; imported last because it reads the tables above
from avtaleanalyse.reference.matching import (  # noqa: E402
    canonical_health_trust,
    canonical_municipality,
    find_health_trusts,
    health_trust_counties,
    historic_municipalities,
    municipality_number,
    resolve_municipality,
)
