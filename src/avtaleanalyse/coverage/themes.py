"""Per-document theme decisions: user participation level, patient/user experience, and the
presence and direction of competence transfer — each with the sentences behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from avtaleanalyse.coverage.dictionary import Dictionary, phrase
from avtaleanalyse.coverage.matching import Hit, PhraseIndex, Sentence, kwic

__all__ = ["ThemeResult", "ThemeMatcher"]


@dataclass(frozen=True)
class ThemeResult:
    """One theme's verdict on one document."""

    theme: str
    present: bool
    level: str | None = None
    direction: str | None = None
    evidence: tuple[str, ...] = field(default_factory=tuple)


def _cooccur(
    sents, users, parts, window: int, negations, neg_window: int, exclude=None
) -> list[Hit]:
    """Hits where a user word and a participation word stand within ``window`` words.

    Participation words inside an ``exclude`` phrase ("involvere kommunen": the other party
    is involved, not the patient) do not count.
    """
    out = []
    u_hits = users.find(sents, negations=negations, window=neg_window)
    p_hits = parts.find(sents, negations=negations, window=neg_window)
    if exclude is not None:
        skip = exclude.find(sents)
        p_hits = [h for h in p_hits if not _overlaps(h, skip)]
    by_sentence: dict[int, list[Hit]] = {}
    for h in p_hits:
        by_sentence.setdefault(h.sentence, []).append(h)
    for u in u_hits:
        for p in by_sentence.get(u.sentence, ()):
            if abs(p.position - u.position) <= window:
                start = min(u.position, p.position)
                end = max(u.position + u.length, p.position + p.length)
                out.append(Hit(u.sentence, start, end - start, f"{u.phrase} ~ {p.phrase}"))
                break
    return out


def _overlaps(hit: Hit, spans: list[Hit]) -> bool:
    """Whether ``hit`` shares a token with any of ``spans`` (same sentence)."""
    return any(
        s.sentence == hit.sentence
        and s.position < hit.position + hit.length
        and hit.position < s.position + s.length
        for s in spans
    )


class ThemeMatcher:
    """Compiled phrase indexes of a dictionary; ``classify`` gives every theme for a document."""

    def __init__(self, dictionary: Dictionary):
        self.d = dictionary
        t = ("themes",)
        self.bm_concrete = PhraseIndex(dictionary.phrases(*t, "brukermedvirkning", "concrete"))
        self.bm_generic = PhraseIndex(dictionary.phrases(*t, "brukermedvirkning", "generic"))
        co = dictionary.data["themes"]["brukermedvirkning"].get("cooccurrence", {})
        self.bm_users = PhraseIndex(phrase(str(e)) for e in co.get("users", []))
        self.bm_parts = PhraseIndex(phrase(str(e)) for e in co.get("participation", []))
        self.bm_window = int(co.get("window", 6))
        self.bm_exclude = PhraseIndex(phrase(str(e)) for e in co.get("exclude", []))
        self.pe_terms = PhraseIndex(dictionary.phrases(*t, "pasient_brukererfaringer", "terms"))
        self.ko_terms = PhraseIndex(dictionary.phrases(*t, "kompetanseoverforing", "terms"))
        self.ko_weak = PhraseIndex(dictionary.phrases(*t, "kompetanseoverforing", "weak_terms"))
        self.ko_targets = PhraseIndex(
            dictionary.phrases(*t, "kompetanseoverforing", "weak_targets")
        )
        self.ko_mutual = PhraseIndex(dictionary.phrases(*t, "kompetanseoverforing", "mutual"))
        self.ko_hf = PhraseIndex(dictionary.phrases(*t, "kompetanseoverforing", "hf_to_kommune"))
        self.ko_k = PhraseIndex(dictionary.phrases(*t, "kompetanseoverforing", "kommune_to_hf"))
        self.ko_context = PhraseIndex(
            dictionary.phrases(*t, "kompetanseoverforing", "weak_context")
        )
        self.ko_ignore = PhraseIndex(dictionary.phrases(*t, "kompetanseoverforing", "ignore"))
        self.ko_statute = PhraseIndex(
            dictionary.phrases(*t, "kompetanseoverforing", "statute_quotes")
        )

    @cached_property
    def _neg(self) -> tuple[frozenset[str], int]:
        return self.d.negations, self.d.negation_window

    def _find(self, index: PhraseIndex, sents) -> list[Hit]:
        neg, win = self._neg
        return index.find(sents, negations=neg, window=win)

    def brukermedvirkning(self, sents: list[Sentence]) -> ThemeResult:
        """Level none | generic | concrete, with evidence from the deciding hits."""
        concrete = self._find(self.bm_concrete, sents)
        generic = self._find(self.bm_generic, sents)
        neg, win = self._neg
        generic += _cooccur(
            sents, self.bm_users, self.bm_parts, self.bm_window, neg, win, self.bm_exclude
        )
        deciding = concrete or generic
        level = "concrete" if concrete else "generic" if generic else "none"
        return ThemeResult(
            "brukermedvirkning",
            bool(deciding),
            level=level,
            evidence=tuple(kwic(sents, h) for h in deciding[:3]),
        )

    def pasient_brukererfaringer(self, sents: list[Sentence]) -> ThemeResult:
        """Whether the agreement says how patient and user experience is used."""
        hits = self._find(self.pe_terms, sents)
        return ThemeResult(
            "pasient_brukererfaringer", bool(hits), evidence=tuple(kwic(sents, h) for h in hits[:3])
        )

    def kompetanseoverforing(self, sents: list[Sentence]) -> ThemeResult:
        """Presence and direction (none | hf_to_kommune | mutual | unclear) of competence transfer.

        A strong term (kompetanseoverføring, hospitering …) counts anywhere; a teaching or
        network word (veiledning, undervisning, fagnettverk …) only in a sentence that names
        one of the parties and speaks of competence, knowledge or health personnel;
        the health trust's general duty to advise ("råd og veiledning") is not transfer.
        Direction is read from
        the sentences with hits: a mutuality marker (outside the quoted wording of § 6-2 nr. 6),
        or markers of both directions, make it mutual; markers of the hospital giving to the municipality make it hf_to_kommune.
        """
        ignore = self._find(self.ko_ignore, sents)
        hits = [h for h in self._find(self.ko_terms, sents) if not _overlaps(h, ignore)]
        targets = self._find(self.ko_targets, sents)
        context = {h.sentence for h in self._find(self.ko_context, sents)}
        for w in self._find(self.ko_weak, sents):
            if (
                w.sentence in context
                and not _overlaps(w, ignore)
                and any(t.sentence == w.sentence for t in targets)
            ):
                hits.append(w)
        if not hits:
            return ThemeResult("kompetanseoverforing", False, direction="none")
        hits.sort(key=lambda h: (h.sentence, h.position))
        chosen = sorted({h.sentence for h in hits})
        subset = [sents[i] for i in chosen]
        # "gjensidig" inside the quoted wording of § 6-2 nr. 6 is the law's word, not a finding
        statute = self._find(self.ko_statute, subset)
        mutual = [h for h in self._find(self.ko_mutual, subset) if not _overlaps(h, statute)]
        to_k = self._find(self.ko_hf, subset)
        to_hf = self._find(self.ko_k, subset)
        if mutual or (to_k and to_hf):
            direction = "mutual"
        elif to_k:
            direction = "hf_to_kommune"
        else:
            direction = "unclear"
        return ThemeResult(
            "kompetanseoverforing",
            True,
            direction=direction,
            evidence=tuple(kwic(sents, h) for h in hits[:3]),
        )
