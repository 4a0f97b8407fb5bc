"""Shared text normalisation for the analyses: tokens, lemmas, one written form.

Pure ``str -> ...`` functions used by similarity, topics and coverage, so that the
three analyses see the same tokens. Nothing here reads the corpus tables.

>>> tokenize("Helse- og omsorgstjenesteloven § 6-2 nr. 6")
['helse-', 'og', 'omsorgstjenesteloven', '§', '6-2', 'nr', '6']
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

import simplemma

__all__ = [
    "common_form",
    "lemmatize",
    "load_lemma_data",
    "normalize_token_form",
    "to_bokmal",
    "tokenize",
]

# words (with inner hyphens, and a trailing hyphen as in "helse- og"), numbers such as
# "6-2", "3.1", "2A", and the section sign.
_TOKEN_RE = re.compile(
    r"§|\d+(?:[.\-/]\d+)*[a-zA-ZæøåÆØÅ]?(?![\w])|[^\W\d_]+(?:-[^\W\d_]+)*-?",
    re.UNICODE,
)


def tokenize(text: str, *, lower: bool = True) -> list[str]:
    """Split ``text`` into word, number and ``§`` tokens (NFC, optionally lower-cased)."""
    text = unicodedata.normalize("NFC", text)
    if lower:
        text = text.lower()
    return _TOKEN_RE.findall(text)


@lru_cache(maxsize=500_000)
def _lemma(token: str, lang: str) -> str:
    return simplemma.lemmatize(token, lang=lang)


def load_lemma_data(language_forms: Iterable[str]) -> None:
    """Load simplemma's dictionaries (and the nynorsk map) for these written forms now.

    simplemma loads a language on its first word (about a second each). Calling this before
    forking worker processes loads them once, in the parent, instead of in every worker.
    """
    for form in sorted({str(f) for f in language_forms}):
        simplemma.lemmatize("samarbeid", lang="nb")
        simplemma.is_known("samarbeid", lang="nb")
        if form == "nynorsk":
            simplemma.lemmatize("samarbeid", lang="nn")
            _nn_nb_tables()


def lemmatize(tokens: list[str], *, language_form: str = "bokmal") -> list[str]:
    """Lemmatise tokens with simplemma's offline bokmål (``nb``) or nynorsk (``nn``) data.

    Numbers and ``§`` pass through unchanged; a word simplemma does not know is kept.
    """
    lang = "nn" if language_form == "nynorsk" else "nb"
    return [t if not t[:1].isalpha() else _lemma(t, lang) for t in tokens]


@lru_cache(maxsize=1)
def _nn_nb_tables() -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    """(whole-word map, compound parts longest first) from ``resources/nn_nb_lemmas.tsv``."""
    words: dict[str, str] = {}
    parts: list[tuple[str, str]] = []
    path = resources.files("avtaleanalyse.resources").joinpath("nn_nb_lemmas.tsv")
    with path.open(encoding="utf-8") as fh:
        rows = csv.reader(
            (line for line in fh if line.strip() and not line.startswith("#")), delimiter="\t"
        )
        for nn, nb in rows:
            if nn.startswith("~"):
                parts.append((nn[1:], nb))
            else:
                words[nn] = nb
    parts.sort(key=lambda p: (-len(p[0]), p[0]))
    return words, tuple(parts)


def _nn_nb_map() -> dict[str, str]:
    return _nn_nb_tables()[0]


def normalize_token_form(token: str) -> str:
    """Map a nynorsk lemma to its bokmål twin where the two differ (``teneste`` → ``tjeneste``)."""
    return _nn_nb_map().get(token, token)


#: nynorsk endings and their bokmål counterparts, tried in order on a word simplemma does not
#: know as bokmål; a candidate is kept only when it is a known bokmål word
_NN_ENDINGS = (
    ("leg", "lig"),
    ("lege", "lige"),
    ("heit", "het"),
    ("heita", "heten"),
    ("ande", "ende"),
    ("ane", "ene"),
    ("ar", "er"),
    ("ast", "es"),
    ("ast", "e"),
    ("ja", "e"),
    ("je", "e"),
    ("a", "e"),
    ("ing", "ning"),
    ("ing", "else"),
    ("e", ""),
    ("", "e"),
)


def _known_nb(word: str) -> bool:
    return simplemma.is_known(word, lang="nb")


@lru_cache(maxsize=500_000)
def to_bokmal(token: str, language_form: str = "bokmal") -> str:
    """The bokmål lemma of one lower-cased word token, from either written form.

    Bokmål: simplemma's ``nb`` lemma. Nynorsk, first that applies: the word or its ``nn``
    lemma in the shared map (``resources/nn_nb_lemmas.tsv``); a word that is also a bokmål
    word ("parten", "det") takes its ``nb`` lemma; compound parts replaced ("omsorgs*teneste*lov"
    → "omsorgstjenestelov"); suffix rules (``-leg`` → ``-lig``, ``-heit`` → ``-het``, ``-ar`` →
    ``-er`` …) kept only if simplemma knows the result as bokmål; else the ``nn`` lemma. The
    whole-word map is applied to the result in both forms.

    >>> to_bokmal("tenestene", "nynorsk"), to_bokmal("skriftleg", "nynorsk")
    ('tjeneste', 'skriftlig')
    """
    words, _ = _nn_nb_tables()
    out = _to_bokmal(token, language_form)
    return words.get(out, out)


def _to_bokmal(token: str, language_form: str) -> str:
    """The lemma before the final whole-word map (see :func:`to_bokmal`)."""
    words, parts = _nn_nb_tables()
    if not token[:1].isalpha():
        return token
    if language_form != "nynorsk":
        lemma = _lemma(token, "nb").lower()
        return words.get(lemma, lemma)
    if token in words:
        return words[token]
    lemma = _lemma(token, "nn").lower()
    if lemma in words:
        return words[lemma]
    compounds = {}
    for form in dict.fromkeys((lemma, token)):
        replaced = form
        for nn, nb in parts:
            if nn in replaced:
                replaced = replaced.replace(nn, nb)
        if replaced != form and _known_nb(replaced):
            return _lemma(replaced, "nb").lower()
        compounds[form] = replaced
    if _known_nb(token):
        nb = _lemma(token, "nb").lower()
        return words.get(nb, nb)
    for form, replaced in compounds.items():
        for base in dict.fromkeys((replaced, form)):
            if len(base) < 5:
                continue
            for nn, nb in _NN_ENDINGS:
                if base.endswith(nn):
                    cand = base[: len(base) - len(nn)] + nb
                    if _known_nb(cand):
                        return _lemma(cand, "nb").lower()
        if replaced != form:
            return replaced
    return words.get(lemma, lemma)


def common_form(text: str, *, language_form: str = "bokmal") -> list[str]:
    """Tokens of ``text`` as bokmål lemmas (:func:`to_bokmal`), whichever form it is written in.

    A nynorsk document and its bokmål twin give (nearly) the same sequence.
    """
    return [to_bokmal(t, language_form) for t in tokenize(text)]
