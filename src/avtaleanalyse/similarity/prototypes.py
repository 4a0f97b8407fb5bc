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
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from avtaleanalyse import schema
from avtaleanalyse.similarity.normalize import normalize_tokens
from avtaleanalyse.similarity.shingles import (
    Shingled,
    sort_with_order,
    sorted_unique,
    unique_counts,
)

__all__ = [
    "Prototypes",
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
    n = int(n_tokens)
    if n == 0 or len(seq) == 0 or len(ref) == 0:
        return np.zeros(n, dtype=bool)
    k = min(ngram, n)
    pos = np.searchsorted(ref, seq)
    pos[pos >= len(ref)] = 0
    hit = ref[pos] == seq
    j = np.flatnonzero(hit)
    delta = np.bincount(j, minlength=n + 1) - np.bincount(np.minimum(j + k, n), minlength=n + 1)
    return np.cumsum(delta[:n]) > 0


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
    batch: int = 48,
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
    batch
        Families processed together in one vectorised pass.

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
    mask32 = np.uint64(0xFFFFFFFF)
    sh32 = np.uint64(32)
    for start in range(0, len(groups), batch):
        chunk = groups[start : start + batch]
        # member rows of the multi-member families of this batch
        mem_rows, mem_fam, mem_ids = [], [], []
        for k, (_, members) in enumerate(chunk):
            rows = [row[m] for m in members if m in row]
            if len(rows) >= 2:
                mem_rows.extend(rows)
                mem_fam.extend([k] * len(rows))
                mem_ids.extend(m for m in members if m in row)
        cons_by_fam: dict[int, np.ndarray] = {}
        score = np.zeros(len(mem_rows), dtype=np.int64)
        if mem_rows:
            seqs = [shingled.seq_of(r) for r in mem_rows]
            lens = np.array([len(x) for x in seqs], dtype=np.int64)
            mem_local = np.repeat(np.arange(len(mem_rows), dtype=np.uint64), lens)
            doc_keys = sorted_unique((mem_local << sh32) | np.concatenate(seqs).astype(np.uint64))
            m_of = (doc_keys >> sh32).astype(np.int64)
            hashes = doc_keys & mask32
            fam_of = np.asarray(mem_fam, dtype=np.uint64)[m_of]
            # one sort of the (family, hash) keys gives each key's member count and, in the
            # same order, which member it came from
            order, fam_sorted = sort_with_order((fam_of << sh32) | hashes)
            first = np.flatnonzero(np.concatenate(([True], fam_sorted[1:] != fam_sorted[:-1])))
            counts = np.diff(np.append(first, len(fam_sorted)))
            uk = fam_sorted[first]
            size = np.bincount(np.asarray(mem_fam), minlength=len(chunk))
            in_cons = counts > majority * size[(uk >> sh32).astype(np.int64)]
            cons = uk[in_cons]
            cf = (cons >> sh32).astype(np.int64)
            bounds = np.searchsorted(cf, np.arange(len(chunk) + 1))
            for k in range(len(chunk)):
                cons_by_fam[k] = (cons[bounds[k] : bounds[k + 1]] & mask32).astype(np.uint32)
            # per member: how many of its shingles are consensus shingles
            score = np.bincount(
                m_of[order], weights=np.repeat(in_cons, counts), minlength=len(mem_rows)
            )
        score_of = dict(zip(mem_ids, score.tolist(), strict=True))
        for k, (fam, members) in enumerate(chunk):
            votes = Counter(h for h in (trust.get(m) for m in members) if isinstance(h, str))
            hf = min(votes, key=lambda h: (-votes[h], h)) if votes else None
            cons_k = cons_by_fam.get(k, np.empty(0, dtype=np.uint32))
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
) -> str:
    """The prototype as text: the base member's text cut to the consensus-covered runs.

    Returns
    -------
    str
        Runs of the base text joined by ``separator`` where non-consensus text was left out.
    """
    _, spans = normalize_tokens(
        text, parties=parties, language_form=language_form, common_form=common_form
    )
    cov = covered_tokens(seq, n_tokens, consensus, ngram)
    parts = []
    for a, b in runs(cov):
        parts.append(text[int(spans[a, 0]) : int(spans[b - 1, 1])])
    return separator.join(parts)
