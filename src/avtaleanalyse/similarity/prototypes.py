"""Family prototypes (the consensus text a family shares) and the national model.

A family's prototype is the set of shingles present in more than half of its members
(``majority``), laid out in the order of one *base* member: a regional template if the family
holds one (``is_template``), otherwise the member that contains most of the consensus. The
prototype text is the base member's text restricted to the tokens those shingles cover
(the LOBBYBACK idea of a prototype as the text most members share).

The national model is the text shared across health trusts: shingles present in the
prototypes of families from at least ``min_trusts`` distinct health trusts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from avtaleanalyse import schema
from avtaleanalyse.similarity.candidates import member_mask
from avtaleanalyse.similarity.normalize import normalize_tokens
from avtaleanalyse.similarity.shingles import Shingled

__all__ = [
    "Prototypes",
    "covered_tokens",
    "family_prototypes",
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
        Columns ``family_id``, ``base_doc_id``, ``n_members``, ``health_trust`` (the most
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
    delta = np.zeros(n + 1, dtype=np.int64)
    j = np.flatnonzero(hit)
    np.add.at(delta, j, 1)
    np.add.at(delta, np.minimum(j + k, n), -1)
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
    for fam, grp in families.groupby(schema.FAMILY_ID, sort=True):
        members = sorted(grp[schema.DOC_ID].astype(str))
        rows = [row[m] for m in members if m in row]
        votes = Counter(h for h in (trust.get(m) for m in members) if isinstance(h, str))
        hf = min(votes, key=lambda h: (-votes[h], h)) if votes else None
        if len(rows) < 2:
            sets[fam] = np.empty(0, dtype=np.uint32)
            base = members[0]
        else:
            vals = np.concatenate([shingled.set_of(r) for r in rows])
            uniq, counts = np.unique(vals, return_counts=True)
            cons = uniq[counts > majority * len(rows)].astype(np.uint32)
            sets[fam] = cons
            score = []
            for m, r in zip(members, rows, strict=False):
                s = shingled.set_of(r)
                score.append((not bool(is_tmpl.get(m, False)), -int(member_mask(s, cons).sum()), m))
            base = min(score)[2]
        recs.append(
            {
                schema.FAMILY_ID: fam,
                "base_doc_id": base,
                "n_members": len(members),
                schema.HEALTH_TRUST: hf,
                "n_shingles": len(sets[fam]),
            }
        )
    table = pd.DataFrame(
        recs,
        columns=[schema.FAMILY_ID, "base_doc_id", "n_members", schema.HEALTH_TRUST, "n_shingles"],
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
            per_trust.append(np.unique(np.concatenate(fams)))
    if len(per_trust) < min_trusts:
        return np.empty(0, dtype=np.uint32)
    uniq, counts = np.unique(np.concatenate(per_trust), return_counts=True)
    return uniq[counts >= min_trusts].astype(np.uint32)


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
