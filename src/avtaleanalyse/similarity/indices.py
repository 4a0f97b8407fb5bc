"""Standardisation indices: national model share, regional template share, local share.

For document ``d`` with comparison tokens ``T_d`` and shingle sequence ``s_0 … s_{m-1}``
(shingle ``j`` covers tokens ``j … j+n-1``), and a reference shingle set ``R``,
``cov_R(d) = {t ∈ T_d : ∃ j, j ≤ t < j+n, s_j ∈ R}``. With ``N`` the national model and
``P_f`` the prototype of the document's family ``f``:

* national share  ``ν_d = |cov_N(d)| / |T_d|``
* regional share  ``ρ_d = |cov_{P_f}(d) \\ cov_N(d)| / |T_d|``
* local share     ``λ_d = 1 − ν_d − ρ_d``: tokens covered by neither, in runs of at least
  ``min_local_run`` tokens that :mod:`~avtaleanalyse.similarity.alignment` classifies as
  ``added`` or ``edited`` relative to the family's base member. Shorter uncovered runs,
  runs that fill a template slot (the members disagree there: contact roles, dates) and
  runs that are variants of the replaced text (other written form, OCR damage) count as
  regional.

The three sum to one. Aggregates (per municipality, health trust, agreement type, year) are
token-weighted and unweighted means over documents; see ``docs/standardisation.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from avtaleanalyse import schema
from avtaleanalyse.similarity.alignment import LOCAL_KINDS, FamilyAligner, Run
from avtaleanalyse.similarity.prototypes import Prototypes, covered_tokens
from avtaleanalyse.similarity.shingles import Shingled

__all__ = [
    "NATIONAL_SHARE",
    "REGIONAL_SHARE",
    "LOCAL_SHARE",
    "aggregate_indices",
    "document_indices",
]

NATIONAL_SHARE = "national_share"
REGIONAL_SHARE = "regional_share"
LOCAL_SHARE = "local_share"


def _coverage(sh: Shingled, lo: int, hi: int, hit: np.ndarray) -> np.ndarray:
    """Per-token coverage (bool, concatenated over units ``lo:hi``) from per-shingle hits."""
    from avtaleanalyse.similarity.kernels import hit_coverage

    out = np.zeros(int(sh.n_tokens[lo:hi].sum()), dtype=bool)
    if len(hit) != sh.seq_offsets[hi] - sh.seq_offsets[lo]:
        raise ValueError("one hit per shingle of the units")
    hit_coverage(sh.seq_offsets, sh.n_tokens, lo, hi, sh.ngram, np.asarray(hit, bool), out)
    return out


def _drop_short_runs(mask: np.ndarray, tok_off: np.ndarray, min_run: int) -> np.ndarray:
    """``mask`` without its runs of True shorter than ``min_run`` (runs end at unit borders)."""
    if min_run <= 1 or not mask.any():
        return mask
    new_run = np.empty(len(mask), dtype=bool)
    new_run[0] = True
    new_run[1:] = mask[1:] != mask[:-1]
    starts = tok_off[:-1][tok_off[:-1] < len(mask)]
    new_run[starts] = True
    run_id = np.cumsum(new_run) - 1
    run_len = np.bincount(run_id)
    return mask & (run_len[run_id] >= min_run)


@dataclass(frozen=True)
class _KeyTable:
    """A set of shingle hashes as an open-addressing table (compiled look-ups)."""

    keys: np.ndarray
    slots: np.ndarray
    bits: int

    @classmethod
    def of(cls, keys: np.ndarray) -> _KeyTable:
        from avtaleanalyse.similarity.kernels import code_table

        keys = np.ascontiguousarray(keys, dtype=np.uint32)
        bits = max(4, int(2 * max(len(keys), 1) - 1).bit_length())
        return cls(keys, code_table(keys, bits), bits)

    def hits(self, values: np.ndarray) -> np.ndarray:
        """Whether each of ``values`` is in the set."""
        from avtaleanalyse.similarity.kernels import key_hits

        if not len(self.keys):
            return np.zeros(len(values), dtype=bool)
        return key_hits(values, self.keys, self.slots, self.bits)


@dataclass(frozen=True)
class _Context:
    """What every chunk of units needs (shared with forked workers, not copied)."""

    ids: np.ndarray
    fam_codes: np.ndarray
    # every family's consensus set, sorted, by family code: values[offsets[f]:offsets[f+1]]
    cons_offsets: np.ndarray
    cons_values: np.ndarray
    national: _KeyTable
    shared: _KeyTable
    min_local_run: int


def _index_units(
    aligner: FamilyAligner, ctx: _Context, ranges: list[tuple[int, int]]
) -> list[tuple[int, np.ndarray, dict[str, list[Run]]]]:
    """Per range ``lo:hi`` of units: the national share and the classified runs of each
    unit (none where no uncovered run has ``min_local_run`` tokens)."""
    from avtaleanalyse.similarity.kernels import family_hits

    sh = aligner.sh
    out = []
    for lo, hi in ranges:
        seq = sh.seq[sh.seq_offsets[lo] : sh.seq_offsets[hi]]
        hit_n = ctx.national.hits(seq)
        hit_p = family_hits(
            sh.seq, sh.seq_offsets, lo, hi, ctx.fam_codes, ctx.cons_offsets, ctx.cons_values
        )
        cov_n = _coverage(sh, lo, hi, hit_n)
        covered = cov_n | _coverage(sh, lo, hi, hit_p)
        n_tok = sh.n_tokens[lo:hi].astype(np.int64)
        tok_off = np.zeros(len(n_tok) + 1, dtype=np.int64)
        np.cumsum(n_tok, out=tok_off[1:])

        def per_unit(mask: np.ndarray, n_tok=n_tok, tok_off=tok_off) -> np.ndarray:
            c = np.zeros(len(mask) + 1, dtype=np.int64)
            np.cumsum(mask, out=c[1:])
            return (c[tok_off[1:]] - c[tok_off[:-1]]) / np.maximum(n_tok, 1)

        if len(ctx.shared.keys):
            covered |= _coverage(sh, lo, hi, ctx.shared.hits(seq))
        for u, d in enumerate(ctx.ids[lo:hi]):
            ref = aligner.references.get(str(d))
            if ref is not None:
                a, b = int(tok_off[u]), int(tok_off[u + 1])
                r = lo + u
                covered[a:b] |= covered_tokens(sh.seq_of(r), int(sh.n_tokens[r]), ref, sh.ngram)
        has_runs = per_unit(_drop_short_runs(~covered, tok_off, ctx.min_local_run)) > 0
        found: dict[str, list[Run]] = {}
        for u, d in enumerate(ctx.ids[lo:hi]):
            if has_runs[u]:
                cov = covered[int(tok_off[u]) : int(tok_off[u + 1])]
                found[str(d)] = aligner.runs(str(d), cov, min_tokens=ctx.min_local_run)
            else:
                found[str(d)] = []  # what classifying would give: no run is long enough
        out.append((lo, per_unit(cov_n), found))
    return out


def document_indices(
    shingled: Shingled,
    families: pd.DataFrame,
    prototypes: Prototypes,
    national: np.ndarray,
    *,
    documents: pd.DataFrame | None = None,
    references: dict[str, np.ndarray] | None = None,
    min_local_run: int = 1,
    variant_ratio: float = 0.7,
    common_form: bool = True,
    aligner: FamilyAligner | None = None,
    chunk: int = 250,
    n_jobs: int = 1,
) -> pd.DataFrame:
    """The three shares for every document (vectorised over chunks of documents).

    ``min_local_run``: uncovered runs shorter than this many tokens are fill-in slots inside
    shared text (a contact role, a date the masking missed) and count as template text
    (regional share) rather than local text. Longer runs are classified by
    :class:`~avtaleanalyse.similarity.alignment.FamilyAligner`: slot fills, and (with
    ``documents``, whose texts are then re-tokenised for the documents concerned) variants
    with similarity >= ``variant_ratio`` to the text they replace, are regional too.
    ``references`` (:func:`~avtaleanalyse.similarity.alignment.singleton_references`) gives a
    document alone in its family the text it is compared with instead of a consensus.
    Pass ``aligner`` to share the classified runs with
    :func:`~avtaleanalyse.similarity.adaptations.local_adaptations`; its ``shared`` text
    (across trusts) is never local either, but counts as regional, not national.
    ``n_jobs``: processes that compute coverage and classify the runs, chunk by chunk of
    ``chunk`` units (:meth:`FamilyAligner.map_batches`); the result does not depend on it.

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_id``, ``family_id``, ``n_tokens``, ``national_share``,
        ``regional_share``, ``local_share``, ``template_share`` (covered by the family
        prototype, national or not).
    """

    sh = shingled
    if aligner is None:
        aligner = FamilyAligner(
            sh,
            families,
            prototypes,
            documents=documents,
            common_form=common_form,
            variant_ratio=variant_ratio,
            references=references,
        )
    ids = sh.ids.astype(str)
    fam_of = families.set_index(schema.DOC_ID)[schema.FAMILY_ID].reindex(ids)
    fam_codes, fam_names = pd.factorize(fam_of, sort=True)
    # (family code, hash) keys of every family's consensus set, sorted
    name_to_code = {f: c for c, f in enumerate(fam_names)}
    keys = [
        (np.uint64(name_to_code[f]) << np.uint64(32)) | s.astype(np.uint64)
        for f, s in prototypes.sets.items()
        if f in name_to_code and len(s)
    ]
    cons_keys = np.sort(np.concatenate(keys)) if keys else np.empty(0, dtype=np.uint64)
    cons_offsets = np.searchsorted(
        (cons_keys >> np.uint64(32)).astype(np.int64), np.arange(len(fam_names) + 1)
    ).astype(np.int64)
    cons_values = (cons_keys & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    del cons_keys, keys
    ctx = _Context(
        ids=ids,
        fam_codes=fam_codes,
        cons_offsets=cons_offsets,
        cons_values=cons_values,
        national=_KeyTable.of(national),
        shared=_KeyTable.of(aligner.shared),
        min_local_run=min_local_run,
    )
    nat_share = np.zeros(len(sh))
    loc_share = np.zeros(len(sh))
    n_all = np.maximum(sh.n_tokens.astype(np.int64), 1)
    ranges = [(lo, min(lo + chunk, len(sh))) for lo in range(0, len(sh), chunk)]
    # chunks of units go to the workers whole: coverage and the runs' classification
    for got in aligner.map_batches(_index_units, ranges, context=ctx, n_jobs=n_jobs, batch=1):
        for lo, nat, found in got:
            nat_share[lo : lo + len(nat)] = nat
            for d, rs in found.items():
                aligner.remember_runs(d, rs)  # for local_adaptations
                if rs:
                    i = aligner.row[d]
                    local = sum(r.end - r.start for r in rs if r.kind in LOCAL_KINDS)
                    loc_share[i] = local / n_all[i]
    out = {
        "nat": nat_share,
        "loc": loc_share,
        "reg": 1.0 - nat_share - loc_share,
        "tmpl": 1.0 - loc_share,
    }
    empty = sh.n_tokens == 0
    for k in out:
        out[k] = np.where(empty, 0.0, out[k])
    return pd.DataFrame(
        {
            schema.DOC_ID: ids,
            schema.FAMILY_ID: fam_of.to_numpy(),
            "n_tokens": sh.n_tokens.astype(np.int64),
            NATIONAL_SHARE: out["nat"],
            REGIONAL_SHARE: out["reg"],
            LOCAL_SHARE: out["loc"],
            "template_share": out["tmpl"],
        }
    )


def aggregate_indices(
    indices: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    by: tuple[str, ...] = (
        schema.MUNICIPALITIES,
        schema.HEALTH_TRUST,
        schema.AGREEMENT_KIND,
        schema.AGREEMENT_NUMBER,
        schema.YEAR,
    ),
    include_templates: bool = False,
) -> pd.DataFrame:
    """Indices aggregated per municipality, health trust, agreement type and year.

    Parameters
    ----------
    indices
        Output of :func:`document_indices`.
    documents
        The documents table (metadata joined here, not copied into the indices).
    by
        Grouping columns; ``municipalities`` is exploded (a joint agreement counts for each
        of its municipalities).
    include_templates
        Count regional templates (``is_template``) too; by default only adopted copies.

    Returns
    -------
    pandas.DataFrame
        Columns ``group_by`` (column name), ``group`` (value as str), ``n_documents``,
        ``national_share``, ``regional_share``, ``local_share`` (unweighted means),
        ``local_share_weighted`` (token-weighted), ``local_share_median``.
    """
    meta_cols = [c for c in set(by) | {schema.IS_TEMPLATE} if c in documents]
    df = indices.merge(documents[[schema.DOC_ID, *meta_cols]], on=schema.DOC_ID, how="left")
    if not include_templates and schema.IS_TEMPLATE in df:
        df = df[~df[schema.IS_TEMPLATE].fillna(False).astype(bool)]
    frames = []
    for col in by:
        if col not in df:
            continue
        d = df.explode(col) if col == schema.MUNICIPALITIES else df
        d = d.dropna(subset=[col])
        if d.empty:
            continue
        key = d[col].astype(str)
        if col == schema.AGREEMENT_NUMBER:
            key = key.str.replace(r"\.0$", "", regex=True)
        w = d["n_tokens"].clip(lower=1).astype(float)
        g = d.assign(_k=key.to_numpy(), _wl=(d[LOCAL_SHARE] * w).to_numpy(), _w=w.to_numpy())
        agg = g.groupby("_k", sort=True).agg(
            n_documents=(schema.DOC_ID, "size"),
            national_share=(NATIONAL_SHARE, "mean"),
            regional_share=(REGIONAL_SHARE, "mean"),
            local_share=(LOCAL_SHARE, "mean"),
            local_share_median=(LOCAL_SHARE, "median"),
            _wl=("_wl", "sum"),
            _w=("_w", "sum"),
        )
        agg["local_share_weighted"] = agg["_wl"] / agg["_w"]
        agg = agg.drop(columns=["_wl", "_w"]).reset_index(names="group")
        agg.insert(0, "group_by", col)
        frames.append(agg)
    cols = [
        "group_by",
        "group",
        "n_documents",
        NATIONAL_SHARE,
        REGIONAL_SHARE,
        LOCAL_SHARE,
        "local_share_median",
        "local_share_weighted",
    ]
    if not frames:
        return pd.DataFrame(columns=cols)
    return pd.concat(frames, ignore_index=True)[cols]
