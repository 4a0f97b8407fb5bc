"""Theme dictionaries: loading, validation and compilation into phrase patterns.

A dictionary is a YAML file (the default ships as ``resources/dictionaries/themes.yaml``;
its header documents the format). Entries are phrases over lower-cased word tokens, with
``stem*`` for prefixes and ``?`` for any one word.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

__all__ = ["Dictionary", "Phrase", "load_dictionary", "phrase", "tokens_of"]

_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*-?|\d+", re.UNICODE)


#: OCR's digit-for-letter confusions, undone inside words ("kunnskaps0verføring", "fag1ig").
_OCR_DIGITS = str.maketrans({"0": "o", "1": "l"})
_LETTER = re.compile(r"[^\W\d_]")
_OCR_CAPITAL_I = re.compile(r"(?<=[a-zæøå])I(?=[a-zæøå])")


def _ocr_word(token: str) -> str:
    """A word as OCR meant it: a 0 or 1 touching letters read as o or l, and a capital I
    between lower-case letters as l ("heIsepersonell"); only in words of three letters or
    more, so "6-2", "2012" and "10a" stay as they are."""
    if len(_LETTER.findall(token)) < 3:
        return token
    if "I" in token:
        token = _OCR_CAPITAL_I.sub("l", token)
    if "0" in token or "1" in token:
        token = re.sub(
            r"(?<=[^\W\d_])[01]|[01](?=[^\W\d_])",
            lambda m: m.group(0).translate(_OCR_DIGITS),
            token,
        )
    return token


def tokens_of(text: str) -> list[str]:
    """Lower-case word tokens of ``text``; a trailing hyphen stays ("pasient-").

    OCR confusions inside words are undone first (:func:`_ocr_word`):
    ``kunnskaps0verføring`` matches ``kunnskapsoverføring`` and ``heIsepersonell``
    ``helsepersonell``.

    >>> tokens_of("Gjensidig kunnskaps0verføring for heIsepersonell i § 6-2 fra 2012")
    ['gjensidig', 'kunnskapsoverføring', 'for', 'helsepersonell', 'i', '6-2', 'fra', '2012']
    """
    return [_ocr_word(t).lower() for t in _WORD.findall(text)]


@dataclass(frozen=True)
class Phrase:
    """One dictionary entry: a sequence of token tests (exact, prefix or any)."""

    text: str
    parts: tuple[tuple[str, str], ...]  # (kind, value) with kind in exact|prefix|any

    def first_key(self) -> str | None:
        """Index key of the first token: its first 3 characters (None for ``?``)."""
        kind, value = self.parts[0]
        return None if kind == "any" else value[:3]

    def matches_at(self, tokens, i: int) -> bool:
        """Whether the phrase matches ``tokens`` starting at position ``i``."""
        if i + len(self.parts) > len(tokens):
            return False
        for (kind, value), tok in zip(self.parts, tokens[i : i + len(self.parts)], strict=True):
            if kind == "exact" and tok != value:
                return False
            if kind == "prefix" and not tok.startswith(value):
                return False
        return True


def phrase(text: str) -> Phrase:
    """Compile a dictionary entry."""
    parts = []
    for raw in text.lower().split():
        if raw == "?":
            parts.append(("any", ""))
        elif raw.endswith("*") and len(raw) > 1:
            parts.append(("prefix", raw[:-1]))
        else:
            parts.append(("exact", raw))
    if not parts or parts[0][0] == "any":
        raise ValueError(f"dictionary entry {text!r} must start with a word")
    if parts[0][0] == "prefix" and len(parts[0][1]) < 3:
        raise ValueError(f"dictionary entry {text!r}: a first-word stem needs at least 3 letters")
    return Phrase(text=text, parts=tuple(parts))


@dataclass(frozen=True)
class Dictionary:
    """A validated dictionary: the raw mapping, its version and its source."""

    data: dict
    version: str
    source: str

    def phrases(self, *path: str) -> tuple[Phrase, ...]:
        """Compiled phrases at ``path`` in the YAML (e.g. ``"themes", "kompetanseoverforing", "terms"``)."""
        node = self.data
        for key in path:
            node = node.get(key, {}) if isinstance(node, dict) else {}
        return tuple(phrase(str(e)) for e in (node or []))

    @property
    def negations(self) -> frozenset[str]:
        """Words that negate a following hit."""
        return frozenset(str(w).lower() for w in self.data.get("negations", []))

    @property
    def negation_window(self) -> int:
        """How many words before a hit a negation may stand."""
        return int(self.data.get("negation_window", 4))


_REQUIRED = {
    ("themes", "brukermedvirkning", "concrete"),
    ("themes", "brukermedvirkning", "generic"),
    ("themes", "pasient_brukererfaringer", "terms"),
    ("themes", "kompetanseoverforing", "terms"),
    ("themes", "kompetanseoverforing", "mutual"),
    ("themes", "kompetanseoverforing", "hf_to_kommune"),
    ("checklist", "title_terms"),
}


def _validate(data: object, source: str) -> Dictionary:
    if not isinstance(data, dict) or "version" not in data:
        raise ValueError(f"{source}: a theme dictionary is a YAML mapping with a 'version'")
    for path in sorted(_REQUIRED):
        node = data
        for key in path:
            if not isinstance(node, dict) or key not in node:
                raise ValueError(f"{source}: missing '{'.'.join(path)}'")
            node = node[key]
    d = Dictionary(data=data, version=str(data["version"]), source=source)
    # compile everything once so that a bad entry fails here, naming itself
    for theme, spec in data["themes"].items():
        for key, entries in spec.items():
            if isinstance(entries, list):
                for e in entries:
                    try:
                        phrase(str(e))
                    except ValueError as exc:
                        raise ValueError(f"{source}: themes.{theme}.{key}: {exc}") from exc
    points = data["checklist"]["title_terms"]
    if not set(map(int, points)) <= set(range(1, 14)):
        raise ValueError(f"{source}: checklist.title_terms keys must be § 6-2 points 1-13")
    return d


@cache
def _default() -> Dictionary:
    ref = resources.files("avtaleanalyse.resources").joinpath("dictionaries", "themes.yaml")
    return _validate(yaml.safe_load(ref.read_text(encoding="utf-8")), "themes.yaml (built in)")


def load_dictionary(path: str | os.PathLike[str] | None = None) -> Dictionary:
    """The built-in dictionary, or a user's YAML file (validated; errors name the entry)."""
    if path is None:
        return _default()
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"dictionary {path} not found")
    return _validate(yaml.safe_load(path.read_text(encoding="utf-8")), str(path))
