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
from functools import lru_cache
from importlib import resources

import simplemma

__all__ = ["common_form", "lemmatize", "normalize_token_form", "tokenize"]

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


def lemmatize(tokens: list[str], *, language_form: str = "bokmal") -> list[str]:
    """Lemmatise tokens with simplemma's offline bokmål (``nb``) or nynorsk (``nn``) data.

    Numbers and ``§`` pass through unchanged; a word simplemma does not know is kept.
    """
    lang = "nn" if language_form == "nynorsk" else "nb"
    return [t if not t[:1].isalpha() else _lemma(t, lang) for t in tokens]


@lru_cache(maxsize=1)
def _nn_nb_map() -> dict[str, str]:
    path = resources.files("avtaleanalyse.resources").joinpath("nn_nb_lemmas.tsv")
    with path.open(encoding="utf-8") as fh:
        rows = csv.reader((line for line in fh if not line.startswith("#")), delimiter="\t")
        return {nn: nb for nn, nb in rows}


def normalize_token_form(token: str) -> str:
    """Map a nynorsk lemma to its bokmål twin where the two differ (``teneste`` → ``tjeneste``)."""
    return _nn_nb_map().get(token, token)


def common_form(text: str, *, language_form: str = "bokmal") -> list[str]:
    """Tokens of ``text`` lemmatised and mapped to one written form (bokmål lemmas).

    A nynorsk document and its bokmål twin give (nearly) the same sequence.
    """
    lemmas = lemmatize(tokenize(text), language_form=language_form)
    return [normalize_token_form(t) for t in lemmas]
