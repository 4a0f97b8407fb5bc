"""Local adaptations: passages added, edited or removed relative to the family prototype.

On comparison tokens: a document token is *template* when a shingle covering it is in the
family's consensus set; maximal runs of non-template tokens (at least ``min_tokens``) are
local passages. A passage is ``edited`` when prototype text lies between its two flanking
template anchors in the prototype (it replaced something), else ``added``. Prototype runs
that the document does not cover, and that no edit replaced, are ``removed``. Texts are cut
from the original texts through the token spans.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from avtaleanalyse import schema
from avtaleanalyse.similarity.normalize import token_spans
from avtaleanalyse.similarity.prototypes import Prototypes, covered_tokens, runs
from avtaleanalyse.similarity.shingles import Shingled, party_names, sorted_unique

__all__ = ["KIND", "document_adaptations", "local_adaptations", "side_by_side_html"]

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


def _first_positions(seq: np.ndarray) -> dict[int, int]:
    out: dict[int, int] = {}
    for j, h in enumerate(seq.tolist()):
        out.setdefault(h, j)
    return out


def document_adaptations(
    text: str,
    seq: np.ndarray,
    n_tokens: int,
    base_text: str,
    base_seq: np.ndarray,
    base_n_tokens: int,
    consensus: np.ndarray,
    *,
    ngram: int,
    parties: tuple[str, ...] = (),
    base_parties: tuple[str, ...] = (),
    language_form: str = "bokmal",
    base_language_form: str = "bokmal",
    common_form: bool = True,
    min_tokens: int = 3,
    base_spans: np.ndarray | None = None,
) -> pd.DataFrame:
    """Passages of one document relative to its prototype.

    ``base_spans`` (the base text's :func:`~avtaleanalyse.similarity.normalize.token_spans`)
    may be passed to reuse them across the members of a family.

    Returns
    -------
    pandas.DataFrame
        Columns ``kind`` (added|edited|removed), ``text`` (from the document; for
        ``removed`` from the prototype's base text), ``position`` (character offset in the
        document where the passage starts or, for ``removed``, where it would have been),
        ``end``, ``n_tokens``, ``prototype_text`` (the replaced prototype text of an edit).
    """
    k = ngram
    cov = covered_tokens(seq, n_tokens, consensus, k)
    spans = token_spans(text, parties=parties)
    bspans = base_spans if base_spans is not None else token_spans(base_text, parties=base_parties)
    if len(spans) != n_tokens or len(bspans) != base_n_tokens:
        raise ValueError("token spans do not match the shingles: text or parties differ")
    pos = np.searchsorted(consensus, seq) if len(consensus) else np.zeros(len(seq), int)
    pos[pos >= max(len(consensus), 1)] = 0
    hit = consensus[pos] == seq if len(consensus) else np.zeros(len(seq), bool)
    hit_idx = np.flatnonzero(hit)
    bpos = _first_positions(base_seq)
    recs = []
    edited_gaps: list[tuple[int, int]] = []
    for a, b in runs(~cov):
        if b - a < min_tokens:
            continue
        # left anchor: last template shingle ending before a; right: first starting at >= b
        li = np.searchsorted(hit_idx, a - k + 1, side="left") - 1
        ri = np.searchsorted(hit_idx, b, side="left")
        kind = "added"
        ptext = ""
        if 0 <= li < len(hit_idx) and ri < len(hit_idx):
            pl = bpos.get(int(seq[hit_idx[li]]))
            pr = bpos.get(int(seq[hit_idx[ri]]))
            if pl is not None and pr is not None:
                gap_a, gap_b = pl + k, pr
                if gap_b - gap_a > 0:
                    kind = "edited"
                    edited_gaps.append((gap_a, gap_b))
                    ptext = base_text[int(bspans[gap_a, 0]) : int(bspans[gap_b - 1, 1])]
        s, e = int(spans[a, 0]), int(spans[b - 1, 1])
        recs.append((kind, text[s:e], s, e, b - a, ptext))
    # removed: prototype tokens of the base that the document does not cover
    proto_mask = covered_tokens(base_seq, base_n_tokens, consensus, k)
    doc_set = sorted_unique(seq)
    doc_cov = covered_tokens(base_seq, base_n_tokens, doc_set, k)
    dpos = _first_positions(seq)
    for a, b in runs(proto_mask & ~doc_cov):
        if b - a < min_tokens:
            continue
        if any(a < gb and ga < b for ga, gb in edited_gaps):
            continue
        # where in the document: after the last base shingle before a that the doc has
        where = 0
        for j in range(a - k, -1, -1):
            dj = dpos.get(int(base_seq[j]))
            if dj is not None:
                where = int(spans[min(dj + k, n_tokens) - 1, 1])
                break
        s, e = int(bspans[a, 0]), int(bspans[b - 1, 1])
        recs.append(("removed", base_text[s:e], where, where, b - a, ""))
    df = pd.DataFrame(
        recs, columns=[KIND, schema.TEXT, schema.POSITION, "end", "n_tokens", "prototype_text"]
    )
    return df.sort_values([schema.POSITION, KIND], kind="mergesort").reset_index(drop=True)


def local_adaptations(
    documents: pd.DataFrame,
    shingled: Shingled,
    families: pd.DataFrame,
    prototypes: Prototypes,
    *,
    common_form: bool = True,
    min_tokens: int = 3,
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

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_id``, ``kind``, ``text``, ``position``, ``end``, ``n_tokens``,
        ``prototype_text``, ``family_id``. The base member of each family has none.
    """
    row = {d: i for i, d in enumerate(shingled.ids.astype(str))}
    cols = [
        c
        for c in (schema.TEXT, schema.MUNICIPALITIES, schema.HEALTH_TRUST, schema.LANGUAGE_FORM)
        if c in documents
    ]
    records = documents.set_index(schema.DOC_ID)[cols].to_dict("index")
    base_of = prototypes.table.set_index(schema.FAMILY_ID)["base_doc_id"].to_dict()
    frames = []
    base_spans: dict[str, np.ndarray] = {}
    for d, fam in zip(families[schema.DOC_ID], families[schema.FAMILY_ID], strict=True):
        cons = prototypes.sets.get(fam)
        base = base_of.get(fam)
        if cons is None or len(cons) == 0 or base is None or base == d or d not in row:
            continue
        r, rb = row[d], row[base]
        dm, bm = records[d], records[base]
        bparties = party_names(bm.get(schema.MUNICIPALITIES), bm.get(schema.HEALTH_TRUST))
        if base not in base_spans:
            base_spans[base] = token_spans(str(bm[schema.TEXT] or ""), parties=bparties)
        out = document_adaptations(
            str(dm[schema.TEXT] or ""),
            shingled.seq_of(r),
            int(shingled.n_tokens[r]),
            str(bm[schema.TEXT] or ""),
            shingled.seq_of(rb),
            int(shingled.n_tokens[rb]),
            cons,
            ngram=shingled.ngram,
            parties=party_names(dm.get(schema.MUNICIPALITIES), dm.get(schema.HEALTH_TRUST)),
            base_parties=bparties,
            base_spans=base_spans[base],
            language_form=str(dm.get(schema.LANGUAGE_FORM) or "bokmal"),
            base_language_form=str(bm.get(schema.LANGUAGE_FORM) or "bokmal"),
            common_form=common_form,
            min_tokens=min_tokens,
        )
        if len(out):
            out.insert(0, schema.DOC_ID, d)
            out[schema.FAMILY_ID] = fam
            frames.append(out)
    if not frames:
        return pd.DataFrame(columns=_COLUMNS)
    return pd.concat(frames, ignore_index=True)[_COLUMNS]


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
