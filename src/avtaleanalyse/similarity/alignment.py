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
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np
import pandas as pd

from avtaleanalyse import schema
from avtaleanalyse.similarity.normalize import normalize_tokens
from avtaleanalyse.similarity.prototypes import Prototypes, covered_tokens, runs
from avtaleanalyse.similarity.shingles import Shingled, party_names

__all__ = [
    "LOCAL_KINDS",
    "FamilyAligner",
    "Run",
    "classify_runs",
    "first_positions",
    "is_variant",
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
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= min_ratio


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
    out = []
    for a, b in uncovered:
        # left anchor: last consensus shingle ending before a; right: first starting at >= b
        li = np.searchsorted(hit_idx, a - k + 1, side="left") - 1
        ri = np.searchsorted(hit_idx, b, side="left")
        kind, ga, gb = "added", 0, 0
        if 0 <= li < len(hit_idx) and ri < len(hit_idx):
            pl = bpos.get(int(seq[hit_idx[li]]))
            pr = bpos.get(int(seq[hit_idx[ri]]))
            if pl is not None and pr is not None and pr > pl + k:
                ga, gb = pl + k, pr
                kind = "edited" if base_consensus_covered[ga:gb].any() else "slot"
        out.append(Run(a, b, kind, ga, gb))
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
    ) -> None:
        self.sh = shingled
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
        cols = [
            c
            for c in (schema.TEXT, schema.MUNICIPALITIES, schema.HEALTH_TRUST, schema.LANGUAGE_FORM)
            if documents is not None and c in documents
        ]
        self.meta = (
            documents.set_index(schema.DOC_ID)[cols].to_dict("index")
            if documents is not None and schema.TEXT in cols
            else None
        )
        self._bases: dict[tuple[str, str], tuple] = {}
        self._tokens: dict[str, tuple[list[str], np.ndarray]] = {}

    def reference(self, doc_id: str) -> str | None:
        """The member ``doc_id`` is compared with (the base, or the runner-up for the base)."""
        fam = self.family.get(doc_id)
        base = self.base.get(fam)
        if base == doc_id:
            base = self.alt.get(fam)
        return base if isinstance(base, str) and base in self.row else None

    def tokens(self, doc_id: str) -> tuple[list[str], np.ndarray]:
        """Comparison tokens and their character spans (cached; needs ``documents``)."""
        got = self._tokens.get(doc_id)
        if got is None:
            m = self.meta[doc_id]
            got = normalize_tokens(
                str(m.get(schema.TEXT) or ""),
                parties=party_names(m.get(schema.MUNICIPALITIES), m.get(schema.HEALTH_TRUST)),
                language_form=str(m.get(schema.LANGUAGE_FORM) or "bokmal"),
                common_form=self.common_form,
            )
            if len(self._tokens) > 256:  # bases are reused; members are not
                self._tokens.clear()
            self._tokens[doc_id] = got
        return got

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

    def runs(self, doc_id: str, covered: np.ndarray, *, min_tokens: int) -> list[Run]:
        """Uncovered runs of ``doc_id`` (``covered``: its per-token template coverage)."""
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
        if self.meta is None or not any(x.kind == "edited" for x in out):
            return out
        toks, _ = self.tokens(doc_id)
        btoks, _ = self.tokens(base)
        return [
            Run(x.start, x.end, "variant", x.gap_start, x.gap_end)
            if x.kind == "edited"
            and is_variant(
                toks[x.start : x.end],
                btoks[x.gap_start : x.gap_end],
                min_ratio=self.variant_ratio,
            )
            else x
            for x in out
        ]
