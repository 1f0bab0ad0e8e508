"""Term look-up in time linear in the text, whatever the number of terms.

A regex alternation of N terms costs O(N) at every word start: 150,000
terms made one page take minutes.  Here every term (and every hyphen variant
of it) goes into one Aho–Corasick automaton (``pyahocorasick``, C), which
reads the lower-cased text once and reports each place a term's letters
occur; only those few candidates are then confirmed with the term's own small
regex (whitespace, optional hyphen, plural ending), compiled on first use.

The result is exactly what the alternation gave: at each word start, the
first term in the given order whose regex matches there, matched greedily;
scanning resumes after that match, whether the caller keeps it or not.
"""
from __future__ import annotations

import bisect
import itertools
import re
from typing import Iterator, Sequence

import ahocorasick

# Explicit bounds: a pack past them is refused with a message, never slow.
MAX_TERMS = 150_000          # terms (or except phrases) in one rule
MAX_TERM_CHARS = 200         # one term or phrase
MAX_TERM_HYPHENS = 4         # each hyphen is optional or a space: 3**4 = 81 spellings at most

_SPACE_RUN = re.compile(r" {2,}")
_OTHER_WS = re.compile(r"[^\S ]")


def term_problem(term: str) -> str | None:
    """Why a term cannot be indexed, or None."""
    if not any(c.isalnum() for c in term):
        return "has no letter or digit"
    if len(term) > MAX_TERM_CHARS:
        return f"is {len(term):,} characters long; a term or phrase is at most {MAX_TERM_CHARS}"
    if term.count("-") > MAX_TERM_HYPHENS:
        return f"has {term.count('-')} hyphens; at most {MAX_TERM_HYPHENS}"
    return None


def core_regex(term: str) -> str:
    """A term's words, hyphens optional or spaced, with a plural ending."""
    words = [re.escape(w).replace(r"\-", r"[-\s]?") for w in term.strip().split()]
    return r"\s+".join(words) + r"(?:e?s)?"


def _spellings(term: str) -> set[str]:
    """The lower-cased spellings the automaton looks for: words joined by
    one space, each hyphen as '-', ' ' or nothing."""
    words = term.lower().split()
    base = " ".join(words)
    parts = base.split("-")
    if len(parts) == 1:
        return {base}
    out = set()
    for seps in itertools.product(("-", " ", ""), repeat=len(parts) - 1):
        out.add(parts[0] + "".join(s + p for s, p in zip(seps, parts[1:])))
    return out


def _lower_same_length(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    # "İ".lower() is two characters ("i" + a dot): keep the first, so offsets stay.
    return "".join(c.lower()[:1] or c for c in text)


class Normalised:
    """The text lower-cased, every whitespace run one space; ``orig(i)``
    maps an index back."""

    __slots__ = ("text", "_starts", "_shift")

    def __init__(self, text: str):
        low = _lower_same_length(text)
        if _OTHER_WS.search(low):
            low = _OTHER_WS.sub(" ", low)  # one character for one: offsets stay
        self._starts = self._shift = None
        if "  " not in low:
            self.text = low
            return
        starts: list[int] = []   # normalised index just after each collapsed run
        shift: list[int] = []    # characters removed up to there
        pieces, last, removed = [], 0, 0
        for m in _SPACE_RUN.finditer(low):
            pieces.append(low[last:m.start() + 1])
            removed += m.end() - m.start() - 1
            last = m.end()
            starts.append(m.end() - removed)
            shift.append(removed)
        pieces.append(low[last:])
        self.text = "".join(pieces)
        self._starts, self._shift = starts, shift

    def orig(self, i: int) -> int:
        if self._starts is None:
            return i
        k = bisect.bisect_right(self._starts, i)
        return i + (self._shift[k - 1] if k else 0)


class PhraseIndex:
    """Every occurrence (overlaps included) of fixed phrases, each word
    separated by any whitespace, case-insensitive."""

    def __init__(self, phrases: Sequence[str]):
        self._a = ahocorasick.Automaton()
        for p in phrases:
            key = " ".join(p.lower().split())
            if key:
                self._a.add_word(key, len(key))
        self._empty = len(self._a) == 0
        if not self._empty:
            self._a.make_automaton()

    def spans(self, text: str, norm: Normalised | None = None) -> list[tuple[int, int]]:
        if self._empty:
            return []
        norm = norm or Normalised(text)
        out = []
        for end, length in self._a.iter(norm.text):
            out.append((norm.orig(end + 1 - length), norm.orig(end) + 1))
        return out


class TermIndex:
    """Terms in priority order (earlier wins at the same position)."""

    def __init__(self, terms: Sequence[str]):
        self._terms = list(terms)
        self._regex: dict[int, re.Pattern] = {}
        self._a = ahocorasick.Automaton()
        by_key: dict[str, list[int]] = {}
        for rank, term in enumerate(self._terms):
            for key in _spellings(term):
                if key.strip():
                        by_key.setdefault(key, []).append(rank)
        for key, ranks in by_key.items():
            self._a.add_word(key, (len(key), tuple(ranks)))
        self._empty = not by_key
        if not self._empty:
            self._a.make_automaton()

    def __len__(self) -> int:
        return len(self._terms)

    def _rx(self, rank: int) -> re.Pattern:
        rx = self._regex.get(rank)
        if rx is None:
            rx = self._regex[rank] = re.compile(core_regex(self._terms[rank]), re.I)
        return rx

    def finditer(self, text: str, norm: Normalised | None = None) -> Iterator[tuple[int, int, int]]:
        """(rank, start, end) like ``re.finditer`` over the alternation of
        the terms' regexes in rank order, each match at a word start."""
        if self._empty:
            return
        norm = norm or Normalised(text)
        # Candidate ranks per original start position.
        cands: dict[int, list[int]] = {}
        for end, (length, ranks) in self._a.iter(norm.text):
            start = norm.orig(end + 1 - length)
            if start and (text[start - 1].isalnum()):
                continue  # not a word start (the alternation's look-behind)
            cands.setdefault(start, []).extend(ranks)
        resume = 0
        for start in sorted(cands):
            if start < resume:
                continue
            for rank in sorted(set(cands[start])):
                m = self._rx(rank).match(text, start)
                if m:
                    resume = m.end()
                    yield rank, start, m.end()
                    break

