"""Words and phrases: the one tokenizer and the one phrase matcher.

Every word list of the language pack and of the rules (triggers, vague
phrases, exceptions, breakers …) is matched here: whole words,
case-insensitive, a phrase's words separated by any space.  A
``PhraseIndex`` holds many lists in one table keyed by first word, so one
pass over a text's words finds the matches of all of them at once (a
dictionary look-up per word, however many phrases there are).
"""
from __future__ import annotations

import re
from typing import Iterable

# A word: letters or digits, with inner apostrophes, hyphens and dots
# ("don’t", "Iranian-backed", "U.S").
WORD_RE = re.compile(r"[^\W_]+(?:[’'\-.][^\W_]+)*")


def words(text: str) -> list[str]:
    """The words of a text, lower-cased."""
    return [w.lower() for w in WORD_RE.findall(text)]


def tokens(text: str) -> tuple[list[tuple[int, int]], list[str]]:
    """Word offsets of a text and the words, lower-cased."""
    offs, low = [], []
    for m in WORD_RE.finditer(text):
        offs.append((m.start(), m.end()))
        low.append(m.group(0).lower())
    return offs, low


class PhraseIndex:
    """Many phrase lists, one table: ``matcher(phrases)`` adds a list and
    returns its ``PhraseMatcher``; ``run`` finds every list's matches in one
    pass.  At each word the longest phrase of each list wins; matches of one
    list may overlap (each word may start one)."""

    def __init__(self):
        self.first: dict[str, list[tuple[list[str], int]]] = {}
        self.count = 0

    def matcher(self, phrases: Iterable[str] | None) -> "PhraseMatcher | None":
        """A matcher for a list of phrases (None for an empty list)."""
        ident = self.count
        added = False
        for p in phrases or ():
            ws = words(str(p))
            if ws:
                self.first.setdefault(ws[0], []).append((ws, ident))
                added = True
        if not added:
            return None
        self.count += 1
        for alts in self.first.values():
            alts.sort(key=lambda a: len(a[0]), reverse=True)  # longest match first
        return PhraseMatcher(self, ident)

    def run(self, offs: list[tuple[int, int]], low: list[str]) -> dict[int, list[tuple[int, int]]]:
        """matcher id -> (start, end) spans, for a text's ``tokens``."""
        out: dict[int, list[tuple[int, int]]] = {}
        first = self.first
        for i, w in enumerate(low):
            alts = first.get(w)
            if not alts:
                continue
            done = set()
            for ws, ident in alts:
                if ident in done:
                    continue
                k = len(ws)
                if k == 1 or low[i:i + k] == ws:
                    out.setdefault(ident, []).append((offs[i][0], offs[i + k - 1][1]))
                    done.add(ident)
        return out


class PhraseMatcher:
    """One list of an index: where its phrases occur in a text."""

    def __init__(self, index: PhraseIndex, ident: int):
        self.index = index
        self.ident = ident

    def spans(self, text: str) -> list[tuple[int, int]]:
        return self.index.run(*tokens(text)).get(self.ident, [])

    def search(self, text: str) -> bool:
        return bool(self.spans(text))

    def starts(self, text: str) -> bool:
        """Whether the text opens with one of the phrases."""
        found = self.spans(text)
        return bool(found) and found[0][0] == 0


def phrase_matcher(phrases: Iterable[str] | None) -> PhraseMatcher | None:
    """A matcher for one list on its own (None for an empty list)."""
    return PhraseIndex().matcher(phrases)


def alternation(phrases: Iterable[str]) -> str:
    """A regex alternation of phrases (escaped, longest first, any space
    between words) for the few places that need a phrase list inside a
    larger pattern."""
    alts = sorted({p.strip().lower() for p in phrases if p.strip()}, key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(w) for w in a.split()) for a in alts)
