"""Norwegian text analysis for topic models: tokens, lemmas, one written form, stopwords, no names.

The analysis runs as the first step of a scikit-learn ``Pipeline``
(:class:`NorwegianAnalyzer` -> ``CountVectorizer(analyzer=passthrough)`` -> model), so
the vocabulary, the document-term matrix and the model are fitted and stored together.

Steps for each text (all pure):

1. **Party names are masked**: the document's own parties (``health_trust`` and
   ``municipalities`` columns), every municipality and health-trust name and alias in
   :mod:`avtaleanalyse.reference`, and generic patterns (a capitalised word right before
   "kommune", "bydel X", placeholders such as "xx kommune").
2. **Tokens** from :func:`avtaleanalyse.text.tokenize` (case kept for the name check),
   with two merges so legal text stays readable: ``§`` + number -> ``"§ 6-2"``, and a
   truncated compound ``"helse- og omsorgstjenesteloven"`` -> one term
   ``"helse- og omsorgstjenestelov"``. Other numbers are dropped.
3. **Lemmas** with simplemma (bokmål ``nb`` or nynorsk ``nn`` by the ``language_form``
   column), mapped to bokmål by :func:`avtaleanalyse.text.to_bokmal` (the shared
   nynorsk -> bokmål word and compound-part map, and suffix rules checked against
   simplemma's bokmål words), so a nynorsk template and its bokmål twin give the same terms.
4. **Stopwords**: the ``stop-words`` package's Norwegian list plus the curated lists in
   ``resources/topics/`` (nynorsk function words, bokmål supplement, domain words such as
   *kommune*, *helseforetak*, *avtale*, *part*), checked on the word, its lemma and its
   bokmål form.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from avtaleanalyse import reference, schema
from avtaleanalyse.text import lemmatize, to_bokmal, tokenize

__all__ = [
    "NorwegianAnalyzer",
    "default_stopwords",
    "load_stoplist",
    "party_name_tokens",
    "passthrough",
    "tokens",
    "reference_name_tokens",
]

#: Stoplist files shipped in ``avtaleanalyse/resources/topics/``.
STOPLIST_FILES = ("stopwords_nynorsk.txt", "stopwords_bokmal_extra.txt", "stopwords_domain.txt")

_SECTION_SIGN = "§"
_NUMBER_RE = re.compile(r"^\d")

# Generic party-name patterns, applied on the token sequence: up to three capitalised
# tokens (joined by "og") right before "kommune(n/s)"/"kommunar"/"kommuner" ("Stord
# kommune", "Nore og Uvdal kommune"), and up to two after "bydel" ("bydel Gamle Oslo").
# Placeholders ("xx kommune", "NN kommune") are in the domain stoplist.
_MAX_NAME_WORDS = 3


def _mask_generic_names(toks: list[str]) -> list[str]:
    """Drop capitalised tokens that name a municipality or city district by pattern."""
    drop: set[int] = set()
    for i, tok in enumerate(toks):
        low = tok.lower()
        if low.startswith("kommun"):
            j, n = i - 1, 0
            while j >= 0 and n < _MAX_NAME_WORDS:
                if toks[j][:1].isupper():
                    drop.add(j)
                    n += 1
                elif toks[j] != "og" or n == 0 or j == 0 or not toks[j - 1][:1].isupper():
                    break  # "og" only inside a name ("Nore og Uvdal kommune")
                j -= 1
        elif low == "bydel":
            for j in range(i + 1, min(i + 3, len(toks))):
                if not toks[j][:1].isupper():
                    break
                drop.add(j)
    return [t for i, t in enumerate(toks) if i not in drop] if drop else toks


def passthrough(tokens: list[str]) -> list[str]:
    """Identity analyzer for ``CountVectorizer`` fed with token lists (module-level: picklable)."""
    return tokens


def _resource(name: str):
    return resources.files("avtaleanalyse.resources").joinpath("topics", name)


@cache
def load_stoplist(name: str) -> frozenset[str]:
    """Words of one stoplist file in ``resources/topics/`` (comment lines skipped)."""
    with _resource(name).open(encoding="utf-8") as fh:
        return frozenset(w for line in fh if (w := line.strip().lower()) and not w.startswith("#"))


@cache
def default_stopwords() -> frozenset[str]:
    """The ``stop-words`` Norwegian list plus the curated nynorsk, bokmål and domain lists."""
    from stop_words import get_stop_words

    words = set(get_stop_words("norwegian"))
    for name in STOPLIST_FILES:
        words |= load_stoplist(name)
    return frozenset(words)


def _name_tokens(names: Iterable[str]) -> set[str]:
    """Capitalised or upper-case tokens of party names ("Herøy (Nordland)" -> Herøy, Nordland)."""
    out: set[str] = set()
    for name in names:
        for tok in tokenize(str(name), lower=False):
            tok = tok.rstrip("-")
            if tok[:1].isupper():
                out.add(tok)
                out.update(p for p in tok.split("-") if p[:1].isupper())
    return out


@cache
def reference_name_tokens() -> frozenset[str]:
    """Name tokens of every municipality, county and health trust, and of regions.

    From :mod:`avtaleanalyse.reference` and ``resources/topics/place_names.txt`` (counties
    before and after the reforms, traditional regions such as Jæren or Hallingdal).
    """
    kommuner = reference.municipalities()
    trusts = reference.health_trusts()
    names: list[str] = []
    names += kommuner["canonical_name"].tolist() + kommuner["name"].tolist()
    for col in ("official_names",):
        names += [n for cell in kommuner[col] for n in cell.split(";") if n]
    names += trusts["canonical_name"].tolist() + trusts["rhf"].tolist()
    names += [n for cell in trusts["aliases"] for n in cell.split(";") if n]
    names += kommuner["county"].tolist()
    with _resource("place_names.txt").open(encoding="utf-8") as fh:
        names += [n for line in fh if (n := line.strip()) and not n.startswith("#")]
    return frozenset(_name_tokens(names))


def party_name_tokens(health_trust: object, municipalities: object) -> frozenset[str]:
    """Name tokens of one document's parties, from its metadata cells."""
    names: list[str] = []
    if isinstance(health_trust, str) and health_trust:
        names.append(health_trust)
    if municipalities is not None and not isinstance(municipalities, float):
        names += [str(m) for m in np.asarray(municipalities, dtype=object).ravel() if m]
    return _party_name_tokens(tuple(names))


@cache
def _party_name_tokens(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_name_tokens(names))


# Tokens as in :func:`avtaleanalyse.text.tokenize`, plus two multi-word tokens tried first:
# "§ 6-2" (section sign + number) and a truncated compound "helse- og omsorgstjenesteloven".
_TOKEN_RE = re.compile(
    r"§\s*\d+(?:[.\-/]\d+)*[a-zA-ZæøåÆØÅ]?(?![\w])"
    r"|[^\W\d_]+(?:-[^\W\d_]+)*-\s+(?:og|eller)\s+[^\W\d_]+(?:-[^\W\d_]+)*"
    r"|§|\d+(?:[.\-/]\d+)*[a-zA-ZæøåÆØÅ]?(?![\w])|[^\W\d_]+(?:-[^\W\d_]+)*-?",
    re.UNICODE,
)
# Texts are analysed in chunks (lines, sentences); identical chunks -- the template text that
# most agreements share -- are analysed once per transform call.
_CHUNK_RE = re.compile(r"[\n.:;!?](?:(?<=\n)|(?=\s+[A-ZÆØÅ§\d]))\s*")
_SPACE_RE = re.compile(r"\s+")


def tokens(text: str) -> list[str]:
    """Tokens of ``text`` (NFC, case kept) with "§ 6-2" and "helse- og X" as single tokens.

    Otherwise the same tokens as :func:`avtaleanalyse.text.tokenize`.

    >>> tokens("Helse- og omsorgstjenesteloven § 6-2 nr. 6")
    ['Helse- og omsorgstjenesteloven', '§ 6-2', 'nr', '6']
    """
    text = unicodedata.normalize("NFC", text)
    return [
        _SPACE_RE.sub(" ", t) if " " in t or "\n" in t or "\t" in t else t
        for t in _TOKEN_RE.findall(text)
    ]


# Nynorsk endings whose bokmål twin differs regularly: a-infinitives (gjennomføra ->
# gjennomføre) and -leg adjectives (fagleg -> faglig). Applied only where the nynorsk form
# is not a bokmål word and the rewritten form is one (simplemma's bokmål dictionary).
class _TermMapper:
    """Cached token -> term mapping for one language form (``None``: drop the token)."""

    def __init__(
        self,
        language_form: str,
        stopwords: frozenset[str],
        name_tokens: frozenset[str],
        min_length: int,
    ) -> None:
        self.language_form = language_form
        self.stopwords = stopwords
        self.name_tokens = name_tokens
        self.min_length = min_length
        self.cache: dict[str, str | None] = {}
        self.chunks: dict[str, tuple[list[str], list[str]]] = {}

    def _word(self, low: str) -> str | None:
        if len(low) < self.min_length or low in self.stopwords or not low[:1].isalpha():
            return None
        lemma = lemmatize([low], language_form=self.language_form)[0].lower().strip(".-")
        form = to_bokmal(low, self.language_form)
        if lemma in self.stopwords or form in self.stopwords or len(form) < self.min_length:
            return None
        return form

    def term(self, token: str) -> str | None:
        """The term of one token (cached)."""
        try:
            return self.cache[token]
        except KeyError:
            pass
        low = token.lower()
        if token[:1].isupper() and token in self.name_tokens:
            term: str | None = None
        elif low.startswith(_SECTION_SIGN):
            rest = low[1:].strip()
            term = f"{_SECTION_SIGN} {rest}" if rest else None
        elif _NUMBER_RE.match(low):
            term = None
        elif " " in low:  # "helse- og omsorgstjenesteloven"
            head, conj, tail = low.split(" ", 2)
            tail_term = self._word(tail)
            head_term = self._word(head.rstrip("-"))
            term = f"{head_term}- {conj} {tail_term}" if head_term and tail_term else tail_term
        else:
            term = self._word(low.strip("-"))
        self.cache[token] = term
        return term

    def chunk(self, text: str) -> tuple[list[str], list[str]]:
        """Terms of one chunk of text and the tokens they came from (cached).

        Template chunks repeat across documents, so most chunks are analysed once.
        """
        try:
            return self.chunks[text]
        except KeyError:
            pass
        cache = self.cache
        toks = tokens(text)
        if "ommun" in text or "ydel" in text:
            toks = _mask_generic_names(toks)
        for tok in set(toks).difference(cache):
            self.term(tok)
        kept = [tok for tok in toks if cache[tok] is not None]
        out = ([cache[tok] for tok in kept], kept)
        self.chunks[text] = out
        return out


class NorwegianAnalyzer(TransformerMixin, BaseEstimator):
    """Turn texts into lists of normalised terms (lemmas in bokmål form, no stopwords or names).

    Parameters
    ----------
    text_column, language_column, health_trust_column, municipalities_column
        Column names when ``X`` is a DataFrame (defaults from :mod:`avtaleanalyse.schema`).
        A missing language column means bokmål; missing party columns mean no
        document-specific names (the reference names are still removed).
    stopwords
        Words to drop; ``None`` means :func:`default_stopwords`.
    remove_reference_names
        Drop capitalised tokens that are part of any municipality or health-trust name.
    min_length
        Shortest term kept (characters).

    Attributes
    ----------
    stopwords_ : frozenset[str]
    name_tokens_ : frozenset[str]
        The reference name tokens used (empty when ``remove_reference_names`` is false).

    Examples
    --------
    >>> NorwegianAnalyzer().fit_transform(["Pasientar med behov for døgnopphald i kommunen."])
    [['pasient', 'behov', 'døgnopphold']]
    """

    def __init__(
        self,
        *,
        text_column: str = schema.TEXT,
        language_column: str = schema.LANGUAGE_FORM,
        health_trust_column: str = schema.HEALTH_TRUST,
        municipalities_column: str = schema.MUNICIPALITIES,
        stopwords: frozenset[str] | None = None,
        remove_reference_names: bool = True,
        min_length: int = 2,
    ) -> None:
        self.text_column = text_column
        self.language_column = language_column
        self.health_trust_column = health_trust_column
        self.municipalities_column = municipalities_column
        self.stopwords = stopwords
        self.remove_reference_names = remove_reference_names
        self.min_length = min_length

    def fit(self, X, y=None) -> NorwegianAnalyzer:
        """Resolve the stoplist and the reference name tokens; returns ``self``."""
        self.stopwords_ = (
            default_stopwords() if self.stopwords is None else frozenset(self.stopwords)
        )
        self.name_tokens_ = reference_name_tokens() if self.remove_reference_names else frozenset()
        self._mappers: dict[str, _TermMapper] = {}
        return self

    def clear_cache(self) -> NorwegianAnalyzer:
        """Forget the chunk memo (frees memory after a run; results do not change)."""
        self.__dict__.pop("_mappers", None)
        return self

    def __getstate__(self) -> dict:
        # the chunk cache is a memo of pure results: not part of the fitted state
        state = self.__dict__.copy()
        state.pop("_mappers", None)
        return state

    def _columns(self, X) -> tuple[list[str], list[str], list[frozenset[str]]]:
        if isinstance(X, pd.DataFrame):
            texts = X[self.text_column].fillna("").astype(str).tolist()
            if self.language_column in X:
                forms = X[self.language_column].fillna("bokmal").astype(str).tolist()
            else:
                forms = ["bokmal"] * len(texts)
            trusts = (
                X[self.health_trust_column].tolist()
                if self.health_trust_column in X
                else [None] * len(texts)
            )
            munis = (
                X[self.municipalities_column].tolist()
                if self.municipalities_column in X
                else [None] * len(texts)
            )
            names = [party_name_tokens(t, m) for t, m in zip(trusts, munis, strict=True)]
        else:
            texts = ["" if t is None else str(t) for t in X]
            forms = ["bokmal"] * len(texts)
            names = [frozenset()] * len(texts)
        return texts, forms, names

    def transform(self, X) -> list[list[str]]:
        """Terms of each text of ``X`` (a DataFrame with the columns above, or strings).

        Returns
        -------
        list of list of str
            One term list per row, in text order.
        """
        texts, forms, names = self._columns(X)
        # memo of chunk -> terms, kept across calls (sections repeat their document's chunks)
        mappers = self.__dict__.setdefault("_mappers", {})
        for form in sorted(set(forms)):
            if form not in mappers:
                mappers[form] = _TermMapper(
                    form, self.stopwords_, self.name_tokens_, self.min_length
                )
        out: list[list[str]] = []
        for text, form, doc_names in zip(texts, forms, names, strict=True):
            mapper = mappers[form]
            extra = doc_names - self.name_tokens_  # parties missing from the reference
            terms: list[str] = []
            for chunk in _CHUNK_RE.split(text):
                chunk_terms, chunk_tokens = mapper.chunk(chunk)
                if extra and not extra.isdisjoint(chunk_tokens):
                    chunk_terms = [
                        t
                        for t, tok in zip(chunk_terms, chunk_tokens, strict=True)
                        if tok not in extra
                    ]
                terms.extend(chunk_terms)
            out.append(terms)
        return out
