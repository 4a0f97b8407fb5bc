"""Catchment: which health trust (HF) each municipality signs its agreements with.

The default table is ``data/reference/hf_catchment.csv`` in the repository (packaged as
``resources/reference/hf_catchment.csv``, a symlink to it, so the installed package carries it). It is built by
:func:`build_catchment` from the 2020–2023 counties with documented exceptions (split
counties Viken, Vestfold og Telemark, Vestland, Trøndelag, Nordland, Troms og Finnmark; Bindal
to Helse Nord-Trøndelag; Ofoten to UNN). Users may pass their own table with the same
columns (``--catchment CSV``). Oslo is split into city districts (bydeler) that sign with
Lovisenberg, Diakonhjemmet, Oslo universitetssykehus or Ahus.
"""

from __future__ import annotations

import io
from importlib import resources
from os import PathLike

import pandas as pd

from avtaleanalyse.reference import health_trusts, municipalities

__all__ = [
    "CATCHMENT_COLUMNS",
    "OSLO_DISTRICTS",
    "build_catchment",
    "load_catchment",
]

CATCHMENT_COLUMNS = ("kommunenummer", "canonical_name", "health_trust", "rhf", "rule")

AHUS = "Akershus universitetssykehus HF"
OUS = "Oslo universitetssykehus HF"
LDS = "Lovisenberg Diakonale Sykehus AS"
DIAK = "Diakonhjemmet Sykehus AS"

#: Oslo's city districts and the trust each signs with (simplified from the public record).
OSLO_DISTRICTS = {
    "Bydel Gamle Oslo": LDS,
    "Bydel Grünerløkka": LDS,
    "Bydel Sagene": LDS,
    "Bydel St. Hanshaugen": LDS,
    "Bydel Frogner": DIAK,
    "Bydel Ullern": DIAK,
    "Bydel Vestre Aker": DIAK,
    "Bydel Nordre Aker": DIAK,
    "Bydel Bjerke": OUS,
    "Bydel Østensjø": OUS,
    "Bydel Nordstrand": OUS,
    "Bydel Søndre Nordstrand": OUS,
    "Bydel Alna": AHUS,
    "Bydel Grorud": AHUS,
    "Bydel Stovner": AHUS,
}

_VIKEN_OSTFOLD = {3001, 3002, 3003, 3004, 3011, 3012, 3013, 3014, 3015, 3016, 3017, 3018}
_VIKEN_VESTRE = {3005, 3006, 3007, 3024, 3025} | set(range(3038, 3054))
_VESTFOLD = {3801, 3802, 3803, 3804, 3805, 3811}
_ROGALAND_FONNA = {1106, 1134, 1135, 1145, 1146, 1149, 1151, 1160}
_VESTLAND_FONNA = set(range(4611, 4621))
_TRONDELAG_HNT = {5006, 5007, 5060} | set(range(5034, 5054)) - {5054}
_NORDLAND_HELGELAND = set(range(1812, 1837))
_NORDLAND_UNN = {1806, 1853}
_FINNMARK = {5403, 5404, 5405, 5406} | set(range(5430, 5445))

_BY_COUNTY = {
    "Oslo": OUS,
    "Innlandet": "Sykehuset Innlandet HF",
    "Agder": "Sørlandet sykehus HF",
    "Møre og Romsdal": "Helse Møre og Romsdal HF",
}


def _rule(number: int, county: str) -> tuple[str, str]:
    if county in _BY_COUNTY:
        return _BY_COUNTY[county], "county"
    if county == "Viken":
        if number in _VIKEN_OSTFOLD:
            return "Sykehuset Østfold HF", "Viken: former Østfold"
        if number in _VIKEN_VESTRE:
            return "Vestre Viken HF", "Viken: former Buskerud, Asker, Bærum, Hadeland"
        return AHUS, "Viken: former Akershus"
    if county == "Vestfold og Telemark":
        if number in _VESTFOLD:
            return "Sykehuset i Vestfold HF", "former Vestfold"
        return "Sykehuset Telemark HF", "former Telemark"
    if county == "Rogaland":
        if number in _ROGALAND_FONNA:
            return "Helse Fonna HF", "Haugalandet (exception)"
        return "Helse Stavanger HF", "county"
    if county == "Vestland":
        if number in _VESTLAND_FONNA:
            return "Helse Fonna HF", "Sunnhordland and Hardanger (exception)"
        if number == 4602 or number >= 4635:
            return "Helse Førde HF", "former Sogn og Fjordane"
        return "Helse Bergen HF", "former Hordaland"
    if county == "Trøndelag":
        if number in _TRONDELAG_HNT:
            return "Helse Nord-Trøndelag HF", "former Nord-Trøndelag"
        return "St. Olavs hospital HF", "former Sør-Trøndelag"
    if county == "Nordland":
        if number == 1811:
            return "Helse Nord-Trøndelag HF", "Bindal (exception)"
        if number in _NORDLAND_HELGELAND:
            return "Helgelandssykehuset HF", "Helgeland"
        if number in _NORDLAND_UNN:
            return "Universitetssykehuset Nord-Norge HF", "Ofoten (exception)"
        return "Nordlandssykehuset HF", "Salten, Lofoten, Vesterålen"
    if county == "Troms og Finnmark":
        if number in _FINNMARK:
            return "Finnmarkssykehuset HF", "former Finnmark"
        return "Universitetssykehuset Nord-Norge HF", "former Troms"
    raise ValueError(f"no catchment rule for county {county!r}")


def build_catchment() -> pd.DataFrame:
    """The default catchment table, derived from counties with documented exceptions.

    Returns
    -------
    pandas.DataFrame
        Columns ``kommunenummer`` (str, 4 digits), ``canonical_name``, ``health_trust``,
        ``rhf``, ``rule`` (why), one row per municipality, sorted by kommunenummer.
    """
    m = municipalities()
    rhf = health_trusts().set_index("canonical_name")["rhf"]
    rows = []
    for r in m.itertuples(index=False):
        hf, why = _rule(int(r.kommunenummer), r.county)
        rows.append((r.kommunenummer, r.canonical_name, hf, rhf[hf], why))
    out = pd.DataFrame(rows, columns=list(CATCHMENT_COLUMNS))
    return out.sort_values("kommunenummer", ignore_index=True)


def load_catchment(path: str | PathLike | None = None) -> pd.DataFrame:
    """Read a catchment table (default: the packaged ``hf_catchment.csv``).

    Returns
    -------
    pandas.DataFrame
        Columns ``kommunenummer``, ``canonical_name``, ``health_trust``, ``rhf``, ``rule``.
        Unknown health trusts or municipalities raise ``ValueError``.
    """
    if path is None:
        text = (
            resources.files("avtaleanalyse.resources")
            .joinpath("reference/hf_catchment.csv")
            .read_text(encoding="utf-8")
        )
        df = pd.read_csv(io.StringIO(text), comment="#", dtype=str)
    else:
        df = pd.read_csv(path, comment="#", dtype=str)
    missing = {"kommunenummer", "health_trust"} - set(df.columns)
    if missing:
        raise ValueError(f"catchment table lacks columns {sorted(missing)}")
    m = municipalities().set_index("kommunenummer")
    ht = health_trusts().set_index("canonical_name")
    df["kommunenummer"] = df["kommunenummer"].str.zfill(4)
    bad = sorted(set(df["kommunenummer"]) - set(m.index))
    if bad:
        raise ValueError(f"unknown municipality numbers in catchment: {bad[:5]}")
    bad = sorted(set(df["health_trust"]) - set(ht.index))
    if bad:
        raise ValueError(f"unknown health trusts in catchment: {bad[:5]}")
    df["canonical_name"] = df["kommunenummer"].map(m["canonical_name"])
    df["rhf"] = df["health_trust"].map(ht["rhf"])
    if "rule" not in df.columns:
        df["rule"] = "user"
    df["rule"] = df["rule"].fillna("")
    return df[list(CATCHMENT_COLUMNS)].sort_values("kommunenummer", ignore_index=True)
