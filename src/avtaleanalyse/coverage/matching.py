"""Phrase matching over a document's sentences, with negation and keyword-in-context evidence."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from avtaleanalyse.coverage.dictionary import Phrase, tokens_of

__all__ = ["Hit", "PhraseIndex", "Sentence", "kwic", "sentences"]

# sentence ends: . ! ? ; : followed by space and a capital/digit; a blank line; or a line
# break before a capital, digit or bullet (a heading or list item). A line that wraps inside
# a sentence (PDF text) continues in lower case and is not a boundary.
_SENT_END = re.compile(r"(?<=[.!?;:])\s+(?=[A-ZÆØÅ0-9«\"(])|\n\s*\n+|\n(?=\s*[A-ZÆØÅ0-9•\-–§])")


@dataclass(frozen=True)
class Sentence:
    """A sentence of a document with its offset and tokens."""

    start: int
    text: str
    tokens: tuple[str, ...]


def sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences (line breaks and sentence punctuation)."""
    out, pos = [], 0
    for m in _SENT_END.finditer(text):
        chunk = text[pos : m.start()]
        if chunk.strip():
            out.append(Sentence(pos, chunk, tuple(tokens_of(chunk))))
        pos = m.end()
    chunk = text[pos:]
    if chunk.strip():
        out.append(Sentence(pos, chunk, tuple(tokens_of(chunk))))
    return out


@dataclass(frozen=True)
class Hit:
    """A phrase found in a sentence: token position, length and the phrase."""

    sentence: int
    position: int
    length: int
    phrase: str


class PhraseIndex:
    """Phrases indexed by the first three letters of their first word: one pass per sentence."""

    def __init__(self, phrases: Iterable[Phrase]):
        self.by_key: dict[str, list[Phrase]] = defaultdict(list)
        for p in phrases:
            self.by_key[p.first_key()].append(p)
        for v in self.by_key.values():
            v.sort(key=lambda p: -len(p.parts))  # longest phrase first

    def find(
        self,
        sents: Sequence[Sentence],
        *,
        negations: frozenset[str] = frozenset(),
        window: int = 4,
    ) -> list[Hit]:
        """Every non-overlapping, non-negated match in ``sents``, in text order."""
        hits = []
        for si, s in enumerate(sents):
            toks = s.tokens
            i = 0
            while i < len(toks):
                found = None
                for p in self.by_key.get(toks[i][:3], ()):
                    if p.matches_at(toks, i):
                        found = p
                        break
                if found is None:
                    i += 1
                    continue
                negated = any(t in negations for t in toks[max(0, i - window) : i])
                if not negated:
                    hits.append(Hit(si, i, len(found.parts), found.text))
                i += len(found.parts)
        return hits


def kwic(sents: Sequence[Sentence], hit: Hit, *, context: int = 8) -> str:
    """Keyword in context: ``… left [[hit]] right …`` in the sentence's tokens."""
    toks = sents[hit.sentence].tokens
    left = toks[max(0, hit.position - context) : hit.position]
    mid = toks[hit.position : hit.position + hit.length]
    right = toks[hit.position + hit.length : hit.position + hit.length + context]
    pre = "… " if hit.position - context > 0 else ""
    post = " …" if hit.position + hit.length + context < len(toks) else ""
    return f"{pre}{' '.join(left)} [[{' '.join(mid)}]] {' '.join(right)}{post}".strip()
