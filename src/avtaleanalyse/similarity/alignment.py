"""Where a document departs from its family prototype, and whether that departure is local.

A document's *uncovered runs* are its maximal runs of comparison tokens that no template
shingle (family consensus or national model) covers. Each run is placed against the family's
*base* member through its two flanking consensus shingles (the anchors):

* ``added``   the anchors are adjacent in the base: the run is new text;
* ``edited``  the base has consensus text between the anchors: the run replaced it;
* ``slot``    the base has text between the anchors, but none of it is consensus: the members
  disagree at this place (a contact role, an adoption date, a signature line), so the run
  fills a slot of the template rather than adapting it;
* ``variant`` an ``edited`` run that is a near copy of the text it replaced, compared as
  characters of the common-form tokens (:func:`is_variant`): the same clause in the other
  written form, or damaged by OCR.

``added`` and ``edited`` runs are local text; ``slot`` and ``variant`` runs are template text.
Runs shorter than ``min_tokens`` are never local (fill-ins inside shared sentences).

A document alone in its family has no consensus to compare with. Its *reference* is instead
the text it shares with any other party's document in the corpus
(:func:`singleton_references`): text it shares with no other party's agreement is local
(``added``); text it shares is not.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing as mp
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pandas as pd
from rapidfuzz.distance import Indel

from avtaleanalyse import schema
from avtaleanalyse.similarity.normalize import (
    comparison_slice,
    comparison_span,
    nfc,
)
from avtaleanalyse.similarity.prototypes import Prototypes, covered_tokens, runs
from avtaleanalyse.similarity.shingles import Shingled, party_names, sorted_unique
from avtaleanalyse.text import load_lemma_data

__all__ = [
    "LOCAL_KINDS",
    "FamilyAligner",
    "Run",
    "classify_runs",
    "is_variant",
    "first_positions",
    "lookup_positions",
    "position_index",
    "singleton_references",
]

#: Kinds of run that count as local text.
LOCAL_KINDS = frozenset({"added", "edited"})

#: Base members whose positions and tokens a :class:`FamilyAligner` keeps at a time (the
#: cache is emptied when full: memory stays bounded on corpora of any size).
_BASE_CACHE = 512

R = TypeVar("R")
C = TypeVar("C")


@dataclass(frozen=True, slots=True)
class Run:
    """One uncovered run ``[start, end)`` of a document's tokens.

    ``gap_start``/``gap_end`` are the base tokens between the anchors (empty for ``added``
    and for runs without two anchors).
    """

    start: int
    end: int
    kind: str
    gap_start: int = 0
    gap_end: int = 0


def position_index(seq: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct hashes of ``seq`` and the index of each one's first occurrence.

    Read with :func:`lookup_positions` (a few bytes per shingle, not a dict entry).
    """
    uniq, first = np.unique(np.asarray(seq), return_index=True)
    return uniq, first.astype(np.int64)


def lookup_positions(index: tuple[np.ndarray, np.ndarray], hashes: np.ndarray) -> np.ndarray:
    """First position of each hash in the indexed sequence, -1 where absent."""
    uniq, first = index
    if not len(uniq) or not len(hashes):
        return np.full(len(hashes), -1, dtype=np.int64)
    pos = np.searchsorted(uniq, hashes)
    pos[pos >= len(uniq)] = 0
    return np.where(uniq[pos] == hashes, first[pos], -1)


def first_positions(seq: np.ndarray, hashes: np.ndarray) -> np.ndarray:
    """First position of each hash in ``seq``, -1 where absent: ``lookup_positions(
    position_index(seq), hashes)`` for a sequence read once (a small hash table, no sort)."""
    from avtaleanalyse.similarity.kernels import first_positions_in

    out = np.empty(len(hashes), dtype=np.int64)
    if not len(seq):
        out[:] = -1
        return out
    first_positions_in(
        np.ascontiguousarray(seq, dtype=np.uint32),
        np.ascontiguousarray(hashes, dtype=np.uint32),
        out,
    )
    return out


def is_variant(tokens: list[str], base_tokens: list[str], *, min_ratio: float = 0.7) -> bool:
    """Whether two token runs are one text written differently (similarity >= ``min_ratio``).

    Similarity is the normalised Indel similarity of the space-joined tokens,
    ``2 · LCS(a, b) / (|a| + |b|)`` over characters (``rapidfuzz.distance.Indel``, the ratio
    :class:`difflib.SequenceMatcher` approximates): a nynorsk clause and its bokmål
    original, or an OCR-damaged copy, share most characters in order; a rewording shares few.

    >>> is_variant("uts krivning 0 ansvar og oppgavcr".split(),
    ...            "utskrivning 0 ansvar og oppgave".split())
    True
    >>> is_variant("tildelingskontoret tar imot henvendelse".split(),
    ...            "pasient skulle få informasjon om tilbud".split())
    False
    """
    a, b = " ".join(tokens), " ".join(base_tokens)
    if not a or not b:
        return False
    # below the cutoff rapidfuzz stops early and returns 0
    return Indel.normalized_similarity(a, b, score_cutoff=min_ratio) >= min_ratio


def classify_runs(
    seq: np.ndarray,
    n_tokens: int,
    covered: np.ndarray,
    consensus: np.ndarray,
    base_seq: np.ndarray,
    base_consensus_covered: np.ndarray,
    *,
    ngram: int,
    min_tokens: int,
    base_index: tuple[np.ndarray, np.ndarray] | None = None,
) -> list[Run]:
    """The uncovered runs of one document, each placed against the base and classified.

    Parameters
    ----------
    seq, n_tokens
        The document's shingle sequence and token count.
    covered
        Per-token template coverage of the document (consensus or national model).
    consensus
        The family's sorted consensus shingle hashes (the anchors).
    base_seq, base_consensus_covered
        The base member's shingle sequence and its per-token consensus coverage.
    ngram
        Shingle length in tokens.
    min_tokens
        Shorter uncovered runs are skipped.
    base_index
        :func:`position_index` of ``base_seq``, to reuse across the members of a family.

    Returns
    -------
    list of Run
        Kinds ``added``, ``edited`` or ``slot`` (``variant`` needs the tokens: see
        :func:`is_variant`).
    """
    k = ngram
    uncovered = [(a, b) for a, b in runs(~np.asarray(covered, dtype=bool)) if b - a >= min_tokens]
    if not uncovered:
        return []
    if len(consensus):
        pos = np.searchsorted(consensus, seq)
        pos[pos >= len(consensus)] = 0
        hit_idx = np.flatnonzero(consensus[pos] == seq)
    else:
        hit_idx = np.empty(0, dtype=np.int64)
    index = base_index if base_index is not None else position_index(base_seq)
    # left anchor: last consensus shingle ending before a; right: first starting at >= b
    starts = np.array([a for a, _ in uncovered], dtype=np.int64)
    ends = np.array([b for _, b in uncovered], dtype=np.int64)
    left = np.searchsorted(hit_idx, starts - k + 1, side="left") - 1
    right = np.searchsorted(hit_idx, ends, side="left")
    n_hits = len(hit_idx)
    hits = seq[hit_idx]
    # the anchors' first positions in the base (-1: no anchor, or not in the base)
    pl = np.full(len(uncovered), -1, dtype=np.int64)
    pr = np.full(len(uncovered), -1, dtype=np.int64)
    ok_l, ok_r = left >= 0, right < n_hits
    pl[ok_l] = lookup_positions(index, hits[left[ok_l]])
    pr[ok_r] = lookup_positions(index, hits[right[ok_r]])
    # consensus tokens of the base before each position: "any in ga:gb" in one subtraction
    base_cov = np.asarray(base_consensus_covered, dtype=bool)
    cum = np.zeros(len(base_cov) + 1, dtype=np.int64)
    np.cumsum(base_cov, out=cum[1:])
    out = []
    for (a, b), left_pos, right_pos in zip(uncovered, pl.tolist(), pr.tolist(), strict=True):
        kind, ga, gb = "added", 0, 0
        if left_pos >= 0 and right_pos >= 0 and right_pos > left_pos + k:
            ga, gb = left_pos + k, right_pos
            kind = "edited" if cum[min(gb, len(base_cov))] > cum[min(ga, len(base_cov))] else "slot"
        out.append(Run(a, b, kind, ga, gb))
    return out


def singleton_references(
    shingled: Shingled,
    families: pd.DataFrame,
    prototypes: Prototypes,
    documents: pd.DataFrame | None = None,
    *,
    n_jobs: int = 1,
) -> dict[str, np.ndarray]:
    """Reference shingles of the documents whose family has no consensus (one member).

    A shingle of such a document is in its reference when at least one other document that
    shares none of its municipalities has it too (its own other agreements would hide its
    local text): text found in no other party's agreement is local, as far as the corpus can
    tell. One compiled scan of all sequences counts, for each shingle of these documents,
    how many documents hold it; a scan of the barred documents (itself and its own
    municipalities' agreements), once for all such documents with the same
    municipalities, counts those that cannot count. ``n_jobs`` threads share the scans.

    Returns
    -------
    dict
        ``doc_id`` -> sorted distinct uint32 hashes.
    """
    from avtaleanalyse.similarity.kernels import code_table, count_holders

    fam = dict(zip(families[schema.DOC_ID].astype(str), families[schema.FAMILY_ID], strict=True))
    ids = shingled.ids.astype(str)
    alone = [i for i, d in enumerate(ids) if not len(prototypes.sets.get(fam.get(d), ()))]
    if not alone:
        return {}
    munis: list[frozenset] = [frozenset()] * len(ids)
    if documents is not None and schema.MUNICIPALITIES in documents:
        by_id = dict(zip(documents[schema.DOC_ID].astype(str), documents[schema.MUNICIPALITIES], strict=True))  # fmt: skip
        munis = [
            frozenset(map(str, m)) if isinstance(m, list | tuple | np.ndarray) else frozenset()
            for m in (by_id.get(d) for d in ids)
        ]
    wanted = sorted_unique(np.concatenate([shingled.seq_of(i) for i in alone]))
    # wanted hash -> its index, in a table of at least twice as many slots (short probes)
    bits = max(4, int(2 * len(wanted)).bit_length())
    slots = code_table(wanted, bits)
    seq = np.ascontiguousarray(shingled.seq, dtype=np.uint32)
    offs = np.ascontiguousarray(shingled.seq_offsets, dtype=np.int64)
    jobs = max(1, n_jobs)

    def holding(units: np.ndarray, keys: np.ndarray, key_slots: np.ndarray, key_bits: int):
        counts = np.zeros(len(keys), dtype=np.int64)
        count_holders(seq, offs, units, keys, key_slots, key_bits, counts)
        return counts

    # documents that hold each wanted hash: threads over ranges of documents, summed
    everyone = np.array_split(np.arange(len(ids), dtype=np.int64), jobs)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        holders = sum(pool.map(lambda u: holding(u, wanted, slots, bits), everyone))
        by_muni: dict[str, list[int]] = {}
        for u, ms in enumerate(munis):
            for m in ms:
                by_muni.setdefault(m, []).append(u)
        # documents alone in their family with the same municipalities are barred the same
        # documents (their own municipalities' agreements): each such group is scanned
        # once, counting the hashes of all its members
        groups: dict[frozenset, list[int]] = {}
        for i in alone:
            groups.setdefault(munis[i], []).append(i)

        def group_refs(members: list[int]) -> list[tuple[int, np.ndarray]]:
            barred = np.array(sorted({u for m in munis[members[0]] for u in by_muni[m]}), np.int64)
            owns = [sorted_unique(shingled.seq_of(i)) for i in members]
            keys = sorted_unique(np.concatenate(owns))
            key_bits = max(4, int(2 * len(keys)).bit_length())
            counts = holding(barred, keys, code_table(keys, key_bits), key_bits)
            found = []
            for i, own in zip(members, owns, strict=True):
                # a hash is shared when more documents hold it than cannot count: the
                # document itself and its own municipalities' agreements
                itself = 0 if np.isin(i, barred) else 1
                barred_count = counts[np.searchsorted(keys, own)] + itself
                found.append((i, own[holders[np.searchsorted(wanted, own)] > barred_count]))
            return found

        got = dict(itertools.chain.from_iterable(pool.map(group_refs, groups.values())))
    return {str(ids[i]): got[i] for i in alone}


class FamilyAligner:
    """Classifies the uncovered runs of any document against its family's base member.

    The base member itself is compared with the family's runner-up (``alt_base_doc_id``),
    so local text in the base is found too. With ``documents`` (``text``,
    ``municipalities``, ``health_trust``, ``language_form``), ``edited`` runs that are near
    copies of the replaced text become ``variant`` (:func:`is_variant`); without, they stay
    ``edited``.
    """

    def __init__(
        self,
        shingled: Shingled,
        families: pd.DataFrame,
        prototypes: Prototypes,
        *,
        documents: pd.DataFrame | None = None,
        common_form: bool = True,
        variant_ratio: float = 0.7,
        references: dict[str, np.ndarray] | None = None,
        shared: np.ndarray | None = None,
    ) -> None:
        self.sh = shingled
        self.references = references or {}
        self.shared = (
            np.asarray(shared, dtype=np.uint32) if shared is not None else np.empty(0, np.uint32)
        )
        self.row = {d: i for i, d in enumerate(shingled.ids.astype(str))}
        self.family = dict(
            zip(families[schema.DOC_ID].astype(str), families[schema.FAMILY_ID], strict=True)
        )
        t = prototypes.table.set_index(schema.FAMILY_ID)
        self.base = t["base_doc_id"].to_dict()
        self.alt = t["alt_base_doc_id"].to_dict() if "alt_base_doc_id" in t else {}
        self.sets = prototypes.sets
        self.common_form = common_form
        self.variant_ratio = variant_ratio
        # the documents table is kept as it is (no copy of the texts); rows are read lazily,
        # only for the documents whose runs need their tokens
        self._docs = documents if documents is not None and schema.TEXT in documents else None
        self._doc_pos = (
            {d: i for i, d in enumerate(self._docs[schema.DOC_ID].astype(str))}
            if self._docs is not None
            else {}
        )
        # the columns once: selecting a column from the frame costs far more than reading
        # one value from it, and reading one value from a Series more than from a list (the
        # text stays in its column: a list would hold every text as a Python string)
        cols = (schema.TEXT, schema.MUNICIPALITIES, schema.HEALTH_TRUST, schema.LANGUAGE_FORM)
        self._text = self._docs[schema.TEXT] if self._docs is not None else None
        self._cols = (
            {c: self._docs[c].tolist() for c in cols if c in self._docs and c != schema.TEXT}
            if self._docs is not None
            else {}
        )
        self._bases: dict[tuple[str, str], tuple] = {}
        self._base_words: dict[tuple[str, int, int], list[str]] = {}
        self._base_spans: dict[tuple[str, int, int], tuple[int, int]] = {}
        self._runs: dict[str, list[Run]] = {}
        self._contexts: dict[str, tuple] = {}

    @property
    def has_texts(self) -> bool:
        """Whether the documents' texts are available (variants and passages need them)."""
        return self._docs is not None

    def meta(self, doc_id: str) -> dict:
        """``text``, ``municipalities``, ``health_trust``, ``language_form`` of one document."""
        i = self._doc_pos[doc_id]
        return {schema.TEXT: self._text.iat[i], **{c: col[i] for c, col in self._cols.items()}}

    def reference(self, doc_id: str) -> str | None:
        """The member ``doc_id`` is compared with (the base, or the runner-up for the base)."""
        fam = self.family.get(doc_id)
        base = self.base.get(fam)
        if base == doc_id:
            base = self.alt.get(fam)
        return base if isinstance(base, str) and base in self.row else None

    def words(self, doc_id: str, start: int, end: int, *, base: bool = False) -> list[str]:
        """Comparison tokens ``start:end`` of a document, without locating every token.

        The text is tokenised from the document's last mark before ``start``
        (:attr:`Shingled.marks`, :func:`~avtaleanalyse.similarity.normalize.
        comparison_slice`), or from its start when the shingles carry no marks. Slices of
        base members are kept (``base=True``): every member of the family asks for them.
        """
        key = (doc_id, start, end)
        if base:
            got = self._base_words.get(key)
            if got is not None:
                return got
        got = self._slice(doc_id, start, end)
        if base:
            if len(self._base_words) > _BASE_CACHE * 16:
                self._base_words.clear()
            self._base_words[key] = got
        return got

    def char_span(
        self, doc_id: str, start: int, end: int, *, base: bool = False
    ) -> tuple[int, int]:
        """``[first, last)`` characters of comparison tokens ``start:end`` in the NFC text
        (the spans of :func:`~avtaleanalyse.similarity.normalize.normalize_tokens`).

        Each end is found from the document's last mark before it, like :meth:`words`
        (:func:`~avtaleanalyse.similarity.normalize.comparison_span`). Spans of base members
        are kept (``base=True``): the family's members ask for the same ones.
        """
        key = (doc_id, start, end)
        if base:
            got = self._base_spans.get(key)
            if got is not None:
                return got
        text, marks, parties, _ = self._context(doc_id)
        at_start, at_end = _mark_before(marks, start), _mark_before(marks, end - 1)
        if at_start == at_end:
            got = comparison_span(text, start, end, **at_start, parties=parties)
        else:  # each end from its own mark: a long span is not tokenised in full
            got = (
                comparison_span(text, start, start + 1, **at_start, parties=parties)[0],
                comparison_span(text, end - 1, end, **at_end, parties=parties)[1],
            )
        if base:
            if len(self._base_spans) > _BASE_CACHE * 16:
                self._base_spans.clear()
            self._base_spans[key] = got
        return got

    def text(self, doc_id: str) -> str:
        """The document's ``text`` (one value read, not the whole :meth:`meta`)."""
        return str(self._text.iat[self._doc_pos[doc_id]] or "")

    def _context(self, doc_id: str) -> tuple[str, np.ndarray, tuple[str, ...], str]:
        """NFC text, marks, party names and language form of one document (read once)."""
        got = self._contexts.get(doc_id)
        if got is not None:
            return got
        m = self.meta(doc_id)
        marks = self.sh.marks_of(self.row[doc_id])
        if marks is None or not len(marks):
            marks = np.zeros((1, 2), dtype=np.int64)
        got = (
            nfc(str(m.get(schema.TEXT) or "")),
            (marks[:, 0].tolist(), marks[:, 1].tolist()),  # searched with bisect, per token
            party_names(m.get(schema.MUNICIPALITIES), m.get(schema.HEALTH_TRUST)),
            str(m.get(schema.LANGUAGE_FORM) or "bokmal"),
        )
        if len(self._contexts) >= 8:  # a document and its base are asked for in turn
            self._contexts.clear()
        self._contexts[doc_id] = got
        return got

    def _slice(self, doc_id: str, start: int, end: int) -> list[str]:
        text, marks, parties, lf = self._context(doc_id)
        return comparison_slice(
            text,
            start,
            end,
            **_mark_before(marks, start),
            parties=parties,
            language_form=lf,
            common_form=self.common_form,
        )

    def base_arrays(self, fam: str, base: str) -> tuple[np.ndarray, tuple, np.ndarray]:
        """The base member's shingle sequence, its position index (:func:`position_index`)
        and its tokens covered by the family consensus (cached for the family)."""
        key = (fam, base)
        got = self._bases.get(key)
        if got is None:
            rb = self.row[base]
            bseq = self.sh.seq_of(rb)
            cons = self.sets[fam]
            got = (
                bseq,
                position_index(bseq),
                covered_tokens(bseq, int(self.sh.n_tokens[rb]), cons, self.sh.ngram),
            )
            if len(self._bases) > _BASE_CACHE:
                self._bases.clear()
            self._bases[key] = got
        return got

    def template_coverage(self, doc_id: str, national: np.ndarray) -> np.ndarray:
        """Per-token coverage by the family consensus, the national model, the text shared
        across trusts (``shared``) and, for a document alone in its family, the reference."""
        r = self.row[doc_id]
        seq, n, k = self.sh.seq_of(r), int(self.sh.n_tokens[r]), self.sh.ngram
        cov = covered_tokens(seq, n, national, k)
        if len(self.shared):
            cov |= covered_tokens(seq, n, self.shared, k)
        cons = self.sets.get(self.family.get(doc_id))
        if cons is not None and len(cons):
            cov |= covered_tokens(seq, n, cons, k)
        ref = self.references.get(doc_id)
        if ref is not None:
            cov |= covered_tokens(seq, n, ref, k)
        return cov

    def map_batches(
        self,
        fn: Callable[[FamilyAligner, C, list], R],
        items: Iterable,
        *,
        context: C = None,
        n_jobs: int = 1,
        batch: int = 200,
    ) -> Iterator[R]:
        """``fn(aligner, context, chunk)`` for consecutive chunks of ``batch`` items, in order.

        With ``n_jobs > 1`` (where processes can be forked) the chunks go to ``n_jobs``
        worker processes forked from this one at the first chunk: they share this aligner
        (with everything it holds then: classified runs, caches) and ``context`` with the
        parent rather than receiving copies. ``fn`` must be a module-level function (it is
        pickled by name), and so must be what it returns. At most ``4 * n_jobs`` chunks are
        in flight, so memory stays bounded while the parent produces the items. The results
        do not depend on ``n_jobs``.
        """
        chunks = _chunked(items, batch)
        if n_jobs <= 1 or "fork" not in mp.get_all_start_methods():
            for chunk in chunks:
                yield fn(self, context, chunk)
            return
        global _WORKER_STATE
        _WORKER_STATE = (self, context)  # what the forked workers see
        if self.common_form and self.has_texts:  # loaded once here, not in every worker
            forms = self._cols.get(schema.LANGUAGE_FORM)
            load_lemma_data(
                sorted({f for f in forms if isinstance(f, str)})
                if forms is not None
                else ["bokmal"]
            )
        # objects that exist now are left out of the workers' garbage collections: a
        # collection would walk (and so copy, page by page) the whole inherited heap
        gc.freeze()
        try:
            with ProcessPoolExecutor(n_jobs, mp_context=mp.get_context("fork")) as ex:
                pending: deque = deque()
                for chunk in chunks:
                    pending.append(ex.submit(_in_worker, fn, chunk))
                    while len(pending) > 4 * n_jobs:
                        yield pending.popleft().result()
                while pending:
                    yield pending.popleft().result()
        finally:
            gc.unfreeze()
            _WORKER_STATE = None

    def remember_runs(self, doc_id: str, found: list[Run]) -> None:
        """Keep runs classified elsewhere (in a worker) for :meth:`classified`."""
        self._runs[doc_id] = found

    def classified(self, doc_id: str) -> list[Run] | None:
        """The runs of ``doc_id`` if they were classified already (else None)."""
        return self._runs.get(doc_id)

    def runs(self, doc_id: str, covered: np.ndarray, *, min_tokens: int) -> list[Run]:
        """Uncovered runs of ``doc_id`` (``covered``: its per-token template coverage).

        Cached, so that ``document_indices`` and ``local_adaptations`` share them.
        """
        got = self._runs.get(doc_id)
        if got is None:
            got = self._runs[doc_id] = self._classify(doc_id, covered, min_tokens)
        return got

    def _classify(self, doc_id: str, covered: np.ndarray, min_tokens: int) -> list[Run]:
        fam = self.family.get(doc_id)
        cons = self.sets.get(fam)
        base = self.reference(doc_id)
        r = self.row[doc_id]
        seq = self.sh.seq_of(r)
        if cons is None or not len(cons) or base is None:
            cons = np.empty(0, dtype=np.uint32)
            bseq, bidx, bcov = np.empty(0, dtype=np.uint32), None, np.zeros(0, dtype=bool)
        else:
            bseq, bidx, bcov = self.base_arrays(fam, base)
        out = classify_runs(
            seq,
            int(self.sh.n_tokens[r]),
            covered,
            cons,
            bseq,
            bcov,
            ngram=self.sh.ngram,
            min_tokens=min_tokens,
            base_index=bidx,
        )
        if not self.has_texts or not any(x.kind == "edited" for x in out):
            return out
        return [
            Run(x.start, x.end, "variant", x.gap_start, x.gap_end)
            if x.kind == "edited"
            and is_variant(
                self.words(doc_id, x.start, x.end),
                self.words(base, x.gap_start, x.gap_end, base=True),
                min_ratio=self.variant_ratio,
            )
            else x
            for x in out
        ]


def _mark_before(marks: tuple[list[int], list[int]], token: int) -> dict[str, int]:
    """The last mark at or before comparison token ``token`` (marks: char offsets, tokens)."""
    chars, tokens = marks
    k = max(bisect_right(tokens, token) - 1, 0)
    return {"mark_char": chars[k], "mark_token": tokens[k]}


#: The aligner and context a worker forked by :meth:`FamilyAligner.map_batches` works with.
_WORKER_STATE: tuple[FamilyAligner, object] | None = None


def _chunked(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def _in_worker(fn: Callable[[FamilyAligner, C, list], R], chunk: list) -> R:
    """``fn`` on a chunk in a worker forked by :meth:`FamilyAligner.map_batches`."""
    if _WORKER_STATE is None:  # pragma: no cover - only if the worker was not forked
        raise RuntimeError("no aligner in this worker process")
    aligner, context = _WORKER_STATE
    return fn(aligner, context, chunk)
