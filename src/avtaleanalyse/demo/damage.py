"""Damage as real files show it: OCR character confusions and PDF hyphenation."""

from __future__ import annotations

import random
import re

__all__ = ["hyphenate_word", "ocr_damage"]

# (pattern, replacement) confusions typical of OCR of scanned signed copies
_CONFUSIONS = (
    ("m", "rn"),
    ("rn", "m"),
    ("l", "I"),
    ("I", "l"),
    ("i", "í"),
    ("o", "0"),
    ("e", "c"),
    ("å", "ä"),
    ("ø", "o"),
)
_WORD = re.compile(r"[A-Za-zÆØÅæøå]{5,}")


def ocr_damage(text: str, rng: random.Random, *, rate: float = 0.04) -> str:
    """Damage a share of the words: a character confusion or a word split by a space.

    The first line (the title) is left intact, as OCR usually gets the large type right.

    Returns
    -------
    str
        The damaged text.
    """
    first, _, rest = text.partition("\n")

    def one(m: re.Match) -> str:
        w = m.group(0)
        if rng.random() >= rate:
            return w
        if rng.random() < 0.35:
            i = rng.randrange(1, len(w) - 1)
            return w[:i] + " " + w[i:]
        for a, b in rng.sample(_CONFUSIONS, len(_CONFUSIONS)):
            if a in w:
                return w.replace(a, b, 1)
        return w

    return first + "\n" + _WORD.sub(one, rest) if rest else first


_VOWELS = set("aeiouyæøåAEIOUYÆØÅ")


def hyphenate_word(word: str) -> tuple[str, str] | None:
    """Split a long word after a vowel–consonant boundary near its middle, or None."""
    if len(word) < 9 or not word.isalpha():
        return None
    mid = len(word) // 2
    for d in range(0, mid - 2):
        for i in (mid + d, mid - d):
            if 3 <= i <= len(word) - 3 and word[i - 1] in _VOWELS and word[i] not in _VOWELS:
                return word[:i] + "-", word[i:]
    return None
