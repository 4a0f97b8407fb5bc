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

from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np
import pandas as pd

from avtaleanalyse import schema
from avtaleanalyse.similarity.normalize import (
    final_token,
    mask_token_list,
    normalize_tokens,
    raw_tokens,
)
from avtaleanalyse.similarity.prototypes import Prototypes, covered_tokens, runs
from avtaleanalyse.similarity.shingles import Shingled, party_names, sorted_unique

__all__ = [
    "LOCAL_KINDS",
    "FamilyAligner",
    "Run",
    "classify_runs",
    "first_positions",
    "is_variant",
    "singleton_references",
]

#: Kinds of run that count as local text.
LOCAL_KINDS = frozenset({"added", "edited"})


@dataclass(frozen=True)
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


def first_positions(seq: np.ndarray) -> dict[int, int]:
    """Shingle hash -> index of its first occurrence in ``seq``."""
    out: dict[int, int] = {}
    for j, h in enumerate(seq.tolist()):
        out.setdefault(h, j)
    return out


def is_variant(tokens: list[str], base_tokens: list[str], *, min_ratio: float = 0.7) -> bool:
    """Whether two token runs are one text written differently (similarity >= ``min_ratio``).

    Similarity is :class:`difflib.SequenceMatcher`'s ratio on the space-joined tokens: a
    nynorsk clause and its bokmål original, or an OCR-damaged copy, share most characters;
    a rewording shares few.

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
    # cheap tests first: the length bound is exact; a rewording shares few character
    # trigrams (Dice < 0.4; on the demo corpus every pair with ratio >= 0.7 had >= 0.54)
    if 2 * min(len(a), len(b)) / (len(a) + len(b)) < min_ratio:
        return False
    if _trigram_dice(a, b) < _DICE_FLOOR:
        return False
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= min_ratio


#: Character-trigram Dice below which two runs are not compared in full (see is_variant).
_DICE_FLOOR = 0.4


def _trigram_dice(a: str, b: str) -> float:
    """Dice coefficient of the two strings' sets of character trigrams."""
    ga, gb = _trigrams(a), _trigrams(b)
    total = len(ga) + len(gb)
    return 2 * len(ga & gb) / total if total else 0.0


def _trigrams(s: str) -> set[str]:
    s = f" {s} "
    return {s[i : i + 3] for i in range(len(s) - 2)}


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
    base_positions: dict[int, int] | None = None,
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
    base_positions
        :func:`first_positions` of ``base_seq``, to reuse across the members of a family.

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
    bpos = base_positions if base_positions is not None else first_positions(base_seq)
    # left anchor: last consensus shingle ending before a; right: first starting at >= b
    starts = np.array([a for a, _ in uncovered], dtype=np.int64)
    ends = np.array([b for _, b in uncovered], dtype=np.int64)
    left = (np.searchsorted(hit_idx, starts - k + 1, side="left") - 1).tolist()
    right = np.searchsorted(hit_idx, ends, side="left").tolist()
    hits = seq[hit_idx].tolist()
    n_hits = len(hits)
    base_cov = np.asarray(base_consensus_covered, dtype=bool)
    out = []
    for (a, b), li, ri in zip(uncovered, left, right, strict=True):
        kind, ga, gb = "added", 0, 0
        pl = bpos.get(hits[li]) if 0 <= li < n_hits else None
        pr = bpos.get(hits[ri]) if ri < n_hits else None
        if pl is not None and pr is not None and pr > pl + k:
            ga, gb = pl + k, pr
            kind = "edited" if base_cov[ga:gb].any() else "slot"
        out.append(Run(a, b, kind, ga, gb))
    return out


def singleton_references(
    shingled: Shingled,
    families: pd.DataFrame,
    prototypes: Prototypes,
    documents: pd.DataFrame | None = None,
    *,
    chunk: int = 1 << 24,
) -> dict[str, np.ndarray]:
    """Reference shingles of the documents whose family has no consensus (one member).

    A shingle of such a document is in its reference when at least one other document that
    shares none of its municipalities has it too (its own other agreements would hide its
    local text): text found in no other party's agreement is local, as far as the corpus can
    tell. One scan of all sequences, in chunks.

    Returns
    -------
    dict
        ``doc_id`` -> sorted distinct uint32 hashes.
    """
    from avtaleanalyse.similarity.candidates import member_mask

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
    # (unit, hash) of every occurrence of a wanted hash, as sorted unique keys
    seq, offs = shingled.seq, shingled.seq_offsets
    keys = []
    for s in range(0, len(seq), chunk):
        hit = np.flatnonzero(member_mask(seq[s : s + chunk], wanted)) + s
        if len(hit):
            unit = np.searchsorted(offs, hit, side="right") - 1
            keys.append(sorted_unique((unit.astype(np.uint64) << np.uint64(32)) | seq[hit]))
    keys = sorted_unique(np.concatenate(keys))
    unit_of = (keys >> np.uint64(32)).astype(np.int64)
    hash_of = (keys & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    order = np.argsort(hash_of, kind="stable")
    hash_sorted, unit_by_hash = hash_of[order], unit_of[order]
    out = {}
    for i in alone:
        own = sorted_unique(shingled.seq_of(i))
        lo = np.searchsorted(hash_sorted, own, side="left")
        hi = np.searchsorted(hash_sorted, own, side="right")
        shared = np.zeros(len(own), dtype=bool)
        for k in np.flatnonzero(hi - lo > 1):  # some other unit has it
            others = unit_by_hash[lo[k] : hi[k]]
            shared[k] = any(u != i and not (munis[u] & munis[i]) for u in others.tolist())
        out[str(ids[i])] = own[shared]
    return out


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
        self._bases: dict[tuple[str, str], tuple] = {}
        self._tokens: dict[str, tuple[list[str], np.ndarray]] = {}
        self._base_tokens: dict[str, tuple[list[str], np.ndarray]] = {}
        self._masked: dict[str, tuple[list[str], str]] = {}
        self._base_masked: dict[str, tuple[list[str], str]] = {}
        self._runs: dict[str, list[Run]] = {}

    @property
    def has_texts(self) -> bool:
        """Whether the documents' texts are available (variants and passages need them)."""
        return self._docs is not None

    def meta(self, doc_id: str) -> dict:
        """``text``, ``municipalities``, ``health_trust``, ``language_form`` of one document."""
        i = self._doc_pos[doc_id]
        cols = (schema.TEXT, schema.MUNICIPALITIES, schema.HEALTH_TRUST, schema.LANGUAGE_FORM)
        return {c: self._docs[c].iat[i] for c in cols if c in self._docs}

    def reference(self, doc_id: str) -> str | None:
        """The member ``doc_id`` is compared with (the base, or the runner-up for the base)."""
        fam = self.family.get(doc_id)
        base = self.base.get(fam)
        if base == doc_id:
            base = self.alt.get(fam)
        return base if isinstance(base, str) and base in self.row else None

    def tokens(self, doc_id: str, *, base: bool = False) -> tuple[list[str], np.ndarray]:
        """Comparison tokens and their character spans (cached; needs the texts).

        Base members (``base=True``) are kept for the whole run, since every member of the
        family is compared with them; other documents only briefly.
        """
        cache = self._base_tokens if base else self._tokens
        got = cache.get(doc_id)
        if got is None:
            m = self.meta(doc_id)
            got = normalize_tokens(
                str(m.get(schema.TEXT) or ""),
                parties=party_names(m.get(schema.MUNICIPALITIES), m.get(schema.HEALTH_TRUST)),
                language_form=str(m.get(schema.LANGUAGE_FORM) or "bokmal"),
                common_form=self.common_form,
            )
            if not base and len(cache) > 64:
                cache.clear()
            cache[doc_id] = got
        return got

    def words(self, doc_id: str, start: int, end: int, *, base: bool = False) -> list[str]:
        """Comparison tokens ``start:end`` of a document, without locating every token.

        Cheaper than :meth:`tokens` when only a few runs are compared: the raw tokens are
        masked (party names) for the whole text, the common form only for the slice.
        """
        cache = self._base_masked if base else self._masked
        got = cache.get(doc_id)
        if got is None:
            m = self.meta(doc_id)
            raw = raw_tokens(str(m.get(schema.TEXT) or ""))
            parties = party_names(m.get(schema.MUNICIPALITIES), m.get(schema.HEALTH_TRUST))
            lf = "nynorsk" if m.get(schema.LANGUAGE_FORM) == "nynorsk" else "bokmal"
            got = (mask_token_list(raw, parties)[0], lf)
            if not base and len(cache) > 64:
                cache.clear()
            cache[doc_id] = got
        toks, lf = got
        return [final_token(t, lf, self.common_form) for t in toks[start:end]]

    def _base(self, fam: str, base: str) -> tuple:
        key = (fam, base)
        got = self._bases.get(key)
        if got is None:
            rb = self.row[base]
            bseq = self.sh.seq_of(rb)
            cons = self.sets[fam]
            got = (
                bseq,
                first_positions(bseq),
                covered_tokens(bseq, int(self.sh.n_tokens[rb]), cons, self.sh.ngram),
            )
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
            bseq, bpos, bcov = np.empty(0, dtype=np.uint32), {}, np.zeros(0, dtype=bool)
        else:
            bseq, bpos, bcov = self._base(fam, base)
        out = classify_runs(
            seq,
            int(self.sh.n_tokens[r]),
            covered,
            cons,
            bseq,
            bcov,
            ngram=self.sh.ngram,
            min_tokens=min_tokens,
            base_positions=bpos,
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
