"""Attribution cues: does a stretch of text name who is speaking?

The word lists come from rule packs (``lexicons`` in ``rules/attribution.yml``)
so a newsroom can tune them without code.  The text model uses this to decide
whether a quotation has a speaker; the attribution check builds on it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

# Capitalised only because they open the sentence.
_OPENING_WORDS = frozenset({"the", "a", "an", "this", "that", "these", "those", "on", "in", "at", "for", "after",
                            "before", "when", "while", "one", "some", "its", "it", "there", "here", "asked"})
WORD_RE = re.compile(r"[^\W_]+(?:[’'\-.][^\W_]+)*")


def words(text: str) -> list[str]:
    return [w.lower() for w in WORD_RE.findall(text)]


def phrase_regex(phrases) -> re.Pattern | None:
    """One case-insensitive, whole-word regex for a list of phrases."""
    alts = sorted({p.strip().lower() for p in phrases if p.strip()}, key=len, reverse=True)
    if not alts:
        return None
    body = "|".join(r"\s+".join(re.escape(w) for w in a.split()) for a in alts)
    return re.compile(r"(?<![\w’'-])(?:" + body + r")(?![\w-])", re.I)


@dataclass
class AttributionCues:
    reporting_verbs: frozenset[str] = field(default_factory=frozenset)
    phrases: re.Pattern | None = None
    speakers: frozenset[str] = field(default_factory=frozenset)  # words that make a clause someone's

    @classmethod
    def from_lexicons(cls, lexicons: dict[str, list[str]]) -> "AttributionCues":
        return cls(
            frozenset(w.lower() for w in lexicons.get("reporting_verbs", [])),
            phrase_regex(lexicons.get("attribution_phrases", [])),
            frozenset(w.lower() for w in lexicons.get("speaker_words", [])),
        )

    def introduces(self, clause: str) -> bool:
        """Whether a clause that ends in a colon before a quotation names who
        speaks: "The minister was blunt: “…”", "Her message was simple:
        “…”", "Smith put it this way: “…”".  It must hold a person: a
        pronoun or speaker noun from ``speaker_words``, or a name (a
        capitalised word other than a sentence-opening article)."""
        for i, w in enumerate(WORD_RE.findall(clause)):
            low = w.lower()
            if low in self.speakers:
                return True
            if w[:1].isupper() and not (i == 0 and low in _OPENING_WORDS):
                return True
        return False

    def find(self, text: str) -> list[tuple[int, int]]:
        """Spans of attribution cues (reporting verbs, 'according to', ...)."""
        spans = [
            (m.start(), m.end())
            for m in WORD_RE.finditer(text)
            if m.group(0).lower() in self.reporting_verbs
        ]
        if self.phrases is not None:
            spans.extend((m.start(), m.end()) for m in self.phrases.finditer(text))
        return sorted(spans)

    def present(self, text: str) -> bool:
        if self.phrases is not None and self.phrases.search(text):
            return True
        return any(m.group(0).lower() in self.reporting_verbs for m in WORD_RE.finditer(text))
