"""Family prototypes (the consensus text a family shares) and the national model.

A family's prototype is the set of shingles present in more than half of its members
(``majority``), laid out in the order of one *base* member: a regional template if the family
holds one (``is_template``), otherwise the member that contains most of the consensus. The
prototype text is the base member's text restricted to the tokens those shingles cover
(the LOBBYBACK idea of a prototype as the text most members share).

The national model is either given as a reference text (:func:`national_from_text`: the
model agreement the trusts started from) or, without one, estimated as the text shared across
health trusts: shingles present in the prototypes of families from at least ``min_trusts``
distinct health trusts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from avtaleanalyse import schema
from avtaleanalyse.similarity.normalize import normalize_tokens
from avtaleanalyse.similarity.shingles import (
    Shingled,
    sorted_unique,
    unique_counts,
)

__all__ = [
    "Prototypes",
    "covered_by_shingles",
    "covered_tokens",
    "family_prototypes",
    "national_from_text",
    "national_model",
    "prototype_text",
    "runs",
]


@dataclass(frozen=True)
class Prototypes:
    """Prototypes of all families.

    Attributes
    ----------
    table : pandas.DataFrame
        Columns ``family_id``, ``base_doc_id``, ``alt_base_doc_id`` (the runner-up, against
        which the base member itself is compared), ``n_members``, ``health_trust`` (the most
        common trust among members), ``n_shingles`` (size of the consensus set).
    sets : dict
        ``family_id`` -> sorted uint32 consensus shingle hashes (empty for one-member
        families).
    """

    table: pd.DataFrame
    sets: dict[str, np.ndarray] = field(repr=False)


def covered_tokens(seq: np.ndarray, n_tokens: int, ref: np.ndarray, ngram: int) -> np.ndarray:
    """Boolean mask of a unit's tokens covered by a shingle found in ``ref`` (sorted).

    Shingle ``j`` covers tokens ``j .. j+ngram-1``; a unit shorter than ``ngram`` has one
    shingle covering all its tokens.
    """
    from avtaleanalyse.similarity.kernels import covered_by_sorted

    n = int(n_tokens)
    out = np.zeros(n, dtype=bool)
    if n == 0 or len(seq) == 0 or len(ref) == 0:
        return out
    # one compiled pass (a binary search per shingle): called once or more per document
    covered_by_sorted(seq, n, ref, min(ngram, n), out)
    return out


def covered_by_shingles(
    seq: np.ndarray, n_tokens: int, other: np.ndarray, ngram: int
) -> np.ndarray:
    """:func:`covered_tokens` with ``ref`` the distinct shingles of ``other``, a unit's
    shingle sequence as it is (unsorted, repeats allowed): a small hash table of ``other``
    instead of sorting it, for one unit against another."""
    from avtaleanalyse.similarity.kernels import covered_by_sequence

    n = int(n_tokens)
    out = np.zeros(n, dtype=bool)
    if n == 0 or len(seq) == 0 or len(other) == 0:
        return out
    covered_by_sequence(seq, n, np.ascontiguousarray(other, dtype=np.uint32), min(ngram, n), out)
    return out


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """``[start, end)`` of the maximal runs of True in ``mask``."""
    m = np.concatenate(([False], np.asarray(mask, dtype=bool), [False]))
    d = np.flatnonzero(m[1:] != m[:-1])
    return [(int(a), int(b)) for a, b in zip(d[::2], d[1::2], strict=True)]


def family_prototypes(
    shingled: Shingled,
    families: pd.DataFrame,
    documents: pd.DataFrame | None = None,
    *,
    majority: float = 0.5,
    n_jobs: int = 1,
) -> Prototypes:
    """Consensus shingles and base member of every family.

    Parameters
    ----------
    shingled
        Document shingles (full sets, boilerplate included).
    families
        ``doc_id``, ``family_id``.
    documents
        Optional, for ``is_template`` (base choice) and ``health_trust``.
    majority
        A shingle is in the prototype when more than this share of members have it.
    n_jobs
        Threads counting the consensus (the result does not depend on it).

    Returns
    -------
    Prototypes
    """
    row = {d: i for i, d in enumerate(shingled.ids.astype(str))}
    meta = (
        documents.set_index(schema.DOC_ID)
        if documents is not None
        else pd.DataFrame(index=pd.Index([], name=schema.DOC_ID))
    )
    is_tmpl = (
        meta[schema.IS_TEMPLATE].fillna(False).astype(bool).to_dict()
        if schema.IS_TEMPLATE in meta
        else {}
    )
    trust = meta[schema.HEALTH_TRUST].to_dict() if schema.HEALTH_TRUST in meta else {}
    recs = []
    sets: dict[str, np.ndarray] = {}
    groups = [
        (fam, sorted(grp[schema.DOC_ID].astype(str)))
        for fam, grp in families.groupby(schema.FAMILY_ID, sort=True)
    ]
    # member rows of the multi-member families, family after family
    member_rows = [[row[m] for m in members if m in row] for _, members in groups]
    member_rows = [rows if len(rows) >= 2 else [] for rows in member_rows]
    cons, cons_start, cons_len, score = _consensus(shingled, member_rows, majority, n_jobs)
    start = 0
    for k, (fam, members) in enumerate(groups):
        score_of = dict(
            zip(
                [m for m in members if m in row] if member_rows[k] else [],
                score[start : start + len(member_rows[k])].tolist(),
                strict=True,
            )
        )
        start += len(member_rows[k])
        votes = Counter(h for h in (trust.get(m) for m in members) if isinstance(h, str))
        hf = min(votes, key=lambda h: (-votes[h], h)) if votes else None
        cons_k = cons[cons_start[k] : cons_start[k] + cons_len[k]].copy()
        sets[fam] = cons_k
        ranked = sorted(
            members,
            key=lambda m: (not bool(is_tmpl.get(m, False)), -score_of.get(m, 0), m),
        )
        recs.append(
            {
                schema.FAMILY_ID: fam,
                "base_doc_id": ranked[0],
                "alt_base_doc_id": ranked[1] if len(ranked) > 1 else None,
                "n_members": len(members),
                schema.HEALTH_TRUST: hf,
                "n_shingles": len(cons_k),
            }
        )
    table = pd.DataFrame(
        recs,
        columns=[
            schema.FAMILY_ID,
            "base_doc_id",
            "alt_base_doc_id",
            "n_members",
            schema.HEALTH_TRUST,
            "n_shingles",
        ],
    )
    return Prototypes(table=table, sets=sets)


def _consensus(
    shingled: Shingled, member_rows: list[list[int]], majority: float, n_jobs: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Consensus sets (one buffer, a slice per family) and per-member scores, counted by
    ``n_jobs`` threads over ranges of families
    (:func:`~avtaleanalyse.similarity.kernels.family_consensus`)."""
    from avtaleanalyse.similarity.kernels import family_consensus

    n_fam = len(member_rows)
    sizes = np.array([len(r) for r in member_rows], dtype=np.int64)
    members = np.array([m for rows in member_rows for m in rows], dtype=np.int64)
    fam_ptr = np.zeros(n_fam + 1, dtype=np.int64)
    np.cumsum(sizes, out=fam_ptr[1:])
    offsets = np.asarray(shingled.seq_offsets, dtype=np.int64)
    lengths = offsets[members + 1] - offsets[members] if len(members) else members
    total = np.zeros(n_fam, dtype=np.int64)
    np.add.at(total, np.repeat(np.arange(n_fam), sizes), lengths)
    # a consensus value is held by more than majority * size members
    room = total // np.maximum(np.floor(majority * sizes).astype(np.int64) + 1, 1)
    cons_start = np.zeros(n_fam + 1, dtype=np.int64)
    np.cumsum(room, out=cons_start[1:])
    cons = np.empty(int(cons_start[-1]), dtype=np.uint32)
    cons_len = np.zeros(n_fam, dtype=np.int64)
    score = np.zeros(len(members), dtype=np.int64)
    jobs = max(1, min(n_jobs, n_fam))
    # equal shares of the values to count, not of the families
    cum = np.cumsum(total)
    cuts = [0] + [int(np.searchsorted(cum, cum[-1] * q / jobs)) for q in range(1, jobs)] + [n_fam]
    args = (shingled.seq, offsets, members, fam_ptr, float(majority))
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        running = [
            pool.submit(family_consensus, *args, lo, hi, cons_start, cons, cons_len, score)
            for lo, hi in zip(cuts[:-1], cuts[1:], strict=True)
            if hi > lo
        ]
        for job in running:
            job.result()
    return cons, cons_start, cons_len, score


def national_model(prototypes: Prototypes, *, min_trusts: int = 3) -> np.ndarray:
    """Shingles in the prototypes of families from at least ``min_trusts`` health trusts.

    Returns
    -------
    numpy.ndarray
        Sorted distinct uint32 hashes.
    """
    t = prototypes.table.dropna(subset=[schema.HEALTH_TRUST])
    per_trust = []
    for _, grp in t.groupby(schema.HEALTH_TRUST, sort=True):
        fams = [prototypes.sets[f] for f in grp[schema.FAMILY_ID] if len(prototypes.sets[f])]
        if fams:
            per_trust.append(sorted_unique(np.concatenate(fams)))
    if len(per_trust) < min_trusts:
        return np.empty(0, dtype=np.uint32)
    uniq, counts = unique_counts(np.concatenate(per_trust))
    return uniq[counts >= min_trusts].astype(np.uint32)


def national_from_text(
    text: str, *, ngram: int = 5, common_form: bool = True, language_form: str = "bokmal"
) -> np.ndarray:
    """The national model as the shingles of a reference text (e.g. the guideline's model).

    The text is normalised as the documents are (party names masked generically, numbers,
    common form), so a regional copy of a national clause matches it.

    Returns
    -------
    numpy.ndarray
        Sorted distinct uint32 hashes.
    """
    from avtaleanalyse.similarity.shingles import shingle_partition

    df = pd.DataFrame(
        {
            schema.DOC_ID: ["national_model"],
            schema.TEXT: [text],
            schema.LANGUAGE_FORM: [language_form],
        }
    )
    sh = shingle_partition(df, ngram=ngram, common_form=common_form)
    return sorted_unique(sh.seq_of(0)).astype(np.uint32)


def prototype_text(
    text: str,
    seq: np.ndarray,
    n_tokens: int,
    consensus: np.ndarray,
    *,
    ngram: int,
    parties: tuple[str, ...] = (),
    language_form: str = "bokmal",
    common_form: bool = True,
    separator: str = " […] ",
    char_span: Callable[[int, int], tuple[int, int]] | None = None,
) -> str:
    """The prototype as text: the base member's text cut to the consensus-covered runs.

    ``char_span(start, end)``: where comparison tokens ``start:end`` lie in ``text``
    (e.g. :meth:`~avtaleanalyse.similarity.alignment.FamilyAligner.char_span`, found from
    the document's marks); without it the whole text is tokenised to find them.

    Returns
    -------
    str
        Runs of the base text joined by ``separator`` where non-consensus text was left out.
    """
    found = runs(covered_tokens(seq, n_tokens, consensus, ngram))
    if char_span is None and found:
        _, spans = normalize_tokens(
            text, parties=parties, language_form=language_form, common_form=common_form
        )

        def char_span(a: int, b: int) -> tuple[int, int]:
            return int(spans[a, 0]), int(spans[b - 1, 1])

    return separator.join(text[slice(*char_span(a, b))] for a, b in found)
