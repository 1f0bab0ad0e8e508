"""Rule-based sentence splitting that ships with the package.

No NLTK/punkt download is possible here, so boundaries come from punctuation,
an abbreviation list, and what follows the candidate boundary.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Abbreviations that (almost) never end a sentence: titles and the like are
# followed by a name, months by a day.
TITLES = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "cpt", "sgt",
    "adm", "cmdr", "gov", "sen", "rep", "rev", "fr", "st", "mt", "ft", "pres", "hon",
    "messrs", "mme", "mlle", "sr", "jr",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "vs", "v", "approx", "est", "dept", "univ", "corp", "inc", "ltd", "co", "bros",
    "e.g", "i.e", "cf", "al", "ca", "op", "ed", "eds",
}
# Abbreviations that often end a sentence too: split only when the next word
# is a usual sentence opener.
AMBIGUOUS = {"etc", "u.s", "u.k", "u.n", "e.u", "a.m", "p.m", "u.s.a", "d.c", "inc", "ltd", "co", "corp", "bros",
             "jr", "sr"}
# Abbreviations that stand before a number ("No. 10", "p. 4", "Art. 5"); before
# anything else the full stop ends a sentence ("She said no. Then …").
BEFORE_NUMBER = {"no", "nos", "vol", "art", "fig", "pp", "p", "ch", "sec", "para", "pt"}
OPENERS = {
    "the", "a", "an", "he", "she", "it", "they", "we", "i", "you", "this", "that", "these",
    "those", "there", "but", "and", "in", "on", "at", "after", "before", "his", "her", "their",
    "its", "our", "when", "while", "however", "meanwhile", "according", "officials", "some",
    "many", "no", "one", "two", "as", "if", "on", "for",
}

CLOSERS = "\"'”’)»]"
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)»\]]*(?=\s)|[.!?…]+[\"'”’)»\]]*$")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


def split(text: str, start: int = 0, end: int | None = None) -> list[Sentence]:
    """Split text[start:end] into sentences (offsets into ``text``)."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    seg_start = start
    for m in _BOUNDARY.finditer(text, start, end):
        stop = m.end()
        if not _is_boundary(text, m, end):
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


def _is_boundary(text: str, m: re.Match, end: int) -> bool:
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
            if word in BEFORE_NUMBER:
                return not first[:1].isdigit()
            # Single initials ("J. Smith") and titles never end a sentence.
            if len(bare) == 1 and word.isalpha() and text[m.start() - 1].isupper():
                return False
            if word in TITLES and word not in AMBIGUOUS:
                # "No. 10" / "Nov. 29" / "Mr. Assad": followed by a number or name.
                return False
            if word in AMBIGUOUS or ("." in word and len(bare) <= 4):
                return first.lower().strip("\"'“‘") in OPENERS
    return True
