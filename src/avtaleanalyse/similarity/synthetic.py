"""A template-plus-edits corpus with known truth, for tests and benchmarks (synthetic).

Words are random syllable strings (no real agreement text). A national model of clauses,
each with several alternative phrasings; every health trust picks phrasings per clause to
make its regional template for each agreement number; every municipality copies the
template, replaces the party names, and edits or adds a drawn share of local text.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from avtaleanalyse import schema

__all__ = ["synthetic_corpus"]

_SYL = ["ka", "te", "ro", "mi", "sa", "lo", "ve", "nu", "di", "fa", "gy", "hø", "bå", "je", "ul"]


def _vocab(rng: np.random.Generator, size: int) -> np.ndarray:
    syl = np.array(_SYL, dtype=object)
    words: set[str] = set()
    while len(words) < size:
        k = rng.integers(2, 5, size=size)
        picks = rng.integers(0, len(syl), size=(size, 4))
        words.update("".join(syl[picks[i, : k[i]]]) for i in range(size))
    return np.array(sorted(words)[:size], dtype=object)


def synthetic_corpus(
    *,
    n_trusts: int = 4,
    n_agreements: int = 3,
    n_municipalities: int = 8,
    clauses: int = 40,
    clause_words: int = 35,
    phrasings: int = 3,
    max_adaptation: float = 0.5,
    seed: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Documents (templates and municipal copies) and their truth.

    Returns
    -------
    documents : pandas.DataFrame
        ``doc_id``, ``text``, ``language_form``, ``agreement_kind``, ``agreement_number``,
        ``health_trust``, ``municipalities``, ``year``, ``is_template``.
    truth : pandas.DataFrame
        ``doc_id``, ``template_family``, ``adaptation_share`` (share of words that are
        local), ``local_passages`` (list of the added passages' texts).
    """
    rng = np.random.default_rng(seed)
    vocab = _vocab(rng, 4000)
    # national model: agreement -> clause -> phrasing -> words
    model = [
        [
            [" ".join(rng.choice(vocab, size=clause_words)) for _ in range(phrasings)]
            for _ in range(clauses)
        ]
        for _ in range(n_agreements)
    ]
    docs, truth = [], []
    for t in range(n_trusts):
        hf = f"Helse Syntet{t} HF"
        for a in range(n_agreements):
            choice = rng.integers(0, phrasings, size=clauses)
            tmpl_clauses = [model[a][c][choice[c]] for c in range(clauses)]
            fam = f"T{t}-A{a}"
            tid = f"t{t:02d}a{a:02d}"
            text = f"Delavtale {a + 1} mellom xx kommune og {hf}.\n" + ".\n".join(tmpl_clauses)
            docs.append((tid, text, hf, [], True, a + 1))
            truth.append((tid, fam, 0.0, []))
            for m in range(n_municipalities):
                name = f"Kommune{t}x{m}"
                share = float(rng.uniform(0, max_adaptation)) if rng.random() < 0.7 else 0.0
                out, local, n_local, n_total = [], [], 0, 0
                for c in tmpl_clauses:
                    words = c.split()
                    if rng.random() < share:
                        if rng.random() < 0.5:  # edit: replace the clause's second half
                            h = len(words) // 2
                            new = list(rng.choice(vocab, size=len(words) - h))
                            words = words[:h] + new
                            n_local += len(new)
                        else:  # add a local clause after it
                            new = " ".join(rng.choice(vocab, size=clause_words))
                            local.append(new)
                            out.append(" ".join(words))
                            n_total += len(words)
                            words = new.split()
                            n_local += len(words)
                    out.append(" ".join(words))
                    n_total += len(words)
                did = f"m{t:02d}a{a:02d}k{m:02d}"
                body = f"Delavtale {a + 1} mellom {name} kommune og {hf}.\n" + ".\n".join(out)
                docs.append((did, body, hf, [name], False, a + 1))
                truth.append((did, fam, n_local / max(n_total, 1), local))
    documents = pd.DataFrame(
        docs,
        columns=[
            schema.DOC_ID,
            schema.TEXT,
            schema.HEALTH_TRUST,
            schema.MUNICIPALITIES,
            schema.IS_TEMPLATE,
            schema.AGREEMENT_NUMBER,
        ],
    )
    documents[schema.LANGUAGE_FORM] = "bokmal"
    documents[schema.AGREEMENT_KIND] = "delavtale"
    documents[schema.YEAR] = 2012
    truth_df = pd.DataFrame(
        truth, columns=[schema.DOC_ID, "template_family", "adaptation_share", "local_passages"]
    )
    return documents, truth_df
