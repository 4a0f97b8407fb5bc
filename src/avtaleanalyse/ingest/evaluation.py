"""Score inferred metadata against hand labels or a demo corpus's ``truth.csv``.

Pure functions on DataFrames; the benchmark script (``bench/eval_metadata.py``) and the
tests on the real samples read the files and call these.
"""

from __future__ import annotations

from pathlib import PurePosixPath

import pandas as pd

from avtaleanalyse import schema as S

__all__ = ["DEFAULT_FIELDS", "metadata_accuracy", "normalise_truth"]

DEFAULT_FIELDS = (
    S.LANGUAGE_FORM,
    S.AGREEMENT_KIND,
    S.AGREEMENT_NUMBER,
    S.HEALTH_TRUST,
    S.MUNICIPALITIES,
    S.YEAR,
)


def _as_int(value):
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    text = str(value).strip()
    if not text:
        return None
    try:
        return int(float(text))
    except ValueError:
        return text


def _as_names(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        items = value.split(";")
    elif hasattr(value, "tolist"):
        items = value.tolist()
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        try:
            if pd.isna(value):
                return ()
        except (TypeError, ValueError):
            pass
        items = [str(value)]
    return tuple(sorted(str(i).strip() for i in items if str(i).strip() and str(i).strip() != "-"))


def _as_str(value):
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    text = str(value).strip()
    return text or None


_NORMALISERS = {
    S.AGREEMENT_NUMBER: _as_int,
    S.YEAR: _as_int,
    S.MUNICIPALITIES: _as_names,
}


def normalise_truth(labels: pd.DataFrame) -> pd.DataFrame:
    """Labels with a ``source_path`` column (``labels.csv`` names it ``file``).

    Returns
    -------
    pandas.DataFrame
        The labels with ``source_path`` (POSIX, relative) added where missing.
    """
    out = labels.copy()
    if S.SOURCE_PATH not in out.columns and "file" in out.columns:
        out[S.SOURCE_PATH] = out["file"]
    out[S.SOURCE_PATH] = out[S.SOURCE_PATH].astype(str).str.replace("\\", "/", regex=False)
    return out


def metadata_accuracy(
    predicted: pd.DataFrame,
    truth: pd.DataFrame,
    *,
    fields: tuple[str, ...] = DEFAULT_FIELDS,
    match_on_name: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-field accuracy of ``predicted`` against ``truth``.

    Documents are matched on ``source_path`` (or on the file name alone with
    ``match_on_name=True``). Blank truth means None (number, health trust, year) or an empty
    list (municipalities: a template). A truth row with no prediction counts as wrong.

    Returns
    -------
    accuracy : pandas.DataFrame
        Columns ``field``, ``n``, ``correct``, ``accuracy``; fields missing from the truth
        are left out.
    errors : pandas.DataFrame
        Columns ``source_path``, ``field``, ``expected``, ``predicted`` (str).
    """

    def key(path: str) -> str:
        path = str(path).replace("\\", "/")
        return PurePosixPath(path).name if match_on_name else path

    pred = {key(r[S.SOURCE_PATH]): r for r in predicted.to_dict("records")}
    rows, errors = [], []
    for field in fields:
        if field not in truth.columns:
            continue
        norm = _NORMALISERS.get(field, _as_str)
        n = correct = 0
        for rec in truth.to_dict("records"):
            n += 1
            expected = norm(rec[field])
            got_row = pred.get(key(rec[S.SOURCE_PATH]))
            got = norm(got_row.get(field)) if got_row is not None else "<missing>"
            if got == expected:
                correct += 1
            else:
                errors.append(
                    {
                        S.SOURCE_PATH: rec[S.SOURCE_PATH],
                        "field": field,
                        "expected": str(expected),
                        "predicted": str(got),
                    }
                )
        rows.append(
            {
                "field": field,
                "n": n,
                "correct": correct,
                "accuracy": correct / n if n else float("nan"),
            }
        )
    return (
        pd.DataFrame(rows, columns=["field", "n", "correct", "accuracy"]),
        pd.DataFrame(errors, columns=[S.SOURCE_PATH, "field", "expected", "predicted"]),
    )
