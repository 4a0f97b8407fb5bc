"""The manifest: a hand-editable CSV of metadata whose values win over inferred ones.

Format
------
* UTF-8 (a BOM is tolerated), comma-separated, first non-comment line is the header; lines
  whose first character is ``#`` are comments and ignored.
* Required column ``source_path``: the file's path relative to INPUT_DIR, with ``/`` as
  separator (as in ``documents.parquet``).
* Optional columns, in any order: ``title``, ``agreement_kind`` (overordnet | delavtale |
  tjenesteavtale | saeravtale | annet), ``agreement_number`` (integer), ``agreement_label``
  (the number as written, e.g. ``2A`` or ``11 og 12``), ``health_trust`` (canonical name or
  a known alias, e.g. ``Helse Bergen`` or ``Ahus``), ``municipalities`` (``;``-separated
  canonical names or aliases; ``Herøy (Nordland)`` for homonyms; a bare homonym is resolved
  by the row's health trust), ``year`` (integer), ``language_form`` (bokmal | nynorsk; also
  accepted: bokmål, nb, nn), ``comment`` (free text, ignored).
* A blank cell is silent: the inferred value is used. A row's ``municipalities`` cell that
  holds only ``-`` states "no municipality" (a template).
* Any other column, or an invalid value (unknown kind, non-integer number or year, unknown
  health trust, unknown municipality, unknown language form, a duplicated source_path)
  raises :class:`ManifestError` naming the row (1-based line number in the file) and column.

Example::

    # my corpus
    source_path,agreement_kind,agreement_number,health_trust,municipalities,year
    Tenesteavtale 10 Kvinnherad.pdf,tjenesteavtale,10,Helse Fonna,Kvinnherad,2012
    bergen/da2.docx,,,,,2022
"""

from __future__ import annotations

import csv
import io
import json
import re
from os import PathLike

import pandas as pd

from avtaleanalyse import schema as S
from avtaleanalyse.reference.matching import (
    canonical_health_trust,
    health_trust_counties,
    municipality_candidates,
    municipality_number,
    resolve_municipality,
)

__all__ = [
    "MANIFEST_COLUMNS",
    "METADATA_FIELDS",
    "ManifestError",
    "apply_manifest",
    "read_manifest",
    "to_manifest",
]

COMMENT = "comment"
MANIFEST_COLUMNS = (
    S.SOURCE_PATH,
    S.TITLE,
    S.AGREEMENT_KIND,
    S.AGREEMENT_NUMBER,
    S.AGREEMENT_LABEL,
    S.HEALTH_TRUST,
    S.MUNICIPALITIES,
    S.YEAR,
    S.LANGUAGE_FORM,
    COMMENT,
)
# the fields a manifest may set, in documents.parquet terms
METADATA_FIELDS = (
    S.TITLE,
    S.AGREEMENT_KIND,
    S.AGREEMENT_NUMBER,
    S.AGREEMENT_LABEL,
    S.HEALTH_TRUST,
    S.MUNICIPALITIES,
    S.YEAR,
    S.LANGUAGE_FORM,
)
MISSING_FILE_REASON = "listed in manifest but file missing"
_LANGUAGE_ALIASES = {
    "bokmal": "bokmal",
    "bokmål": "bokmal",
    "nb": "bokmal",
    "nynorsk": "nynorsk",
    "nn": "nynorsk",
}


class ManifestError(ValueError):
    """A manifest with an unknown column or an invalid value (message names row and column)."""


def _fail(line: int, column: str, message: str) -> ManifestError:
    return ManifestError(f"manifest row {line}, column {column!r}: {message}")


def _parse_int(value: str, line: int, column: str) -> int:
    if not re.fullmatch(r"\s*\d+(?:\.0+)?\s*", value):  # "2.0" from a spreadsheet is fine
        raise _fail(line, column, f"{value!r} is not a whole number")
    return int(float(value))


def _parse_municipalities(value: str, line: int, trust: str | None) -> list[str]:
    if value.strip() == "-":
        return []
    counties = health_trust_counties(trust) if trust else ()
    out = []
    for name in (n.strip() for n in value.split(";")):
        if not name:
            continue
        entry = resolve_municipality(name, counties=counties or None)
        if entry is None:
            if len(municipality_candidates(name)) > 1:
                raise _fail(
                    line,
                    S.MUNICIPALITIES,
                    f"{name!r} is ambiguous; write e.g. "
                    f"{municipality_candidates(name)[0].canonical_name!r}",
                )
            raise _fail(line, S.MUNICIPALITIES, f"unknown municipality {name!r}")
        out.append(entry.canonical_name)
    return sorted(dict.fromkeys(out))


def read_manifest(path: str | PathLike[str]) -> pd.DataFrame:
    """Read and validate a manifest (format: see the module docstring).

    Parameters
    ----------
    path : path-like
        The CSV file.

    Returns
    -------
    pandas.DataFrame
        One row per manifest row, sorted by ``source_path``; columns ``source_path``,
        ``title``, ``agreement_kind``, ``agreement_number`` (Int64), ``agreement_label``,
        ``health_trust`` (canonical), ``municipalities`` (list of canonical names, or None
        where the cell was blank), ``year`` (Int64), ``language_form``, ``comment``.
        Blank cells are missing values (None, NaN or <NA>).

    Raises
    ------
    ManifestError
        Unknown column, missing ``source_path`` column or value, duplicate path, or an
        invalid value; the message names the row and the column.
    """
    with open(path, encoding="utf-8-sig", newline="") as fh:
        raw = fh.read()
    numbered = [
        (i, line) for i, line in enumerate(raw.splitlines(), start=1) if not line.startswith("#")
    ]
    numbered = [(i, line) for i, line in numbered if line.strip()]
    if not numbered:
        raise ManifestError("manifest is empty: no header line")
    reader = csv.reader(io.StringIO("\n".join(line for _, line in numbered)))
    rows = list(reader)
    header = [h.strip() for h in rows[0]]
    header_line = numbered[0][0]
    unknown = [h for h in header if h not in MANIFEST_COLUMNS]
    if unknown:
        raise _fail(
            header_line,
            unknown[0],
            f"unknown column; allowed columns: {', '.join(MANIFEST_COLUMNS)}",
        )
    if S.SOURCE_PATH not in header:
        raise _fail(header_line, S.SOURCE_PATH, "required column missing")
    records = []
    seen: dict[str, int] = {}
    for (line, _), row in zip(numbered[1:], rows[1:], strict=True):
        if len(row) > len(header):
            raise _fail(line, header[-1], f"{len(row)} cells but {len(header)} columns")
        cells = {h: (row[k].strip() if k < len(row) else "") for k, h in enumerate(header)}
        rec: dict = {c: None for c in MANIFEST_COLUMNS}
        path_value = cells[S.SOURCE_PATH].replace("\\", "/")
        if not path_value:
            raise _fail(line, S.SOURCE_PATH, "empty path")
        if path_value in seen:
            raise _fail(line, S.SOURCE_PATH, f"duplicate of row {seen[path_value]}")
        seen[path_value] = line
        rec[S.SOURCE_PATH] = path_value
        for col in (S.TITLE, S.AGREEMENT_LABEL, COMMENT):
            rec[col] = cells.get(col) or None
        kind = cells.get(S.AGREEMENT_KIND, "")
        if kind:
            if kind.lower() not in S.AGREEMENT_KINDS:
                raise _fail(
                    line,
                    S.AGREEMENT_KIND,
                    f"{kind!r} is not one of {', '.join(S.AGREEMENT_KINDS)}",
                )
            rec[S.AGREEMENT_KIND] = kind.lower()
        for col in (S.AGREEMENT_NUMBER, S.YEAR):
            if cells.get(col):
                rec[col] = _parse_int(cells[col], line, col)
        form = cells.get(S.LANGUAGE_FORM, "")
        if form:
            if form.lower() not in _LANGUAGE_ALIASES:
                raise _fail(line, S.LANGUAGE_FORM, f"{form!r} is not bokmal or nynorsk")
            rec[S.LANGUAGE_FORM] = _LANGUAGE_ALIASES[form.lower()]
        trust = cells.get(S.HEALTH_TRUST, "")
        if trust:
            canonical = canonical_health_trust(trust)
            if canonical is None:
                raise _fail(line, S.HEALTH_TRUST, f"unknown health trust {trust!r}")
            rec[S.HEALTH_TRUST] = canonical
        if cells.get(S.MUNICIPALITIES):
            rec[S.MUNICIPALITIES] = _parse_municipalities(
                cells[S.MUNICIPALITIES], line, rec[S.HEALTH_TRUST]
            )
        records.append(rec)
    out = pd.DataFrame.from_records(records, columns=list(MANIFEST_COLUMNS))
    for col in (S.AGREEMENT_NUMBER, S.YEAR):
        out[col] = pd.array(out[col].tolist(), dtype="Int64")
    return out.sort_values(S.SOURCE_PATH, kind="stable").reset_index(drop=True)


def _blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, list | tuple):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def apply_manifest(
    documents: pd.DataFrame, manifest: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Let the manifest's non-blank cells win over the inferred metadata.

    Parameters
    ----------
    documents : pandas.DataFrame
        One row per accepted document with ``source_path`` and the inferred metadata columns.
    manifest : pandas.DataFrame
        As returned by :func:`read_manifest`.

    Returns
    -------
    documents : pandas.DataFrame
        A new frame, same rows and order, with manifest values where the manifest has a
        non-blank cell; ``municipality_numbers`` and ``is_template`` follow a manifest's
        ``municipalities``, ``agreement_label`` follows a manifest's number when the label is
        not also given; column ``metadata_source`` holds a JSON str mapping each metadata
        field to ``"manifest"`` or ``"inferred"``.
    rejects : pandas.DataFrame
        Columns ``source_path``, ``reason`` ("listed in manifest but file missing"),
        ``detail``: manifest rows whose file is not among the documents.
    """
    docs = documents.copy()
    by_path = {r[S.SOURCE_PATH]: r for r in manifest.to_dict("records")}
    for col in (*METADATA_FIELDS, S.MUNICIPALITY_NUMBERS, S.IS_TEMPLATE):
        if col not in docs.columns:
            docs[col] = None
    docs[S.AGREEMENT_NUMBER] = docs[S.AGREEMENT_NUMBER].astype("Int64")
    docs[S.YEAR] = docs[S.YEAR].astype("Int64")
    sources = []
    for idx, row in docs.iterrows():
        entry = by_path.get(row[S.SOURCE_PATH])
        source = dict.fromkeys(METADATA_FIELDS, "inferred")
        if entry is not None:
            for field in METADATA_FIELDS:
                value = entry.get(field)
                if _blank(value):
                    continue
                source[field] = "manifest"
                docs.at[idx, field] = list(value) if field == S.MUNICIPALITIES else value
            if source[S.MUNICIPALITIES] == "manifest":
                names = list(entry[S.MUNICIPALITIES])
                docs.at[idx, S.MUNICIPALITY_NUMBERS] = [municipality_number(n) or "" for n in names]
                docs.at[idx, S.IS_TEMPLATE] = not names
            if source[S.AGREEMENT_NUMBER] == "manifest" and source[S.AGREEMENT_LABEL] != "manifest":
                docs.at[idx, S.AGREEMENT_LABEL] = str(entry[S.AGREEMENT_NUMBER])
                source[S.AGREEMENT_LABEL] = "manifest"
        sources.append(json.dumps(source, sort_keys=True))
    docs[S.METADATA_SOURCE] = sources
    present = set(docs[S.SOURCE_PATH])
    missing = sorted(p for p in by_path if p not in present)
    rejects = pd.DataFrame(
        {
            S.SOURCE_PATH: missing,
            S.REASON: [MISSING_FILE_REASON] * len(missing),
            S.DETAIL: ["the manifest lists this path; no such file was read"] * len(missing),
        },
        columns=list(S.REJECT_COLUMNS),
    )
    return docs, rejects


def to_manifest(documents: pd.DataFrame) -> pd.DataFrame:
    """The documents' metadata in manifest format (for ``--write-manifest``).

    Write it with ``avtaleanalyse.io.write_csv``; :func:`read_manifest` reads it back to the
    same values. A template (``is_template``) gets ``-`` (explicitly no municipality).

    Returns
    -------
    pandas.DataFrame
        Columns ``source_path``, ``title``, ``agreement_kind``, ``agreement_number``,
        ``agreement_label``, ``health_trust``, ``municipalities`` (';'-joined), ``year``,
        ``language_form``, ``comment`` (empty); all str, blank where unknown; sorted by path.
    """

    def cell(value) -> str:
        if isinstance(value, list | tuple) or hasattr(value, "tolist"):
            names = list(value.tolist() if hasattr(value, "tolist") else value)
            return ";".join(names)
        if _blank(value):
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    rows = []
    for rec in documents.to_dict("records"):
        row = {c: "" for c in MANIFEST_COLUMNS}
        row[S.SOURCE_PATH] = rec[S.SOURCE_PATH]
        for field in METADATA_FIELDS:
            if field in rec:
                row[field] = cell(rec[field])
        # "-" states "no municipality" (a template); an empty list that inference could not
        # fill is unknown, and stays blank so a round trip does not turn it into a template.
        if (
            row[S.MUNICIPALITIES] == ""
            and not _blank(rec.get(S.IS_TEMPLATE))
            and rec.get(S.IS_TEMPLATE)
        ):
            row[S.MUNICIPALITIES] = "-"
        rows.append(row)
    out = pd.DataFrame(rows, columns=list(MANIFEST_COLUMNS), dtype=str)
    return out.sort_values(S.SOURCE_PATH, kind="stable").reset_index(drop=True)
