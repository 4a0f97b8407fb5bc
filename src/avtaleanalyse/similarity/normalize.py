"""Normalisation for comparison: masked party names and numbers, one written form.

A document becomes a sequence of comparison tokens with the character span of each token
in the original text, so that anything found on tokens (a local passage) can be cut out of
the original text. Party names are masked by replacing them *in place* with a placeholder
padded to the same length, which keeps every span valid.

>>> toks, spans = normalize_tokens("Stord kommune og Helse Fonna HF avtalar 3 punkt.",
...                                parties=["Stord"], common_form=False)
>>> toks
['ǂ', 'kommune', 'og', 'ǂ', 'avtalar', '0', 'punkt']
"""

from __future__ import annotations

import operator
import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np
import pandas as pd

from avtaleanalyse.text import to_bokmal

__all__ = [
    "KOMMUNE_WORDS",
    "PARTY_TOKEN",
    "TokenView",
    "NUMBER_TOKEN",
    "final_token",
    "mask_parties",
    "mask_spans",
    "mask_token_list",
    "masks_previous_token",
    "nfc",
    "party_table",
    "normalize_tokens",
    "raw_tokens",
    "raw_tokens_marked",
    "raw_tokens_marked_many",
    "comparison_slice",
    "comparison_span",
    "split_sentences",
    "to_common_form",
    "token_spans",
    "word_characters",
]

#: Placeholder token for a masked party name (a letter, so the tokenizer keeps it).
PARTY_TOKEN = "ǂ"
#: Placeholder token for any number.
NUMBER_TOKEN = "0"

_TOKEN_RE = re.compile(r"\w+", re.UNICODE)
_NONWORD_RE = re.compile(r"\W", re.UNICODE)
_SENTENCE_RE = re.compile(r"[^.!?;:\n]+(?:[.!?;:]+|\n|$)")
#: Lower-cased words before which a capitalised word or a placeholder is a party name.
KOMMUNE_WORDS = frozenset({"kommune", "kommunar", "kommuner", "kommunes"})
_PLACEHOLDER_RE = re.compile(r"^(?:x{2,}|X{2,}|Xx+)$")


@lru_cache(maxsize=1)
def _trust_names() -> tuple[str, ...]:
    try:
        from avtaleanalyse.reference import health_trusts
    except ImportError:  # pragma: no cover - reference layer is part of the package
        return ()
    table = health_trusts()
    names: set[str] = set()
    for canonical, aliases in zip(table["canonical_name"], table["aliases"], strict=True):
        names.add(canonical)
        names.update(a for a in str(aliases).split(";") if len(a) >= 3)
    return tuple(sorted(names))


def _name_sequences(names: Iterable[str]) -> dict[str, list[tuple[str, ...]]]:
    """First lower-cased token -> token sequences of the names (longest first)."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for name in names:
        if not name:
            continue
        name = re.sub(r"\s*\(.*\)$", "", str(name))  # "Herøy (Nordland)" -> "Herøy"
        seq = tuple(t.lower() for t in _TOKEN_RE.findall(name))
        if seq:
            out.setdefault(seq[0], []).append(seq)
    for seqs in out.values():
        seqs.sort(key=lambda s: (-len(s), s))
    return out


@lru_cache(maxsize=1)
def _trust_sequences() -> dict[str, list[tuple[str, ...]]]:
    return _name_sequences(_trust_names())


def _variants(words) -> set[str]:
    return {w for x in words for w in (x, x.capitalize(), x.upper(), x.title())}


@lru_cache(maxsize=1)
def _generic_keys() -> frozenset[str]:
    return frozenset(_variants(set(_trust_sequences()) | KOMMUNE_WORDS) | {"HF"})


@lru_cache(maxsize=1024)
def _party_table(
    parties: tuple[str, ...], generic: bool
) -> tuple[dict[str, list[tuple[str, ...]]], frozenset[str]]:
    """Name sequences by first token, and the case variants of every token that can start a mask."""
    own = _name_sequences(parties)
    if not generic:
        return own, frozenset(_variants(own))
    seqs = dict(_trust_sequences())
    for k, v in own.items():
        seqs[k] = sorted(set(seqs.get(k, [])) | set(v), key=lambda s: (-len(s), s))
    return seqs, _generic_keys() | _variants(own)


def _is_cap(tok: str) -> bool:
    return tok[:1].isupper()


def party_table(
    parties: Sequence[str], *, generic: bool = True
) -> tuple[dict[str, list[tuple[str, ...]]], frozenset[str]]:
    """Name token sequences by first token, and every raw token that can start a mask."""
    return _party_table(tuple(sorted({str(p) for p in parties if p})), generic)


def mask_spans(
    tokens: Sequence[str],
    hits: Sequence[int],
    seqs: dict[str, list[tuple[str, ...]]],
    *,
    generic: bool = True,
) -> list[list[int]]:
    """Merged ``[start, end)`` token spans to mask, checked only at the ``hits`` positions.

    ``hits`` are the positions whose token is in the key set of :func:`party_table`.
    """
    spans: list[tuple[int, int]] = []
    for i in hits:
        t = tokens[i].lower()
        cands = seqs.get(t, ())
        if cands:
            # lower-case the longest window once; the sequences are its prefixes
            window = tuple(x.lower() for x in tokens[i : i + max(map(len, cands))])
            for seq in cands:
                if window[: len(seq)] == seq:
                    spans.append((i, i + len(seq)))
                    break
        if generic and i > 0:
            if t in KOMMUNE_WORDS:
                prev = tokens[i - 1]
                if (_is_cap(prev) and prev.lower() not in KOMMUNE_WORDS) or _PLACEHOLDER_RE.match(
                    prev
                ):
                    spans.append((i - 1, i))
            elif tokens[i] == "HF":
                j = i - 1
                while j >= 0 and j >= i - 4 and _is_cap(tokens[j]) and not tokens[j].isupper():
                    j -= 1
                if j < i - 1:
                    spans.append((j + 1, i + 1))
    spans.sort()
    merged: list[list[int]] = []
    for a, b in spans:
        if merged and a < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return merged


def masks_previous_token(token: str) -> bool:
    """Whether raw ``token`` can mask the token before it (a capitalised word or a
    placeholder before ``kommune``, :func:`mask_spans`): the one look-ahead of masking,
    so a stretch of text ending just before such a token may mask differently alone."""
    return token.lower() in KOMMUNE_WORDS


def mask_token_list(
    tokens: Sequence[str], parties: Sequence[str] = (), *, generic: bool = True
) -> tuple[list[str], list[int]]:
    """Mask party names in a case-preserving raw token list.

    Parameters
    ----------
    tokens
        Raw tokens (case preserved), as the tokenizer found them.
    parties
        The document's own party names (municipalities, health trust).
    generic
        Also mask every known health-trust name and alias (``avtaleanalyse.reference``),
        a capitalised word before ``kommune``/``kommunar``, placeholders such as ``xx``
        before ``kommune``, and a capitalised run before ``HF``.

    Returns
    -------
    tokens : list of str
        Tokens with each masked name replaced by one :data:`PARTY_TOKEN`.
    first : list of int
        For each output token the index of its first raw token.
    """
    n = len(tokens)
    if n == 0:
        return [], []
    seqs, keys = _party_table(tuple(sorted({str(p) for p in parties if p})), generic)
    hits = [i for i, t in enumerate(tokens) if t in keys]
    merged = mask_spans(tokens, hits, seqs, generic=generic)
    if not merged:
        return list(tokens), list(range(n))
    out: list[str] = []
    first: list[int] = []
    pos = 0
    for a, b in merged:
        out.extend(tokens[pos:a])
        first.extend(range(pos, a))
        out.append(PARTY_TOKEN)
        first.append(a)
        pos = b
    out.extend(tokens[pos:])
    first.extend(range(pos, n))
    return out, first


def mask_parties(text: str, parties: Sequence[str] = (), *, generic: bool = True) -> str:
    """``text`` with party names replaced by :data:`PARTY_TOKEN` (for display and checks).

    Returns
    -------
    str
        The comparison tokens joined by spaces, names masked (see :func:`mask_token_list`).
    """
    raw = _TOKEN_RE.findall(text or "")
    return " ".join(mask_token_list(raw, parties, generic=generic)[0])


@lru_cache(maxsize=1_000_000)
def final_token(token: str, language_form: str = "bokmal", common_form: bool = True) -> str:
    """Lower-case, number to :data:`NUMBER_TOKEN`, optionally the common (bokmål lemma) form."""
    if token[:1].isdigit():
        return NUMBER_TOKEN
    if token == PARTY_TOKEN:
        return token
    low = token.lower()
    if not common_form:
        return low
    lf = "nynorsk" if language_form == "nynorsk" else "bokmal"
    return to_bokmal(low, lf)


def to_common_form(tokens: Sequence[str], *, language_form: str = "bokmal") -> list[str]:
    """Map tokens to lower-cased bokmål lemmas (:func:`avtaleanalyse.text.to_bokmal`)."""
    return [final_token(t, language_form, True) for t in tokens]


def raw_tokens(text: str) -> list[str]:
    """Case-preserving raw tokens (words and numbers; punctuation and ``§`` dropped)."""
    return _TOKEN_RE.findall(unicodedata.normalize("NFC", text or ""))


#: Characters of text tokenised per block by :func:`raw_tokens_marked` (one mark each).
MARK_CHARS = 512
#: Raw tokens read past the end of a slice, so that a party name that starts inside the
#: slice is masked as a whole (the longest masked name has far fewer words).
_SLICE_MARGIN = 16
#: First guess of characters per raw token when reading a slice (text has about 8).
_CHARS_PER_TOKEN = 10


def nfc(text: str) -> str:
    """``text`` in Unicode normal form C (returned as it is when it already is)."""
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def _block_end(text: str, pos: int) -> int:
    """The first non-word character at or after ``pos`` (or the end): no token spans it."""
    if pos >= len(text):
        return len(text)
    m = _NONWORD_RE.search(text, pos)
    return m.start() if m else len(text)


def raw_tokens_marked(
    text: str, block_chars: int = MARK_CHARS, cuts: Sequence[int] = ()
) -> tuple[list[str], list[int], list[int]]:
    """:func:`raw_tokens`, and *marks*: where each block of about ``block_chars`` begins.

    The text is tokenised block by block, each block ending at a non-word character, so
    the tokens are exactly those of :func:`raw_tokens`. A mark is the block's character
    offset in the NFC text and the index of its first raw token; from a mark that begins a
    comparison token, :func:`comparison_slice` finds any later comparison tokens without
    tokenising the text before it.

    ``cuts`` (sorted NFC character offsets) end blocks too, so each cut that no token
    spans is a mark: the index of the first raw token at or after it is known without
    tokenising the text between cuts again (sections of a document; a cut inside a word
    is ignored).

    Returns
    -------
    tokens : list of str
    mark_chars, mark_tokens : list of int
        One entry per block, the first ``(0, 0)``.
    """
    text = nfc(text or "")
    n = len(text)
    if n <= block_chars and not len(cuts):
        return _TOKEN_RE.findall(text), [0], [0]
    findall = _TOKEN_RE.findall
    stops = [c for c in cuts if 0 < c < n and _token_boundary(text, c)]
    stops.append(n)
    toks: list[str] = []
    chars: list[int] = []
    idx: list[int] = []
    p = 0
    k = 0
    while p < n:
        q = _block_end(text, p + block_chars)
        while stops[k] <= p:
            k += 1
        q = min(q, stops[k])
        chars.append(p)
        idx.append(len(toks))
        toks.extend(findall(text, p, q))
        p = q
    return toks, chars, idx


@lru_cache(maxsize=1)
def word_characters() -> np.ndarray:
    """Whether each code point is a word character (``\\w``) to :mod:`re`."""
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    word = np.zeros(len(every), dtype=np.bool_)
    for m in _TOKEN_RE.finditer(every):
        word[m.start() : m.end()] = True
    return word


class TokenView(Sequence[str]):
    """Tokens ``start:end`` of a factorised token list (``uniques[codes[i]]``), each made
    when read: masking reads a few tokens around each possible name. ``codes`` is best a
    list (read one item at a time)."""

    __slots__ = ("_codes", "_len", "_start", "_uniques")

    def __init__(self, uniques: Sequence[str], codes: Sequence[int], start: int, end: int) -> None:
        self._uniques = uniques
        self._codes = codes
        self._start = start
        self._len = end - start

    def __len__(self) -> int:
        return self._len

    def __getitem__(self, i):
        if type(i) is int and 0 <= i < self._len:  # the common case first
            return self._uniques[self._codes[self._start + i]]
        if isinstance(i, slice):
            a, b, step = i.indices(self._len)
            codes = self._codes[self._start + a : self._start + b : step]
            return [self._uniques[c] for c in codes]
        i = operator.index(i)
        if -self._len <= i < 0:
            return self._uniques[self._codes[self._start + self._len + i]]
        raise IndexError(i)


def raw_tokens_marked_many(
    texts: Sequence[str], cuts: Sequence[Sequence[int]] | None = None
) -> tuple[np.ndarray, list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`raw_tokens_marked` of many texts at once (blocks of :data:`MARK_CHARS`),
    the tokens factorised.

    The texts are joined by a line break (a non-word character: no token spans two) and
    read as code points; compiled passes find the marks and each token's start, end and
    a 64-bit hash of its characters. Tokens are told apart by that hash, so no string is
    made per token, only one per distinct token (tokenising block by block and making
    every token a string took most of the time of shingling). Two distinct tokens of one
    call share a hash with probability about ``u² / 2⁶⁵`` for ``u`` distinct tokens
    (1e-11 for 30,000), far below the 32-bit shingle hashes' own collisions.

    Returns
    -------
    codes : numpy.ndarray
        Per token (text after text), its index in ``uniques``.
    uniques : list of str
        The distinct tokens in order of first occurrence (as :func:`pandas.factorize`).
    n_tokens, mark_counts : numpy.ndarray
        Per text.
    mark_chars, mark_tokens : numpy.ndarray
        The marks, text after text, as :func:`raw_tokens_marked` gives them.
    """
    from avtaleanalyse.similarity.kernels import token_marks, word_runs

    texts = [nfc(t or "") for t in texts]
    lengths = np.array([len(t) for t in texts], dtype=np.int64)
    starts = np.zeros(len(texts), dtype=np.int64)
    np.cumsum(lengths[:-1] + 1, out=starts[1:])
    joined = "\n".join(texts)
    del texts
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    word = word_characters()[codes]
    cut_lists = [()] * len(lengths) if cuts is None else cuts
    if len(cut_lists) != len(lengths):
        raise ValueError(f"cuts for {len(cut_lists)} texts, but {len(lengths)} texts")
    cut_counts = np.array([len(c) for c in cut_lists], dtype=np.int64)
    cut_offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(cut_counts, out=cut_offsets[1:])
    cut_values = (
        np.concatenate([np.asarray(c, dtype=np.int64) for c in cut_lists])
        if cut_offsets[-1]
        else np.zeros(0, dtype=np.int64)
    )
    block = MARK_CHARS
    bound = lengths // block + 2 + cut_counts  # marks at most, per text
    n_tokens = np.zeros(len(lengths), dtype=np.int64)
    mark_counts = np.zeros(len(lengths), dtype=np.int64)
    mark_chars = np.zeros(int(bound.sum()), dtype=np.int64)
    mark_tokens = np.zeros(int(bound.sum()), dtype=np.int64)
    token_marks(
        word, starts, lengths, cut_values, cut_offsets, block,
        n_tokens, mark_counts, mark_chars, mark_tokens,
    )  # fmt: skip
    total = int(n_tokens.sum())
    tok_start = np.empty(total, dtype=np.int64)
    tok_end = np.empty(total, dtype=np.int64)
    tok_hash = np.empty(total, dtype=np.uint64)
    word_runs(codes, word, tok_start, tok_end, tok_hash)
    del codes, word
    tok_codes, _ = pd.factorize(tok_hash, sort=False)
    tok_codes = np.asarray(tok_codes, dtype=np.int64)
    # each distinct token's first occurrence: where the codes first reach a new value
    new = np.ones(total, dtype=bool)
    if total > 1:
        new[1:] = tok_codes[1:] > np.maximum.accumulate(tok_codes)[:-1]
    first = np.flatnonzero(new)
    uniques = [
        joined[a:b] for a, b in zip(tok_start[first].tolist(), tok_end[first].tolist(), strict=True)
    ]
    # the marks sit at the start of each text's bound: gathered text after text
    bound_start = np.zeros(len(lengths), dtype=np.int64)
    np.cumsum(bound[:-1], out=bound_start[1:])
    within = np.arange(int(mark_counts.sum())) - np.repeat(
        np.cumsum(mark_counts) - mark_counts, mark_counts
    )
    used = np.repeat(bound_start, mark_counts) + within
    return tok_codes, uniques, n_tokens, mark_counts, mark_chars[used], mark_tokens[used]


def _token_boundary(text: str, pos: int) -> bool:
    """Whether no token of ``text`` spans character ``pos`` (``0 < pos < len(text)``)."""
    match = _NONWORD_RE.match
    return match(text, pos - 1) is not None or match(text, pos) is not None


def _raw_from_mark(
    text: str, want: int, mark_char: int, parties: Sequence[str], generic: bool
) -> tuple[list[str], list[str], list[int]]:
    """Raw tokens read from ``mark_char`` until ``want`` comparison tokens are masked with
    a margin of raw tokens after them; the comparison tokens; each one's first raw token."""
    n = len(text)
    # characters to read: a little more than the ~8 per token of agreement text, doubled
    # until enough tokens are found
    span = max(64, _CHARS_PER_TOKEN * (want + _SLICE_MARGIN))
    while True:
        q = _block_end(text, mark_char + span)
        raw = _TOKEN_RE.findall(text, mark_char, q)
        toks, first = mask_token_list(raw, parties, generic=generic)
        if q >= n or (len(toks) >= want and len(raw) - first[want - 1] > _SLICE_MARGIN):
            return raw, toks, first
        span *= 2


@lru_cache(maxsize=4096)
def _skip_tokens(count: int) -> re.Pattern:
    """Matches up to the start of the ``count``-th raw token (tokens are maximal ``\\w+``
    runs, so exactly ``\\W+`` lies between two of them)."""
    return re.compile(rf"\W*(?:\w+\W+){{{count}}}", re.UNICODE)


def comparison_slice(
    text: str,
    start: int,
    end: int,
    *,
    mark_char: int = 0,
    mark_token: int = 0,
    parties: Sequence[str] = (),
    language_form: str = "bokmal",
    common_form: bool = True,
    generic_parties: bool = True,
) -> list[str]:
    """Comparison tokens ``start:end`` of ``text`` (as :func:`normalize_tokens` gives them).

    ``text`` must be in NFC (:func:`nfc`), where the marks point. Tokenises only from a
    mark: ``mark_char`` is the NFC character offset where comparison token
    ``mark_token <= start`` begins (marks from :func:`raw_tokens_marked` that do not fall
    inside a masked name). Masking a name looks back at most a few tokens from where it
    ends and never before the token it starts at, so masking from the mark gives the same
    tokens as masking the whole text.
    """
    if end <= start:
        return []
    want = end - mark_token  # comparison tokens needed from the mark
    _, toks, _ = _raw_from_mark(text, want, mark_char, parties, generic_parties)
    lf = "nynorsk" if language_form == "nynorsk" else "bokmal"
    memo = _FINAL_MEMO.setdefault((lf, common_form), {})
    out = []
    for t in toks[start - mark_token : want]:
        v = memo.get(t)
        if v is None:
            v = memo[t] = final_token(t, lf, common_form)
        out.append(v)
    return out


def comparison_span(
    text: str,
    start: int,
    end: int,
    *,
    mark_char: int = 0,
    mark_token: int = 0,
    parties: Sequence[str] = (),
    generic_parties: bool = True,
) -> tuple[int, int]:
    """Where comparison tokens ``start:end`` of an NFC ``text`` lie: ``[first, last)``.

    The start of token ``start`` and the end of token ``end - 1`` in the spans of
    :func:`normalize_tokens`, found from a mark as in :func:`comparison_slice`; only those
    two tokens are located (a regular expression skips the ones before them).
    """
    if not 0 <= mark_token <= start < end:
        raise ValueError(f"empty or misplaced token range {start}:{end} (mark {mark_token})")
    want = end - mark_token
    raw, _, first = _raw_from_mark(text, want, mark_char, parties, generic_parties)
    if want > len(first):
        raise ValueError(f"the text has fewer than {end} comparison tokens")
    r0 = first[start - mark_token]
    r1 = (first[want] if want < len(first) else len(raw)) - 1  # last raw token of end - 1
    s = _skip_tokens(r0).match(text, mark_char).end()
    e = _skip_tokens(r1 - r0).match(text, s).end() + len(raw[r1])
    return s, e


def normalize_tokens(
    text: str,
    *,
    parties: Sequence[str] = (),
    language_form: str = "bokmal",
    common_form: bool = True,
    generic_parties: bool = True,
) -> tuple[list[str], np.ndarray]:
    """Comparison tokens of ``text`` and their character spans in ``text``.

    Masks party names (:func:`mask_token_list`), lower-cases, drops punctuation and
    ``§``, replaces every number by :data:`NUMBER_TOKEN` and, with ``common_form``, maps
    words to bokmål lemmas so a nynorsk and a bokmål version of one text give the same
    tokens. Gives exactly the tokens that the vectorised shingling path uses.

    Returns
    -------
    tokens : list of str
    spans : numpy.ndarray
        Shape ``(len(tokens), 2)``, int64 ``[start, end)`` offsets into the NFC text.
    """
    text = unicodedata.normalize("NFC", text or "")
    raw, starts = _raw_tokens_and_starts(text)
    toks, first = mask_token_list(raw, parties, generic=generic_parties)
    lf = "nynorsk" if language_form == "nynorsk" else "bokmal"
    memo = _FINAL_MEMO.setdefault((lf, common_form), {})
    get = memo.get
    out = []
    for t in toks:
        v = get(t)
        if v is None:
            v = memo[t] = final_token(t, lf, common_form)
        out.append(v)
    return out, _spans(raw, starts, first)


#: (language form, common form) -> raw token -> final token: a plain dict in front of
#: :func:`final_token`'s cache (a dict lookup is several times cheaper than the lru call).
_FINAL_MEMO: dict[tuple[str, bool], dict[str, str]] = {}


def _raw_tokens_and_starts(text: str) -> tuple[list[str], np.ndarray]:
    """Raw tokens of an NFC ``text`` and where each starts.

    Each token is found with :meth:`str.find` from the end of the one before: the characters
    between two tokens are no word characters, so the first occurrence is the match itself
    (the same offsets as ``finditer``, without a match object per token).
    """
    raw = _TOKEN_RE.findall(text)
    out: list[int] = []
    find, add, p = text.find, out.append, 0
    for t in raw:
        p = find(t, p)
        add(p)
        p += len(t)
    return raw, np.array(out, dtype=np.int64)


def _spans(raw: list[str], starts: np.ndarray, first: list[int]) -> np.ndarray:
    """``[start, end)`` of each comparison token whose first raw token is ``first[i]``."""
    if not first:
        return np.zeros((0, 2), dtype=np.int64)
    ends = starts + np.fromiter(map(len, raw), dtype=np.int64, count=len(raw))
    f = np.asarray(first, dtype=np.int64)
    nxt = np.append(f[1:], len(raw))
    return np.stack([starts[f], ends[nxt - 1]], axis=1)


def token_spans(
    text: str, *, parties: Sequence[str] = (), generic_parties: bool = True
) -> np.ndarray:
    """Character spans of the comparison tokens of ``text`` (as :func:`normalize_tokens`).

    Cheaper than :func:`normalize_tokens` when only the positions are needed.
    """
    text = unicodedata.normalize("NFC", text or "")
    raw, starts = _raw_tokens_and_starts(text)
    _, first = mask_token_list(raw, parties, generic=generic_parties)
    return _spans(raw, starts, first)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans ``[start, end)`` of sentence-like units (split at . ! ? ; : and newlines)."""
    out = []
    for m in _SENTENCE_RE.finditer(text or ""):
        s, e = m.span()
        if text[s:e].strip():
            out.append((s, e))
    return out
