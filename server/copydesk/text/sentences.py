"""Rule-based sentence splitting that ships with the package.

No NLTK/punkt download is possible here, so boundaries come from punctuation,
the language's abbreviation lists (``abbreviations``,
``ambiguous_abbreviations``, ``number_abbreviations``, ``sentence_openers``
in ``rules/language/en.yml``), and what follows the candidate boundary.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..lang import SentenceRules, default_language

CLOSERS = "\"'”’)»]"
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)»\]]*(?=\s)|[.!?…]+[\"'”’)»\]]*$")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


def split(text: str, start: int = 0, end: int | None = None, rules: SentenceRules | None = None) -> list[Sentence]:
    """Split text[start:end] into sentences (offsets into ``text``), by the
    language's ``rules`` (default: the bundled English)."""
    end = len(text) if end is None else end
    rules = rules or default_language().sentences
    spans: list[tuple[int, int]] = []
    seg_start = start
    for m in _BOUNDARY.finditer(text, start, end):
        stop = m.end()
        if not _is_boundary(text, m, end, rules):
            continue
        spans.append((seg_start, stop))
        seg_start = stop
    spans.append((seg_start, end))
    sentences = []
    for a, b in spans:
        # Trim surrounding whitespace.
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            sentences.append(Sentence(a, b, text[a:b]))
    return sentences


def _next_word(text: str, pos: int, end: int) -> tuple[str, int]:
    i = pos
    while i < end and text[i].isspace():
        i += 1
    j = i
    while j < end and not text[j].isspace():
        j += 1
    return text[i:j], i


def _is_boundary(text: str, m: re.Match, end: int, rules: SentenceRules) -> bool:
    punct = m.group(0)
    nxt, nxt_pos = _next_word(text, m.end(), end)
    if not nxt:
        return True
    first = nxt.lstrip("\"'“‘(«[—–-")
    first_char = first[:1]
    # A lowercase continuation (“…,” he said / e.g. …) is not a new sentence.
    if first_char and first_char.islower():
        return False
    if not first_char and not nxt[:1] in "\"'“‘(«[":
        return False
    if punct.startswith("."):
        before = text[max(0, m.start() - 12):m.start() + 1]
        w = _WORD_BEFORE.search(before)
        if w and punct.rstrip(CLOSERS) == ".":
            word = w.group(1).lower().rstrip(".")
            bare = word.replace(".", "")
            if word in rules.before_number:
                return not first[:1].isdigit()
            # Single initials ("J. Smith") and titles never end a sentence.
            if len(bare) == 1 and word.isalpha() and text[m.start() - 1].isupper():
                return False
            if word in rules.abbreviations and word not in rules.ambiguous:
                # "No. 10" / "Nov. 29" / "Mr. Assad": followed by a number or name.
                return False
            if word in rules.ambiguous or ("." in word and len(bare) <= 4):
                return first.lower().strip("\"'“‘") in rules.openers
    return True
