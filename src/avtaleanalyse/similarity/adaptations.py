"""Local adaptations: passages added, edited or removed relative to the family prototype.

On comparison tokens, a document's runs of tokens that no template shingle covers (family
consensus or national model) are placed against the family's base member and classified by
:mod:`~avtaleanalyse.similarity.alignment`: ``added`` and ``edited`` runs of at least
``min_tokens`` tokens are the local passages (slot fills such as contact roles, and variants
of the replaced text in the other written form or damaged by OCR, are not). Base runs of
consensus text that the document does not cover, and that no edit replaced, are
``removed``. Texts are cut from the original texts through the token spans, so exactly the
passages that make up a document's ``local_share`` are listed.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from avtaleanalyse import schema
from avtaleanalyse.similarity.alignment import (
    LOCAL_KINDS,
    FamilyAligner,
    first_positions,
)
from avtaleanalyse.similarity.prototypes import Prototypes, covered_by_shingles, runs
from avtaleanalyse.similarity.shingles import Shingled

__all__ = ["KIND", "local_adaptations", "side_by_side_html"]

KIND = "kind"
_COLUMNS = [
    schema.DOC_ID,
    KIND,
    schema.TEXT,
    schema.POSITION,
    "end",
    "n_tokens",
    "prototype_text",
    schema.FAMILY_ID,
]


def _document_passages(
    aligner: FamilyAligner, doc_id: str, national: np.ndarray, min_tokens: int
) -> list[tuple]:
    """(kind, text, position, end, n_tokens, prototype_text) of one document.

    Only the character spans of the passages' first and last tokens are looked up (from
    the marks of the shingles), never all tokens of the document.
    """
    sh = aligner.sh
    fam = aligner.family[doc_id]
    cons = aligner.sets.get(fam)
    base = aligner.reference(doc_id)
    alone = cons is None or not len(cons) or base is None
    if alone and doc_id not in aligner.references:
        return []
    k = sh.ngram
    r = aligner.row[doc_id]
    seq, n = sh.seq_of(r), int(sh.n_tokens[r])
    found = aligner.classified(doc_id)  # by document_indices, for documents with runs
    if found is None:
        covered = aligner.template_coverage(doc_id, national)
        found = aligner.runs(doc_id, covered, min_tokens=min_tokens)
    removed: list[tuple[int, int]] = []
    if not alone:
        bseq, _, proto_mask = aligner.base_arrays(fam, base)
        bn = int(sh.n_tokens[aligner.row[base]])
        doc_cov = covered_by_shingles(bseq, bn, seq, k)
        removed = [(a, b) for a, b in runs(proto_mask & ~doc_cov) if b - a >= min_tokens]
    if not any(x.kind in LOCAL_KINDS for x in found) and not removed:
        return []
    text = aligner.text(doc_id)
    base_text = "" if alone else aligner.text(base)

    def chars(doc: str, start: int, end: int) -> tuple[int, int]:
        """``[first char, last char)`` of comparison tokens ``start:end`` of ``doc``."""
        if not 0 <= start < end <= int(sh.n_tokens[aligner.row[doc]]):
            raise ValueError(f"token span {start}:{end} outside document {doc}")
        return aligner.char_span(doc, start, end, base=doc == base)

    recs = []
    edited_gaps = []
    for x in found:
        if x.kind not in LOCAL_KINDS:
            if x.gap_end > x.gap_start:
                edited_gaps.append((x.gap_start, x.gap_end))
            continue
        ptext = ""
        if x.kind == "edited":
            edited_gaps.append((x.gap_start, x.gap_end))
            ps, pe = chars(base, x.gap_start, x.gap_end)
            ptext = base_text[ps:pe]
        s, e = chars(doc_id, x.start, x.end)
        recs.append((x.kind, text[s:e], s, e, x.end - x.start, ptext))
    removed = [(a, b) for a, b in removed if not any(a < gb and ga < b for ga, gb in edited_gaps)]
    if removed:
        # each base shingle's first position in the document (-1: absent)
        dpos = first_positions(seq, bseq)
        shared_at = np.flatnonzero(dpos >= 0)
    for a, b in removed:
        # where in the document: after the last base shingle before a that the doc has
        where = 0
        p = int(np.searchsorted(shared_at, a - k, side="right")) - 1
        if p >= 0:
            last = min(int(dpos[shared_at[p]]) + k, n) - 1
            where = chars(doc_id, last, last + 1)[1]
        s, e = chars(base, a, b)
        recs.append(("removed", base_text[s:e], where, where, b - a, ""))
    # in order of position, then kind (a stable sort: equal keys keep the order above)
    recs.sort(key=lambda rec: (rec[2], rec[0]))
    return recs


def _passages_batch(
    aligner: FamilyAligner, context: tuple[np.ndarray, int], batch: list[tuple[str, str]]
) -> pd.DataFrame:
    """Rows of ``adaptations.parquet`` for a batch of ``(doc_id, family_id)``;
    ``context``: the national model's shingles and the minimum run length."""
    national, min_tokens = context
    rows = [
        (d, *rec, fam)
        for d, fam in batch
        for rec in _document_passages(aligner, d, national, min_tokens)
    ]
    return pd.DataFrame(rows, columns=_COLUMNS)


def local_adaptations(
    documents: pd.DataFrame,
    shingled: Shingled,
    families: pd.DataFrame,
    prototypes: Prototypes,
    *,
    national: np.ndarray | None = None,
    references: dict[str, np.ndarray] | None = None,
    common_form: bool = True,
    min_tokens: int = 6,
    variant_ratio: float = 0.7,
    aligner: FamilyAligner | None = None,
    n_jobs: int = 1,
) -> pd.DataFrame:
    """Added, edited and removed passages of every document in a family with a prototype.

    Parameters
    ----------
    documents
        ``doc_id``, ``text``, ``language_form``, ``municipalities``, ``health_trust``.
    shingled
        Document shingles (same options as used for ``prototypes``).
    families, prototypes
        From :func:`~avtaleanalyse.similarity.families.cluster_families` and
        :func:`~avtaleanalyse.similarity.prototypes.family_prototypes`.
    national
        The national model's shingles (template text even where the family lacks it).
    references
        :func:`~avtaleanalyse.similarity.alignment.singleton_references`: what a document
        alone in its family is compared with instead (its local passages are all ``added``).
    min_tokens, variant_ratio
        As for :func:`~avtaleanalyse.similarity.indices.document_indices`, so the passages
        are exactly the local text counted in ``local_share``.
    aligner
        The :class:`~avtaleanalyse.similarity.alignment.FamilyAligner` that
        ``document_indices`` used (its classified runs are reused).
    n_jobs
        Worker processes (:meth:`FamilyAligner.map_batches`); the table does not depend on it.

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_id``, ``kind``, ``text``, ``position`` (character offset in the
        document where the passage starts or, for ``removed``, where it would have been),
        ``end``, ``n_tokens``, ``prototype_text`` (the replaced base text of an edit),
        ``family_id``; rows by document in the order of ``families``, then by position. The
        base member is compared with the family's runner-up.
    """
    if aligner is None:
        aligner = FamilyAligner(
            shingled,
            families,
            prototypes,
            documents=documents,
            common_form=common_form,
            variant_ratio=variant_ratio,
            references=references,
        )
    nat = (
        np.asarray(national, dtype=np.uint32)
        if national is not None
        else np.empty(0, dtype=np.uint32)
    )
    order = [
        (d, fam)
        for d, fam in zip(
            families[schema.DOC_ID].astype(str), families[schema.FAMILY_ID], strict=True
        )
        if d in aligner.row
    ]
    # one table per batch of documents (not per document: at 100k documents so many
    # small tables cost more memory than the passages); concatenating them does not copy
    # their text columns (Arrow chunks)
    context = (nat, min_tokens)
    frames = [
        got
        for got in aligner.map_batches(_passages_batch, order, context=context, n_jobs=n_jobs)
        if len(got)
    ]
    if not frames:
        return pd.DataFrame(columns=_COLUMNS)
    return pd.concat(frames, ignore_index=True)


_CSS = """
body{font-family:system-ui,sans-serif;margin:1em;color:#222}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:1.5em}
.col{white-space:pre-wrap;line-height:1.45;border:1px solid #ccc;padding:.8em;border-radius:4px}
h2{font-size:1.05em;margin:.2em 0 .6em}
mark.added{background:#fdd9a0;} mark.edited{background:#c6dbef;}
mark.removed{background:#e0e0e0;text-decoration:line-through}
.legend span{margin-right:1.2em;padding:0 .3em}
"""


def side_by_side_html(
    document_text: str,
    prototype_text: str,
    adaptations: pd.DataFrame,
    *,
    title: str = "Dokument mot malen",
    document_label: str = "Dokumentet",
    prototype_label: str = "Familiens prototype (felles tekst)",
) -> str:
    """A self-contained HTML page: document left (local text highlighted), prototype right.

    Parameters
    ----------
    document_text
        The document's text.
    prototype_text
        The family prototype's text (e.g. from ``prototypes.parquet``).
    adaptations
        This document's rows of ``adaptations.parquet`` (``kind``, ``text``, ``position``,
        ``end``).

    Returns
    -------
    str
        HTML with inline CSS; added passages orange, edited blue; removed passages (text from
        the prototype) listed struck through in the prototype column.
    """
    esc = html.escape
    local = adaptations[adaptations[KIND].isin(["added", "edited"])].sort_values(schema.POSITION)
    parts, cur = [], 0
    for kind, s, e in zip(local[KIND], local[schema.POSITION], local["end"], strict=True):
        s, e = int(s), int(e)
        if s < cur:
            continue
        parts.append(esc(document_text[cur:s]))
        label = "lagt til lokalt" if kind == "added" else "endret lokalt"
        parts.append(f'<mark class="{kind}" title="{label}">{esc(document_text[s:e])}</mark>')
        cur = e
    parts.append(esc(document_text[cur:]))
    removed = adaptations[adaptations[KIND] == "removed"]
    rem_html = "".join(
        f'<p><mark class="removed">{esc(str(t))}</mark></p>' for t in removed[schema.TEXT]
    )
    share = sum(int(e) - int(s) for s, e in zip(local[schema.POSITION], local["end"], strict=True))
    share_txt = f"{100 * share / max(len(document_text), 1):.0f} %"
    return (
        '<!DOCTYPE html>\n<html lang="nb"><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{esc(title)}</h1>"
        '<p class="legend"><span style="background:#fdd9a0">lagt til lokalt</span>'
        '<span style="background:#c6dbef">endret lokalt</span>'
        '<span style="background:#e0e0e0;text-decoration:line-through">fjernet fra malen</span>'
        f" Lokal tekst: {share_txt} av tegnene.</p>"
        f'<div class="grid"><div><h2>{esc(document_label)}</h2><div class="col">{"".join(parts)}'
        f'</div></div><div><h2>{esc(prototype_label)}</h2><div class="col">{esc(prototype_text)}'
        f"</div>{'<h2>Fjernet fra malen</h2>' + rem_html if rem_html else ''}</div></div>"
        "</body></html>\n"
    )
