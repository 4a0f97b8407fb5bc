"""Split an agreement's cleaned text into numbered sections.

Candidate headings are numbers in one of the usual styles — "1. Formål", "1.0 Parter",
"1. Parter.", "3.2 Innlegging", "§ 4 Varigheit", "Kap. 5 Samarbeid" — at a line start or
inside running text (docplayer puts a whole page on one line). A heading is accepted only as
part of a *numbering chain*: 1, 2, 3 … with sub-numbers 2.1, 2.2 … in order. The chain that
carries the most text wins, so a table of contents flattened into running text ("1 1. Parter
2 2. Bakgrunn 2 3. Formål …", headings with almost nothing between them) loses against the
real headings further down, and ends up in the preamble instead of becoming dozens of
sections. References such as "pkt. 5." or "§ 6-2" do not fit a chain and are ignored.
Lettered lists a), b), c) … inside a section become its sub-sections.

>>> [s["number"] for s in split_sections("Innleiing.\\n1. Partar\\nA og B.\\n2. Formål\\nSamarbeid.")]
[None, '1', '2']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["split_sections"]

_CONNECTORS = {"og", "i", "for", "av", "om", "med", "til", "ved", "på", "-", "–", "/", "&", "eller"}
_REFERENCE_BEFORE_RE = re.compile(
    r"(?:\bnr|\bpkt|\bpunkt|\bkap|\bkapittel|\bledd|\bjf|\bparagraf|\bart|§|\bavsnitt|"
    r"\bavtale|\bavtalen|\btjenesteavtale|\btenesteavtale|\bdelavtale|\bside|\bs)\.?\s*$",
    re.I,
)
_DECIMAL_RE = re.compile(r"(?<![\w.,§/-])(\d{1,2}(?:\.\d{1,2}){0,3})(\.?)[ \t]+(?=[A-ZÆØÅ«\"])")
_PARAGRAPH_RE = re.compile(r"(?<![\w])§\s*(\d{1,2})(?![\d-])\.?[ \t]+(?=[A-ZÆØÅ])")
_CHAPTER_RE = re.compile(r"(?<![\w])(?:Kap(?:ittel)?\.?)\s*(\d{1,2})(?!\d)[.:]?[ \t]+(?=[A-ZÆØÅ])")
_LETTER_RE = re.compile(r"(?:(?<=\s)|^)([a-h])\)[ \t]+", re.M)


_LOOKAHEAD = 300  # candidates scanned for the next heading of a chain
_MAX_STARTS = 60  # chains tried (each from a "1"), bounds the work on odd documents


@dataclass
class _Candidate:
    start: int  # where the number begins
    end: int  # where the heading text begins
    number: str
    key: tuple[int, ...]
    style: str
    line_start: bool = False
    heading_like: bool = False  # alone on a short line, as headings in line-based text are


def _key(number: str) -> tuple[int, ...]:
    parts = tuple(int(p) for p in number.split("."))
    if len(parts) == 2 and parts[1] == 0:  # "1.0 Parter" is chapter 1
        return parts[:1]
    return parts


def _candidates(text: str) -> list[_Candidate]:
    out = []
    for m in _DECIMAL_RE.finditer(text):
        number = m.group(1)
        line_start = text.rfind("\n", 0, m.start()) + 1
        before = text[line_start : m.start()]
        at_line_start = not before.strip() or re.fullmatch(r"\s*\d{1,3}\s*", before)
        if at_line_start and "." not in number and not m.group(2):
            # "2 Avtale om ..." on a long line is a docplayer page number, not a heading
            line_end = text.find("\n", m.end())
            rest = text[m.end() : len(text) if line_end == -1 else line_end]
            if len(rest.split()) > 12:
                continue
        if not at_line_start:
            if _REFERENCE_BEFORE_RE.search(text[max(0, m.start() - 15) : m.start()]):
                continue
            if "." not in number and not m.group(2):  # "3 Formål" inline: too ambiguous
                continue
        line_end = text.find("\n", m.end())
        rest = text[m.end() : len(text) if line_end == -1 else line_end]
        short = bool(at_line_start) and len(rest.split()) <= 12
        out.append(
            _Candidate(
                m.start(), m.end(), number, _key(number), "decimal", bool(at_line_start), short
            )
        )
    for regex, style in ((_PARAGRAPH_RE, "paragraph"), (_CHAPTER_RE, "chapter")):
        for m in regex.finditer(text):
            line_start = not text[text.rfind("\n", 0, m.start()) + 1 : m.start()].strip()
            out.append(
                _Candidate(m.start(), m.end(), m.group(1), (int(m.group(1)),), style, line_start)
            )
    return sorted(out, key=lambda c: c.start)


def _is_successor(prev: tuple[int, ...], cand: tuple[int, ...], *, gap: int) -> bool:
    if cand == prev + (1,):
        return True
    for k in range(1, len(prev) + 1):
        step = gap if k == len(prev) and len(prev) == 1 else 1
        head = prev[: len(prev) - k]
        if len(cand) == len(head) + 1 and cand[:-1] == head:
            if prev[len(prev) - k] < cand[-1] <= prev[len(prev) - k] + step:
                return True
    return False


def _chain(cands: list[_Candidate], first: int) -> list[_Candidate]:
    chain = [cands[first]]
    i = first + 1
    while i < len(cands):
        prev = chain[-1]
        nxt = None
        for gap in (1, 2):
            for j in range(i, min(len(cands), i + _LOOKAHEAD)):
                c = cands[j]
                if (
                    c.style == prev.style
                    and c.start >= prev.end
                    and _is_successor(prev.key, c.key, gap=gap)
                ):
                    nxt = j
                    break
            if nxt is not None:
                break
        if nxt is None:
            break
        if not cands[nxt].heading_like:
            # a numbered sentence ("4. Kommunen skal ...") in a list; prefer a real heading
            # with the same number further on, if the text has such headings
            for k in range(nxt + 1, min(len(cands), nxt + _LOOKAHEAD)):
                c = cands[k]
                if c.key[0] > cands[nxt].key[0] + 1:
                    break
                if c.key == cands[nxt].key and c.heading_like and c.style == prev.style:
                    nxt = k
                    break
        chain.append(cands[nxt])
        i = nxt + 1
    return chain


def _score(chain: list[_Candidate], text: str) -> int:
    score = 0
    for a, b in zip(chain, [*chain[1:], None], strict=False):
        body = text[a.end : b.start if b else len(text)]
        words = len(re.findall(r"[^\W\d_]{2,}", body))
        score += min(words, 60) if words >= 4 else 0
        score += 1 if a.line_start and words >= 1 else 0
    return score


def _best_chain(text: str) -> list[_Candidate]:
    cands = _candidates(text)
    best: list[_Candidate] = []
    best_score = 0
    starts = [i for i, c in enumerate(cands) if c.key in ((1,), (0,))]
    if not starts:
        starts = [i for i, c in enumerate(cands) if len(c.key) == 1]
    for i in starts[:_MAX_STARTS]:
        chain = _chain(cands, i)
        if len(chain) < 2 and not chain[0].line_start:
            continue
        score = _score(chain, text)
        if score > best_score:
            best, best_score = chain, score
    return best


def _heading(text: str, start: int, stop: int, *, inline_heading: bool = True) -> tuple[str, int]:
    """Heading beginning at ``start`` and the position where the section's text begins."""
    line_end = text.find("\n", start, stop)
    line_end = stop if line_end == -1 else line_end
    line = text[start:line_end].strip()
    if line and len(line.split()) <= 12 and line_end < stop:
        return line.rstrip(" .:"), line_end
    if not inline_heading:
        return "", start
    words = list(re.finditer(r"\S+", text[start:stop]))
    taken = []
    for w in words[:10]:
        word = w.group(0)
        if taken:
            prev = taken[-1].group(0)
            if prev.endswith((".", ":", "!", "?")) or len(taken) >= 8:
                break
            lower = word[:1].islower() or word in _CONNECTORS
            if not (lower or prev in ("-", "–", "/", "og")):
                break
        taken.append(w)
    if not taken:
        return "", start
    heading = text[start : start + taken[-1].end()].rstrip(" .:")
    return heading, start + taken[-1].end()


def _letter_split(text: str) -> list[tuple[str | None, str]]:
    """Split a body at a run of lettered items a) b) …; returns (letter or None, text)."""
    hits = list(_LETTER_RE.finditer(text))
    run: list[re.Match[str]] = []
    for m in hits:
        expected = chr(ord("a") + len(run))
        if m.group(1) == expected:
            run.append(m)
        elif m.group(1) == "a":
            if len(run) >= 2:
                break
            run = [m]
    if len(run) < 2:
        return [(None, text)]
    parts: list[tuple[str | None, str]] = [(None, text[: run[0].start()])]
    for m, nxt in zip(run, [*run[1:], None], strict=False):
        parts.append((m.group(1), text[m.end() : nxt.start() if nxt else len(text)]))
    return parts


def _clean(s: str) -> str:
    return re.sub(r"[ \t]+", " ", s).strip()


def split_sections(text: str) -> list[dict]:
    """Split ``text`` into sections in reading order.

    Parameters
    ----------
    text : str
        Cleaned document text.

    Returns
    -------
    list of dict
        One dict per section with keys ``number`` (str such as "3.1", "§ 4" is given as
        "4", a lettered item as "a"; None for the preamble before the first heading),
        ``heading`` (str, may be empty), ``level`` (int: 0 preamble, 1 for "3", 2 for "3.1",
        parent level + 1 for lettered items) and ``text`` (the section's body).
        Empty text gives an empty list.
    """
    if not text or not text.strip():
        return []
    chain = _best_chain(text)
    sections: list[dict] = []
    first = chain[0].start if chain else len(text)
    preamble = text[:first]
    if preamble.strip():
        for letter, body in _letter_split(preamble):
            if letter is None and not body.strip():
                continue
            sections.append(
                {
                    "number": letter,
                    "heading": "",
                    "level": 0 if letter is None else 1,
                    "text": _clean(body),
                }
            )
    for cand, nxt in zip(chain, [*chain[1:], None], strict=False):
        stop = nxt.start if nxt else len(text)
        heading, body_start = _heading(text, cand.end, stop, inline_heading=len(cand.key) == 1)
        level = len(cand.key)
        parts = _letter_split(text[body_start:stop])
        sections.append(
            {"number": cand.number, "heading": heading, "level": level, "text": _clean(parts[0][1])}
        )
        for letter, body in parts[1:]:
            sections.append(
                {"number": letter, "heading": "", "level": level + 1, "text": _clean(body)}
            )
    return sections
