"""MinHash similarity, template families, standardisation indices and local adaptations.

Reads the ``documents`` and ``sections`` tables written by ``ingest`` and writes
``pairs.parquet``, ``families.parquet``, ``prototypes.parquet``, ``standardisation.parquet``,
``standardisation_summary.parquet``, ``adaptations.parquet``, ``section_pairs.parquet``,
``delavtale6_pairs.parquet``, ``delavtale6_summary.csv`` and ``parameters.json``.
"""

from __future__ import annotations

import argparse
import ctypes
import functools
import hashlib
import logging
import os
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from avtaleanalyse import schema
from avtaleanalyse.similarity.adaptations import local_adaptations
from avtaleanalyse.similarity.alignment import FamilyAligner, singleton_references
from avtaleanalyse.similarity.candidates import (
    VerifiedPairs,
    band_keys,
    grouped_signatures,
    lsh_candidates,
    lsh_params,
    member_mask,
    pairs_from_band_keys,
    sets_without,
    verify_pairs,
)
from avtaleanalyse.similarity.families import (
    boilerplate_shingles,
    families_from_rows,
    verified_inputs,
)
from avtaleanalyse.similarity.indices import aggregate_indices, document_indices
from avtaleanalyse.similarity.minhash import SCHEME, pair_minhash_jaccard, signatures
from avtaleanalyse.similarity.parked import ParkedTexts, park_texts
from avtaleanalyse.similarity.prototypes import (
    family_prototypes,
    national_from_text,
    national_model,
    prototype_text,
)
from avtaleanalyse.similarity.replication import knowledge_transfer_pairs, within_across_summary
from avtaleanalyse.similarity.shingles import (
    Shingled,
    _offsets,
    concat_shingled,
    party_names,
    shingle_partition,
)
from avtaleanalyse.similarity.spans import (
    Spans,
    cuts_per_unit,
    locate_spans,
    scatter_segments,
    span_texts,
    span_tokens,
)

__all__ = ["SimilarityParams", "add_arguments", "main", "shingle_corpus", "similarity_tables"]

log = logging.getLogger(__name__)

SECTION_A, SECTION_B = "section_a", "section_b"
#: Receives each output table of :func:`similarity_tables` when it is final.
TableSink = Callable[[str, pd.DataFrame], None]


@dataclass(frozen=True)
class SimilarityParams:
    """Every parameter of the similarity stage (stored with the outputs).

    ``lsh_threshold`` is deliberately well below the reporting thresholds: at 128
    permutations it keeps >= 99 % of the pairs with Jaccard >= 0.5 (see the bench), so
    ``pairs.parquet`` holds nearly all pairs with Jaccard >= ``report_min_jaccard`` (full
    demo: 28,773 of 28,778, ``bench/eval_pairs_recall.py``). Pairs reported for
    their containment alone are those the search found: the lower their Jaccard, the fewer
    (recall by band in docs/standardisation.md §2).
    """

    ngram: int = 5
    num_perm: int = 128
    seed: int = 1
    common_form: bool = True
    boilerplate_max_df: float = 0.3
    boilerplate_min_documents: int = 50
    lsh_threshold: float = 0.3
    report_min_jaccard: float = 0.5
    report_min_containment: float = 0.5
    family_threshold: float = 0.8
    family_measure: str = "mean_containment"
    family_linkage: str = "average"
    prototype_majority: float = 0.5
    national_min_trusts: int = 3
    local_min_tokens: int = 6
    variant_ratio: float = 0.7
    section_min_jaccard: float = 0.5
    section_min_tokens: int = 20
    section_max_bucket: int = 500
    partition_size: int = 500
    n_jobs: int = 1
    adaptations: bool = True
    sections: bool = True


def _release_arrow_memory() -> None:
    """Return memory Arrow's allocator keeps after string conversions (bounded peak RSS)."""
    try:
        pa.default_memory_pool().release_unused()
    except AttributeError:  # pragma: no cover
        pass


@functools.cache
def _malloc_trim():
    """glibc's ``malloc_trim`` (``None`` elsewhere)."""
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        return None


def _release_memory() -> None:
    """Between steps: return to the system what the allocators keep of freed memory.

    Arrays and objects freed by one step leave free pages inside the C heap (among the
    small blocks still in use), which the process keeps resident; the next step's peak
    then comes on top of them. ``malloc_trim(0)`` gives those pages back (measured at 100k
    seed-scaled demo documents: the section pairs started 1.6 GB above what the stage
    held)."""
    _release_arrow_memory()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _shingle_job(args: tuple[pd.DataFrame, list[np.ndarray] | None, dict]) -> Shingled:
    df, cuts, kw = args
    kw = dict(kw)
    keep_sets = kw.pop("keep_sets", True)
    out = shingle_partition(df, cuts=cuts, sets=keep_sets, **kw)
    _release_arrow_memory()
    return out


def shingle_corpus(
    units: pd.DataFrame,
    *,
    ngram: int = 5,
    common_form: bool = True,
    partition_size: int = 500,
    n_jobs: int = 1,
    id_column: str = schema.DOC_ID,
    keep_sets: bool = True,
    cuts: list[np.ndarray] | None = None,
) -> Shingled:
    """Shingle ``units`` partition by partition (optionally in ``n_jobs`` processes).

    ``cuts``: per unit, character offsets that become marks (:func:`shingle_partition`).

    Returns
    -------
    Shingled
        In the order of ``units``.
    """
    kw = {
        "ngram": ngram,
        "common_form": common_form,
        "id_column": id_column,
        "keep_sets": keep_sets,
    }
    starts = range(0, len(units), partition_size)
    if not starts:
        return _shingle_job((units, cuts, kw))
    # generators: each partition's result is copied into the concatenation as it arrives
    # and freed, so the partitions never all exist beside their concatenation
    parts = (
        (
            units.iloc[s : s + partition_size],
            None if cuts is None else cuts[s : s + partition_size],
            kw,
        )
        for s in starts
    )
    if n_jobs > 1 and len(starts) > 1:
        with ProcessPoolExecutor(max_workers=n_jobs) as ex:
            return concat_shingled(ex.map(_shingle_job, parts))
    return concat_shingled(_shingle_job(p) for p in parts)


def _report_mask(verified: VerifiedPairs, p: SimilarityParams) -> np.ndarray:
    """Pairs reported in ``pairs.parquet``: Jaccard or the larger containment high enough."""
    return verified.report_mask(p.report_min_jaccard, p.report_min_containment)


def _doc_rows(
    docs: pd.DataFrame, keys: pd.Series | Sequence[str], index: pd.Index | None = None
) -> np.ndarray:
    """Row of each key's document in ``docs`` (-1: none; the last row of a repeated id,
    as elsewhere in the stage). ``index``: the documents' ids as strings, when made once
    for many calls."""
    if index is None:
        index = pd.Index(docs[schema.DOC_ID].astype(str))
    keys = pd.Series(keys, dtype=object).astype(str)
    if index.is_unique:
        return index.get_indexer(keys).astype(np.int64)
    pos = {d: i for i, d in enumerate(index)}
    return np.fromiter((pos.get(d, -1) for d in keys), dtype=np.int64, count=len(keys))


def _section_spans(docs: pd.DataFrame, sections: pd.DataFrame | None) -> Spans | None:
    """Where each section (in the order of ``sections``) lies in its document's text."""
    if sections is None or sections.empty:
        return None
    rows = _doc_rows(docs, sections[schema.DOC_ID])
    return locate_spans(_arrow_or_list(docs[schema.TEXT]), rows, sections[schema.TEXT].tolist())


def _arrow_or_list(texts: pd.Series) -> pa.ChunkedArray | list:
    """A text column as the Arrow array behind it (no copy), else as a list."""
    if hasattr(texts.array, "__arrow_array__"):
        return pa.chunked_array(pa.array(texts.array))
    return texts.tolist()


def _section_pairs(
    documents: pd.DataFrame,
    sections: pd.DataFrame,
    p: SimilarityParams,
    exclude: np.ndarray,
    *,
    doc_shingles: Shingled | None = None,
    spans: Spans | None = None,
) -> pd.DataFrame:
    """Section pairs with ``J >= section_min_jaccard`` between different documents.

    With ``doc_shingles`` (the documents shingled with the sections' ``spans`` as cuts)
    a section found in its document's text takes its shingles from the document's;
    the others are shingled on their own.
    """
    cols = [
        SECTION_A, SECTION_B, schema.DOC_A, schema.DOC_B, schema.JACCARD,
        schema.CONTAINMENT_AB, schema.CONTAINMENT_BA, schema.JACCARD_MINHASH,
    ]  # fmt: skip
    if sections is None or sections.empty:
        return pd.DataFrame(columns=cols), pd.DataFrame(
            columns=[schema.SECTION_ID, schema.DOC_ID, "representative", "group_size"]
        )
    units = _section_units(documents, sections, p, exclude, doc_shingles=doc_shingles, spans=spans)
    return _section_pairs_of(documents, *units, p)


def _section_units(
    documents: pd.DataFrame,
    sections: pd.DataFrame,
    p: SimilarityParams,
    exclude: np.ndarray,
    *,
    doc_shingles: Shingled | None = None,
    spans: Spans | None = None,
    parked: ParkedTexts | None = None,
) -> tuple[pd.DataFrame, Shingled, np.ndarray | None]:
    """The sections sorted by id, the shingles of those that take part (long enough
    and not all boilerplate, ``exclude`` left out of their sets), their positions among
    the sorted sections, and each one's document row (``None`` without ``doc_shingles``
    and ``spans``): the part of :func:`_section_pairs` that needs the documents' shingles.
    Without a ``text`` column in ``documents`` their texts are taken from ``parked``.

    The shingles of the sections left out are dropped by moving the others' within one
    buffer (:func:`_keep_units`), not by a copy: at 100k seed-scaled demo documents
    the sections' shingles are 0.6 GB."""
    meta_cols = [
        c
        for c in (schema.LANGUAGE_FORM, schema.MUNICIPALITIES, schema.HEALTH_TRUST)
        if c in documents
    ]
    from_docs = doc_shingles is not None and spans is not None
    # reading the sections from their documents, only the few shingled alone need a text
    # and their document's party names (looked up for those alone): the text and the
    # names are not copied for every section by the merge and sort
    secs = sections[[schema.DOC_ID, schema.SECTION_ID]].assign(_order=np.arange(len(sections)))
    if not from_docs:
        secs = secs.assign(**{schema.TEXT: sections[schema.TEXT].to_numpy()}).merge(
            documents[[schema.DOC_ID, *meta_cols]], on=schema.DOC_ID, how="left"
        )
    secs = secs.sort_values(schema.SECTION_ID, kind="mergesort").reset_index(drop=True)
    order = secs.pop("_order").to_numpy()
    doc_rows = None
    if from_docs:
        sh = _section_shingles(
            secs,
            doc_shingles,
            spans,
            order,
            p,
            section_texts=sections[schema.TEXT].array if schema.TEXT in sections else None,
            doc_texts=documents[schema.TEXT].array if schema.TEXT in documents else parked,
            doc_meta=documents[[schema.DOC_ID, *meta_cols]],
        )
        doc_rows = spans.rows[order]
    else:
        sh = shingle_corpus(
            secs,
            ngram=p.ngram,
            common_form=p.common_form,
            partition_size=p.partition_size * 10,
            n_jobs=p.n_jobs,
            id_column=schema.SECTION_ID,
        )
    shx = sets_without(sh, exclude)
    del sh
    valid_idx = np.flatnonzero((shx.n_tokens >= p.section_min_tokens) & (shx.set_sizes() > 0))
    shv = shx.take(valid_idx) if shx.has_sets else _keep_units(shx, valid_idx)
    return secs, shv, valid_idx, doc_rows


def _keep_units(sh: Shingled, idx: np.ndarray) -> Shingled:
    """``sh.take(idx)`` for increasing ``idx`` without stored sets or marks, made by
    moving the kept sequences forward within ``sh``'s own buffer (no second copy):
    ``sh`` is spent and must not be used afterwards."""
    idx = np.asarray(idx, dtype=np.int64)
    if sh.has_sets or sh.marks is not None or (len(idx) > 1 and (np.diff(idx) <= 0).any()):
        raise ValueError("only increasing positions of units without sets or marks")
    lens = sh.seq_offsets[idx + 1] - sh.seq_offsets[idx]
    offs = _offsets(lens)
    # each kept sequence moves to an offset at or before its own, in order, so no
    # sequence is overwritten before it has moved
    scatter_segments(sh.seq, offs[:-1], sh.seq, sh.seq_offsets[idx], lens)
    return Shingled(
        ids=sh.ids[idx],
        seq_offsets=offs,
        seq=sh.seq[: int(offs[-1])],
        set_offsets=None if sh.set_offsets is None else _offsets(np.diff(sh.set_offsets)[idx]),
        sets=None,
        n_tokens=sh.n_tokens[idx],
        ngram=sh.ngram,
        excluded=sh.excluded,
    )


def _section_pairs_of(
    documents: pd.DataFrame,
    secs: pd.DataFrame,
    shv: Shingled,
    valid_idx: np.ndarray,
    doc_rows: np.ndarray | None,
    p: SimilarityParams,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Section pairs and groups from the shingles of the sections that take part
    (:func:`_section_units`)."""
    cols = [
        SECTION_A, SECTION_B, schema.DOC_A, schema.DOC_B, schema.JACCARD,
        schema.CONTAINMENT_AB, schema.CONTAINMENT_BA, schema.JACCARD_MINHASH,
    ]  # fmt: skip
    # only sections long enough and not all boilerplate take part: signatures, band keys
    # and overlaps are computed for those alone (the short ones are often the majority)
    # Verbatim copies of a template section have identical signatures: one representative per
    # group (the first by section_id) takes part in LSH, so hundreds of municipal copies do not
    # make quadratically many pairs; the grouping itself is returned as a table. Only the
    # representatives' signatures are kept (4 % of the sections of the seed-scaled demo).
    grouped = grouped_signatures(shv, num_perm=p.num_perm, seed=p.seed, n_jobs=p.n_jobs)
    first, reps, rep_sig = grouped.first, grouped.reps, grouped.signatures
    b, r = lsh_params(max(p.lsh_threshold, p.section_min_jaccard - 0.2), p.num_perm)
    cand = reps[
        pairs_from_band_keys(
            band_keys(rep_sig, bands=b, rows=r),
            max_bucket=p.section_max_bucket,
            n_jobs=p.n_jobs,
        )
    ]
    if doc_rows is None:
        doc_of = secs[schema.DOC_ID].astype(str).to_numpy()[valid_idx]
    else:  # the documents' id strings, shared (one Python string per section costs more)
        doc_rows = doc_rows[valid_idx]
        doc_of = documents[schema.DOC_ID].astype(str).to_numpy()[np.maximum(doc_rows, 0)]
        alone = np.flatnonzero(doc_rows < 0)  # a section whose document is not in the corpus
        doc_of[alone] = secs[schema.DOC_ID].astype(str).to_numpy()[valid_idx[alone]]
    cand = cand[doc_of[cand[:, 0]] != doc_of[cand[:, 1]]]
    ver = verify_pairs(shv, cand, n_jobs=p.n_jobs)
    del cand
    ver = ver.take(ver[schema.JACCARD] >= p.section_min_jaccard)  # rows only for these
    sp = ver.to_frame(None, a_column=SECTION_A, b_column=SECTION_B)
    del ver
    sp[schema.JACCARD_MINHASH] = pair_minhash_jaccard(
        rep_sig,
        grouped.rep_rows(sp["row_a"].to_numpy()),
        grouped.rep_rows(sp["row_b"].to_numpy()),
    )
    # string columns taken from one string array each (millions of rows)
    doc_s = pd.array(doc_of, dtype="str")
    sp[schema.DOC_A] = doc_s.take(sp["row_a"].to_numpy())
    sp[schema.DOC_B] = doc_s.take(sp["row_b"].to_numpy())
    sec_ids = pd.array(np.asarray(shv.ids, dtype=object), dtype="str")  # as shingled
    sizes = np.bincount(first, minlength=len(first))[first]
    groups = pd.DataFrame(
        {
            schema.SECTION_ID: sec_ids,
            schema.DOC_ID: doc_s,
            "representative": sec_ids.take(first),
            "group_size": sizes.astype(np.int64),
        }
    )
    return sp[cols].reset_index(drop=True), groups


def _section_shingles(
    secs: pd.DataFrame,
    doc_shingles: Shingled,
    spans: Spans,
    order: np.ndarray,
    p: SimilarityParams,
    *,
    section_texts: Sequence[str] | None = None,
    doc_texts: Sequence[str] | ParkedTexts | None = None,
    doc_meta: pd.DataFrame | None = None,
) -> Shingled:
    """Shingles of the sections ``secs`` (``order``: their rows in the spans' order).

    A section that cannot be read from its document's shingles is shingled on its own:
    from its span of ``doc_texts`` where it was found there, else from its own text
    (``section_texts`` in the spans' order, or the ``text`` column of ``secs``), with
    the party names of its document (``secs``' own columns, or looked up in ``doc_meta``).
    """
    spans = spans.take(order)
    ok, first, n_tok = span_tokens(doc_shingles, spans)
    rest = np.flatnonzero(~ok)
    log.info("sections: %d of %d read from their documents' shingles", int(ok.sum()), len(ok))
    if len(rest):
        if isinstance(doc_texts, ParkedTexts):
            # the documents of these sections, a record batch of texts at a time
            texts = [None] * len(rest)
            rows = spans.rows[rest]
            for part in doc_texts.pick_batches(rows[rows >= 0]):
                sel = np.flatnonzero(np.isin(rows, np.fromiter(part, dtype=np.int64)))
                for k, cut in zip(sel.tolist(), span_texts(part, spans, rest[sel]), strict=True):
                    texts[k] = cut
        elif doc_texts is not None:
            texts = span_texts(doc_texts, spans, rest)
        else:
            texts = [None] * len(rest)
        for k, i in enumerate(rest.tolist()):
            if texts[k] is None:
                if section_texts is not None:
                    texts[k] = section_texts[order[i]]
                elif schema.TEXT in secs:
                    texts[k] = secs[schema.TEXT].iat[i]
        units = secs.iloc[rest].assign(**{schema.TEXT: texts})
        extra = [] if doc_meta is None else [c for c in doc_meta if c not in units]
        if extra:  # one row per section (the last row of a repeated document id)
            meta = doc_meta[[schema.DOC_ID, *extra]].drop_duplicates(schema.DOC_ID, keep="last")
            units = units.merge(meta, on=schema.DOC_ID, how="left")
        other = shingle_corpus(
            units,
            ngram=p.ngram,
            common_form=p.common_form,
            partition_size=p.partition_size * 10,
            n_jobs=p.n_jobs if len(rest) > p.partition_size * 10 else 1,
            id_column=schema.SECTION_ID,
            keep_sets=False,
        )
    # both kinds written once into one sequence (no concatenation of two partial copies)
    k = doc_shingles.ngram
    lens = np.zeros(len(ok), dtype=np.int64)
    lens[ok] = np.maximum(n_tok[ok] - k + 1, 0)
    n_tokens = np.zeros(len(ok), dtype=np.int64)
    n_tokens[ok] = n_tok[ok]
    if len(rest):
        lens[rest] = np.diff(other.seq_offsets)
        n_tokens[rest] = other.n_tokens
    offs = _offsets(lens)
    seq = np.empty(int(offs[-1]), dtype=doc_shingles.seq.dtype)
    take = np.flatnonzero(ok)
    scatter_segments(
        seq,
        offs[take],
        doc_shingles.seq,
        doc_shingles.seq_offsets[spans.rows[take]] + first[take],  # the span's first shingle
        lens[take],
    )
    if len(rest):
        scatter_segments(seq, offs[rest], other.seq, other.seq_offsets[:-1], lens[rest])
        del other
    return Shingled(
        ids=secs[schema.SECTION_ID].astype(str).to_numpy(),
        seq_offsets=offs,
        seq=seq,
        set_offsets=None,
        sets=None,
        n_tokens=n_tokens,
        ngram=k,
    )


def similarity_tables(
    documents: pd.DataFrame,
    sections: pd.DataFrame | None = None,
    *,
    params: SimilarityParams | None = None,
    national_text: str | None = None,
    spans: Spans | None = None,
    sink: TableSink | None = None,
    texts: ParkedTexts | None = None,
) -> dict[str, pd.DataFrame]:
    """Run the whole similarity stage on in-memory tables (no disk access).

    ``national_text``: the national model agreement as text; without it the national model
    is estimated as the text shared by at least ``national_min_trusts`` trusts.

    ``spans``: where each row of ``sections`` lies in its document's text, as
    :func:`read_inputs` locates them while reading; the sections found there then need no
    ``text`` (it is cut from the document's where needed). Without it the sections are
    located here, by their ``text``.

    ``texts``: the documents' texts parked (:func:`~avtaleanalyse.similarity.parked.
    park_texts`), ``documents`` then without a ``text`` column: the stage unpacks them for
    the steps that read them and drops them for the others (candidates, verification,
    families, the delavtale 6 pairs and the section pairs), so that the caller's table does
    not hold them throughout.

    ``sink``: called as ``sink(name, table)`` with each output table as soon as it is
    final (e.g. a :class:`TableWriter`); the stage then drops it instead of holding it to
    the end (at 100k documents the tables finished before the section pairs are over
    1 GB). Without it every table is returned.

    Returns
    -------
    dict of str to pandas.DataFrame
        Keys ``pairs``, ``families``, ``prototypes``, ``standardisation``,
        ``standardisation_summary``, ``adaptations``, ``section_pairs``,
        ``section_groups``, ``delavtale6_pairs``, ``delavtale6_summary`` (only without
        ``sink``), ``timings`` (seconds per step) and ``_counts``.
    """
    p = params or SimilarityParams()
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    results: dict[str, pd.DataFrame] = {}

    def emit(name: str, table: pd.DataFrame) -> None:
        if sink is None:
            results[name] = table
        else:
            sink(name, table)

    def lap(name: str) -> None:
        nonlocal t0
        _release_memory()  # counted in the step
        now = time.perf_counter()
        timings[name] = now - t0
        t0 = now

    # internal order is irrelevant (outputs are sorted when written); no copy of the texts
    docs = documents.reset_index(drop=True)
    if texts is not None:
        if schema.TEXT in docs or texts.n_rows != len(docs):
            raise ValueError("parked texts go with documents of as many rows and no text")

    def unpacked(frame: pd.DataFrame) -> pd.DataFrame:
        return frame if texts is None else frame.assign(**{schema.TEXT: texts.load().array})

    def parked(frame: pd.DataFrame) -> pd.DataFrame:
        return frame if texts is None else frame.drop(columns=[schema.TEXT])

    docs = unpacked(docs)
    _release_arrow_memory()  # what reading the tables left in Arrow's pool
    # the sections' ends become marks of the documents: their shingles are read from
    # the documents' instead of shingling every section again (spans.py)
    if not p.sections or sections is None or sections.empty:
        spans = None
    elif spans is None:
        spans = _section_spans(docs, sections)
    elif len(spans.rows) != len(sections):
        raise ValueError(f"spans for {len(spans.rows)} sections, but {len(sections)} sections")
    sh = shingle_corpus(
        docs,
        ngram=p.ngram,
        common_form=p.common_form,
        partition_size=p.partition_size,
        n_jobs=p.n_jobs,
        keep_sets=False,  # sets are built once, boilerplate removed (bounded memory)
        cuts=None if spans is None else cuts_per_unit(spans, len(docs)),
    )
    docs = parked(docs)  # candidates, verification and families do not read the texts
    lap("shingles")
    boiler = boilerplate_shingles(
        sh, max_df=p.boilerplate_max_df, min_documents=p.boilerplate_min_documents, seed=p.seed
    )
    shx = sets_without(sh, boiler)  # from the sequences; full sets recomputed where needed
    lap("boilerplate")
    sig = signatures(shx, num_perm=p.num_perm, seed=p.seed, n_jobs=p.n_jobs)
    lap("signatures")
    cand = lsh_candidates(
        sig, threshold=p.lsh_threshold, valid=shx.set_sizes() > 0, n_jobs=p.n_jobs
    )
    lap("candidates")
    # overlaps as row indices: ids, measures and MinHash estimates are built only for the
    # reported pairs (the families read every candidate, tens of millions at 100k)
    verified = verify_pairs(shx, cand, n_jobs=p.n_jobs)
    n_candidates = len(cand)
    del cand, shx
    lap("verify")
    # the reported pairs are set aside first (millions, not tens of millions); the
    # families need only the rows and similarity of every candidate, so the overlaps and
    # set sizes are dropped before they run
    reported = verified.take(_report_mask(verified, p))
    fam_ids, fam_a, fam_b, fam_sim = verified_inputs(verified, measure=p.family_measure)
    del verified
    fams = families_from_rows(
        fam_ids,
        fam_a,
        fam_b,
        fam_sim,
        threshold=p.family_threshold,
        method=p.family_linkage,
        n_jobs=p.n_jobs,
    )
    del fam_a, fam_b, fam_sim
    emit("pairs", reported.to_frame(sig, rows=False))
    del reported, sig
    _release_arrow_memory()  # what building the id columns left in Arrow's pool
    docs = unpacked(docs)
    lap("families")
    protos = family_prototypes(sh, fams, docs, majority=p.prototype_majority, n_jobs=p.n_jobs)
    # text in the prototypes of >= national_min_trusts trusts is never local; it is the
    # national model unless the model's own text is given (then it counts as regional)
    shared = national_model(protos, min_trusts=p.national_min_trusts)
    national = (
        national_from_text(national_text, ngram=p.ngram, common_form=p.common_form)
        if national_text
        else shared
    )
    aligner = FamilyAligner(
        sh,
        fams,
        protos,
        documents=docs,
        common_form=p.common_form,
        variant_ratio=p.variant_ratio,
        references=singleton_references(sh, fams, protos, docs, n_jobs=p.n_jobs),
        shared=shared,
    )
    idx = document_indices(
        sh,
        fams,
        protos,
        national,
        aligner=aligner,
        min_local_run=p.local_min_tokens,
        n_jobs=p.n_jobs,
    )
    emit("families", fams.merge(idx[[schema.DOC_ID, "local_share"]], on=schema.DOC_ID, how="left"))
    emit("standardisation", idx)
    emit("standardisation_summary", aggregate_indices(idx, docs))
    n_national = len(national)
    del idx
    lap("indices")
    adapt = (
        local_adaptations(
            docs,
            sh,
            fams,
            protos,
            national=national,
            aligner=aligner,
            common_form=p.common_form,
            min_tokens=p.local_min_tokens,
            variant_ratio=p.variant_ratio,
            n_jobs=p.n_jobs,
        )
        if p.adaptations
        else pd.DataFrame()
    )
    emit("adaptations", adapt)
    del adapt
    lap("adaptations")
    # prototype texts for families with a consensus
    row = {d: i for i, d in enumerate(sh.ids.astype(str))}
    meta = docs.set_index(schema.DOC_ID)
    ptable = protos.table.copy()
    proto_texts = []
    for fam, base in zip(ptable[schema.FAMILY_ID], ptable["base_doc_id"], strict=True):
        cons = protos.sets[fam]
        if not len(cons) or not p.adaptations:
            proto_texts.append(None)
            continue
        r = row[base]
        m = meta.loc[base]
        proto_texts.append(
            prototype_text(
                str(m[schema.TEXT] or ""),
                sh.seq_of(r),
                int(sh.n_tokens[r]),
                cons,
                ngram=p.ngram,
                parties=party_names(m.get(schema.MUNICIPALITIES), m.get(schema.HEALTH_TRUST)),
                language_form=str(m.get(schema.LANGUAGE_FORM) or "bokmal"),
                common_form=p.common_form,
                # from the base's marks, as its members' passages were (cached spans)
                char_span=functools.partial(aligner.char_span, base, base=True),
            )
        )
    ptable[schema.TEXT] = proto_texts
    ptable["in_national_model"] = [
        int(member_mask(protos.sets[f], national).sum()) for f in ptable[schema.FAMILY_ID]
    ]
    emit("prototypes", ptable)
    del ptable, proto_texts, national, meta
    # the delavtale 6 and section pairs read the documents' shingles, not their texts
    # (a section shingled alone takes its text from the parked ones)
    del aligner
    docs = parked(docs)
    lap("prototypes")
    kt = knowledge_transfer_pairs(docs, sh, n_jobs=p.n_jobs)
    emit("delavtale6_pairs", kt)
    emit("delavtale6_summary", within_across_summary(kt))
    del kt
    lap("delavtale6")
    secpairs = secgroups = None
    if p.sections and sections is not None and spans is not None:
        units = _section_units(
            docs, sections, p, boiler, doc_shingles=sh, spans=spans, parked=texts
        )
        # the documents' shingles are not needed after this: dropped before the pairs
        del sh
        secpairs, secgroups = _section_pairs_of(docs, *units, p)
        del units
    elif p.sections and sections is not None:  # no sections: empty tables
        secpairs, secgroups = _section_pairs(docs, sections, p, boiler)
    emit("section_pairs", secpairs if secpairs is not None else pd.DataFrame())
    emit("section_groups", secgroups if secgroups is not None else pd.DataFrame())
    del secpairs, secgroups
    lap("sections")
    results["timings"] = pd.DataFrame({"step": list(timings), "seconds": list(timings.values())})
    results["_counts"] = pd.DataFrame(
        {
            "what": ["documents", "candidates", "boilerplate_shingles", "national_shingles"],
            "n": [len(docs), n_candidates, len(boiler), n_national],
        }
    )
    return results


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the command (contract: DESIGN.md)."""
    parser.add_argument("--corpus", type=Path, required=True, help="folder written by ingest")
    parser.add_argument("--out", type=Path, required=True)
    d = SimilarityParams()
    parser.add_argument(
        "--national-model",
        type=Path,
        default=None,
        help="text file of the national model agreement (default: text shared by >= 3 trusts)",
    )
    parser.add_argument("--ngram", type=int, default=d.ngram, help="words per shingle")
    parser.add_argument("--num-perm", type=int, default=d.num_perm)
    parser.add_argument("--seed", type=int, default=d.seed)
    parser.add_argument(
        "--no-common-form",
        action="store_true",
        help="compare surface forms (no bokmål/nynorsk lemma normalisation)",
    )
    parser.add_argument("--lsh-threshold", type=float, default=d.lsh_threshold)
    parser.add_argument(
        "--report-min-jaccard",
        type=float,
        default=d.report_min_jaccard,
        help="pairs.parquet keeps pairs with at least this Jaccard (below about 0.45 the LSH "
        "search at the default --lsh-threshold finds only part of them) ...",
    )
    parser.add_argument(
        "--report-min-containment",
        type=float,
        default=d.report_min_containment,
        help="... or with at least this containment of one document in the other",
    )
    parser.add_argument("--family-threshold", type=float, default=d.family_threshold)
    parser.add_argument("--boilerplate-max-df", type=float, default=d.boilerplate_max_df)
    parser.add_argument(
        "--min-local-tokens",
        type=int,
        default=d.local_min_tokens,
        help="shortest run of unshared tokens that counts as local text (shorter: a fill-in slot)",
    )
    parser.add_argument(
        "--variant-ratio",
        type=float,
        default=d.variant_ratio,
        help="an edited run this similar to the text it replaced is a variant, not local text",
    )
    parser.add_argument(
        "--n-jobs",
        type=int,
        default=d.n_jobs,
        help="processes for shingling and classifying local runs, threads for exact overlaps "
        "(results do not depend on it)",
    )
    parser.add_argument("--no-adaptations", action="store_true")
    parser.add_argument("--no-sections", action="store_true")


_SORT = {
    "pairs": [schema.DOC_A, schema.DOC_B],
    "families": [schema.DOC_ID],
    "prototypes": [schema.FAMILY_ID],
    "standardisation": [schema.DOC_ID],
    "standardisation_summary": ["group_by", "group"],
    "adaptations": [schema.DOC_ID, schema.POSITION, "kind", "end"],
    "section_pairs": [SECTION_A, SECTION_B],
    "section_groups": [schema.SECTION_ID],
    "delavtale6_pairs": [schema.DOC_A, schema.DOC_B],
}


def params_from_args(args: argparse.Namespace) -> SimilarityParams:
    """:class:`SimilarityParams` from parsed command-line options."""
    d = SimilarityParams()
    return SimilarityParams(
        ngram=getattr(args, "ngram", d.ngram),
        num_perm=getattr(args, "num_perm", d.num_perm),
        seed=getattr(args, "seed", d.seed),
        common_form=not getattr(args, "no_common_form", False),
        lsh_threshold=getattr(args, "lsh_threshold", d.lsh_threshold),
        report_min_jaccard=getattr(args, "report_min_jaccard", d.report_min_jaccard),
        report_min_containment=getattr(args, "report_min_containment", d.report_min_containment),
        family_threshold=getattr(args, "family_threshold", d.family_threshold),
        boilerplate_max_df=getattr(args, "boilerplate_max_df", d.boilerplate_max_df),
        local_min_tokens=getattr(args, "min_local_tokens", d.local_min_tokens),
        variant_ratio=getattr(args, "variant_ratio", d.variant_ratio),
        n_jobs=getattr(args, "n_jobs", d.n_jobs),
        adaptations=not getattr(args, "no_adaptations", False),
        sections=not getattr(args, "no_sections", False),
    )


class TableWriter:
    """Writes the stage's tables as they are finished: a ``sink`` for
    :func:`similarity_tables`, so the stage need not hold them all to the end.

    The tables go into a staging folder inside ``out`` (each written atomically, sorted
    by its key); :meth:`commit` adds ``parameters.json`` and moves them all into ``out``.
    A run that stops before (error, interruption) leaves the tables of the previous run
    in ``out`` untouched; its staging folder is removed by :meth:`discard` or by the
    next run.
    """

    STAGING = ".similarity-partial"

    def __init__(self, out: str | Path) -> None:
        self.out = Path(out)
        self.staging = self.out / self.STAGING
        if self.staging.exists():
            shutil.rmtree(self.staging)
        self.staging.mkdir(parents=True)
        self.rows: dict[str, int] = {}
        self.seconds = 0.0

    def __call__(self, name: str, table: pd.DataFrame) -> None:
        """Write one table (``delavtale6_summary`` as CSV; an empty table without
        columns, such as the adaptations when they are off, is not written)."""
        from avtaleanalyse.io import write_csv, write_table

        t = time.perf_counter()
        self.rows[name] = len(table)
        if name == "delavtale6_summary":
            write_csv(table, self.staging / "delavtale6_summary.csv")
        elif name in _SORT and not (table.empty and not len(table.columns)):
            sort = [c for c in _SORT[name] if c in table]
            write_table(table, self.staging / f"{name}.parquet", sort_by=sort)
        self.seconds += time.perf_counter() - t

    def commit(
        self,
        counts: pd.DataFrame,
        params: SimilarityParams,
        *,
        national_model_file: Path | None = None,
    ) -> None:
        """Write ``parameters.json`` (parameters, datasketch version, ``counts``) and move
        every staged file into ``out``."""
        from avtaleanalyse.io import provenance, write_json

        prov = provenance(stage="similarity", parameters={**asdict(params), "scheme": SCHEME})
        prov["national_model"] = (
            {
                "source": "file",
                "file": national_model_file.name,
                "sha256": hashlib.sha256(national_model_file.read_bytes()).hexdigest(),
            }
            if national_model_file is not None
            else {"source": "shared", "min_trusts": params.national_min_trusts}
        )
        prov["counts"] = dict(zip(counts["what"], map(int, counts["n"]), strict=True))
        write_json(prov, self.staging / schema.PARAMETERS_FILE)
        for f in sorted(self.staging.iterdir()):
            os.replace(f, self.out / f.name)
        self.staging.rmdir()

    def discard(self) -> None:
        """Remove the staging folder (after a failed run)."""
        shutil.rmtree(self.staging, ignore_errors=True)


def write_outputs(
    tables: Mapping[str, pd.DataFrame],
    out: Path,
    params: SimilarityParams,
    *,
    national_model_file: Path | None = None,
) -> None:
    """Write the tables returned by :func:`similarity_tables` and ``parameters.json``."""
    writer = TableWriter(out)
    for name in (*_SORT, "delavtale6_summary"):
        if name in tables:
            writer(name, tables[name])
    writer.commit(tables["_counts"], params, national_model_file=national_model_file)


#: The columns of the corpus tables the stage reads (``raw_text`` and the other columns of
#: ``documents`` are never loaded: at 100k documents each text column is over 1 GB).
DOCUMENT_COLUMNS = (
    schema.DOC_ID,
    schema.TEXT,
    schema.LANGUAGE_FORM,
    schema.HEALTH_TRUST,
    schema.MUNICIPALITIES,
    schema.IS_TEMPLATE,
    schema.AGREEMENT_KIND,
    schema.AGREEMENT_NUMBER,
    schema.YEAR,
)
SECTION_COLUMNS = (schema.DOC_ID, schema.SECTION_ID, schema.TEXT)
#: Sections located per batch while reading (their texts are Python strings meanwhile).
SECTION_BATCH = 1 << 16


def read_inputs(corpus_dir: str | Path) -> tuple[pd.DataFrame, pd.DataFrame, Spans]:
    """The documents and sections of an ingested corpus, only the columns the stage uses,
    and where each section lies in its document's text.

    The sections are read a batch at a time and located in their documents as they come;
    a section's ``text`` is kept only where it was not found (the others are cut from the
    documents' text when needed). At 100k documents the section texts are over 1 GB that
    the stage would otherwise hold throughout.
    """
    import pyarrow.parquet as pq

    from avtaleanalyse.io import read_corpus

    corpus_dir = Path(corpus_dir)
    documents, _ = read_corpus(corpus_dir, document_columns=DOCUMENT_COLUMNS, section_columns=())
    documents = documents.reset_index(drop=True)
    pf = pq.ParquetFile(corpus_dir / schema.SECTIONS_FILE)
    cols = [c for c in pf.schema_arrow.names if c in SECTION_COLUMNS]
    if schema.TEXT not in cols or schema.DOC_ID not in cols:  # nothing to locate by
        return documents, pf.read(columns=cols).to_pandas(), None
    doc_texts = _arrow_or_list(documents[schema.TEXT])
    doc_index = pd.Index(documents[schema.DOC_ID].astype(str))
    resume: dict[int, int] = {}
    batches, parts = [], []
    for batch in pf.iter_batches(batch_size=SECTION_BATCH, columns=cols):
        text = batch.column(schema.TEXT)
        rows = _doc_rows(documents, batch.column(schema.DOC_ID).to_pylist(), doc_index)
        sp = locate_spans(doc_texts, rows, text, resume=resume)
        # taken into a new array: only the texts not found, nulls elsewhere (``pc.if_else``
        # would keep a value buffer as large as the input's)
        kept = text.take(pa.array(np.arange(len(text)), mask=sp.found))
        batches.append(batch.set_column(cols.index(schema.TEXT), schema.TEXT, kept))
        parts.append(sp)
    table = pa.Table.from_batches(
        batches, schema=pa.schema([pf.schema_arrow.field(c) for c in cols])
    )
    del batches
    sections = table.to_pandas()
    del table
    _release_arrow_memory()
    return documents, sections, Spans.concat(parts)


def main(args: argparse.Namespace) -> int:
    """Run the command; returns the exit code."""
    documents, sections, spans = read_inputs(args.corpus)
    # rebound: from here on only the stage holds the texts, and only where it reads them
    documents, texts = park_texts(documents)
    params = params_from_args(args)
    nat_file = getattr(args, "national_model", None)
    national_text = Path(nat_file).read_text(encoding="utf-8") if nat_file else None
    writer = TableWriter(args.out)
    try:
        tables = similarity_tables(
            documents,
            sections,
            params=params,
            national_text=national_text,
            spans=spans,
            sink=writer,
            texts=texts,
        )
        writer.commit(tables["_counts"], params, national_model_file=nat_file)
    except BaseException:
        writer.discard()
        raise
    log.info(
        "similarity: %d documents, %d pairs, %d prototypes in %.1f s (%.1f s writing)",
        len(documents),
        writer.rows.get("pairs", 0),
        writer.rows.get("prototypes", 0),
        float(tables["timings"]["seconds"].sum()),
        writer.seconds,
    )
    return 0
